#pragma once

#include <QString>
#include <QStringList>

namespace paydesk::models::rollups {

/*
 * The rollups' tables and the triggers that keep them exact as rows are inserted, updated or
 * deleted, as the cache's migrations add them (models/store/cacheschema.cpp lists every
 * migration in order): schema 6 (charges per hour and per day and dimension, balance
 * transactions per day, each customer's first and last payment, each invoice line's monthly
 * amount), 7 (each subscription's MRR, each customer's month-end series, the months' totals and
 * cohorts, filled by the fold) and 9 (each customer's MRR this month).
 */
QString migration6();
QString migration7();
QString migration9();

// The statements a charge trigger runs for one charge row `r` ("new" or "old") with sign `s`
// ("1" or "-1") when `when` holds, and that recompute a customer's first and last payment: a
// later migration that recreates a charges trigger (schema 10) runs the same ones.
QString chargeStatsSql(const char *r, const char *s, const char *when);
QString payersOfSql(const char *r);

// The rollups kept from one table's rows (charges: charge_hours, charge_dims, customer_payers;
// balance_transactions: bt_days), for a first backfill that fills them once from the whole
// table instead of row by row (Cache::deferRollups()): the statements that fill them from the
// rows (of `source` if given: a table of the same columns), those that empty them, and the
// triggers that keep them. Empty for any other table.
QString fillSql(const QString &table, const QString &source = {});
// The columns of `table` that fillSql() reads.
QString fillColumns(const QString &table);
QString clearSql(const QString &table);
QStringList triggersOf(const QString &table);

} // namespace paydesk::models::rollups
