#pragma once

#include <QString>

namespace paydesk::models::rollups {

/*
 * The MRR normalisation (docs/metrics.md): a price billed every `count` `interval`s is worth
 * amount × perMonth ÷ (per × count) a month — a day 365/12, a week 52/12, a month 1, a year
 * 1/12 — rounded half up. Written once, as a table, for the C++ that computes MRR now and folds
 * the history, and for the SQL of the rollup triggers that keep each invoice line's monthly
 * amount.
 */

// x ÷ y rounded half away from zero; 0 when y is 0.
qint64 divideHalfUp(qint64 numerator, qint64 denominator);

// One subscription item's monthly amount: unit × quantity normalised to a month.
qint64 monthlyAmount(qint64 unitAmount, qint64 quantity, const QString &interval,
                     qint64 intervalCount);

// The same in SQL: the monthly amount of the SQL expression `amount` (a positive integer) for
// the SQL expressions `interval` ('day', 'week', 'month', 'year') and `count` (at least 1).
QString monthlyAmountSql(const QString &amount, const QString &interval, const QString &count);

} // namespace paydesk::models::rollups
