#pragma once

#include "models/analytics/analytics.h"

// The SQL the analytics readers share (internal to models/analytics): ranges in a zone,
// buckets, the currency filter, breakdowns, and which rollups answer for a range.
namespace paydesk::models::analytics::detail {

// `column` moved to the range's zone: its UTC offset at each instant of the range, from the
// zone's transitions (DST), as a CASE over the few instants where it changes.
QString localSql(const Range &r, const QString &column);
// SQLite's date of the bucket a `created` column falls in, in the range's zone.
QString bucketSql(const Range &r, const char *column = "created");
// " AND currency = ?3" when the range has one (bound by the caller as ?3).
QString currencySql(const Range &r, const char *column = "currency");
// Binds ?1 and ?2 to the range's ends and ?3 to its currency, when it has one.
void bindRange(sql::Statement &s, const Range &r);
// Succeeded and failed charges of the range by `key`, most first.
QList<Breakdown> breakdown(sql::Database &db, const Range &range, const QString &key,
                           const QString &where = QStringLiteral("status IN ('succeeded', "
                                                                 "'failed')"));
// Disputes opened in a range (few: read from their table either way).
qint64 disputesCreated(sql::Database &db, const Range &range);
// New and returning customers of the range, from the charges.
void customersFromRows(sql::Database &db, const Range &range, PaymentStats *p);

// Whether the cache has the rollups of schema 6.
bool hasRollups(sql::Database &db);
// Whether the rollups of schema 6 kept from `table` ("charges", "balance_transactions") answer
// for its rows: they exist and a first backfill is not filling that table with them paused
// (Cache::deferRollups()), when the rows themselves are read.
bool rollupsCurrent(sql::Database &db, const QString &table);
// The rollups hold whole hours and days: a range on those boundaries is answered from them.
bool onDays(const Range &r);
// Whether the hourly rollup answers for the range in its zone.
bool onHours(const Range &r);

} // namespace paydesk::models::analytics::detail
