#pragma once

#include "ui/tablepage.h"

class QComboBox;

namespace paydesk::models {
class PaymentsTableModel;
}

namespace paydesk::ui {

/*
 * The Payments page: search as you type (id, email, name, description, last 4), date range,
 * status, currency, card brand, country and Radar risk filters, and the cache's charges read
 * page by page from SQLite as the user scrolls.
 */
class PaymentsPage final : public TablePage
{
    Q_OBJECT
public:
    explicit PaymentsPage(QWidget *parent = nullptr);

    models::PaymentsTableModel *paymentsModel() const { return m_payments; }

protected:
    void applyFilter() override;
    QList<Chip> chips() override;
    QString countText(qint64 total, bool exact) const override;
    QString emptyText(bool noCache, bool filtered) const override;
    void cacheChanged(const QString &path) override;

private:
    models::PaymentsTableModel *m_payments;
    QComboBox *m_status;
    QComboBox *m_currency;
    QComboBox *m_brand;
    QComboBox *m_country;
    QComboBox *m_risk;
};

} // namespace paydesk::ui
