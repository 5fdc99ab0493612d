#pragma once

#include "models/cachetablemodel.h"

namespace paydesk::models {

// What the Payments table shows; empty fields do not filter.
struct PaymentFilter
{
    enum class Status { Any, Succeeded, Refunded, Disputed, Failed, Pending };
    Status status = Status::Any;
    QString currency; // ISO code, any case.
    qint64 createdFrom = 0; // Unix time, inclusive; 0: open.
    qint64 createdTo = 0; // Exclusive; 0: open.
    qint64 amountMin = -1; // Minor units; -1: open.
    qint64 amountMax = -1;
    QString search; // Words matched as prefixes in id, description, email, name, last4.
    QString cardBrand; // "visa", "mastercard", … ; empty: any.
    QString country; // Card's ISO country; empty: any.
    QString riskLevel; // Radar: normal, elevated, highest.
    QString customer; // Customer id.
    bool operator==(const PaymentFilter &) const = default;
};

/*
 * The charges of a cache as the Payments table (amount, status, description, customer,
 * payment method, date). Statuses read as a merchant does: refunds and disputes override
 * "succeeded". Money sorts by minor units (RawRole).
 */
class PaymentsTableModel final : public CacheTableModel
{
    Q_OBJECT
public:
    enum Column { Amount, Status, Description, Customer, PaymentMethod, Created, ColumnCount };
    Q_ENUM(Column)

    explicit PaymentsTableModel(QObject *parent = nullptr);

    void setFilter(const PaymentFilter &filter);
    const PaymentFilter &filter() const { return m_filter; }

    static QString statusLabel(const QString &status);
    QString statusText(const QString &status) const override { return statusLabel(status); }
    // The SQL condition and its parameters for a filter, over alias `t` (shared with tests).
    static QString whereClause(const PaymentFilter &filter, QStringList *parameters);

protected:
    QString filterSql(QStringList *parameters) const override;

private:
    PaymentFilter m_filter;
};

} // namespace paydesk::models
