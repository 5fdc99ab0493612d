#include "models/analytics.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace paydesk::models::analytics {

namespace {

QString L(const char *s)
{
    return QString::fromLatin1(s);
}

// SQLite's date of the bucket a `created` column falls in.
QString bucketSql(Interval interval, const char *column = "created")
{
    const QString c = QString::fromLatin1(column);
    switch (interval) {
    case Interval::Day:
        return L("date(%1, 'unixepoch')").arg(c);
    case Interval::Week:
        // The Monday on or before the day: 'weekday 1' moves forward to a Monday.
        return L("date(%1, 'unixepoch', '-6 days', 'weekday 1')").arg(c);
    case Interval::Month:
        return L("date(%1, 'unixepoch', 'start of month')").arg(c);
    }
    return {};
}

// " AND currency = ?3" when the range has one (bound by the caller as ?3).
QString currencySql(const Range &r, const char *column = "currency")
{
    return r.currency.isEmpty() ? QString() : L(" AND %1 = ?3").arg(QLatin1String(column));
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
                           const QString &where = L("status IN ('succeeded', 'failed')"))
{
    sql::Statement s = db.prepare(
        L("SELECT %1 AS k, sum(status = 'succeeded'), sum(status = 'failed') FROM charges WHERE "
          "deleted = 0 AND created >= ?1 AND created < ?2 AND %2%3 GROUP BY k ORDER BY "
          "count(*) DESC, k")
            .arg(key, where, currencySql(range)));
    bindRange(s, range);
    QList<Breakdown> list;
    while (s.step())
        list.append({s.isNull(0) ? L("unknown") : s.text(0), s.int64(1), s.int64(2)});
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
        return L("day");
    case Interval::Week:
        return L("week");
    case Interval::Month:
        return L("month");
    }
    return {};
}

QString bucketOf(qint64 t, Interval interval)
{
    QDate d = QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).date();
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
    QDate d = QDate::fromString(bucketOf(range.from, range.interval), Qt::ISODate);
    const QDate last = QDateTime::fromSecsSinceEpoch(range.to - 1, QTimeZone::utc()).date();
    while (d <= last) {
        list.append(d.toString(Qt::ISODate));
        d = range.interval == Interval::Day    ? d.addDays(1)
            : range.interval == Interval::Week ? d.addDays(7)
                                               : d.addMonths(1);
    }
    return list;
}

QList<RevenueRow> revenue(sql::Database &db, const Range &range)
{
    QMap<std::pair<QString, QString>, RevenueRow> rows;
    auto row = [&](const QString &bucket, const QString &currency) -> RevenueRow & {
        RevenueRow &r = rows[{bucket, currency}];
        r.bucket = bucket;
        r.currency = currency;
        return r;
    };
    const QString b = bucketSql(range.interval);
    sql::Statement s = db.prepare(
        L("SELECT %1, currency, sum(coalesce(amount_captured, amount)), count(*) FROM charges "
          "WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND created < ?2%2 "
          "GROUP BY 1, 2")
            .arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step()) {
        RevenueRow &r = row(s.text(0), s.text(1));
        r.gross = s.int64(2);
        r.charges = s.int64(3);
    }
    s = db.prepare(L("SELECT %1, currency, sum(amount) FROM refunds WHERE deleted = 0 AND "
                     "coalesce(status, 'succeeded') NOT IN ('failed', 'canceled') AND created >= "
                     "?1 AND created < ?2%2 GROUP BY 1, 2")
                       .arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        row(s.text(0), s.text(1)).refunds = s.int64(2);
    s = db.prepare(L("SELECT %1, currency, sum(amount) FROM disputes WHERE deleted = 0 AND status "
                     "= 'lost' AND created >= ?1 AND created < ?2%2 GROUP BY 1, 2")
                       .arg(b, currencySql(range)));
    bindRange(s, range);
    while (s.step())
        row(s.text(0), s.text(1)).disputesLost = s.int64(2);
    return rows.values();
}

QList<SettlementRow> settlement(sql::Database &db, const Range &range)
{
    sql::Statement s = db.prepare(
        L("SELECT %1, currency, coalesce(reporting_category, type) AS category, sum(amount), "
          "sum(fee), sum(net) FROM balance_transactions WHERE deleted = 0 AND created >= ?1 AND "
          "created < ?2%2 GROUP BY 1, 2, 3")
            .arg(bucketSql(range.interval), currencySql(range)));
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

PaymentStats payments(sql::Database &db, const Range &range)
{
    PaymentStats p;
    const QString cur = currencySql(range);
    sql::Statement s = db.prepare(
        L("SELECT sum(status = 'succeeded'), sum(status = 'failed'), sum(status = 'succeeded' AND "
          "amount_refunded > 0) FROM charges WHERE deleted = 0 AND created >= ?1 AND created < "
          "?2%1")
            .arg(cur));
    bindRange(s, range);
    if (s.step()) {
        p.succeeded = s.int64(0);
        p.failed = s.int64(1);
        p.refundRate = {s.int64(2), p.succeeded};
    }
    p.successRate = {p.succeeded, p.succeeded + p.failed};
    s = db.prepare(
        L("SELECT count(*) FROM disputes WHERE deleted = 0 AND created >= ?1 AND created "
          "< ?2%1")
            .arg(cur));
    bindRange(s, range);
    p.disputeRate = {s.step() ? s.int64(0) : 0, p.succeeded};
    s = db.prepare(L("SELECT currency, sum(coalesce(amount_captured, amount)), count(*) FROM "
                     "charges WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND "
                     "created < ?2%1 GROUP BY currency")
                       .arg(cur));
    bindRange(s, range);
    while (s.step())
        p.averageValue.insert(s.text(0), divideHalfUp(s.int64(1), s.int64(2)));

    p.declines = breakdown(db, range, L("coalesce(nullif(outcome_reason, ''), failure_code)"),
                           L("status = 'failed'"));
    p.byBrand = breakdown(db, range, L("coalesce(card_brand, pm_type)"));
    p.byCountry = breakdown(db, range, L("card_country"));
    p.byFunding = breakdown(db, range, L("card_funding"));
    p.byMethod = breakdown(db, range, L("pm_type"));
    for (const Breakdown &b : breakdown(db, range, L("risk_level")))
        p.riskLevels.insert(b.key, b.succeeded + b.failed);

    s = db.prepare(
        L("SELECT sum(first >= ?1), sum(first < ?1) FROM (SELECT min(created) AS first FROM "
          "charges WHERE deleted = 0 AND status = 'succeeded' AND customer IS NOT NULL AND "
          "created < ?2%1 GROUP BY customer HAVING max(created) >= ?1)")
            .arg(cur));
    bindRange(s, range);
    if (s.step()) {
        p.newCustomers = s.int64(0);
        p.returningCustomers = s.int64(1);
    }

    p.hourOfWeek = QList<qint64>(168, 0);
    s = db.prepare(L("SELECT (CAST(strftime('%w', created, 'unixepoch') AS INTEGER) + 6) % 7 * 24 "
                     "+ CAST(strftime('%H', created, 'unixepoch') AS INTEGER), count(*) FROM "
                     "charges WHERE deleted = 0 AND status = 'succeeded' AND created >= ?1 AND "
                     "created < ?2%1 GROUP BY 1")
                       .arg(cur));
    bindRange(s, range);
    while (s.step())
        if (const qint64 slot = s.int64(0); slot >= 0 && slot < 168)
            p.hourOfWeek[slot] = s.int64(1);
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

QList<MrrRow> mrr(sql::Database &db, qint64 at, const QString &currency)
{
    // Items of the subscriptions that count, with the subscription's coupon as cached.
    sql::Statement s = db.prepare(
        L("SELECT s.id, s.customer, s.currency, i.unit_amount, coalesce(i.quantity, 1), "
          "i.recurring_interval, i.recurring_interval_count, coalesce(i.usage_type, 'licensed'), "
          "json_extract(s.raw, '$.discount.coupon.percent_off'), "
          "json_extract(s.raw, '$.discount.coupon.amount_off'), "
          "json_extract(s.raw, '$.discount.coupon.duration'), s.discount_end, "
          "json_extract(s.raw, '$.discount.coupon.currency') "
          "FROM subscriptions s JOIN subscription_items i ON i.subscription = s.id "
          "WHERE s.deleted = 0 AND s.status IN ('active', 'past_due') AND "
          "s.pause_behavior IS NULL%1 ORDER BY s.id")
            .arg(currency.isEmpty() ? QString() : L(" AND s.currency = ?1")));
    if (!currency.isEmpty())
        s.bind(1, currency.toLower());
    struct Sub
    {
        QString customer, currency, interval;
        qint64 count = 1;
        qint64 items = 0;
        double percentOff = 0;
        qint64 amountOff = 0;
        bool discounted = false;
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
        const QString duration = s.text(10);
        // Discounts that last: forever, or repeating while in force; "once" does not recur.
        const bool lasting = duration == QLatin1String("forever")
            || (duration == QLatin1String("repeating") && (s.isNull(11) || s.int64(11) > at));
        if (lasting) {
            sub.discounted = true;
            sub.percentOff = s.isNull(8) ? 0 : s.real(8);
            sub.amountOff = s.isNull(9) ? 0 : s.int64(9);
        }
    }
    QMap<QString, MrrRow> rows;
    QMap<QString, QSet<QString>> customers;
    for (const Sub &sub : std::as_const(subs)) {
        qint64 value = sub.items;
        if (sub.discounted && sub.percentOff > 0) {
            const qint64 hundredths = qint64(std::llround(sub.percentOff * 100.0));
            value -= divideHalfUp(value * hundredths, 10000);
        }
        if (sub.discounted && sub.amountOff > 0)
            value -= monthlyAmount(sub.amountOff, 1, sub.interval, sub.count);
        value = std::max<qint64>(0, value);
        MrrRow &row = rows[sub.currency];
        row.currency = sub.currency;
        row.mrr += value;
        row.subscriptions += 1;
        customers[sub.currency].insert(sub.customer);
    }
    for (auto it = rows.begin(); it != rows.end(); ++it)
        it->customers = customers.value(it.key()).size();
    return rows.values();
}

} // namespace paydesk::models::analytics
