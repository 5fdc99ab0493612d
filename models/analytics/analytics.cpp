#include "models/analytics/analytics.h"

#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

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

} // namespace paydesk::models::analytics
