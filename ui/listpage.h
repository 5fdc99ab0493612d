#pragma once

#include "models/views/listtablemodel.h"
#include "ui/tablepage.h"

class QComboBox;

namespace paydesk::ui {

/*
 * The Customers, Subscriptions, Disputes, Invoices and Refunds pages: the table of one kind
 * with its filters — status (subscriptions, disputes, invoices, refunds), plan
 * (subscriptions), country (customers), evidence due (disputes) — plus search and dates.
 */
class ListPage final : public TablePage
{
    Q_OBJECT
public:
    explicit ListPage(models::ListTableModel::Kind kind, QWidget *parent = nullptr);

    models::ListTableModel *listModel() const { return m_list; }
    static QString title(models::ListTableModel::Kind kind);
    static QString key(models::ListTableModel::Kind kind);

protected:
    void applyFilter() override;
    QList<Chip> chips() override;
    QString countText(qint64 total, bool exact) const override;
    QString emptyText(bool noCache, bool filtered) const override;
    void cacheChanged(const QString &path) override;

private:
    models::ListTableModel *m_list;
    models::ListTableModel::Kind m_kind;
    QComboBox *m_status = nullptr;
    QComboBox *m_plan = nullptr;
    QComboBox *m_country = nullptr;
    QComboBox *m_due = nullptr;
};

} // namespace paydesk::ui
