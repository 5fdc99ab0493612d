#include "models/rollups/mrrstate.h"

#include "models/analytics/analytics.h"
#include "models/rollups/normalise.h"

#include <QDate>
#include <QMap>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace paydesk::models::rollups {

// The subscriptions that count for MRR (active or past_due, not paused) and their values, from
// the subscriptions and their items; `where` narrows them (" AND s.currency = ?1").
QList<SubscriptionValue> subscriptionValues(sql::Database &db, const QString &where,
                                            const QString &currency)
{
    // Items of the subscriptions that count, with the subscription's coupon as cached.
    sql::Statement s = db.prepare(
        u"SELECT s.id, coalesce(s.customer, ''), s.currency, i.unit_amount, "
        "coalesce(i.quantity, 1), i.recurring_interval, i.recurring_interval_count, "
        "coalesce(i.usage_type, 'licensed'), "
        // The coupon from the coupons table; from the subscription's JSON only when it has a
        // discount whose coupon is not cached (undiscounted rows are never parsed).
        "CASE WHEN s.discount_coupon IS NULL THEN NULL ELSE coalesce(c.percent_off, "
        "json_extract(s.raw, '$.discount.coupon.percent_off')) END, "
        "CASE WHEN s.discount_coupon IS NULL THEN NULL ELSE coalesce(c.amount_off, "
        "json_extract(s.raw, '$.discount.coupon.amount_off')) END, "
        "CASE WHEN s.discount_coupon IS NULL THEN NULL ELSE coalesce(c.duration, "
        "json_extract(s.raw, '$.discount.coupon.duration')) END, s.discount_end "
        "FROM subscriptions s JOIN subscription_items i ON i.subscription = s.id "
        "LEFT JOIN coupons c ON c.id = s.discount_coupon AND c.deleted = 0 "
        "WHERE s.deleted = 0 AND s.status IN ('active', 'past_due') AND "
        "s.pause_behavior IS NULL%1 ORDER BY s.id"_s.arg(where));
    if (!currency.isEmpty())
        s.bind(1, currency.toLower());
    struct Sub
    {
        QString customer, currency, interval, duration;
        qint64 count = 1;
        qint64 items = 0;
        double percentOff = 0;
        qint64 amountOff = 0;
        std::optional<qint64> end;
    };
    QMap<QString, Sub> subs;
    while (s.step()) {
        Sub &sub = subs[s.text(0)];
        sub.customer = s.text(1);
        sub.currency = s.text(2);
        // Every item of a subscription bills on the same interval; the first one's is kept.
        if (sub.interval.isEmpty()) {
            sub.interval = s.text(5);
            sub.count = s.isNull(6) ? 1 : s.int64(6);
        }
        if (s.text(7) != QLatin1String("metered"))
            sub.items
                += monthlyAmount(s.int64(3), s.int64(4), s.text(5), s.isNull(6) ? 1 : s.int64(6));
        sub.duration = s.text(10);
        sub.percentOff = s.isNull(8) ? 0 : s.real(8);
        sub.amountOff = s.isNull(9) ? 0 : s.int64(9);
        sub.end = s.isNull(11) ? std::nullopt : std::optional<qint64>(s.int64(11));
    }
    QList<SubscriptionValue> values;
    values.reserve(subs.size());
    for (auto it = subs.cbegin(); it != subs.cend(); ++it) {
        const Sub &sub = it.value();
        qint64 discounted = sub.items;
        if (sub.percentOff > 0) {
            const qint64 hundredths = qint64(std::llround(sub.percentOff * 100.0));
            discounted -= divideHalfUp(discounted * hundredths, 10000);
        }
        if (sub.amountOff > 0)
            discounted -= monthlyAmount(sub.amountOff, 1, sub.interval, sub.count);
        discounted = std::max<qint64>(0, discounted);
        SubscriptionValue v {
            it.key(), sub.customer, sub.currency, std::max<qint64>(0, sub.items), {}, {}};
        // Discounts that last: forever, or repeating while in force; "once" does not recur.
        if (sub.duration == QLatin1String("forever")) {
            v.base = discounted;
        } else if (sub.duration == QLatin1String("repeating")) {
            v.discounted = discounted;
            v.until = sub.end;
        }
        values.append(v);
    }
    return values;
}

// A counted subscription's MRR at ?1, from sub_mrr: its discount while in force.
const char *const kSubMrrAt
    = "CASE WHEN discounted IS NOT NULL AND (until IS NULL OR until > ?1) THEN discounted ELSE "
      "base END";

bool hasMrrRollups(sql::Database &db)
{
    return db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'sub_mrr'"), 0)
        > 0;
}

bool isClean(sql::Database &db, const char *dirtyTable)
{
    return db.scalar(u"SELECT NOT EXISTS (SELECT 1 FROM %1)"_s.arg(QLatin1String(dirtyTable)), 0)
        == 1;
}

// One month's movements for one customer going from `prev` to `cur`, as ChartMogul classifies
// them; `paidBefore` tells new from reactivated. `sign` −1 takes them back out (the fold).
void classify(analytics::MrrMonth &r, qint64 prev, qint64 cur, bool paidBefore, qint64 sign)
{
    r.startMrr += sign * prev;
    r.mrr += sign * cur;
    r.startCustomers += sign * (prev > 0);
    r.customers += sign * (cur > 0);
    if (prev == 0 && cur > 0) {
        if (paidBefore) {
            r.reactivation += sign * cur;
            r.reactivatedCustomers += sign;
        } else {
            r.newMrr += sign * cur;
            r.newCustomers += sign;
        }
    } else if (prev > 0 && cur == 0) {
        r.churn += sign * prev;
        r.churnedCustomers += sign;
    } else if (cur > prev) {
        r.expansion += sign * (cur - prev);
    } else if (cur < prev) {
        r.contraction += sign * (prev - cur);
    }
}

// UTC calendar months as one number: year × 12 + month − 1.
int monthIndex(qint64 t)
{
    const qint64 day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    const QDate d = QDate::fromJulianDay(day + 2440588);
    return d.year() * 12 + d.month() - 1;
}

QDate monthStart(int index)
{
    return QDate(index / 12, index % 12 + 1, 1);
}

// The last second of a month: the instant the history reads each customer's MRR at.
qint64 monthEndInstant(int index)
{
    return (monthStart(index + 1).toJulianDay() - 2440588) * 86400 - 1;
}

// One customer's MRR at the end of each month in one currency, from its first paying month to

// The `index`th value of a series' text, without parsing the others (0 past its end).
qint64 seriesValue(const QString &text, int index)
{
    qsizetype at = 0;
    for (int k = 0; k < index; ++k) {
        const qsizetype comma = text.indexOf(u',', at);
        if (comma < 0)
            return 0;
        at = comma + 1;
    }
    const qsizetype end = text.indexOf(u',', at);
    return QStringView(text).mid(at, end < 0 ? -1 : end - at).toLongLong();
}

bool hasCustomerNow(sql::Database &db)
{
    return db.scalar(u"SELECT count(*) FROM sqlite_master WHERE name = 'customer_now'"_s, 0) > 0;
}

// When customer_now was computed (sync_state "mrr_now_at"), -1 when never.
qint64 customerNowAt(sql::Database &db)
{
    sql::Statement s = db.prepare(u"SELECT value FROM sync_state WHERE key = 'mrr_now_at'"_s);
    return s.step() ? s.text(0).toLongLong() : -1;
}

// Whether a repeating discount ends between two instants: a subscription's value differs.
bool discountEndsBetween(sql::Database &db, qint64 a, qint64 b)
{
    sql::Statement s
        = db.prepare(u"SELECT EXISTS (SELECT 1 FROM sub_mrr WHERE until > ?1 AND until <= ?2)"_s);
    s.bind(1, std::min(a, b));
    s.bind(2, std::max(a, b));
    return s.step() && s.int64(0) != 0;
}

// Whether customer_now answers for the month `month` read at `at` (the fold's values hold).
bool currentIsFolded(sql::Database &db, int month, qint64 at)
{
    if (!hasCustomerNow(db))
        return false;
    const qint64 folded = customerNowAt(db);
    return folded >= 0 && monthIndex(folded) == month && !discountEndsBetween(db, folded, at);
}

} // namespace paydesk::models::rollups
