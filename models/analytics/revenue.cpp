#include "models/analytics/analytics.h"
#include "models/analytics/analyticssql.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

using namespace detail;

QList<RevenueRow> revenueFromRows(sql::Database &db, const Range &range, bool withCharges)
{
    QMap<std::pair<QString, QString>, RevenueRow> rows;
    auto row = [&](const QString &bucket, const QString &currency) -> RevenueRow & {
        RevenueRow &r = rows[{bucket, currency}];
        r.bucket = bucket;
        r.currency = currency;
        return r;
    };
    const QString b = bucketSql(range);
    sql::Statement s;
    if (withCharges) {
        s = db.prepare(
            u"SELECT %1, currency, sum(coalesce(amount_captured, amount)), count(*) FROM charges "
            u"WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND created < ?2%2 "
            u"GROUP BY 1, 2"_s.arg(b, currencySql(range)));
        bindRange(s, range);
        while (s.step()) {
            RevenueRow &r = row(s.text(0), s.text(1));
            r.gross = s.int64(2);
            r.charges = s.int64(3);
        }
    }
    s = db.prepare(u"SELECT %1, currency, sum(amount) FROM refunds WHERE deleted = 0 AND "
                   u"coalesce(status, 'succeeded') NOT IN ('failed', 'canceled') AND created >= "
                   u"?1 AND created < ?2%2 GROUP BY 1, 2"_s.arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        row(s.text(0), s.text(1)).refunds = s.int64(2);
    s = db.prepare(u"SELECT %1, currency, sum(amount) FROM disputes WHERE deleted = 0 AND status "
                   u"= 'lost' AND created >= ?1 AND created < ?2%2 GROUP BY 1, 2"_s.arg(
                       b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        row(s.text(0), s.text(1)).disputesLost = s.int64(2);
    return rows.values();
}

QList<SettlementRow> settlementFromRows(sql::Database &db, const Range &range,
                                        const QString &source)
{
    // Either the balance transactions themselves or their daily rollup (schema 6).
    const bool daily = source == QLatin1String("bt_days");
    sql::Statement s = db.prepare(
        daily ? u"SELECT %1, currency, category, sum(amount), sum(fee), sum(net) FROM bt_days "
                u"WHERE day >= ?1 / 86400 AND day < ?2 / 86400%2 GROUP BY 1, 2, 3 HAVING "
                u"sum(amount) <> 0 OR sum(fee) <> 0 OR sum(net) <> 0"_s.arg(
                    bucketSql(range, "day * 86400"), currencySql(range))
              : u"SELECT %1, currency, coalesce(reporting_category, type) AS category, "
                u"sum(amount), sum(fee), sum(net) FROM balance_transactions WHERE deleted = 0 AND "
                u"created >= ?1 AND created < ?2%2 GROUP BY 1, 2, 3"_s.arg(bucketSql(range),
                                                                           currencySql(range)));
    bindRange(s, range);
    QMap<std::pair<QString, QString>, SettlementRow> rows;
    while (s.step()) {
        SettlementRow &r = rows[{s.text(0), s.text(1)}];
        r.bucket = s.text(0);
        r.currency = s.text(1);
        const QString category = s.text(2);
        const qint64 amount = s.int64(3);
        if (category == QLatin1String("charge") || category == QLatin1String("payment"))
            r.gross += amount;
        else if (category == QLatin1String("refund") || category == QLatin1String("payment_refund"))
            r.refunds -= amount;
        else if (category.startsWith(QLatin1String("dispute")))
            r.disputes -= amount;
        else
            r.other += amount;
        r.fees += s.int64(4);
        r.net += s.int64(5);
    }
    return rows.values();
}

QList<RevenueRow> revenue(sql::Database &db, const Range &range)
{
    if (!onHours(range) || !rollupsCurrent(db, u"charges"_s))
        return revenueFromRows(db, range);
    QList<RevenueRow> rows = revenueFromRows(db, range, false);
    QMap<std::pair<QString, QString>, RevenueRow> by;
    for (const RevenueRow &r : rows)
        by.insert({r.bucket, r.currency}, r);
    sql::Statement s = db.prepare(
        u"SELECT %1, currency, sum(amount), sum(n) FROM charge_hours WHERE status = "
        u"'succeeded' AND hour >= ?1 / 3600 AND hour < ?2 / 3600%2 GROUP BY 1, 2 HAVING sum(n) "
        u"<> 0"_s.arg(bucketSql(range, "hour * 3600"), currencySql(range)));
    bindRange(s, range);
    while (s.step()) {
        RevenueRow &r = by[{s.text(0), s.text(1)}];
        r.bucket = s.text(0);
        r.currency = s.text(1);
        r.gross = s.int64(2);
        r.charges = s.int64(3);
    }
    return by.values();
}

QList<SettlementRow> settlement(sql::Database &db, const Range &range)
{
    if (!onDays(range) || !rollupsCurrent(db, u"balance_transactions"_s))
        return settlementFromRows(db, range);
    return settlementFromRows(db, range, u"bt_days"_s);
}

} // namespace paydesk::models::analytics
