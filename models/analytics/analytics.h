#pragma once

#include "models/rollups/normalise.h"
#include "models/store/sqlitedb.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QTimeZone>

namespace paydesk::models {

/*
 * Analytics computed from the cache in SQL, with the definitions of docs/metrics.md: revenue
 * (per presentment currency, and in the settlement currency through balance transactions),
 * payment analytics and monthly recurring revenue. Money stays in integer minor units; a ratio
 * is given as its numerator and denominator so that nothing is rounded before it is shown.
 * Buckets are UTC calendar days, ISO weeks (starting Monday) or calendar months, named by the
 * day they start on ("2026-11-01").
 */
namespace analytics {

enum class Interval { Day, Week, Month };

struct Range
{
    qint64 from = 0; // Unix time, inclusive.
    qint64 to = 0; // Exclusive.
    Interval interval = Interval::Month;
    QString currency; // Lower case ("usd"); empty: every currency.
    // The reporting time zone: buckets are its calendar days, weeks and months, and MRR is read
    // at its month ends. The rollups hold UTC hours, days and months: a zone of whole-hour
    // offsets uses the hourly one (its part-days from the rows), any other zone the rows.
    QTimeZone zone = QTimeZone::utc();
    // The instant "now" for MRR history: a month end after it is read as the subscriptions are
    // at this instant (0: the current time).
    qint64 asOf = 0;

    qint64 now() const;
};

// Whether a zone keeps UTC's calendar (no offset, no transitions).
bool isUtc(const QTimeZone &zone);

// Parses "day", "week", "month".
bool parseInterval(const QString &text, Interval *interval);
QString intervalName(Interval interval);
// The start of the bucket holding `t` ("2026-11-30" for a week starting that Monday).
QString bucketOf(qint64 t, Interval interval, const QTimeZone &zone = QTimeZone::utc());
// Every bucket start from `from` to `to`, in order, so that empty buckets show as zero.
QStringList buckets(const Range &range);

struct Ratio
{
    qint64 numerator = 0;
    qint64 denominator = 0;
    // In percent; 0 when the denominator is 0.
    double percent() const
    {
        return denominator == 0 ? 0.0 : 100.0 * double(numerator) / double(denominator);
    }
    bool operator==(const Ratio &) const = default;
};

// One bucket of one presentment currency.
struct RevenueRow
{
    QString bucket;
    QString currency;
    qint64 gross = 0; // Captured amount of succeeded charges created in the bucket.
    qint64 charges = 0; // How many.
    qint64 refunds = 0; // Refunds created in the bucket (not failed or canceled).
    qint64 disputesLost = 0; // Disputes created in the bucket that are lost.
    qint64 net() const { return gross - refunds - disputesLost; }
};

// One bucket of the balance in one settlement currency (Stripe's balance report).
struct SettlementRow
{
    QString bucket;
    QString currency;
    qint64 gross = 0; // Charges and payments (before fees).
    qint64 refunds = 0; // As a positive number.
    qint64 disputes = 0; // Withdrawals net of reinstatements, as a positive number.
    qint64 fees = 0; // Every Stripe fee of the transactions in the bucket.
    qint64 other = 0; // Anything else (adjustments, …), signed.
    qint64 net = 0; // What the balance changed by: gross − refunds − disputes − fees + other.
};

// From the rollups (schema 6) for ranges of whole days, else from the rows.
QList<RevenueRow> revenue(sql::Database &db, const Range &range);
QList<SettlementRow> settlement(sql::Database &db, const Range &range);
// The same read from the rows themselves (the reference the rollups are tested against).
QList<RevenueRow> revenueFromRows(sql::Database &db, const Range &range, bool withCharges = true);
QList<SettlementRow> settlementFromRows(sql::Database &db, const Range &range,
                                        const QString &source
                                        = QStringLiteral("balance_transactions"));

struct Breakdown
{
    QString key; // Brand, country, decline code, …
    qint64 succeeded = 0;
    qint64 failed = 0;
};

struct PaymentStats
{
    qint64 succeeded = 0;
    qint64 failed = 0;
    Ratio successRate; // succeeded ÷ (succeeded + failed)
    Ratio refundRate; // succeeded charges with a refund ÷ succeeded charges
    Ratio disputeRate; // disputes created ÷ succeeded charges
    QMap<QString, qint64> averageValue; // Per currency: gross ÷ succeeded, rounded half up.
    QList<Breakdown> declines; // Failed charges by decline code, most first.
    QList<Breakdown> byBrand, byCountry, byFunding, byMethod; // Most payments first.
    QMap<QString, qint64> riskLevels; // Succeeded and failed charges by Radar risk level.
    qint64 newCustomers = 0; // First succeeded charge ever falls in the range.
    qint64 returningCustomers = 0; // Paid in the range and before it.
    QList<qint64> hourOfWeek; // 168 counts of succeeded charges: Monday 00:00 UTC first.
};

// `withCustomers` false: new and returning customers are left at 0 (the Home page's tiles do not
// show them, and a range in the past has to count them from the charges).
PaymentStats payments(sql::Database &db, const Range &range, bool withCustomers = true);
PaymentStats paymentsFromRows(sql::Database &db, const Range &range);
// The card networks' warning line for the dispute rate, in percent.
constexpr double kDisputeWarningPercent = 0.75;

struct MrrRow
{
    QString currency;
    qint64 mrr = 0; // Minor units a month.
    qint64 subscriptions = 0; // Counted subscriptions.
    qint64 customers = 0; // Customers with at least one.
    qint64 arpa() const; // mrr ÷ customers, rounded half up.
};

// The MRR of the subscriptions as cached, at time `at` (for coupons that run out): from each
// counted subscription's value kept by schema 7 (sub_mrr), or from the subscriptions and their
// items when the cache is older or was written to since the last fold.
QList<MrrRow> mrr(sql::Database &db, qint64 at, const QString &currency = {});
// From the subscriptions and their items (the reference the kept values are tested against).
QList<MrrRow> mrrFromRows(sql::Database &db, qint64 at, const QString &currency = {});
// One subscription item's monthly amount: unit × quantity normalised to a month, rounded half up
// (the one normalisation, models/rollups/normalise.h).
using rollups::monthlyAmount;

// MRR month by month (docs/metrics.md, "MRR history"): each customer's MRR at the end of every
// month that has ended, from invoice lines; at a month end after `Range::now()` (the current
// month, not fully invoiced yet), the MRR of the customer's subscriptions at that instant — the
// same number as mrr() — so a renewal not invoiced yet is not churn. Movements are classified
// as ChartMogul does.
struct MrrMonth
{
    QString bucket; // "2026-11-01": the month.
    QString currency;
    qint64 startMrr = 0; // At the end of the month before.
    qint64 mrr = 0; // At the end of the month.
    qint64 newMrr = 0; // Customers who never paid before.
    qint64 expansion = 0; // Customers paying more (a second subscription included).
    qint64 contraction = 0; // Customers paying less, as a positive number.
    qint64 churn = 0; // Customers who stopped paying, as a positive number.
    qint64 reactivation = 0; // Former payers who came back.
    qint64 startCustomers = 0;
    qint64 customers = 0;
    qint64 newCustomers = 0;
    qint64 churnedCustomers = 0;
    qint64 reactivatedCustomers = 0;

    // Stripe's: churned ÷ (active at the start + new and reactivated in the month).
    Ratio customerChurn() const
    {
        return {churnedCustomers, startCustomers + newCustomers + reactivatedCustomers};
    }
    // (churn + contraction) ÷ MRR at the start.
    Ratio grossRevenueChurn() const { return {churn + contraction, startMrr}; }
    // (start + expansion + reactivation − contraction − churn) ÷ start.
    Ratio netRevenueRetention() const
    {
        return {startMrr + expansion + reactivation - contraction - churn, startMrr};
    }
    qint64 arpa() const;
};

// Customers grouped by the month their MRR first rose above zero.
struct CohortRow
{
    QString cohort; // "2026-08-01"
    QString currency;
    qint64 customers = 0;
    qint64 startMrr = 0; // The cohort's MRR at the end of its first month.
    QList<qint64> paying; // Customers still paying at the end of month 0, 1, 2, …
    QList<qint64> mrr; // The cohort's MRR then.
};

struct MrrHistory
{
    QList<MrrMonth> months; // Every month of the range for every currency, in order.
    QList<CohortRow> cohorts;
};

// From the months' totals and cohorts kept by schema 7 when they answer for the range, else
// from each invoice line's monthly amount (schema 6's line_mrr).
MrrHistory mrrHistory(sql::Database &db, const Range &range);
// From the invoice lines' JSON, without the rollup (the reference it is tested against).
MrrHistory mrrHistoryFromRows(sql::Database &db, const Range &range);

// Disputes created ÷ succeeded charges created, per bucket.
QList<std::pair<QString, Ratio>> disputeRates(sql::Database &db, const Range &range);
// Subscriptions by status (as cached now).
QMap<QString, qint64> subscriptionStatuses(sql::Database &db, const QString &currency = {});
// Presentment currencies of succeeded charges, most volume (by count) first.
QStringList currencies(sql::Database &db);
// The cache tables these figures are read from (directly or through their rollups): a commit
// to one of them changes a figure.
QStringList sourceTables();

// Over a range of months: churned customers ÷ (active at the start + new in the range), and the
// lifetime value ARPA ÷ monthly customer churn (0 when nobody churned).
struct ChurnSummary
{
    QString currency;
    Ratio customerChurn;
    Ratio grossRevenueChurn;
    Ratio netRevenueRetention;
    qint64 arpa = 0; // At the end of the range.
    qint64 months = 0;
    qint64 ltv() const; // ARPA ÷ the average monthly customer churn, rounded half up.
};
QList<ChurnSummary> churnSummary(const MrrHistory &history);

// Trials that ended in the range, and how many of them became paying subscriptions.
Ratio trialConversion(sql::Database &db, const Range &range);

} // namespace analytics

} // namespace paydesk::models
