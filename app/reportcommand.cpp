#include "app/reportcommand.h"

#include "app/commandline.h"
#include "app/exportcommand.h"
#include "models/analytics/analytics.h"
#include "models/currency.h"
#include "models/money.h"
#include "models/store/sqlitedb.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTimeZone>

namespace paydesk::app {

namespace {

using namespace models::analytics;

QString L(const char *s)
{
    return QString::fromLatin1(s);
}

int usage(const QString &message)
{
    return commandError(QStringLiteral("report"), message, ExitUsage);
}

int failure(const QString &message)
{
    return commandError(QStringLiteral("report"), message, ExitFailure);
}

QString major(qint64 minor, const QString &currency)
{
    return models::Money(minor, currency).toDecimalString();
}

// Empty when undefined (nothing to divide by), so that a spreadsheet does not read 0 %.
QString percent(const Ratio &r)
{
    return r.denominator == 0 ? QString() : QString::number(r.percent(), 'f', 2);
}

QJsonObject ratio(const Ratio &r)
{
    return {{L("numerator"), r.numerator},
            {L("denominator"), r.denominator},
            {L("percent"), r.percent()}};
}

QJsonArray breakdownJson(const QList<Breakdown> &list)
{
    QJsonArray a;
    for (const Breakdown &b : list)
        a.append(QJsonObject {
            {L("key"), b.key}, {L("succeeded"), b.succeeded}, {L("failed"), b.failed}});
    return a;
}

void writeJson(const QJsonObject &o)
{
    stdoutStream() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    stdoutStream().flush();
}

void writeCsv(const QStringList &lines)
{
    for (const QString &l : lines)
        stdoutStream() << l << "\r\n";
    stdoutStream().flush();
}

// Every bucket of the range for every currency seen, so that a chart's empty buckets are zero.
template<typename Row>
QList<Row> filled(const QList<Row> &rows, const Range &range)
{
    QSet<QString> currencies;
    QHash<QString, Row> byKey;
    for (const Row &r : rows) {
        currencies.insert(r.currency);
        byKey.insert(r.bucket + u'|' + r.currency, r);
    }
    QStringList sorted(currencies.begin(), currencies.end());
    sorted.sort();
    QList<Row> out;
    for (const QString &b : buckets(range)) {
        for (const QString &c : std::as_const(sorted)) {
            Row r = byKey.value(b + u'|' + c);
            r.bucket = b;
            r.currency = c;
            out.append(r);
        }
    }
    return out;
}

} // namespace

int runReportCommand(const QCommandLineParser &parser)
{
    const QString kind = parser.positionalArguments().value(0);
    static const QStringList kinds {L("revenue"), L("settlement"), L("payments"), L("mrr"),
                                    L("churn")};
    if (!kinds.contains(kind))
        return usage(L("say which report: revenue, settlement, payments, mrr or churn"));
    if (parser.isSet(L("history")) && kind != QLatin1String("mrr"))
        return usage(L("--history is an option of report mrr"));
    if (parser.isSet(L("summary")) && kind != QLatin1String("churn"))
        return usage(L("--summary is an option of report churn"));
    const QString format = parser.isSet(L("format")) ? parser.value(L("format")) : L("csv");
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return usage(L("--format must be csv or json"));
    Range range;
    if (parser.isSet(L("interval")) && !parseInterval(parser.value(L("interval")), &range.interval))
        return usage(L("--interval must be day, week or month"));
    range.currency = parser.value(L("currency")).toLower();
    if (!range.currency.isEmpty() && !models::currency::isValidCode(range.currency))
        return usage(L("--currency must be a three-letter ISO code such as usd"));
    // The reporting time zone: --time-zone, else the settings' (as the charts), else UTC.
    range.zone = reportingZone();
    if (parser.isSet(L("time-zone"))) {
        range.zone = QTimeZone(parser.value(L("time-zone")).toUtf8());
        if (!range.zone.isValid())
            return usage(L("--time-zone must be an IANA time zone such as Europe/Berlin or UTC"));
    }
    const QTimeZone zone = range.zone;
    // A day of the zone, from "2026-11-01"; -1 when it is not one.
    auto localDay = [&zone](const QString &text) -> qint64 {
        const qint64 utc = parseDay(text);
        if (utc < 0)
            return -1;
        return QDateTime::fromSecsSinceEpoch(utc, QTimeZone::utc())
            .date()
            .startOfDay(zone)
            .toSecsSinceEpoch();
    };
    // Default range: the last 12 months, 12 weeks or 30 days up to today, whole buckets.
    const QDate today = QDateTime::currentDateTime().toTimeZone(zone).date();
    range.to = today.addDays(1).startOfDay(zone).toSecsSinceEpoch();
    const QDate start = range.interval == Interval::Month
        ? QDate(today.year(), today.month(), 1).addMonths(-11)
        : range.interval == Interval::Week ? today.addDays(1 - today.dayOfWeek() - 7 * 11)
                                           : today.addDays(-29);
    range.from = start.startOfDay(zone).toSecsSinceEpoch();
    if (parser.isSet(L("from"))) {
        range.from = localDay(parser.value(L("from")));
        if (range.from < 0)
            return usage(L("--from must be a date like 2026-11-01"));
    }
    if (parser.isSet(L("to"))) {
        const qint64 to = localDay(parser.value(L("to")));
        if (to < 0)
            return usage(L("--to must be a date like 2026-11-30"));
        // Inclusive day: up to the start of the next one.
        range.to = QDateTime::fromSecsSinceEpoch(to, zone)
                       .date()
                       .addDays(1)
                       .startOfDay(zone)
                       .toSecsSinceEpoch();
    }
    if (range.from >= range.to)
        return usage(L("--from must not be after --to"));
    if ((kind == QLatin1String("mrr") || kind == QLatin1String("churn"))
        && range.interval != Interval::Month)
        return usage(L("MRR and churn are monthly: --interval month"));
    qint64 at = QDateTime::currentSecsSinceEpoch();
    if (parser.isSet(L("at"))) {
        at = localDay(parser.value(L("at")));
        if (at < 0)
            return usage(L("--at must be a date like 2026-12-01"));
    }
    // The month ends after `at` are read as the subscriptions are then, like `mrr` itself.
    range.asOf = at;

    QString error;
    const QString path = existingCache(parser, &error);
    if (path.isEmpty())
        return failure(error);
    models::sql::Database db;
    if (!db.open(path, false))
        return failure(L("cannot open the cache %1: %2").arg(path, db.lastError()));
    db.exec(L("PRAGMA query_only = 1"));
    const QString fromDay
        = QDateTime::fromSecsSinceEpoch(range.from, zone).date().toString(Qt::ISODate);
    const QString toDay
        = QDateTime::fromSecsSinceEpoch(range.to - 1, zone).date().toString(Qt::ISODate);

    // One table a run: revenue (per presentment currency) and settlement (per settlement
    // currency) are two reports; JSON of either is the complete form with both.
    if (kind == QLatin1String("revenue") || kind == QLatin1String("settlement")) {
        // CSV prints one of the two: only that one is computed.
        const bool json = format == QLatin1String("json");
        const QList<RevenueRow> rows = json || kind == QLatin1String("revenue")
            ? filled(revenue(db, range), range)
            : QList<RevenueRow>();
        const QList<SettlementRow> settled = json || kind == QLatin1String("settlement")
            ? filled(settlement(db, range), range)
            : QList<SettlementRow>();
        if (json) {
            QJsonArray a, b;
            for (const RevenueRow &r : rows)
                a.append(QJsonObject {{L("bucket"), r.bucket},
                                      {L("currency"), r.currency},
                                      {L("gross"), r.gross},
                                      {L("charges"), r.charges},
                                      {L("refunds"), r.refunds},
                                      {L("disputes_lost"), r.disputesLost},
                                      {L("net"), r.net()}});
            for (const SettlementRow &r : settled)
                b.append(QJsonObject {{L("bucket"), r.bucket},
                                      {L("currency"), r.currency},
                                      {L("gross"), r.gross},
                                      {L("refunds"), r.refunds},
                                      {L("disputes"), r.disputes},
                                      {L("fees"), r.fees},
                                      {L("other"), r.other},
                                      {L("net"), r.net}});
            writeJson({{L("report"), kind},
                       {L("interval"), intervalName(range.interval)},
                       {L("from"), fromDay},
                       {L("to"), toDay},
                       {L("amounts"), L("minor units")},
                       {L("revenue"), a},
                       {L("settlement"), b}});
            return ExitOk;
        }
        if (kind == QLatin1String("revenue")) {
            QStringList lines {L("bucket,currency,gross,refunds,disputes_lost,net,charges")};
            for (const RevenueRow &r : rows)
                lines.append(QStringList {r.bucket, r.currency.toUpper(),
                                          major(r.gross, r.currency), major(r.refunds, r.currency),
                                          major(r.disputesLost, r.currency),
                                          major(r.net(), r.currency), QString::number(r.charges)}
                                 .join(u','));
            writeCsv(lines);
            return ExitOk;
        }
        QStringList lines {
            L("settlement_bucket,settlement_currency,gross,refunds,disputes,fees,other,net")};
        for (const SettlementRow &r : settled)
            lines.append(QStringList {r.bucket, r.currency.toUpper(), major(r.gross, r.currency),
                                      major(r.refunds, r.currency), major(r.disputes, r.currency),
                                      major(r.fees, r.currency), major(r.other, r.currency),
                                      major(r.net, r.currency)}
                             .join(u','));
        writeCsv(lines);
        return ExitOk;
    }
    if (kind == QLatin1String("payments")) {
        const PaymentStats p = payments(db, range);
        if (format == QLatin1String("json")) {
            QJsonObject avg;
            for (auto it = p.averageValue.cbegin(); it != p.averageValue.cend(); ++it)
                avg.insert(it.key(), it.value());
            QJsonObject risk;
            for (auto it = p.riskLevels.cbegin(); it != p.riskLevels.cend(); ++it)
                risk.insert(it.key(), it.value());
            QJsonArray heat;
            for (qint64 v : p.hourOfWeek)
                heat.append(v);
            writeJson({{L("report"), kind},
                       {L("from"), fromDay},
                       {L("to"), toDay},
                       {L("succeeded"), p.succeeded},
                       {L("failed"), p.failed},
                       {L("success_rate"), ratio(p.successRate)},
                       {L("refund_rate"), ratio(p.refundRate)},
                       {L("dispute_rate"), ratio(p.disputeRate)},
                       {L("dispute_warning_percent"), kDisputeWarningPercent},
                       {L("average_value"), avg},
                       {L("declines"), breakdownJson(p.declines)},
                       {L("by_brand"), breakdownJson(p.byBrand)},
                       {L("by_country"), breakdownJson(p.byCountry)},
                       {L("by_funding"), breakdownJson(p.byFunding)},
                       {L("by_method"), breakdownJson(p.byMethod)},
                       {L("risk_levels"), risk},
                       {L("new_customers"), p.newCustomers},
                       {L("returning_customers"), p.returningCustomers},
                       {L("hour_of_week"), heat}});
            return ExitOk;
        }
        QStringList lines {L("metric,key,value")};
        lines << L("succeeded,,%1").arg(p.succeeded) << L("failed,,%1").arg(p.failed)
              << L("success_rate_percent,,%1").arg(percent(p.successRate))
              << L("refund_rate_percent,,%1").arg(percent(p.refundRate))
              << L("dispute_rate_percent,,%1").arg(percent(p.disputeRate));
        for (auto it = p.averageValue.cbegin(); it != p.averageValue.cend(); ++it)
            lines << L("average_value,%1,%2").arg(it.key().toUpper(), major(it.value(), it.key()));
        for (const Breakdown &b : p.declines)
            lines << L("declines,%1,%2").arg(b.key).arg(b.failed);
        const std::pair<const char *, const QList<Breakdown> *> lists[]
            = {{"brand", &p.byBrand},
               {"country", &p.byCountry},
               {"funding", &p.byFunding},
               {"method", &p.byMethod}};
        for (const auto &[name, list] : lists)
            for (const Breakdown &b : *list)
                lines << L("%1_succeeded,%2,%3").arg(QLatin1String(name), b.key).arg(b.succeeded)
                      << L("%1_failed,%2,%3").arg(QLatin1String(name), b.key).arg(b.failed);
        for (auto it = p.riskLevels.cbegin(); it != p.riskLevels.cend(); ++it)
            lines << L("risk_level,%1,%2").arg(it.key()).arg(it.value());
        lines << L("new_customers,,%1").arg(p.newCustomers)
              << L("returning_customers,,%1").arg(p.returningCustomers);
        writeCsv(lines);
        return ExitOk;
    }
    const MrrHistory history = mrrHistory(db, range);
    if (kind == QLatin1String("churn")) {
        const QList<ChurnSummary> summary = churnSummary(history);
        const Ratio trials = trialConversion(db, range);
        if (format == QLatin1String("json")) {
            QJsonArray months, totals;
            for (const MrrMonth &m : history.months)
                months.append(
                    QJsonObject {{L("bucket"), m.bucket},
                                 {L("currency"), m.currency},
                                 {L("customer_churn"), ratio(m.customerChurn())},
                                 {L("gross_revenue_churn"), ratio(m.grossRevenueChurn())},
                                 {L("net_revenue_retention"), ratio(m.netRevenueRetention())},
                                 {L("arpa"), m.arpa()}});
            for (const ChurnSummary &c : summary)
                totals.append(
                    QJsonObject {{L("currency"), c.currency},
                                 {L("months"), c.months},
                                 {L("customer_churn"), ratio(c.customerChurn)},
                                 {L("gross_revenue_churn"), ratio(c.grossRevenueChurn)},
                                 {L("net_revenue_retention"), ratio(c.netRevenueRetention)},
                                 {L("arpa"), c.arpa},
                                 {L("ltv"), c.ltv()}});
            writeJson({{L("report"), kind},
                       {L("from"), fromDay},
                       {L("to"), toDay},
                       {L("amounts"), L("minor units")},
                       {L("months"), months},
                       {L("summary"), totals},
                       {L("trial_conversion"), ratio(trials)}});
            return ExitOk;
        }
        if (!parser.isSet(L("summary"))) {
            QStringList lines {L("bucket,currency,customer_churn_percent,"
                                 "gross_revenue_churn_percent,net_revenue_retention_percent,arpa")};
            for (const MrrMonth &m : history.months)
                lines << QStringList {m.bucket,
                                      m.currency.toUpper(),
                                      percent(m.customerChurn()),
                                      percent(m.grossRevenueChurn()),
                                      percent(m.netRevenueRetention()),
                                      major(m.arpa(), m.currency)}
                             .join(u',');
            writeCsv(lines);
            return ExitOk;
        }
        // Trial conversion is the account's, not a currency's: the same on every row.
        QStringList lines {L("currency,months,customer_churn_percent,gross_revenue_churn_percent,"
                             "net_revenue_retention_percent,arpa,ltv,trial_conversion_percent,"
                             "trials_converted,trials")};
        for (const ChurnSummary &c : summary)
            lines << QStringList {c.currency.toUpper(),
                                  QString::number(c.months),
                                  percent(c.customerChurn),
                                  percent(c.grossRevenueChurn),
                                  percent(c.netRevenueRetention),
                                  major(c.arpa, c.currency),
                                  major(c.ltv(), c.currency),
                                  percent(trials),
                                  QString::number(trials.numerator),
                                  QString::number(trials.denominator)}
                         .join(u',');
        writeCsv(lines);
        return ExitOk;
    }
    // mrr: as the subscriptions are now, then month by month from invoices, and cohorts.
    const QList<MrrRow> rows = mrr(db, at, range.currency);
    if (format == QLatin1String("json")) {
        QJsonArray a, h, c;
        for (const MrrRow &r : rows)
            a.append(QJsonObject {{L("currency"), r.currency},
                                  {L("mrr"), r.mrr},
                                  {L("subscriptions"), r.subscriptions},
                                  {L("customers"), r.customers},
                                  {L("arpa"), r.arpa()}});
        for (const MrrMonth &m : history.months)
            h.append(QJsonObject {{L("bucket"), m.bucket},
                                  {L("currency"), m.currency},
                                  {L("start_mrr"), m.startMrr},
                                  {L("new"), m.newMrr},
                                  {L("expansion"), m.expansion},
                                  {L("contraction"), m.contraction},
                                  {L("churn"), m.churn},
                                  {L("reactivation"), m.reactivation},
                                  {L("mrr"), m.mrr},
                                  {L("customers"), m.customers}});
        for (const CohortRow &r : history.cohorts) {
            QJsonArray paying, mrrs;
            for (qint64 v : r.paying)
                paying.append(v);
            for (qint64 v : r.mrr)
                mrrs.append(v);
            c.append(QJsonObject {{L("cohort"), r.cohort},
                                  {L("currency"), r.currency},
                                  {L("customers"), r.customers},
                                  {L("paying"), paying},
                                  {L("mrr"), mrrs}});
        }
        writeJson(
            {{L("report"), kind},
             {L("at"), QDateTime::fromSecsSinceEpoch(at, QTimeZone::utc()).toString(Qt::ISODate)},
             {L("from"), fromDay},
             {L("to"), toDay},
             {L("amounts"), L("minor units")},
             {L("mrr"), a},
             {L("history"), h},
             {L("cohorts"), c}});
        return ExitOk;
    }
    if (!parser.isSet(L("history"))) {
        QStringList lines {L("currency,mrr,subscriptions,customers,arpa")};
        for (const MrrRow &r : rows)
            lines << QStringList {r.currency.toUpper(), major(r.mrr, r.currency),
                                  QString::number(r.subscriptions), QString::number(r.customers),
                                  major(r.arpa(), r.currency)}
                         .join(u',');
        writeCsv(lines);
        return ExitOk;
    }
    QStringList lines {L("bucket,currency,start_mrr,new,expansion,contraction,churn,"
                         "reactivation,mrr,customers")};
    for (const MrrMonth &m : history.months)
        lines << QStringList {m.bucket,
                              m.currency.toUpper(),
                              major(m.startMrr, m.currency),
                              major(m.newMrr, m.currency),
                              major(m.expansion, m.currency),
                              major(m.contraction, m.currency),
                              major(m.churn, m.currency),
                              major(m.reactivation, m.currency),
                              major(m.mrr, m.currency),
                              QString::number(m.customers)}
                     .join(u',');
    writeCsv(lines);
    return ExitOk;
}

} // namespace paydesk::app
