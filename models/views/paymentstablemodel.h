#pragma once

#include "models/views/cachetablemodel.h"

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
    QString country; // The card's issuing country (ISO code); empty: any.
    QString riskLevel; // Radar: normal, elevated, highest.
    QString customer; // Customer id.
    bool operator==(const PaymentFilter &) const = default;
};

/*
 * The charges of a cache as the Payments table (amount, status, description, customer,
 * payment method, date). Statuses read as a merchant does: refunds and disputes override
 * "succeeded". Money sorts by its settled value unless one currency is shown (RawRole keeps
 * the minor units).
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
    // A search is answered one of two ways with the same result: a `dense` one (a short
    // prefix matching a large share of the payments) walks the sort order testing each row
    // against the matches, so the first page stops after a few hundred rows; a sparse one
    // reads its few matching rows and sorts them.
    static QString whereClause(const PaymentFilter &filter, QStringList *parameters,
                               bool denseSearch = false);
    bool isSearchDense() const { return m_denseSearch; }
    // How many index matches make a search dense (tests lower it).
    void setDenseSearchThreshold(qint64 matches)
    {
        m_denseThreshold = std::max<qint64>(1, matches);
    }
    // A search counts up to this many matches ("More than 1,000 payments").
    static constexpr qint64 kSearchCountLimit = 1000;

protected:
    QString filterSql(QStringList *parameters) const override;
    qint64 effectiveCountLimit() const override;
    bool countShortcut(qint64 limit, qint64 *count) const override;
    // Amounts of one currency sort by that amount; a list mixing currencies sorts by what each
    // payment settled as in the account's currency (¥34,190 is $228.55, below $340.00).
    QString sortExpression(int column) const override;

private:
    PaymentFilter m_filter;
    bool m_denseSearch = false;
    qint64 m_denseThreshold = 4000;
    bool m_countKnown = false; // More than the count limit match (see setFilter).
};

} // namespace paydesk::models
