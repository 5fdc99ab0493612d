#include "models/analytics/analytics.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

namespace {

// `column` moved to the range's zone: its UTC offset at each instant of the range, from the
// zone's transitions (DST), as a CASE over the few instants where it changes.
QString localSql(const Range &r, const QString &column)
{
    if (isUtc(r.zone))
        return column;
    const QDateTime from = QDateTime::fromSecsSinceEpoch(r.from, QTimeZone::utc());
    const QDateTime to
        = QDateTime::fromSecsSinceEpoch(std::max(r.to, r.from + 1), QTimeZone::utc());
    const QList<QTimeZone::OffsetData> changes = r.zone.transitions(from, to);
    if (changes.isEmpty())
        return u"(%1 + %2)"_s.arg(column).arg(r.zone.offsetFromUtc(to));
    QString sql = u"(%1 + CASE"_s.arg(column);
    for (const QTimeZone::OffsetData &t : changes)
        sql += u" WHEN %1 < %2 THEN %3"_s.arg(column)
                   .arg(t.atUtc.toSecsSinceEpoch())
                   .arg(r.zone.offsetFromUtc(t.atUtc.addSecs(-1)));
    sql += u" ELSE %1 END)"_s.arg(r.zone.offsetFromUtc(to));
    return sql;
}

// SQLite's date of the bucket a `created` column falls in, in the range's zone.
QString bucketSql(const Range &r, const char *column = "created")
{
    const QString c = localSql(r, QString::fromLatin1(column));
    switch (r.interval) {
    case Interval::Day:
        return u"date(%1, 'unixepoch')"_s.arg(c);
    case Interval::Week:
        // The Monday on or before the day: 'weekday 1' moves forward to a Monday.
        return u"date(%1, 'unixepoch', '-6 days', 'weekday 1')"_s.arg(c);
    case Interval::Month:
        return u"date(%1, 'unixepoch', 'start of month')"_s.arg(c);
    }
    return {};
}

// " AND currency = ?3" when the range has one (bound by the caller as ?3).
QString currencySql(const Range &r, const char *column = "currency")
{
    return r.currency.isEmpty() ? QString() : u" AND %1 = ?3"_s.arg(QLatin1String(column));
}

void bindRange(sql::Statement &s, const Range &r)
{
    s.bind(1, r.from);
    s.bind(2, r.to);
    if (!r.currency.isEmpty())
        s.bind(3, r.currency.toLower());
}

qint64 divideHalfUp(qint64 numerator, qint64 denominator)
{
    if (denominator == 0)
        return 0;
    const bool negative = (numerator < 0) != (denominator < 0);
    const qint64 n = numerator < 0 ? -numerator : numerator;
    const qint64 d = denominator < 0 ? -denominator : denominator;
    const qint64 q = (n / d) + ((n % d) * 2 >= d ? 1 : 0);
    return negative ? -q : q;
}

QList<Breakdown> breakdown(sql::Database &db, const Range &range, const QString &key,
                           const QString &where = u"status IN ('succeeded', 'failed')"_s)
{
    sql::Statement s = db.prepare(
        u"SELECT %1 AS k, sum(status = 'succeeded'), sum(status = 'failed') FROM charges WHERE "
        u"deleted = 0 AND created >= ?1 AND created < ?2 AND %2%3 GROUP BY k ORDER BY "
        u"count(*) DESC, k"_s.arg(key, where, currencySql(range)));
    bindRange(s, range);
    QList<Breakdown> list;
    while (s.step())
        list.append({s.isNull(0) ? u"unknown"_s : s.text(0), s.int64(1), s.int64(2)});
    return list;
}

} // namespace

bool parseInterval(const QString &text, Interval *interval)
{
    if (text == QLatin1String("day"))
        *interval = Interval::Day;
    else if (text == QLatin1String("week"))
        *interval = Interval::Week;
    else if (text == QLatin1String("month"))
        *interval = Interval::Month;
    else
        return false;
    return true;
}

QString intervalName(Interval interval)
{
    switch (interval) {
    case Interval::Day:
        return u"day"_s;
    case Interval::Week:
        return u"week"_s;
    case Interval::Month:
        return u"month"_s;
    }
    return {};
}

qint64 Range::now() const
{
    return asOf > 0 ? asOf : QDateTime::currentSecsSinceEpoch();
}

bool isUtc(const QTimeZone &zone)
{
    return !zone.isValid() || zone == QTimeZone::utc()
        || (!zone.hasTransitions() && zone.offsetFromUtc(QDateTime::currentDateTimeUtc()) == 0);
}

QString bucketOf(qint64 t, Interval interval, const QTimeZone &zone)
{
    QDate d = QDateTime::fromSecsSinceEpoch(t, zone.isValid() ? zone : QTimeZone::utc()).date();
    if (interval == Interval::Week)
        d = d.addDays(1 - d.dayOfWeek());
    else if (interval == Interval::Month)
        d = QDate(d.year(), d.month(), 1);
    return d.toString(Qt::ISODate);
}

QStringList buckets(const Range &range)
{
    QStringList list;
    if (range.to <= range.from)
        return list;
    QDate d = QDate::fromString(bucketOf(range.from, range.interval, range.zone), Qt::ISODate);
    const QDate last = QDateTime::fromSecsSinceEpoch(
                           range.to - 1, range.zone.isValid() ? range.zone : QTimeZone::utc())
                           .date();
    while (d <= last) {
        list.append(d.toString(Qt::ISODate));
        d = range.interval == Interval::Day    ? d.addDays(1)
            : range.interval == Interval::Week ? d.addDays(7)
                                               : d.addMonths(1);
    }
    return list;
}

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

// Disputes opened in a range (few: read from their table either way).
qint64 disputesCreated(sql::Database &db, const Range &range)
{
    sql::Statement s = db.prepare(
        u"SELECT count(*) FROM disputes WHERE deleted = 0 AND created >= ?1 AND created < ?2%1"_s
            .arg(currencySql(range)));
    bindRange(s, range);
    return s.step() ? s.int64(0) : 0;
}

// New and returning customers of a range, from the charges.
void customersFromRows(sql::Database &db, const Range &range, PaymentStats *p)
{
    sql::Statement s = db.prepare(
        u"SELECT sum(first >= ?1), sum(first < ?1) FROM (SELECT min(created) AS first FROM "
        u"charges WHERE deleted = 0 AND status = 'succeeded' AND customer IS NOT NULL AND "
        u"created < ?2%1 GROUP BY customer HAVING max(created) >= ?1)"_s.arg(currencySql(range)));
    bindRange(s, range);
    if (s.step()) {
        p->newCustomers = s.int64(0);
        p->returningCustomers = s.int64(1);
    }
}

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

namespace {

bool hasRollups(sql::Database &db)
{
    return db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = "
                                    "'charge_hours'"),
                     0)
        > 0;
}

// The rollups hold whole hours and days: a range on those boundaries is answered from them.
bool onDays(const Range &r)
{
    return isUtc(r.zone) && r.from % 86400 == 0 && r.to % 86400 == 0;
}

// Whether the hourly rollup answers for the range in its zone: whole hours at both ends and an
// offset of whole hours at every instant of it, so that each UTC hour lies in one of the zone's
// days (true of UTC and of most zones; not of +5:30 or +5:45).
bool onHours(const Range &r)
{
    if (r.from % 3600 != 0 || r.to % 3600 != 0)
        return false;
    if (isUtc(r.zone))
        return true;
    const QDateTime from = QDateTime::fromSecsSinceEpoch(r.from, QTimeZone::utc());
    const QDateTime to = QDateTime::fromSecsSinceEpoch(r.to, QTimeZone::utc());
    if (r.zone.offsetFromUtc(from) % 3600 != 0)
        return false;
    for (const QTimeZone::OffsetData &t : r.zone.transitions(from, to))
        if (t.offsetFromUtc % 3600 != 0 || t.atUtc.toSecsSinceEpoch() % 3600 != 0)
            return false;
    return true;
}

} // namespace

QList<RevenueRow> revenue(sql::Database &db, const Range &range)
{
    if (!onHours(range) || !hasRollups(db))
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
    if (!onDays(range) || !hasRollups(db))
        return settlementFromRows(db, range);
    return settlementFromRows(db, range, u"bt_days"_s);
}

PaymentStats payments(sql::Database &db, const Range &range, bool withCustomers)
{
    if (!onHours(range) || !hasRollups(db))
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

qint64 MrrRow::arpa() const
{
    return divideHalfUp(mrr, customers);
}

qint64 monthlyAmount(qint64 unitAmount, qint64 quantity, const QString &interval,
                     qint64 intervalCount)
{
    const qint64 count = std::max<qint64>(1, intervalCount);
    qint64 num = 1, den = count;
    if (interval == QLatin1String("day")) {
        num = 365;
        den = 12 * count;
    } else if (interval == QLatin1String("week")) {
        num = 52;
        den = 12 * count;
    } else if (interval == QLatin1String("year")) {
        den = 12 * count;
    }
    return divideHalfUp(unitAmount * quantity * num, den);
}

namespace {

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
                                            const QString &currency = {})
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

} // namespace

QList<MrrRow> mrrFromRows(sql::Database &db, qint64 at, const QString &currency)
{
    QMap<QString, MrrRow> rows;
    QMap<QString, QSet<QString>> customers;
    for (const SubscriptionValue &sub : subscriptionValues(
             db, currency.isEmpty() ? QString() : u" AND s.currency = ?1"_s, currency)) {
        MrrRow &row = rows[sub.currency];
        row.currency = sub.currency;
        row.mrr += sub.valueAt(at);
        row.subscriptions += 1;
        customers[sub.currency].insert(sub.customer);
    }
    for (auto it = rows.begin(); it != rows.end(); ++it)
        it->customers = customers.value(it.key()).size();
    return rows.values();
}

QList<MrrRow> mrr(sql::Database &db, qint64 at, const QString &currency)
{
    // Schema 7 keeps each counted subscription's value (sub_mrr), folded in at every commit;
    // anything written since without a fold is read from the subscriptions instead.
    if (!hasMrrRollups(db) || !isClean(db, "sub_dirty"))
        return mrrFromRows(db, at, currency);
    sql::Statement s = db.prepare(
        u"SELECT currency, sum(%1), count(*), count(DISTINCT customer) FROM sub_mrr%2 GROUP BY "
        u"currency ORDER BY currency"_s.arg(
            QLatin1String(kSubMrrAt), currency.isEmpty() ? QString() : u" WHERE currency = ?2"_s));
    s.bind(1, at);
    if (!currency.isEmpty())
        s.bind(2, currency.toLower());
    QList<MrrRow> rows;
    while (s.step())
        rows.append({s.text(0), s.int64(1), s.int64(2), s.int64(3)});
    return rows;
}

} // namespace paydesk::models::analytics

namespace paydesk::models::analytics {

qint64 MrrMonth::arpa() const
{
    return divideHalfUp(mrr, customers);
}

qint64 ChurnSummary::ltv() const
{
    // ARPA ÷ (churned ÷ base ÷ months) = ARPA × base × months ÷ churned.
    if (customerChurn.numerator == 0 || months == 0)
        return 0;
    return divideHalfUp(arpa * customerChurn.denominator * months, customerChurn.numerator);
}

MrrHistory mrrHistory(sql::Database &db, const Range &range, bool fromRollup);

MrrHistory mrrHistoryFromMonths(sql::Database &db, const Range &range);

namespace {

// One customer's MRR in one currency at an instant, as mrr() counts it.
struct CustomerNow
{
    QString currency, customer;
    qint64 mrr = 0;
};

// Every customer's MRR at `at`: from sub_mrr when it is folded and `fromRollup`, else from
// the subscriptions themselves (the reference).
QList<CustomerNow> customersNow(sql::Database &db, qint64 at, const QString &currency,
                                bool fromRollup)
{
    QList<CustomerNow> out;
    if (fromRollup && hasMrrRollups(db) && isClean(db, "sub_dirty")) {
        sql::Statement s = db.prepare(
            u"SELECT currency, customer, sum(%1) FROM sub_mrr%2 GROUP BY currency, customer"_s.arg(
                QLatin1String(kSubMrrAt),
                currency.isEmpty() ? QString() : u" WHERE currency = ?2"_s));
        s.bind(1, at);
        if (!currency.isEmpty())
            s.bind(2, currency.toLower());
        while (s.step())
            out.append({s.text(0), s.text(1), s.int64(2)});
        return out;
    }
    QMap<std::pair<QString, QString>, qint64> by;
    for (const SubscriptionValue &sub : subscriptionValues(
             db, currency.isEmpty() ? QString() : u" AND s.currency = ?1"_s, currency))
        by[{sub.currency, sub.customer}] += sub.valueAt(at);
    for (auto it = by.cbegin(); it != by.cend(); ++it)
        out.append({it.key().first, it.key().second, it.value()});
    return out;
}

// One month's movements for one customer going from `prev` to `cur`, as ChartMogul classifies
// them; `paidBefore` tells new from reactivated. `sign` −1 takes them back out (the fold).
void classify(MrrMonth &r, qint64 prev, qint64 cur, bool paidBefore, qint64 sign = 1)
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

} // namespace

MrrHistory mrrHistory(sql::Database &db, const Range &range)
{
    // Schema 7 keeps the months' totals and cohorts (mrr_months, mrr_cohorts), folded in at
    // every commit. They answer for a range that runs past every line's start (the lines the
    // history reads start before the range ends) when nothing was written since the last fold.
    if (isUtc(range.zone) && hasMrrRollups(db) && isClean(db, "mrr_dirty")
        && isClean(db, "sub_dirty")
        && db.scalar(QStringLiteral("SELECT coalesce(max(start), 0) FROM line_mrr WHERE live = 1"),
                     0)
            < range.to)
        return mrrHistoryFromMonths(db, range);
    return mrrHistory(db, range, hasRollups(db));
}

MrrHistory mrrHistoryFromRows(sql::Database &db, const Range &range)
{
    return mrrHistory(db, range, false);
}

MrrHistory mrrHistory(sql::Database &db, const Range &range, bool fromRollup)
{
    MrrHistory out;
    // Paid or still open (past_due) invoices' subscription lines, prorations left out, net of
    // their discounts and without tax; a line stops counting when its subscription ended. The
    // rollup (schema 6) holds each line's monthly amount, computed once when it was cached.
    const QString cur = range.currency.isEmpty() ? QString() : u" AND l.currency = ?2"_s;
    sql::Statement s = db.prepare(
        fromRollup
            ? u"SELECT l.customer, l.currency, l.start, l.end, sub.ended_at, l.monthly FROM "
              u"line_mrr l INDEXED BY idx_line_mrr_history LEFT JOIN subscriptions sub ON sub.id "
              u"= l.subscription WHERE l.live = 1 AND l.monthly > 0 AND l.start < ?1 AND "
              u"l.currency IS "
              u"NOT NULL%1 ORDER BY "
              u"l.currency, l.customer"_s.arg(cur)
            : u"SELECT i.customer, l.currency, l.period_start, l.period_end, sub.ended_at, "
              u"coalesce(json_extract(l.raw, '$.amount_excluding_tax'), l.amount) - "
              u"coalesce((SELECT sum(json_extract(d.value, '$.amount')) FROM json_each(l.raw, "
              u"'$.discount_amounts') d), 0), json_extract(l.raw, '$.price.recurring.interval'), "
              u"json_extract(l.raw, '$.price.recurring.interval_count'), "
              u"coalesce(json_extract(l.raw, '$.price.recurring.usage_type'), 'licensed') "
              u"FROM invoice_lines l JOIN invoices i ON i.id = l.invoice "
              u"LEFT JOIN subscriptions sub ON sub.id = l.subscription "
              u"WHERE l.deleted = 0 AND i.deleted = 0 AND i.status IN ('paid', 'open') AND "
              u"l.type = 'subscription' AND coalesce(l.proration, 0) = 0 AND i.customer IS NOT "
              u"NULL AND l.currency IS NOT NULL AND l.period_start < ?1%1 ORDER BY l.currency, "
              u"i.customer"_s.arg(cur));
    s.bind(1, range.to);
    if (!range.currency.isEmpty())
        s.bind(2, range.currency.toLower());
    // Lines come grouped by currency and customer (the rollup's index order; the JSON path
    // sorts): a customer is a run of lines, numbered as they come.
    struct Line
    {
        int customer;
        qint64 start, end, monthly;
    };
    std::vector<Line> lines;
    QStringList currencyNames;
    // Customers as they come: their currency, and their lines as one run of `lines`.
    struct Customer
    {
        int currency = 0;
        size_t from = 0, to = 0;
        qint64 now = 0; // The MRR of their subscriptions at `now`.
    };
    std::vector<Customer> customers;
    QHash<std::pair<QString, QString>, int> customerIndex;
    auto currencyOf = [&](const QString &currency) {
        int index = int(currencyNames.indexOf(currency));
        if (index < 0) {
            index = int(currencyNames.size());
            currencyNames.append(currency);
        }
        return index;
    };
    QString lastCustomer, lastCurrency;
    qint64 earliest = range.from;
    while (s.step()) {
        qint64 monthly = 0;
        if (fromRollup) {
            monthly = s.int64(5);
        } else {
            if (s.text(8) == QLatin1String("metered"))
                continue;
            monthly = monthlyAmount(s.int64(5), 1, s.text(6), s.isNull(7) ? 1 : s.int64(7));
        }
        if (monthly <= 0)
            continue;
        qint64 end = s.int64(3);
        if (!s.isNull(4))
            end = std::min(end, s.int64(4));
        if (end <= s.int64(2))
            continue;
        const QString currency = s.text(1);
        const QString customer = s.text(0);
        if (customer != lastCustomer || currency != lastCurrency || customers.empty()) {
            lastCustomer = customer;
            lastCurrency = currency;
            customerIndex.insert({currency, customer}, int(customers.size()));
            customers.push_back({currencyOf(currency), lines.size(), lines.size(), 0});
        }
        lines.push_back({int(customers.size()) - 1, s.int64(2), end, monthly});
        customers.back().to = lines.size();
        earliest = std::min(earliest, s.int64(2));
    }
    // The month ends that have not come yet are read as the subscriptions are now.
    const qint64 now = range.now();
    for (const CustomerNow &c : customersNow(db, now, range.currency, fromRollup)) {
        auto it = customerIndex.constFind({c.currency, c.customer});
        if (it == customerIndex.cend()) {
            it = customerIndex.insert({c.currency, c.customer}, int(customers.size()));
            customers.push_back({currencyOf(c.currency), 0, 0, 0});
        }
        customers[size_t(it.value())].now += c.mrr;
    }
    // Month ends from the first month anything was paid: "new" needs the whole history.
    const QTimeZone zone = range.zone.isValid() ? range.zone : QTimeZone::utc();
    const Range all {earliest, range.to, Interval::Month, {}, zone};
    const QStringList months = buckets(all);
    QList<qint64> instants; // The last second of each month, in the range's zone.
    for (qsizetype k = 0; k < months.size(); ++k) {
        const QDate next = QDate::fromString(months.at(k), Qt::ISODate).addMonths(1);
        instants.append(next.startOfDay(zone).toSecsSinceEpoch() - 1);
    }
    const qsizetype n = months.size();
    // The first month read at `now`: its end has not come yet.
    const qsizetype carried
        = std::lower_bound(instants.begin(), instants.end(), now) - instants.begin();
    const QString fromBucket = bucketOf(range.from, Interval::Month, zone);
    // Per currency, per month.
    std::vector<std::vector<MrrMonth>> rows(size_t(currencyNames.size()),
                                            std::vector<MrrMonth>(size_t(n)));
    QMap<std::pair<QString, QString>, CohortRow> cohorts;
    QList<qint64> m(n, 0); // The current customer's MRR at each month end.
    QSet<QString> paying; // Currencies somebody paid in at a month's end.
    for (const Customer &customer : customers) {
        std::fill(m.begin(), m.end(), 0);
        for (size_t i = customer.from; i < customer.to; ++i) {
            const Line &l = lines[i];
            for (auto it = std::lower_bound(instants.begin(), instants.end(), l.start);
                 it != instants.end() && *it < l.end && it - instants.begin() < carried; ++it)
                m[it - instants.begin()] += l.monthly;
        }
        for (qsizetype k = carried; k < n; ++k)
            m[k] = customer.now;
        const QString &currency = currencyNames.at(customer.currency);
        std::vector<MrrMonth> &perMonth = rows[size_t(customer.currency)];
        bool paidBefore = false;
        qsizetype cohortMonth = -1;
        for (qsizetype k = 0; k < n; ++k) {
            const qint64 prev = k > 0 ? m.at(k - 1) : 0;
            const qint64 cur = m.at(k);
            classify(perMonth[size_t(k)], prev, cur, paidBefore);
            if (prev == 0 && cur > 0 && !paidBefore)
                cohortMonth = k;
            paidBefore = paidBefore || cur > 0;
        }
        if (paidBefore)
            paying.insert(currency);
        if (cohortMonth >= 0 && months.at(cohortMonth) >= fromBucket) {
            CohortRow &c = cohorts[{currency, months.at(cohortMonth)}];
            c.cohort = months.at(cohortMonth);
            c.currency = currency;
            c.customers += 1;
            c.startMrr += m.at(cohortMonth);
            const qsizetype span = n - cohortMonth;
            if (c.paying.size() < span) {
                c.paying.resize(span, 0);
                c.mrr.resize(span, 0);
            }
            for (qsizetype j = 0; j < span; ++j) {
                c.paying[j] += m.at(cohortMonth + j) > 0;
                c.mrr[j] += m.at(cohortMonth + j);
            }
        }
    }
    QStringList sorted = currencyNames;
    sorted.sort();
    for (qsizetype k = 0; k < n; ++k) {
        if (months.at(k) < fromBucket)
            continue;
        for (const QString &currency : std::as_const(sorted)) {
            if (!paying.contains(currency))
                continue; // Its lines never ran over a month's end.
            MrrMonth r = rows[size_t(currencyNames.indexOf(currency))][size_t(k)];
            r.bucket = months.at(k);
            r.currency = currency;
            out.months.append(r);
        }
    }
    out.cohorts = cohorts.values();
    return out;
}

namespace {

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
// its last (both non-zero; months between may be 0).
struct Series
{
    int first = 0;
    std::vector<qint64> values;
};

struct LineSpan
{
    qint64 start, end, monthly;
};

Series seriesOf(const std::vector<LineSpan> &lines)
{
    std::map<int, qint64> by;
    for (const LineSpan &l : lines)
        for (int m = monthIndex(l.start); monthEndInstant(m) < l.end; ++m)
            by[m] += l.monthly;
    Series s;
    if (by.empty())
        return s;
    s.first = by.begin()->first;
    s.values.assign(size_t(by.rbegin()->first - s.first + 1), 0);
    for (const auto &[month, value] : by)
        s.values[size_t(month - s.first)] = value;
    return s;
}

QString seriesText(const Series &s)
{
    QString text;
    for (const qint64 v : s.values) {
        if (!text.isEmpty())
            text += u',';
        text += QString::number(v);
    }
    return text;
}

Series parseSeries(qint64 first, const QString &text)
{
    Series s;
    s.first = int(first);
    for (const QStringView v : QStringView(text).split(u','))
        s.values.push_back(v.toLongLong());
    return s;
}

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

using MonthTotals = QMap<std::pair<QString, int>, MrrMonth>;
using CohortCells = QMap<std::tuple<QString, int, int>, std::pair<qint64, qint64>>;

// What one customer's series adds to (sign 1) or takes from (sign −1) the months' totals and
// its cohort's cells — the same classification as the history computed from the lines.
void contribute(const QString &currency, const Series &s, qint64 sign, MonthTotals *months,
                CohortCells *cells)
{
    const size_t n = s.values.size();
    if (n == 0)
        return;
    bool paidBefore = false;
    const int cohort = s.first; // The first value is not 0: the customer is new then.
    for (size_t k = 0; k <= n; ++k) {
        const qint64 prev = k > 0 ? s.values[k - 1] : 0;
        const qint64 cur = k < n ? s.values[k] : 0;
        if (prev == 0 && cur == 0)
            continue;
        classify((*months)[{currency, s.first + int(k)}], prev, cur, paidBefore, sign);
        paidBefore = paidBefore || cur > 0;
    }
    for (size_t k = 0; k < n; ++k) {
        if (s.values[k] > 0) {
            std::pair<qint64, qint64> &c = (*cells)[{currency, cohort, s.first + int(k)}];
            c.first += sign;
            c.second += sign * s.values[k];
        }
    }
}

using CustomerKeys = QSet<std::pair<QString, QString>>; // (customer, currency)

bool foldSubscriptions(sql::Database &db, CustomerKeys *touched)
{
    if (isClean(db, "sub_dirty"))
        return true;
    {
        // Their customers as they were: what they had is gone from their MRR now.
        sql::Statement was = db.prepare(
            u"SELECT customer, currency FROM sub_mrr WHERE subscription IN (SELECT subscription "
            u"FROM sub_dirty) AND currency IS NOT NULL"_s);
        while (was.step())
            touched->insert({was.text(0), was.text(1)});
    }
    const QList<SubscriptionValue> values
        = subscriptionValues(db, u" AND s.id IN (SELECT subscription FROM sub_dirty)"_s);
    for (const SubscriptionValue &v : values)
        touched->insert({v.customer, v.currency});
    if (!db.exec(u"DELETE FROM sub_mrr WHERE subscription IN (SELECT subscription FROM "
                 u"sub_dirty)"_s))
        return false;
    sql::Statement put
        = db.prepare(u"INSERT INTO sub_mrr (subscription, customer, currency, base, discounted, "
                     u"until) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"_s);
    for (const SubscriptionValue &v : values) {
        put.bind(1, v.id);
        put.bind(2, v.customer);
        put.bind(3, v.currency);
        put.bind(4, v.base);
        if (v.discounted)
            put.bind(5, *v.discounted);
        else
            put.bindNull(5);
        if (v.until)
            put.bind(6, *v.until);
        else
            put.bindNull(6);
        if (!put.exec())
            return false;
    }
    return db.exec(u"DELETE FROM sub_dirty"_s);
}

bool foldHistory(sql::Database &db, CustomerKeys *touched)
{
    QList<std::pair<QString, QString>> dirty;
    {
        sql::Statement d = db.prepare(u"SELECT customer, currency FROM mrr_dirty"_s);
        while (d.step()) {
            dirty.append({d.text(0), d.text(1)});
            touched->insert(dirty.last());
        }
    }
    if (dirty.isEmpty())
        return true;
    sql::Statement old = db.prepare(
        u"SELECT first, series FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
    sql::Statement lines = db.prepare(
        u"SELECT l.start, l.end, sub.ended_at, l.monthly FROM line_mrr l INDEXED BY "
        u"idx_line_mrr_history LEFT JOIN subscriptions sub ON sub.id = l.subscription WHERE "
        u"l.live = 1 AND l.currency = ?2 AND l.customer = ?1 AND l.monthly > 0"_s);
    sql::Statement put = db.prepare(u"INSERT OR REPLACE INTO customer_mrr (customer, currency, "
                                    u"first, series) VALUES (?1, ?2, ?3, ?4)"_s);
    sql::Statement drop
        = db.prepare(u"DELETE FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
    MonthTotals months;
    CohortCells cells;
    std::vector<LineSpan> spans;
    for (const auto &[customer, currency] : std::as_const(dirty)) {
        old.reset();
        old.bind(1, customer);
        old.bind(2, currency);
        if (old.step())
            contribute(currency, parseSeries(old.int64(0), old.text(1)), -1, &months, &cells);
        old.reset();
        lines.reset();
        lines.bind(1, customer);
        lines.bind(2, currency);
        spans.clear();
        while (lines.step()) {
            qint64 end = lines.int64(1);
            if (!lines.isNull(2))
                end = std::min(end, lines.int64(2));
            if (end > lines.int64(0))
                spans.push_back({lines.int64(0), end, lines.int64(3)});
        }
        const Series series = seriesOf(spans);
        contribute(currency, series, 1, &months, &cells);
        sql::Statement &write = series.values.empty() ? drop : put;
        write.bind(1, customer);
        write.bind(2, currency);
        if (!series.values.empty()) {
            write.bind(3, qint64(series.first));
            write.bind(4, seriesText(series));
        }
        if (!write.exec())
            return false;
        write.reset();
    }
    sql::Statement add = db.prepare(
        u"INSERT INTO mrr_months (currency, month, start_mrr, mrr, start_customers, customers, "
        u"new_mrr, new_customers, expansion, contraction, churn, churned_customers, "
        u"reactivation, reactivated_customers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        u"?11, ?12, ?13, ?14) ON CONFLICT (currency, month) DO UPDATE SET start_mrr = start_mrr "
        u"+ excluded.start_mrr, mrr = mrr + excluded.mrr, start_customers = start_customers + "
        u"excluded.start_customers, customers = customers + excluded.customers, new_mrr = "
        u"new_mrr + excluded.new_mrr, new_customers = new_customers + excluded.new_customers, "
        u"expansion = expansion + excluded.expansion, contraction = contraction + "
        u"excluded.contraction, churn = churn + excluded.churn, churned_customers = "
        u"churned_customers + excluded.churned_customers, reactivation = reactivation + "
        u"excluded.reactivation, reactivated_customers = reactivated_customers + "
        u"excluded.reactivated_customers"_s);
    for (auto it = months.cbegin(); it != months.cend(); ++it) {
        const MrrMonth &m = it.value();
        add.bind(1, it.key().first);
        add.bind(2, qint64(it.key().second));
        const qint64 values[] = {m.startMrr,         m.mrr,          m.startCustomers,
                                 m.customers,        m.newMrr,       m.newCustomers,
                                 m.expansion,        m.contraction,  m.churn,
                                 m.churnedCustomers, m.reactivation, m.reactivatedCustomers};
        for (int i = 0; i < 12; ++i)
            add.bind(3 + i, values[i]);
        if (!add.exec())
            return false;
    }
    sql::Statement cell = db.prepare(
        u"INSERT INTO mrr_cohorts (currency, cohort, month, paying, mrr) VALUES (?1, ?2, ?3, "
        u"?4, ?5) ON CONFLICT (currency, cohort, month) DO UPDATE SET paying = paying + "
        u"excluded.paying, mrr = mrr + excluded.mrr"_s);
    for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
        cell.bind(1, std::get<0>(it.key()));
        cell.bind(2, qint64(std::get<1>(it.key())));
        cell.bind(3, qint64(std::get<2>(it.key())));
        cell.bind(4, it.value().first);
        cell.bind(5, it.value().second);
        if (!cell.exec())
            return false;
    }
    // A month nobody paid in at its start or end holds nothing else either.
    return db.exec(u"DELETE FROM mrr_months WHERE start_customers = 0 AND customers = 0; "
                   u"DELETE FROM mrr_cohorts WHERE paying = 0; DELETE FROM mrr_dirty"_s);
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

// Each customer's MRR as the month of `now` began (prev: their series at the month before)
// and at `now` (their subscriptions' values), with their cohort: the history's current month
// is their sums (mrrHistoryFromMonths). The touched customers are computed again; all of them
// when the month changed since, and those whose discount ran out since.
bool foldCurrent(sql::Database &db, CustomerKeys touched, qint64 now)
{
    if (!hasCustomerNow(db))
        return true;
    const int month = monthIndex(now);
    const qint64 folded = customerNowAt(db);
    const bool all = folded < 0 || monthIndex(folded) != month;
    if (!all && touched.isEmpty() && !discountEndsBetween(db, folded, now))
        return true; // Nothing changed: the values of `folded` are the values now.
    sql::Statement put = db.prepare(
        u"INSERT OR REPLACE INTO customer_now (customer, currency, prev, now, cohort) VALUES "
        u"(?1, ?2, ?3, ?4, ?5)"_s);
    sql::Statement drop
        = db.prepare(u"DELETE FROM customer_now WHERE customer = ?1 AND currency = ?2"_s);
    auto write = [&](const QString &customer, const QString &currency, int first,
                     const QString &series, qint64 value) {
        const int cohort = first >= 0 && first < month ? first : -1;
        const qint64 prev = cohort >= 0 ? seriesValue(series, month - 1 - cohort) : 0;
        sql::Statement &w = prev == 0 && value == 0 ? drop : put;
        w.reset();
        w.bind(1, customer);
        w.bind(2, currency);
        if (prev != 0 || value != 0) {
            w.bind(3, prev);
            w.bind(4, value);
            w.bind(5, qint64(cohort));
        }
        return w.exec();
    };
    if (all) {
        // Everybody, in one pass of one join.
        if (!db.exec(u"DELETE FROM customer_now"_s))
            return false;
        sql::Statement c = db.prepare(
            QStringLiteral("WITH n AS (SELECT customer, currency, sum(%1) AS now FROM sub_mrr "
                           "WHERE currency IS NOT NULL GROUP BY customer, currency) "
                           "SELECT c.customer, c.currency, c.first, c.series, coalesce(n.now, 0) "
                           "FROM customer_mrr c LEFT JOIN n ON n.customer = c.customer AND "
                           "n.currency = c.currency UNION ALL SELECT n.customer, n.currency, -1, "
                           "'', n.now FROM n WHERE NOT EXISTS (SELECT 1 FROM customer_mrr c "
                           "WHERE c.customer = n.customer AND c.currency = n.currency)")
                .arg(QLatin1String(kSubMrrAt)));
        c.bind(1, now);
        while (c.step())
            if (!write(c.text(0), c.text(1), int(c.int64(2)), c.text(3), c.int64(4)))
                return false;
    } else {
        sql::Statement expiring = db.prepare(
            u"SELECT customer, currency FROM sub_mrr WHERE until > ?1 AND until <= ?2 AND "
            u"currency IS NOT NULL"_s);
        expiring.bind(1, std::min(folded, now));
        expiring.bind(2, std::max(folded, now));
        while (expiring.step())
            touched.insert({expiring.text(0), expiring.text(1)});
        sql::Statement series = db.prepare(
            u"SELECT first, series FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
        sql::Statement value = db.prepare(
            u"SELECT coalesce(sum(%1), 0) FROM sub_mrr WHERE currency = ?3 AND customer = ?2"_s.arg(
                QLatin1String(kSubMrrAt)));
        for (const auto &[customer, currency] : std::as_const(touched)) {
            series.reset();
            series.bind(1, customer);
            series.bind(2, currency);
            const bool paid = series.step();
            value.reset();
            value.bind(1, now);
            value.bind(2, customer);
            value.bind(3, currency);
            const qint64 v = value.step() ? value.int64(0) : 0;
            if (!write(customer, currency, paid ? int(series.int64(0)) : -1,
                       paid ? series.text(1) : QString(), v))
                return false;
        }
    }
    sql::Statement at = db.prepare(u"INSERT INTO sync_state (key, value) VALUES ('mrr_now_at', "
                                   u"?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value"_s);
    at.bind(1, QString::number(now));
    return at.exec();
}

// Whether customer_now answers for the month `month` read at `at` (the fold's values hold).
bool currentIsFolded(sql::Database &db, int month, qint64 at)
{
    if (!hasCustomerNow(db))
        return false;
    const qint64 folded = customerNowAt(db);
    return folded >= 0 && monthIndex(folded) == month && !discountEndsBetween(db, folded, at);
}

} // namespace

bool foldRollups(sql::Database &db)
{
    if (!hasMrrRollups(db))
        return true;
    CustomerKeys touched;
    return foldSubscriptions(db, &touched) && foldHistory(db, &touched)
        && foldCurrent(db, touched, QDateTime::currentSecsSinceEpoch());
}

MrrHistory mrrHistoryFromMonths(sql::Database &db, const Range &range)
{
    const int fromMonth = monthIndex(range.from);
    const int toMonth = monthIndex(range.to - 1);
    // The months from `nowMonth` on end after now: they are read as the subscriptions are now
    // (sub_mrr), the months before it from the folded totals of the invoice lines.
    const qint64 now = range.now();
    const int nowMonth = monthIndex(now);
    const int lastBilled = std::min(toMonth, nowMonth - 1);
    const QString cur = range.currency.isEmpty() ? QString() : u" AND currency = ?3"_s;
    auto bucket = [](int month) {
        return monthStart(month).toString(Qt::ISODate);
    };
    // A query of the months (?1, ?2) and currency (?3).
    auto query = [&](const char *text, qint64 from, qint64 to) {
        sql::Statement q = db.prepare(QString::fromLatin1(text).arg(cur));
        q.bind(1, from);
        q.bind(2, to);
        if (!range.currency.isEmpty())
            q.bind(3, range.currency.toLower());
        return q;
    };
    // The month that began before now, per currency (what moved it, customer by customer from
    // the MRR at its start to the MRR now), and its cohort cells (currency, cohort) → customers
    // paying now and their MRR. The months after it stay as it ends.
    QMap<QString, MrrMonth> current;
    QMap<std::pair<QString, int>, std::pair<qint64, qint64>> currentCells;
    QSet<QString> paying; // Currencies somebody paid in at a month's end.
    if (toMonth >= nowMonth && currentIsFolded(db, nowMonth, now)) {
        // Kept by the fold for this month (customer_now): sums, no customer read here.
        sql::Statement c = db.prepare(
            u"SELECT currency, sum(prev), sum(now), sum(prev > 0), sum(now > 0), "
            u"sum(CASE WHEN prev = 0 AND now > 0 AND cohort < 0 THEN now ELSE 0 END), "
            u"sum(prev = 0 AND now > 0 AND cohort < 0), "
            u"sum(CASE WHEN prev > 0 AND now > prev THEN now - prev ELSE 0 END), "
            u"sum(CASE WHEN now > 0 AND now < prev THEN prev - now ELSE 0 END), "
            u"sum(CASE WHEN prev > 0 AND now = 0 THEN prev ELSE 0 END), "
            u"sum(prev > 0 AND now = 0), "
            u"sum(CASE WHEN prev = 0 AND now > 0 AND cohort >= 0 THEN now ELSE 0 END), "
            u"sum(prev = 0 AND now > 0 AND cohort >= 0) FROM customer_now WHERE 1%1 GROUP BY "
            u"currency"_s.arg(range.currency.isEmpty() ? QString() : u" AND currency = ?1"_s));
        if (!range.currency.isEmpty())
            c.bind(1, range.currency.toLower());
        while (c.step()) {
            MrrMonth &r = current[c.text(0)];
            qint64 *fields[] = {&r.startMrr,         &r.mrr,          &r.startCustomers,
                                &r.customers,        &r.newMrr,       &r.newCustomers,
                                &r.expansion,        &r.contraction,  &r.churn,
                                &r.churnedCustomers, &r.reactivation, &r.reactivatedCustomers};
            for (int i = 0; i < 12; ++i)
                *fields[i] = c.int64(1 + i);
        }
        c = db.prepare(u"SELECT currency, CASE WHEN cohort >= 0 THEN cohort ELSE ?1 END, "
                       u"count(*), sum(now) FROM customer_now WHERE now > 0%1 GROUP BY 1, 2"_s.arg(
                           range.currency.isEmpty() ? QString() : u" AND currency = ?2"_s));
        c.bind(1, qint64(nowMonth));
        if (!range.currency.isEmpty())
            c.bind(2, range.currency.toLower());
        while (c.step())
            currentCells[{c.text(0), int(c.int64(1))}] = {c.int64(2), c.int64(3)};
    } else if (toMonth >= nowMonth) {
        // Not folded for this month or instant: customer by customer, joined in SQL — who
        // paid before this month (their cohort and series, whose value at nowMonth − 1 is
        // their MRR when it began) and what their subscriptions are worth now (?1).
        sql::Statement c = db.prepare(
            QStringLiteral("WITH n AS (SELECT currency, customer, sum(%1) AS now FROM sub_mrr "
                           "WHERE 1%2 GROUP BY currency, customer) "
                           "SELECT c.currency, c.first, c.series, coalesce(n.now, 0) FROM "
                           "customer_mrr c LEFT JOIN n ON n.customer = c.customer AND n.currency "
                           "= c.currency WHERE c.first <= ?2%3 UNION ALL SELECT n.currency, -1, "
                           "'', n.now FROM n WHERE NOT EXISTS (SELECT 1 FROM customer_mrr c "
                           "WHERE c.customer = n.customer AND c.currency = n.currency AND "
                           "c.first <= ?2)")
                .arg(QLatin1String(kSubMrrAt), cur,
                     range.currency.isEmpty() ? QString() : u" AND c.currency = ?3"_s));
        c.bind(1, now);
        c.bind(2, qint64(nowMonth - 1));
        if (!range.currency.isEmpty())
            c.bind(3, range.currency.toLower());
        while (c.step()) {
            const int cohort = c.int64(1) >= 0 ? int(c.int64(1)) : -1;
            const qint64 prev = cohort >= 0 ? seriesValue(c.text(2), nowMonth - 1 - cohort) : 0;
            const qint64 value = c.int64(3);
            if (prev == 0 && value == 0)
                continue; // Gone before this month, and not back: nothing to count.
            const QString currency = c.text(0);
            classify(current[currency], prev, value, cohort >= 0);
            if (value > 0) {
                std::pair<qint64, qint64> &cell
                    = currentCells[{currency, cohort >= 0 ? cohort : nowMonth}];
                cell.first += 1;
                cell.second += value;
            }
        }
    }
    for (auto it = current.cbegin(); it != current.cend(); ++it)
        if (it->customers > 0)
            paying.insert(it.key());
    {
        sql::Statement s = query("SELECT currency FROM mrr_months WHERE month >= ?1 AND month <= "
                                 "?2%1 GROUP BY currency HAVING max(customers) > 0",
                                 0, lastBilled);
        while (s.step())
            paying.insert(s.text(0));
    }
    QStringList currencyNames = paying.values();
    currencyNames.sort();
    MrrHistory out;
    // Every currency anybody ever paid in, for every month of the range (zeros included).
    QMap<std::pair<int, QString>, MrrMonth> by;
    for (int m = fromMonth; m <= toMonth; ++m)
        for (const QString &c : std::as_const(currencyNames)) {
            MrrMonth &r = by[{m, c}];
            r.bucket = bucket(m);
            r.currency = c;
        }
    sql::Statement s
        = query("SELECT currency, month, start_mrr, mrr, start_customers, customers, new_mrr, "
                "new_customers, expansion, contraction, churn, churned_customers, reactivation, "
                "reactivated_customers FROM mrr_months WHERE month >= ?1 AND month <= ?2%1",
                fromMonth, lastBilled);
    while (s.step()) {
        auto it = by.find({int(s.int64(1)), s.text(0)});
        if (it == by.end())
            continue;
        MrrMonth &r = it.value();
        r.startMrr = s.int64(2);
        r.mrr = s.int64(3);
        r.startCustomers = s.int64(4);
        r.customers = s.int64(5);
        r.newMrr = s.int64(6);
        r.newCustomers = s.int64(7);
        r.expansion = s.int64(8);
        r.contraction = s.int64(9);
        r.churn = s.int64(10);
        r.churnedCustomers = s.int64(11);
        r.reactivation = s.int64(12);
        r.reactivatedCustomers = s.int64(13);
    }
    // Cohort cells (currency, cohort, month) → customers paying, their MRR.
    QMap<std::tuple<QString, int, int>, std::pair<qint64, qint64>> cells;
    s = query("SELECT currency, cohort, month, paying, mrr FROM mrr_cohorts WHERE cohort >= ?1 "
              "AND month <= ?2%1",
              fromMonth, lastBilled);
    while (s.step())
        cells[{s.text(0), int(s.int64(1)), int(s.int64(2))}] = {s.int64(3), s.int64(4)};
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        // Later months (a range past this one) stay as this one ends: nothing moves them.
        MrrMonth steady;
        steady.startMrr = steady.mrr = it->mrr;
        steady.startCustomers = steady.customers = it->customers;
        for (int m = std::max(fromMonth, nowMonth); m <= toMonth; ++m) {
            auto row = by.find({m, it.key()});
            if (row == by.end())
                continue;
            const MrrMonth &from = m == nowMonth ? it.value() : steady;
            MrrMonth &r = row.value();
            qint64 *to[] = {&r.startMrr,         &r.mrr,          &r.startCustomers,
                            &r.customers,        &r.newMrr,       &r.newCustomers,
                            &r.expansion,        &r.contraction,  &r.churn,
                            &r.churnedCustomers, &r.reactivation, &r.reactivatedCustomers};
            const qint64 values[]
                = {from.startMrr,         from.mrr,          from.startCustomers,
                   from.customers,        from.newMrr,       from.newCustomers,
                   from.expansion,        from.contraction,  from.churn,
                   from.churnedCustomers, from.reactivation, from.reactivatedCustomers};
            for (int i = 0; i < 12; ++i)
                *to[i] = values[i];
        }
    }
    for (auto it = currentCells.cbegin(); it != currentCells.cend(); ++it)
        if (it.key().second >= fromMonth)
            for (int m = nowMonth; m <= toMonth; ++m)
                cells[{it.key().first, it.key().second, m}] = it.value();
    out.months = by.values();
    for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
        const auto &[currency, cohort, month] = it.key();
        if (it.value().first == 0)
            continue;
        if (out.cohorts.isEmpty() || out.cohorts.last().currency != currency
            || out.cohorts.last().cohort != bucket(cohort)) {
            CohortRow c;
            c.cohort = bucket(cohort);
            c.currency = currency;
            c.paying = QList<qint64>(toMonth - cohort + 1, 0);
            c.mrr = QList<qint64>(toMonth - cohort + 1, 0);
            out.cohorts.append(c);
        }
        CohortRow &c = out.cohorts.last();
        const qsizetype j = qsizetype(month - cohort);
        c.paying[j] = it.value().first;
        c.mrr[j] = it.value().second;
        if (j == 0) {
            c.customers = it.value().first;
            c.startMrr = it.value().second;
        }
    }
    return out;
}

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
    const bool rollup = onHours(range) && hasRollups(db);
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

QStringList sourceTables()
{
    return {QStringLiteral("balance_transactions"),
            QStringLiteral("charges"),
            QStringLiteral("coupons"),
            QStringLiteral("customers"),
            QStringLiteral("disputes"),
            QStringLiteral("invoice_lines"),
            QStringLiteral("invoices"),
            QStringLiteral("prices"),
            QStringLiteral("products"),
            QStringLiteral("refunds"),
            QStringLiteral("subscription_items"),
            QStringLiteral("subscriptions")};
}

QStringList currencies(sql::Database &db)
{
    // One index seek per currency would need a list of them; the distinct currencies of the
    // subscriptions and a bounded sample of recent charges are enough to offer a choice.
    sql::Statement s = db.prepare(
        u"SELECT currency, count(*) AS n FROM (SELECT currency FROM charges WHERE deleted = 0 "
        u"AND status = 'succeeded' ORDER BY created DESC LIMIT 20000) GROUP BY currency ORDER "
        u"BY n DESC, currency"_s);
    QStringList list;
    while (s.step())
        if (!s.text(0).isEmpty())
            list.append(s.text(0));
    return list;
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
