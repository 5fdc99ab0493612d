#include "models/analytics/analyticssql.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics::detail {

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
QString bucketSql(const Range &r, const char *column)
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
QString currencySql(const Range &r, const char *column)
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

QList<Breakdown> breakdown(sql::Database &db, const Range &range, const QString &key,
                           const QString &where)
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

bool hasRollups(sql::Database &db)
{
    return db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = "
                                    "'charge_hours'"),
                     0)
        > 0;
}

bool rollupsCurrent(sql::Database &db, const QString &table)
{
    if (!hasRollups(db))
        return false;
    sql::Statement s = db.prepare(QStringLiteral("SELECT EXISTS (SELECT 1 FROM sync_state WHERE "
                                                 "key = 'rollups_deferred:' || ?1)"));
    s.bind(1, table);
    return s.step() && s.int64(0) == 0;
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

} // namespace paydesk::models::analytics::detail
