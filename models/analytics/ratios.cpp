#include "models/analytics/analytics.h"
#include "models/analytics/analyticssql.h"
#include "models/rollups/normalise.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

using namespace detail;
using rollups::divideHalfUp;

QList<ChurnSummary> churnSummary(const MrrHistory &history)
{
    QMap<QString, ChurnSummary> by;
    for (const MrrMonth &m : history.months) {
        ChurnSummary &c = by[m.currency];
        if (c.months == 0) {
            c.currency = m.currency;
            c.customerChurn.denominator = m.startCustomers;
            c.grossRevenueChurn.denominator = m.startMrr;
            c.netRevenueRetention = {m.startMrr, m.startMrr};
        }
        ++c.months;
        c.customerChurn.numerator += m.churnedCustomers;
        c.customerChurn.denominator += m.newCustomers + m.reactivatedCustomers;
        c.grossRevenueChurn.numerator += m.churn + m.contraction;
        c.netRevenueRetention.numerator += m.expansion + m.reactivation - m.contraction - m.churn;
        c.arpa = m.arpa();
    }
    return by.values();
}

QList<std::pair<QString, Ratio>> disputeRates(sql::Database &db, const Range &range)
{
    QMap<QString, Ratio> by;
    for (const QString &b : buckets(range))
        by.insert(b, {});
    const QString b = bucketSql(range);
    const bool rollup = onHours(range) && rollupsCurrent(db, u"charges"_s);
    sql::Statement s = db.prepare(
        rollup ? u"SELECT %1, sum(n) FROM charge_hours WHERE status = 'succeeded' AND hour >= ?1 "
                 u"/ 3600 AND hour < ?2 / 3600%2 GROUP BY 1"_s.arg(bucketSql(range, "hour * 3600"),
                                                                   currencySql(range))
               : u"SELECT %1, count(*) FROM charges WHERE deleted = 0 AND status = 'succeeded' "
                 u"AND created >= ?1 AND created < ?2%2 GROUP BY 1"_s.arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        by[s.text(0)].denominator = s.int64(1);
    s = db.prepare(u"SELECT %1, count(*) FROM disputes WHERE deleted = 0 AND created >= ?1 AND "
                   u"created < ?2%2 GROUP BY 1"_s.arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        by[s.text(0)].numerator = s.int64(1);
    QList<std::pair<QString, Ratio>> list;
    for (auto it = by.cbegin(); it != by.cend(); ++it)
        list.append({it.key(), it.value()});
    return list;
}

QMap<QString, qint64> subscriptionStatuses(sql::Database &db, const QString &currency)
{
    sql::Statement s = db.prepare(
        u"SELECT status, count(*) FROM subscriptions WHERE deleted = 0%1 GROUP BY status"_s.arg(
            currency.isEmpty() ? QString() : u" AND currency = ?1"_s));
    if (!currency.isEmpty())
        s.bind(1, currency.toLower());
    QMap<QString, qint64> map;
    while (s.step())
        map.insert(s.text(0), s.int64(1));
    return map;
}

Ratio trialConversion(sql::Database &db, const Range &range)
{
    // Stripe's: of the trials that ended in the range, those whose subscription went on past
    // the trial (it did not end at the trial's end, nor expire unpaid).
    sql::Statement s = db.prepare(
        u"SELECT sum(status NOT IN ('incomplete_expired', 'paused') AND (ended_at IS NULL OR "
        u"ended_at > trial_end)), count(*) FROM subscriptions WHERE deleted = 0 AND trial_end "
        u"IS NOT NULL AND trial_end >= ?1 AND trial_end < ?2 AND trial_end <= ?3%1"_s.arg(
            range.currency.isEmpty() ? QString() : u" AND currency = ?4"_s));
    s.bind(1, range.from);
    s.bind(2, range.to);
    s.bind(3, QDateTime::currentSecsSinceEpoch());
    if (!range.currency.isEmpty())
        s.bind(4, range.currency.toLower());
    if (!s.step())
        return {};
    return {s.isNull(0) ? 0 : s.int64(0), s.int64(1)};
}

} // namespace paydesk::models::analytics
