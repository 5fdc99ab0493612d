#pragma once

#include "models/views/cachetablemodel.h"

#include <QDate>
#include <QDateTime>

namespace paydesk::models {

// The filters of the customers, subscriptions, disputes, invoices and refunds tables; empty
// fields do not filter, and a table ignores the fields it has no column for.
struct ListFilter
{
    QString search; // Customers: name, email, phone, description (FTS5); others: id prefix,
                    // and the customer's email or name where the table has a customer.
    QString status; // Stripe's status value ("past_due", "needs_response", …).
    qint64 createdFrom = 0; // Unix time, inclusive; 0: open.
    qint64 createdTo = 0; // Exclusive; 0: open.
    QString customer; // Customer id.
    QString plan; // Subscriptions: a price or product id.
    QString country; // Customers: address country.
    qint64 dueBefore = 0; // Disputes: evidence due before (Unix time); 0: open.
    bool operator==(const ListFilter &) const = default;
};

/*
 * Customers, subscriptions, disputes, invoices or refunds of the cache as a table, with the
 * columns and filters of Stripe's Dashboard list for each.
 */
class ListTableModel final : public CacheTableModel
{
    Q_OBJECT
public:
    enum class Kind {
        Customers,
        Subscriptions,
        Disputes,
        Invoices,
        Refunds,
        Prices,
        Coupons,
        Payouts
    };
    Q_ENUM(Kind)

    explicit ListTableModel(Kind kind, QObject *parent = nullptr);
    Kind kind() const { return m_kind; }

    void setFilter(const ListFilter &filter);
    const ListFilter &filter() const { return m_filter; }

    // The status values of this kind, in the order a filter menu lists them.
    static QStringList statuses(Kind kind);
    static QString statusLabel(const QString &status);
    // A status with its qualifier as a list shows it: "active;paused" → "Paused",
    // "active;cancels;<unix time>" → "Cancels 28 Dec" (with the year when not `today`'s).
    static QString qualifiedStatusLabel(const QString &value, const QDate &today);
    // SQL of a subscription's plan as a list names it: its first item's product (in Stripe's
    // order), then "+N" for the N other items ("Office Pack +12"). `subscription` is the SQL
    // of the subscription's id.
    static QString planSql(const QString &subscription);
    QString statusText(const QString &status) const override { return statusLabel(status); }
    // A dispute that still needs a response shows its time left ("2 days left · Nov 25",
    // "Overdue · Nov 20"), urgent within 72 hours; a payout's arrival is a day (UTC, as Stripe).
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // "2 days left · Nov 25", "Due today · Nov 23", "Overdue · Nov 20".
    static QString timeLeftText(qint64 due, qint64 now);
    // The "now" time left is counted from (tests; invalid: the clock).
    void setNow(const QDateTime &now) { m_clock = now; }
    static QString whereClause(Kind kind, const ListFilter &filter, QStringList *parameters);
    // SQL of a row's status as the Status column and filter read it: Stripe's `status`, or for
    // the catalogue "active"/"archived" (prices) and "valid"/"expired" (coupons).
    static QString statusSql(Kind kind);
    // Disputes still waiting for the merchant's response (evidence not submitted, not closed).
    static qint64 disputesNeedingResponse(sql::Database &db);
    // The cache table of a kind ("customers", …) and its name in `paydesk export`.
    static QString tableName(Kind kind);

protected:
    QString filterSql(QStringList *parameters) const override;
    QVariant displayValue(int column, const QVariant &value) const override;

private:
    Kind m_kind;
    ListFilter m_filter;
    QDateTime m_clock;
};

} // namespace paydesk::models
