#pragma once

#include <QDate>
#include <QString>
#include <QTimeZone>

namespace paydesk::models::dates {

/*
 * The date ranges a person picks ("today", "last 30 days", "this month", "2026-11-01 to
 * 2026-11-30") and the days the commands take, in one time convention: whole calendar days of
 * the reporting time zone (the settings' reporting/timeZone, else UTC). The tables' created
 * filter, the Home tiles, the Analytics charts, `paydesk report` and `paydesk export` all read
 * their ranges here, so that "last 30 days" is the same 30 days on every screen.
 */

// A half-open range of Unix time: from <= t < to. 0 on a side: unbounded there.
struct Span
{
    qint64 from = 0;
    qint64 to = 0;
    bool operator==(const Span &) const = default;
};

// The zone of `reporting/timeZone` in the settings (UTC when unset or unknown).
QTimeZone reportingZone();

// The calendar day of `t` in `zone`.
QDate dayOf(qint64 t, const QTimeZone &zone);
// The first instant of `day` in `zone`.
qint64 startOf(const QDate &day, const QTimeZone &zone);

// `first` to `last`, both days whole and included.
Span days(const QDate &first, const QDate &last, const QTimeZone &zone);
// The last `n` days up to and including the day of `now` (n = 1: today).
Span lastDays(int n, qint64 now, const QTimeZone &zone);
// The last `n` ISO weeks (Monday first) up to and including the week of `now`.
Span lastWeeks(int n, qint64 now, const QTimeZone &zone);
// The last `n` calendar months up to and including the month of `now` (n = 1: this month).
Span lastMonths(int n, qint64 now, const QTimeZone &zone);

// "2026-11-01" (ISO 8601); an invalid date when the text is not one.
QDate parseDay(const QString &text);

} // namespace paydesk::models::dates
