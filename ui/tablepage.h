#pragma once

#include "models/views/cachetablemodel.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QDateEdit;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;

namespace paydesk::models {
class CacheReader;
}

namespace paydesk::ui {

class DetailPanel;

/*
 * What every table page of the window shares: a title, a filter bar (search as you type and
 * a date range, plus the page's own filters), the active filters as removable chips, the
 * number of matching rows, the table read page by page from the cache, a detail panel for the
 * selected row, and the table's commands — copy (Ctrl+C), Copy ID, Open in Stripe Dashboard,
 * export of the filtered view to CSV or JSON, and the choice, order and widths of columns,
 * which persist in QSettings.
 */
class TablePage : public QWidget
{
    Q_OBJECT
public:
    // Reads through the window's connection from now on: everything again when it opens
    // another cache, the rows (and the object shown) again when a commit changed one of the
    // tables they are read from, nothing otherwise.
    void setReader(models::CacheReader *reader);
    models::CacheReader *reader() const { return m_reader; }
    // Reads this cache anew (through the reader, the page's own if none was set); an empty
    // path shows the "no data yet" state.
    void setCache(const QString &path);
    void setTestMode(bool testMode);
    models::CacheTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }
    DetailPanel *detailPanel() const { return m_detail; }
    // The labels of the active filter chips, in order.
    QStringList chipTexts() const;
    // Removes the chip at `index`, as its ✕ does.
    void removeChip(int index);
    // Writes the current filtered view (every row, not only the loaded ones) to a file.
    qint64 exportView(const QString &file, models::CacheTableModel::Format format,
                      QString *error = nullptr);
    // Selected rows as tab-separated text with a header, as Ctrl+C copies them.
    QString selectionText() const;
    // Shows an object of this page's table in the detail panel (filtering to it if needed).
    void showObject(const QString &id);
    QString settingsKey() const { return m_key; }
    // Shows only the rows of one customer (a chip removes it).
    void filterByCustomer(const QString &customerId, const QString &label);
    QString customerFilter() const { return m_customer; }
    bool eventFilter(QObject *watched, QEvent *event) override;
    // Reads the rows and the object in the detail panel again (after a staff action).
    void refresh();
    // Staff actions are off for this reason ("" when possible): the page's action buttons
    // and those of the detail panel follow.
    // Why each action is off ("refund" → reason); an action not listed is possible.
    void setActionReasons(const QHash<QString, QString> &reasons);
    // The permission the key lacks to list this page's table (the sync skipped it), or empty:
    // the empty page says so.
    void setDeniedPermission(const QString &permission);

Q_SIGNALS:
    // The rows were read again (refresh()).
    void refreshed();
    void openObject(const QString &table, const QString &id);
    void showCustomerRows(const QString &table, const QString &customerId, const QString &label);
    void actionRequested(const QString &action, const QString &id);

protected:
    struct Chip
    {
        QString text;
        std::function<void()> clear;
    };

    // `key` names the page's widgets ("payments" → "paymentsTable") and its settings;
    // `nouns` the rows ("%n payment(s)" style: one and many).
    TablePage(const QString &key, const QString &title, models::CacheTableModel *model,
              QWidget *parent);
    // Puts the page's own filters into the bar; call once from the subclass constructor,
    // connecting their changes to filtersChanged().
    void addFilterWidget(QWidget *widget);
    // The range chosen in the date filter (Unix times; 0: open).
    void createdRange(qint64 *from, qint64 *to) const;
    // Resets the date filter to "All time".
    void clearRange();
    QString rangeText() const;
    // Sets the model's filter from the widgets (the subclass's part).
    virtual void applyFilter() = 0;
    virtual QList<Chip> chips() = 0;
    virtual QString countText(qint64 total, bool exact) const = 0;
    virtual QString emptyText(bool noCache, bool filtered) const = 0;
    virtual void cacheChanged(const QString &path);
    // The chips of the date range, of these filter menus (when not on their first entry) and
    // of the customer filter.
    QList<Chip> standardChips(const QList<QComboBox *> &boxes);
    void filtersChanged();
    void restoreColumns();
    // A page-level staff action ("New customer…") in the filter bar; emits actionRequested.
    QPushButton *addActionButton(const QString &text, const QString &action);

private:
    void readerReopened();
    void tablesChanged(const QStringList &tables);
    void updateCount();
    void updateChips();
    void showContextMenu(const QPoint &pos);
    void showHeaderMenu(const QPoint &pos);
    void saveColumns();
    void exportWithDialog(models::CacheTableModel::Format format);
    void showSelected();
    void openDetail();

    QString m_key;
    models::CacheTableModel *m_model;
    models::CacheReader *m_reader = nullptr;
    QString m_cachePath;
    QString m_denied; // The permission the key lacks to list this table, if it does.
    bool m_testMode = true;
    QLineEdit *m_search;
    QComboBox *m_range;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QHBoxLayout *m_filters;
    QWidget *m_chipBar;
    QHBoxLayout *m_chipLayout;
    QList<Chip> m_chips;
    QLabel *m_count;
    QSplitter *m_splitter;
    QStackedWidget *m_body;
    QTableView *m_table;
    QLabel *m_empty;
    DetailPanel *m_detail;
    QTimer *m_searchDelay;
    QTimer *m_saveColumns;
    bool m_restoring = false;
    QString m_customer;
    QString m_customerLabel;
    QList<QPushButton *> m_actionButtons;
};

} // namespace paydesk::ui
