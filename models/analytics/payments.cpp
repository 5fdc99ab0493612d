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

PaymentStats paymentsFromRows(sql::Database &db, const Range &range)
{
    PaymentStats p;
    const QString cur = currencySql(range);
    sql::Statement s = db.prepare(
        u"SELECT sum(status = 'succeeded'), sum(status = 'failed'), sum(status = 'succeeded' AND "
        u"amount_refunded > 0) FROM charges WHERE deleted = 0 AND created >= ?1 AND created < "
        u"?2%1"_s.arg(cur));
    bindRange(s, range);
    if (s.step()) {
        p.succeeded = s.int64(0);
        p.failed = s.int64(1);
        p.refundRate = {s.int64(2), p.succeeded};
    }
    p.successRate = {p.succeeded, p.succeeded + p.failed};
    p.disputeRate = {disputesCreated(db, range), p.succeeded};
    s = db.prepare(u"SELECT currency, sum(coalesce(amount_captured, amount)), count(*) FROM "
                   u"charges WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND "
                   u"created < ?2%1 GROUP BY currency"_s.arg(cur));
    bindRange(s, range);
    while (s.step())
        p.averageValue.insert(s.text(0), divideHalfUp(s.int64(1), s.int64(2)));

    p.declines = breakdown(db, range, u"coalesce(nullif(outcome_reason, ''), failure_code)"_s,
                           u"status = 'failed'"_s);
    p.byBrand = breakdown(db, range, u"coalesce(card_brand, pm_type)"_s);
    p.byCountry = breakdown(db, range, u"card_country"_s);
    p.byFunding = breakdown(db, range, u"card_funding"_s);
    p.byMethod = breakdown(db, range, u"pm_type"_s);
    for (const Breakdown &b : breakdown(db, range, u"risk_level"_s))
        p.riskLevels.insert(b.key, b.succeeded + b.failed);

    customersFromRows(db, range, &p);

    p.hourOfWeek = QList<qint64>(168, 0);
    // In the range's zone: its weekday and hour.
    const QString local = localSql(range, u"created"_s);
    s = db.prepare(u"SELECT (CAST(strftime('%w', %2, 'unixepoch') AS INTEGER) + 6) % 7 * 24 "
                   u"+ CAST(strftime('%H', %2, 'unixepoch') AS INTEGER), count(*) FROM "
                   u"charges WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND "
                   u"created < ?2%1 GROUP BY 1"_s.arg(cur, local));
    bindRange(s, range);
    while (s.step())
        if (const qint64 slot = s.int64(0); slot >= 0 && slot < 168)
            p.hourOfWeek[slot] = s.int64(1);
    return p;
}

PaymentStats payments(sql::Database &db, const Range &range, bool withCustomers)
{
    if (!onHours(range) || !rollupsCurrent(db, u"charges"_s))
        return paymentsFromRows(db, range);
    PaymentStats p;
    const QString cur = currencySql(range);
    // Counts, amounts and the hour of the week in one pass over the range's hours. Unix hour 0
    // was a Thursday 00:00: (hour + 72) % 168 counts from Monday 00:00 (in the zone's hours).
    p.hourOfWeek = QList<qint64>(168, 0);
    QMap<QString, std::pair<qint64, qint64>> volume; // Per currency: amount, count.
    qint64 refunded = 0;
    sql::Statement s = db.prepare(
        u"SELECT currency, status, (%2 / 3600 + 72) % 168, sum(n), sum(amount), sum(refunded) "
        u"FROM charge_hours WHERE hour >= ?1 / 3600 AND hour < ?2 / 3600 AND status IN "
        u"('succeeded', 'failed')%1 GROUP BY 1, 2, 3"_s.arg(cur,
                                                            localSql(range, u"hour * 3600"_s)));
    bindRange(s, range);
    while (s.step()) {
        const qint64 n = s.int64(3);
        if (s.text(1) == QLatin1String("failed")) {
            p.failed += n;
            continue;
        }
        p.succeeded += n;
        refunded += s.int64(5);
        std::pair<qint64, qint64> &v = volume[s.text(0)];
        v.first += s.int64(4);
        v.second += n;
        if (const qint64 slot = s.int64(2); slot >= 0 && slot < 168)
            p.hourOfWeek[slot] += n;
    }
    p.refundRate = {refunded, p.succeeded};
    p.successRate = {p.succeeded, p.succeeded + p.failed};
    p.disputeRate = {disputesCreated(db, range), p.succeeded};
    for (auto it = volume.cbegin(); it != volume.cend(); ++it)
        if (it->second > 0)
            p.averageValue.insert(it.key(), divideHalfUp(it->first, it->second));
    // Every dimension in one pass over the whole UTC days of the range; what lies before the
    // first and after the last (a zone's midnight is not UTC's) from the charges themselves.
    {
        const qint64 firstDay = (range.from + 86399) / 86400, endDay = range.to / 86400;
        QMap<QString, QMap<QString, std::pair<qint64, qint64>>> byDim; // dim → key → ok, ko
        if (firstDay < endDay) {
            sql::Statement d = db.prepare(
                u"SELECT dim, key, sum(succeeded) AS ok, sum(failed) AS ko FROM charge_dims WHERE "
                u"day >= ?1 AND day < ?2%1 GROUP BY dim, key HAVING ok + ko > 0"_s.arg(cur));
            d.bind(1, firstDay);
            d.bind(2, endDay);
            if (!range.currency.isEmpty())
                d.bind(3, range.currency.toLower());
            while (d.step()) {
                std::pair<qint64, qint64> &v = byDim[d.text(0)][d.text(1)];
                v.first += d.int64(2);
                v.second += d.int64(3);
            }
        }
        const qint64 edges[][2] = {
            {range.from, std::min(range.to, std::max(range.from, firstDay * 86400))},
            {std::max(range.from, std::max(firstDay, endDay) * 86400), range.to},
        };
        for (const auto &[from, to] : edges) {
            if (from >= to)
                continue;
            const Range edge {from, to, range.interval, range.currency, range.zone};
            const std::pair<const char *, const char *> keys[] = {
                {"brand", "coalesce(card_brand, pm_type)"},
                {"country", "card_country"},
                {"funding", "card_funding"},
                {"method", "pm_type"},
                {"risk", "risk_level"},
            };
            for (const auto &[dim, key] : keys)
                for (const Breakdown &b : breakdown(db, edge, QString::fromLatin1(key))) {
                    std::pair<qint64, qint64> &v = byDim[QString::fromLatin1(dim)][b.key];
                    v.first += b.succeeded;
                    v.second += b.failed;
                }
            for (const Breakdown &b :
                 breakdown(db, edge, u"coalesce(nullif(outcome_reason, ''), failure_code)"_s,
                           u"status = 'failed'"_s)) {
                std::pair<qint64, qint64> &v = byDim[u"decline"_s][b.key];
                v.first += b.succeeded;
                v.second += b.failed;
            }
        }
        const QHash<QString, QList<Breakdown> *> lists {
            {u"decline"_s, &p.declines},  {u"brand"_s, &p.byBrand},   {u"country"_s, &p.byCountry},
            {u"funding"_s, &p.byFunding}, {u"method"_s, &p.byMethod},
        };
        for (auto dim = byDim.cbegin(); dim != byDim.cend(); ++dim) {
            if (dim.key() == QLatin1String("risk")) {
                for (auto k = dim->cbegin(); k != dim->cend(); ++k)
                    if (k->first + k->second > 0)
                        p.riskLevels.insert(k.key(), k->first + k->second);
                continue;
            }
            QList<Breakdown> *list = lists.value(dim.key());
            if (!list)
                continue;
            for (auto k = dim->cbegin(); k != dim->cend(); ++k)
                if (k->first + k->second > 0)
                    list->append({k.key(), k->first, k->second});
            // Most payments first, then by name (as the rows are ordered).
            std::sort(list->begin(), list->end(), [](const Breakdown &a, const Breakdown &b) {
                const qint64 x = a.succeeded + a.failed, y = b.succeeded + b.failed;
                return x != y ? x > y : a.key < b.key;
            });
        }
    }
    // New and returning customers: from each payer's first and last payment when the range
    // runs to now (nobody paid after it); for a range in the past, from the charges.
    if (!withCustomers)
        return p;
    const qint64 newest = db.scalar(QStringLiteral("SELECT coalesce(max(last), 0) FROM "
                                                   "customer_payers"),
                                    0);
    if (newest < range.to && !range.currency.isEmpty()) {
        // One row per payer in a currency: two counts over the index of first payments.
        s = db.prepare(u"SELECT (SELECT count(*) FROM customer_payers WHERE currency = ?3 AND "
                       u"first >= ?1 AND first < ?2), (SELECT count(*) FROM customer_payers "
                       u"WHERE currency = ?3 AND first < ?1 AND last >= ?1)"_s);
        bindRange(s, range);
        if (s.step()) {
            p.newCustomers = s.int64(0);
            p.returningCustomers = s.int64(1);
        }
    } else if (newest < range.to) {
        // A customer may have paid in several currencies: counted once.
        s = db.prepare(u"SELECT sum(first >= ?1), sum(first < ?1) FROM (SELECT customer, "
                       u"min(first) AS first, max(last) AS last FROM customer_payers WHERE last "
                       u">= ?1%1 GROUP BY customer) WHERE first < ?2"_s.arg(cur));
        bindRange(s, range);
        if (s.step()) {
            p.newCustomers = s.isNull(0) ? 0 : s.int64(0);
            p.returningCustomers = s.isNull(1) ? 0 : s.int64(1);
        }
    } else {
        customersFromRows(db, range, &p);
    }
    return p;
}

} // namespace paydesk::models::analytics
