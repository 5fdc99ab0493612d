#pragma once

#include "models/store/sqlitedb.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace paydesk::models {

struct CacheTable;

/*
 * The local SQLite copy of one Stripe account in one mode: a file created 0600 in WAL mode,
 * migrated to the latest schema on open. Every object is written with an `as_of` time (the
 * Stripe time its state is known to be current at) and only replaces a row whose state is not
 * newer, so events applied twice, late or out of order cannot roll data back. Writes are
 * grouped by the caller in transactions that also carry the sync checkpoints.
 */
class Cache final
{
public:
    enum class Write {
        Written, // New or newer state stored.
        Unchanged, // The cached state is newer: nothing written.
        Invalid, // Not an object Paydesk caches, or no id: logged and skipped.
    };

    Cache();
    ~Cache();
    Cache(const Cache &) = delete;
    Cache &operator=(const Cache &) = delete;

    // Where the cache of an account and mode lives: the application data directory.
    static QString defaultPath(const QString &accountId, bool livemode);

    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const { return m_db.isOpen(); }
    QString path() const { return m_path; }
    int schemaVersion();
    sql::Database &database() { return m_db; }

    bool begin();
    // Folds what the transaction changed into the MRR rollups, then commits.
    bool commit();
    void rollback();

    // Stores a Stripe object (its table from its "object" field) and the objects it embeds
    // (subscription items, invoice lines), unless the cached row is newer than `asOf`.
    // `raw` is the object's JSON as received, if the caller has it (otherwise it is serialised).
    Write upsert(const QJsonObject &object, qint64 asOf, qint64 generation = 0,
                 const QByteArray &raw = {});
    // Marks an object deleted (the row stays, with `deleted` = 1) unless newer state is cached.
    Write markDeleted(const QString &table, const QString &id, qint64 asOf);
    std::optional<qint64> asOf(const QString &table, const QString &id);
    // Marks rows deleted that the backfill of `generation` did not see and nothing newer touched.
    qint64 sweepUnseen(const QString &table, qint64 generation, qint64 asOf);

    // Records an event as applied; false when it was applied before (events are applied once).
    bool recordEvent(const QJsonObject &event);
    bool hasEvent(const QString &id);

    // What the key of this cache may not do, all in the cache (one permission store): the
    // tables the sync may not list (sync_state "denied:TABLE" = the permission, noted by the
    // sync) and the staff actions Stripe refused for a permission ("refund=rak_refunds_write").
    QStringList deniedActions();
    bool setDeniedActions(const QStringList &denied);

    QByteArray state(const QString &key);
    bool setState(const QString &key, const QByteArray &value);
    bool removeState(const QString &key);

    struct Refetch
    {
        QString object;
        QString id;
        qint64 asOf = 0;
    };
    bool enqueueRefetch(const QString &object, const QString &id, qint64 asOf);
    QList<Refetch> refetches(int limit);
    bool removeRefetch(const QString &object, const QString &id);

    qint64 count(const QString &table, bool includeDeleted = false);
    // Gathers the statistics the query planner uses to pick indexes (after a bulk load).
    bool analyze();

    // Bulk loading: pauses the full-text index of `table` (if it has one) until
    // rebuildFullText(), which indexes every row in one pass. Both are part of the caller's
    // transaction, so a crash in between leaves the index paused, never inconsistent.
    bool deferFullText(const QString &table);
    bool rebuildFullText(const QString &table);
    // Bulk loading into an empty table: drops its sort indexes (deferrableIndexes()) until
    // rebuildIndexes() builds each once from the whole table. Row by row, each of them takes a
    // random B-tree write per row (their keys are not in the order Stripe lists), and every
    // commit rewrites thousands of their pages. Their definitions are kept in sync_state, in the
    // caller's transaction, so a backfill killed in between rebuilds them when it finishes.
    // A table that holds rows already keeps its indexes (the window is reading it).
    bool deferIndexes(const QString &table);
    bool rebuildIndexes(const QString &table);
    // Bulk loading into an empty table: stops its rollup triggers (rollups::triggersOf(), 70 us
    // a charge row by row) until rebuildRollups() fills the rollups once from the whole table
    // and puts the triggers back. Kept in sync_state in the caller's transaction like the
    // indexes; while it is set, rollupsCurrent() is false and the analytics read the rows.
    bool deferRollups(const QString &table);
    bool rebuildRollups(const QString &table);

private:
    bool foldPending();
    // Drops the `type` ("index", "trigger") objects `names` of an empty `table`, keeping their
    // definitions in sync_state under `key` (at most once, until they are put back).
    bool pauseSchema(const QString &table, const char *type, const QStringList &names,
                     const QString &key);
    struct Prepared
    {
        const CacheTable *table = nullptr;
        sql::Statement upsert;
        sql::Statement deleteChildren; // Child tables: rows of one parent.
        QList<Prepared *> children; // Tables embedded in this one, and where.
        QList<QStringList> childPaths;
        QList<QStringList> prefixes; // Distinct nested objects the columns read from.
        QList<int> prefixParent; // Index of each prefix's parent prefix (-1: the object).
        QList<int> columnPrefix;
        QList<QString> columnKey;
    };
    Prepared *prepared(const CacheTable *table);
    Write write(Prepared &p, const QJsonObject &object, qint64 asOf, qint64 generation,
                const QString &parentId, const QByteArray &raw);

    sql::Database m_db;
    QString m_path;
    QHash<const CacheTable *, Prepared *> m_prepared;
    sql::Statement m_asOf;
};

} // namespace paydesk::models
