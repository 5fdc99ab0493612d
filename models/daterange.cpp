#include "models/daterange.h"

#include <QDateTime>
#include <QSettings>

namespace paydesk::models::dates {

QTimeZone reportingZone()
{
    const QByteArray id = QSettings().value(QStringLiteral("reporting/timeZone")).toByteArray();
    const QTimeZone zone(id);
    return id.isEmpty() || !zone.isValid() ? QTimeZone::utc() : zone;
}

QDate dayOf(qint64 t, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(t, zone.isValid() ? zone : QTimeZone::utc()).date();
}

qint64 startOf(const QDate &day, const QTimeZone &zone)
{
    return day.startOfDay(zone.isValid() ? zone : QTimeZone::utc()).toSecsSinceEpoch();
}

Span days(const QDate &first, const QDate &last, const QTimeZone &zone)
{
    return {startOf(first, zone), startOf(last.addDays(1), zone)};
}

Span lastDays(int n, qint64 now, const QTimeZone &zone)
{
    const QDate today = dayOf(now, zone);
    return days(today.addDays(1 - n), today, zone);
}

Span lastWeeks(int n, qint64 now, const QTimeZone &zone)
{
    const QDate today = dayOf(now, zone);
    return days(today.addDays(1 - today.dayOfWeek() - 7 * (n - 1)), today, zone);
}

Span lastMonths(int n, qint64 now, const QTimeZone &zone)
{
    const QDate today = dayOf(now, zone);
    return days(QDate(today.year(), today.month(), 1).addMonths(-(n - 1)), today, zone);
}

QDate parseDay(const QString &text)
{
    return QDate::fromString(text, Qt::ISODate);
}

} // namespace paydesk::models::dates
