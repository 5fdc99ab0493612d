#pragma once

#include "models/store/sqlitedb.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace paydesk::models::analytics {
struct MrrMonth;
}

namespace paydesk::models::rollups {

/*
 * The MRR rollups' state and the definitions both their fold and the reference computations
 * share: each counted subscription's value, how a customer's month is classified, the month
 * numbering and the series text the fold keeps, and whether the kept values are current.
 */

// One counted subscription's MRR: `base` without a discount that lasts, `discounted` with the
// repeating one while it is in force (until `until`, or for good when that is unknown); a
// forever discount is in `base` already.
struct SubscriptionValue
{
    QString id, customer, currency;
    qint64 base = 0;
    std::optional<qint64> discounted;
    std::optional<qint64> until;

    qint64 valueAt(qint64 at) const
    {
        return discounted && (!until || *until > at) ? *discounted : base;
    }
};

// The subscriptions that count for MRR (active or past_due, not paused) and their values, from
// the subscriptions and their items; `where` narrows them (" AND s.currency = ?1").
QList<SubscriptionValue> subscriptionValues(sql::Database &db, const QString &where,
                                            const QString &currency = {});

// A counted subscription's MRR at ?1, from sub_mrr: its discount while in force.
extern const char *const kSubMrrAt;

// Whether the cache has the MRR rollups (schema 7), and whether a dirty table is empty (the
// fold is current for what it notes).
bool hasMrrRollups(sql::Database &db);
bool isClean(sql::Database &db, const char *dirtyTable);

// One month's movements for one customer going from `prev` to `cur`, as ChartMogul classifies
// them; `paidBefore` tells new from reactivated. `sign` −1 takes them back out (the fold).
void classify(analytics::MrrMonth &r, qint64 prev, qint64 cur, bool paidBefore, qint64 sign = 1);

// UTC calendar months as one number: year × 12 + month − 1.
int monthIndex(qint64 t);
QDate monthStart(int index);
// The last second of a month: the instant the history reads each customer's MRR at.
qint64 monthEndInstant(int index);
// The `index`th value of a series' text, without parsing the others (0 past its end).
qint64 seriesValue(const QString &text, int index);

bool hasCustomerNow(sql::Database &db);
// When customer_now was computed (sync_state "mrr_now_at"), -1 when never.
qint64 customerNowAt(sql::Database &db);
// Whether a repeating discount ends between two instants: a subscription's value differs.
bool discountEndsBetween(sql::Database &db, qint64 a, qint64 b);
// Whether customer_now answers for the month `month` read at `at` (the fold's values hold).
bool currentIsFolded(sql::Database &db, int month, qint64 at);

} // namespace paydesk::models::rollups
