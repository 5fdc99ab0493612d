#include "app/reports.h"

#include "models/csv.h"
#include "models/money.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>
#include <QTimeZone>

namespace paydesk::app::reports {

namespace {

using namespace models::analytics;
using Kind = Cell::Kind;

QJsonObject ratioJson(const Ratio &r)
{
    return {{QLatin1String("numerator"), r.numerator},
            {QLatin1String("denominator"), r.denominator},
            {QLatin1String("percent"), r.percent()}};
}

QString csvCell(const Cell &c)
{
    switch (c.kind) {
    case Kind::Text:
        return models::csv::field(c.text);
    case Kind::Currency:
        return models::csv::field(c.text.toUpper());
    case Kind::Count:
        return QString::number(c.number);
    case Kind::Money:
        return models::Money(c.number, c.text).toDecimalString();
    case Kind::Ratio:
        // Empty when undefined (nothing to divide by), so that a spreadsheet does not read 0 %.
        return c.ratio.denominator == 0 ? QString() : QString::number(c.ratio.percent(), 'f', 2);
    case Kind::Counts:
        break;
    }
    return {};
}

QJsonValue jsonCell(const Cell &c)
{
    switch (c.kind) {
    case Kind::Text:
    case Kind::Currency:
        return c.text;
    case Kind::Count:
    case Kind::Money:
        return c.number;
    case Kind::Ratio:
        return ratioJson(c.ratio);
    case Kind::Counts: {
        QJsonArray a;
        for (qint64 v : c.counts)
            a.append(v);
        return a;
    }
    }
    return {};
}

QString day(qint64 t, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(t, zone).date().toString(Qt::ISODate);
}

QJsonObject meta(const Options &o)
{
    return {{QLatin1String("report"), o.kind},
            {QLatin1String("from"), day(o.range.from, o.range.zone)},
            {QLatin1String("to"), day(o.range.to - 1, o.range.zone)}};
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

// Revenue (per presentment currency) and settlement (per settlement currency): two CSV
// reports, one JSON holding both. CSV computes only the one it prints.
Report revenueReport(models::sql::Database &db, const Options &o)
{
    const bool settlementCsv = o.kind == QLatin1String("settlement");
    Report report;
    report.meta = meta(o);
    report.meta.insert(QLatin1String("interval"), intervalName(o.range.interval));
    report.meta.insert(QLatin1String("amounts"), QLatin1String("minor units"));
    Table revenueTable {QStringLiteral("revenue"),
                        {{"bucket", "bucket"},
                         {"currency", "currency"},
                         {"gross", "gross"},
                         {"refunds", "refunds"},
                         {"disputes_lost", "disputes_lost"},
                         {"net", "net"},
                         {"charges", "charges"}},
                        {}};
    if (o.json || !settlementCsv)
        for (const RevenueRow &r : filled(revenue(db, o.range), o.range))
            revenueTable.rows.append(
                {Cell::of(r.bucket), Cell::currency(r.currency), Cell::money(r.gross, r.currency),
                 Cell::money(r.refunds, r.currency), Cell::money(r.disputesLost, r.currency),
                 Cell::money(r.net(), r.currency), Cell::count(r.charges)});
    Table settlementTable {QStringLiteral("settlement"),
                           {{"settlement_bucket", "bucket"},
                            {"settlement_currency", "currency"},
                            {"gross", "gross"},
                            {"refunds", "refunds"},
                            {"disputes", "disputes"},
                            {"fees", "fees"},
                            {"other", "other"},
                            {"net", "net"}},
                           {}};
    if (o.json || settlementCsv)
        for (const SettlementRow &r : filled(settlement(db, o.range), o.range))
            settlementTable.rows.append(
                {Cell::of(r.bucket), Cell::currency(r.currency), Cell::money(r.gross, r.currency),
                 Cell::money(r.refunds, r.currency), Cell::money(r.disputes, r.currency),
                 Cell::money(r.fees, r.currency), Cell::money(r.other, r.currency),
                 Cell::money(r.net, r.currency)});
    report.tables = {revenueTable, settlementTable};
    report.csvTable = settlementCsv ? 1 : 0;
    return report;
}

QJsonArray breakdownJson(const QList<Breakdown> &list)
{
    QJsonArray a;
    for (const Breakdown &b : list)
        a.append(QJsonObject {{QLatin1String("key"), b.key},
                              {QLatin1String("succeeded"), b.succeeded},
                              {QLatin1String("failed"), b.failed}});
    return a;
}

// Payment analytics: CSV is one metric a row (metric, key, value); JSON nests the breakdowns.
// Both are written from the one PaymentStats.
Report paymentsReport(models::sql::Database &db, const Options &o)
{
    const PaymentStats p = payments(db, o.range);
    Report report;
    report.meta = meta(o);
    Table t {QString(), {{"metric", nullptr}, {"key", nullptr}, {"value", nullptr}}, {}};
    auto add = [&t](const char *metric, const QString &key, const Cell &value) {
        t.rows.append({Cell::of(QLatin1String(metric)), Cell::of(key), value});
    };
    add("succeeded", {}, Cell::count(p.succeeded));
    add("failed", {}, Cell::count(p.failed));
    add("success_rate_percent", {}, Cell::rate(p.successRate));
    add("refund_rate_percent", {}, Cell::rate(p.refundRate));
    add("dispute_rate_percent", {}, Cell::rate(p.disputeRate));
    QJsonObject average;
    for (auto it = p.averageValue.cbegin(); it != p.averageValue.cend(); ++it) {
        add("average_value", it.key().toUpper(), Cell::money(it.value(), it.key()));
        average.insert(it.key(), it.value());
    }
    for (const Breakdown &b : p.declines)
        add("declines", b.key, Cell::count(b.failed));
    const std::pair<const char *, const QList<Breakdown> *> lists[] = {{"brand", &p.byBrand},
                                                                       {"country", &p.byCountry},
                                                                       {"funding", &p.byFunding},
                                                                       {"method", &p.byMethod}};
    for (const auto &[name, list] : lists)
        for (const Breakdown &b : *list) {
            t.rows.append({Cell::of(QLatin1String(name) + QLatin1String("_succeeded")),
                           Cell::of(b.key), Cell::count(b.succeeded)});
            t.rows.append({Cell::of(QLatin1String(name) + QLatin1String("_failed")),
                           Cell::of(b.key), Cell::count(b.failed)});
        }
    QJsonObject risk;
    for (auto it = p.riskLevels.cbegin(); it != p.riskLevels.cend(); ++it) {
        add("risk_level", it.key(), Cell::count(it.value()));
        risk.insert(it.key(), it.value());
    }
    add("new_customers", {}, Cell::count(p.newCustomers));
    add("returning_customers", {}, Cell::count(p.returningCustomers));
    report.tables = {t};
    if (o.json) {
        QJsonArray heat;
        for (qint64 v : p.hourOfWeek)
            heat.append(v);
        const std::pair<const char *, QJsonValue> members[]
            = {{"succeeded", p.succeeded},
               {"failed", p.failed},
               {"success_rate", ratioJson(p.successRate)},
               {"refund_rate", ratioJson(p.refundRate)},
               {"dispute_rate", ratioJson(p.disputeRate)},
               {"dispute_warning_percent", kDisputeWarningPercent},
               {"average_value", average},
               {"declines", breakdownJson(p.declines)},
               {"by_brand", breakdownJson(p.byBrand)},
               {"by_country", breakdownJson(p.byCountry)},
               {"by_funding", breakdownJson(p.byFunding)},
               {"by_method", breakdownJson(p.byMethod)},
               {"risk_levels", risk},
               {"new_customers", p.newCustomers},
               {"returning_customers", p.returningCustomers},
               {"hour_of_week", heat}};
        for (const auto &[name, value] : members)
            report.meta.insert(QLatin1String(name), value);
    }
    return report;
}

// Churn: month by month, or (--summary) one row per currency; JSON holds both.
Report churnReport(models::sql::Database &db, const Options &o)
{
    const MrrHistory history = mrrHistory(db, o.range);
    const QList<ChurnSummary> summary = churnSummary(history);
    const Ratio trials = trialConversion(db, o.range);
    Report report;
    report.meta = meta(o);
    report.meta.insert(QLatin1String("amounts"), QLatin1String("minor units"));
    report.meta.insert(QLatin1String("trial_conversion"), ratioJson(trials));
    Table months {QStringLiteral("months"),
                  {{"bucket", "bucket"},
                   {"currency", "currency"},
                   {"customer_churn_percent", "customer_churn"},
                   {"gross_revenue_churn_percent", "gross_revenue_churn"},
                   {"net_revenue_retention_percent", "net_revenue_retention"},
                   {"arpa", "arpa"}},
                  {}};
    for (const MrrMonth &m : history.months)
        months.rows.append({Cell::of(m.bucket), Cell::currency(m.currency),
                            Cell::rate(m.customerChurn()), Cell::rate(m.grossRevenueChurn()),
                            Cell::rate(m.netRevenueRetention()),
                            Cell::money(m.arpa(), m.currency)});
    // Trial conversion is the account's, not a currency's: the same on every CSV row.
    Table totals {QStringLiteral("summary"),
                  {{"currency", "currency"},
                   {"months", "months"},
                   {"customer_churn_percent", "customer_churn"},
                   {"gross_revenue_churn_percent", "gross_revenue_churn"},
                   {"net_revenue_retention_percent", "net_revenue_retention"},
                   {"arpa", "arpa"},
                   {"ltv", "ltv"},
                   {"trial_conversion_percent", nullptr},
                   {"trials_converted", nullptr},
                   {"trials", nullptr}},
                  {}};
    for (const ChurnSummary &c : summary)
        totals.rows.append({Cell::currency(c.currency), Cell::count(c.months),
                            Cell::rate(c.customerChurn), Cell::rate(c.grossRevenueChurn),
                            Cell::rate(c.netRevenueRetention), Cell::money(c.arpa, c.currency),
                            Cell::money(c.ltv(), c.currency), Cell::rate(trials),
                            Cell::count(trials.numerator), Cell::count(trials.denominator)});
    report.tables = {months, totals};
    report.csvTable = o.summary ? 1 : 0;
    return report;
}

// MRR as the subscriptions are at --at, month by month from invoices (--history), and cohorts
// (JSON only).
Report mrrReport(models::sql::Database &db, const Options &o)
{
    Report report;
    report.meta = meta(o);
    report.meta.insert(QLatin1String("amounts"), QLatin1String("minor units"));
    report.meta.insert(QLatin1String("at"),
                       QDateTime::fromSecsSinceEpoch(o.at, QTimeZone::utc()).toString(Qt::ISODate));
    const bool history = o.json || o.history;
    const MrrHistory h = history ? mrrHistory(db, o.range) : MrrHistory {};
    Table now {QStringLiteral("mrr"),
               {{"currency", "currency"},
                {"mrr", "mrr"},
                {"subscriptions", "subscriptions"},
                {"customers", "customers"},
                {"arpa", "arpa"}},
               {}};
    if (o.json || !o.history)
        for (const MrrRow &r : mrr(db, o.at, o.range.currency))
            now.rows.append({Cell::currency(r.currency), Cell::money(r.mrr, r.currency),
                             Cell::count(r.subscriptions), Cell::count(r.customers),
                             Cell::money(r.arpa(), r.currency)});
    Table months {QStringLiteral("history"),
                  {{"bucket", "bucket"},
                   {"currency", "currency"},
                   {"start_mrr", "start_mrr"},
                   {"new", "new"},
                   {"expansion", "expansion"},
                   {"contraction", "contraction"},
                   {"churn", "churn"},
                   {"reactivation", "reactivation"},
                   {"mrr", "mrr"},
                   {"customers", "customers"}},
                  {}};
    for (const MrrMonth &m : h.months)
        months.rows.append(
            {Cell::of(m.bucket), Cell::currency(m.currency), Cell::money(m.startMrr, m.currency),
             Cell::money(m.newMrr, m.currency), Cell::money(m.expansion, m.currency),
             Cell::money(m.contraction, m.currency), Cell::money(m.churn, m.currency),
             Cell::money(m.reactivation, m.currency), Cell::money(m.mrr, m.currency),
             Cell::count(m.customers)});
    Table cohorts {QStringLiteral("cohorts"),
                   {{nullptr, "cohort"},
                    {nullptr, "currency"},
                    {nullptr, "customers"},
                    {nullptr, "paying"},
                    {nullptr, "mrr"}},
                   {}};
    for (const CohortRow &r : h.cohorts)
        cohorts.rows.append({Cell::of(r.cohort), Cell::currency(r.currency),
                             Cell::count(r.customers), Cell::list(r.paying), Cell::list(r.mrr)});
    report.tables = {now, months, cohorts};
    report.csvTable = o.history ? 1 : 0;
    return report;
}

} // namespace

Report render(models::sql::Database &db, const Options &options)
{
    if (options.kind == QLatin1String("revenue") || options.kind == QLatin1String("settlement"))
        return revenueReport(db, options);
    if (options.kind == QLatin1String("payments"))
        return paymentsReport(db, options);
    if (options.kind == QLatin1String("churn"))
        return churnReport(db, options);
    return mrrReport(db, options);
}

QString toCsv(const Report &report)
{
    const Table &t = report.tables.at(report.csvTable);
    QString out;
    QStringList header;
    for (const Column &c : t.columns)
        if (c.csv)
            header.append(QLatin1String(c.csv));
    out += header.join(u',') + QLatin1String("\r\n");
    for (const QList<Cell> &row : t.rows) {
        QStringList fields;
        for (qsizetype i = 0; i < t.columns.size(); ++i)
            if (t.columns.at(i).csv)
                fields.append(csvCell(row.at(i)));
        out += fields.join(u',') + QLatin1String("\r\n");
    }
    return out;
}

QJsonObject toJson(const Report &report)
{
    QJsonObject o = report.meta;
    for (const Table &t : report.tables) {
        if (t.key.isEmpty())
            continue;
        QJsonArray rows;
        for (const QList<Cell> &row : t.rows) {
            QJsonObject r;
            for (qsizetype i = 0; i < t.columns.size(); ++i)
                if (t.columns.at(i).json)
                    r.insert(QLatin1String(t.columns.at(i).json), jsonCell(row.at(i)));
            rows.append(r);
        }
        o.insert(t.key, rows);
    }
    return o;
}

} // namespace paydesk::app::reports
