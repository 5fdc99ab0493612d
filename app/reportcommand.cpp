#include "app/reportcommand.h"

#include "app/commandline.h"
#include "app/exportcommand.h"
#include "app/payoutreport.h"
#include "app/reports.h"
#include "models/currency.h"
#include "models/daterange.h"
#include "models/store/sqlitedb.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimeZone>

namespace paydesk::app {

namespace {

using namespace Qt::StringLiterals;
namespace dates = models::dates;
using models::analytics::Interval;

int usage(const QString &message)
{
    return commandError(u"report"_s, message, ExitUsage);
}

int failure(const QString &message)
{
    return commandError(u"report"_s, message, ExitFailure);
}

// The report, format and range the command line asks for; an empty string when they are
// consistent, else what is wrong with them.
QString parseOptions(const QCommandLineParser &parser, reports::Options *o)
{
    o->kind = parser.positionalArguments().value(0);
    static const QStringList kinds {u"revenue"_s, u"settlement"_s, u"payments"_s, u"mrr"_s,
                                    u"churn"_s};
    if (!kinds.contains(o->kind))
        return u"say which report: revenue, settlement, payments, mrr, churn or payouts"_s;
    o->history = parser.isSet(u"history"_s);
    o->summary = parser.isSet(u"summary"_s);
    if (o->history && o->kind != "mrr"_L1)
        return u"--history is an option of report mrr"_s;
    if (o->summary && o->kind != "churn"_L1)
        return u"--summary is an option of report churn"_s;
    const QString format = parser.isSet(u"format"_s) ? parser.value(u"format"_s) : u"csv"_s;
    if (format != "csv"_L1 && format != "json"_L1)
        return u"--format must be csv or json"_s;
    o->json = format == "json"_L1;
    models::analytics::Range &range = o->range;
    if (parser.isSet(u"interval"_s)
        && !models::analytics::parseInterval(parser.value(u"interval"_s), &range.interval))
        return u"--interval must be day, week or month"_s;
    range.currency = parser.value(u"currency"_s).toLower();
    if (!range.currency.isEmpty() && !models::currency::isValidCode(range.currency))
        return u"--currency must be a three-letter ISO code such as usd"_s;
    // The reporting time zone: --time-zone, else the settings' (as the charts), else UTC.
    range.zone = dates::reportingZone();
    if (parser.isSet(u"time-zone"_s)) {
        range.zone = QTimeZone(parser.value(u"time-zone"_s).toUtf8());
        if (!range.zone.isValid())
            return u"--time-zone must be an IANA time zone such as Europe/Berlin or UTC"_s;
    }
    // Default range: the last 12 months, 12 weeks or 30 days up to today, whole buckets.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const dates::Span span = range.interval == Interval::Month
        ? dates::lastMonths(12, now, range.zone)
        : range.interval == Interval::Week ? dates::lastWeeks(12, now, range.zone)
                                           : dates::lastDays(30, now, range.zone);
    range.from = span.from;
    range.to = span.to;
    if (parser.isSet(u"from"_s)) {
        const QDate from = dates::parseDay(parser.value(u"from"_s));
        if (!from.isValid())
            return u"--from must be a date like 2026-11-01"_s;
        range.from = dates::startOf(from, range.zone);
    }
    if (parser.isSet(u"to"_s)) {
        const QDate to = dates::parseDay(parser.value(u"to"_s));
        if (!to.isValid())
            return u"--to must be a date like 2026-11-30"_s;
        range.to = dates::days(to, to, range.zone).to; // The whole day.
    }
    if (range.from >= range.to)
        return u"--from must not be after --to"_s;
    if ((o->kind == "mrr"_L1 || o->kind == "churn"_L1) && range.interval != Interval::Month)
        return u"MRR and churn are monthly: --interval month"_s;
    o->at = now;
    if (parser.isSet(u"at"_s)) {
        const QDate at = dates::parseDay(parser.value(u"at"_s));
        if (!at.isValid())
            return u"--at must be a date like 2026-12-01"_s;
        o->at = dates::startOf(at, range.zone);
    }
    // The month ends after `at` are read as the subscriptions are then, like `mrr` itself.
    range.asOf = o->at;
    return {};
}

} // namespace

int runReportCommand(const QCommandLineParser &parser)
{
    if (parser.positionalArguments().value(0) == "payouts"_L1)
        return runPayoutReport(parser);
    reports::Options options;
    if (const QString problem = parseOptions(parser, &options); !problem.isEmpty())
        return usage(problem);
    QString error;
    const QString path = existingCache(parser, &error);
    if (path.isEmpty())
        return failure(error);
    models::sql::Database db;
    if (!db.open(path, false))
        return failure(u"cannot open the cache %1: %2"_s.arg(path, db.lastError()));
    db.exec(u"PRAGMA query_only = 1"_s);
    const reports::Report report = reports::render(db, options);
    stdoutStream() << (options.json ? QString::fromUtf8(
                           QJsonDocument(reports::toJson(report)).toJson(QJsonDocument::Indented))
                                    : reports::toCsv(report));
    stdoutStream().flush();
    return ExitOk;
}

} // namespace paydesk::app
