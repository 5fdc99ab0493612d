#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace paydesk::models::sql {
class Database;
}

namespace paydesk::models {

/*
 * The shape of the cache: for each Stripe object type a table with `id`, the raw JSON and the
 * typed columns the views, filters and analytics need, each taken from a JSON path of the
 * object. A column carries the schema version that added it: migration 1 creates the columns of
 * version 1, a later migration adds its columns and fills them from the raw JSON already stored
 * (with SQLite's json_extract on the same path), so a new column never needs a re-sync.
 */
struct CacheColumn
{
    enum class Type { Int, Text, Bool, Real, Parent };
    const char *name;
    const char *path; // Dotted JSON path from the object, e.g. "outcome.risk_level".
    Type type;
    int since = 1;
    QStringList keys() const { return QString::fromLatin1(path).split(QLatin1Char('.')); }
};

struct CacheTable
{
    const char *name; // SQL table.
    const char *object; // Stripe's "object" value.
    const char *listPath; // List endpoint for the backfill, or empty for child tables.
    const char *retrievePath; // "/v1/customers/" etc. for re-fetching one object.
    const char *parentTable; // Child tables: the table whose objects embed them.
    const char *childrenPath; // In the parent object: "items.data", "lines.data".
    bool deletable; // Stripe deletes these (customer.deleted, …) rather than changing status.
    QList<CacheColumn> columns;
    int since = 1; // The schema version that added the table.
};

const QList<CacheTable> &cacheTables();
const CacheTable *cacheTableForObject(const QString &object);
const CacheTable *cacheTableByName(const QString &name);
// The full-text index over a table ("customers" -> "customers_fts"), or empty. Its triggers
// pause while sync_state holds "fts_deferred:<table>"; see Cache::deferFullText().
QString ftsTableFor(const QString &table);
// The indexes of `table` that only order the whole table for its page (the Payments table's
// sort keys): neither the sync nor a trigger reads them, so a first backfill may build them at
// its end (Cache::deferIndexes()). A migration that changes one must allow for its absence.
QStringList deferrableIndexes(const QString &table);

// Brings the database from its `PRAGMA user_version` to `targetVersion` (default: the latest),
// one migration per transaction. Returns false with the SQLite error.
bool migrateCache(sql::Database &db, int targetVersion = -1, QString *error = nullptr);
int latestCacheVersion();

// The status a merchant reads of a charge: disputes and refunds override "succeeded". The one
// expression the Payments table shows and sorts by and its sort index is built on (migration5;
// a change needs a migration that builds idx_charges_live_sort_status again). `alias`: the
// charges table's alias in the query ("t"), or empty.
QString paymentStatusSql(const QString &alias = {});

// The SQL of what a charge settled as in the account's currency (the `settled_amount` column of
// schema 10), over its columns as `column` names them ("new.amount", "?7"): one definition for
// the cache's upsert, the migration and the triggers.
QString settledAmountSql(const std::function<QString(const char *column)> &column);

} // namespace paydesk::models
