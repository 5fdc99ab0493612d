#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QTimer;

namespace paydesk::models {
class PaymentsTableModel;
}

namespace paydesk::ui {

/*
 * The Payments page: a filter bar (search as you type, status, currency, date range), the
 * number of matching payments, and the table of the cache's charges, read page by page from
 * SQLite as the user scrolls. Shows why it is empty when it is (no cache yet, nothing matches).
 */
class PaymentsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit PaymentsPage(QWidget *parent = nullptr);

    // Reads this cache (again, after a sync); an empty path shows the "no data yet" state.
    void setCache(const QString &path);
    models::PaymentsTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }

private:
    void applyFilter();
    void updateCount();
    void fillCurrencies(const QString &path);

    models::PaymentsTableModel *m_model;
    QLineEdit *m_search;
    QComboBox *m_status;
    QComboBox *m_currency;
    QComboBox *m_range;
    QLabel *m_count;
    QStackedWidget *m_body;
    QTableView *m_table;
    QLabel *m_empty;
    QTimer *m_searchDelay;
    QString m_cachePath;
};

} // namespace paydesk::ui
