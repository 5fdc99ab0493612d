#include "models/store/cache.h"

#include "models/modelslogging.h"
#include "models/rollups/fold.h"
#include "models/rollups/schema.h"
#include "models/store/cacheschema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QVarLengthArray>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paydesk::models {

namespace {

QJsonValue valueAt(const QJsonObject &object, const QStringList &keys)
{
    QJsonValue v = object;
    for (const QString &k : keys) {
        if (!v.isObject())
            return {};
        v = v.toObject().value(k);
    }
    return v;
}

// Creates the file with owner-only permissions before SQLite opens it, so that no other user can
// read a cache of payments even for a moment; tightens an existing file too.
bool prepareFile(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot create %1: %2")
                         .arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    ::fchmod(fd, 0600);
    ::close(fd);
    for (const char *suffix : {"-wal", "-shm"}) {
        const QByteArray side = native + suffix;
        if (::access(side.constData(), F_OK) == 0)
            ::chmod(side.constData(), 0600);
    }
    return true;
}

} // namespace

Cache::Cache() = default;

Cache::~Cache()
{
    close();
}

QString Cache::defaultPath(const QString &accountId, bool livemode)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QString safe = accountId;
    safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_]")), QStringLiteral("_"));
    return dir + QStringLiteral("/cache-") + safe
        + (livemode ? QStringLiteral("-live") : QStringLiteral("-test"))
        + QStringLiteral(".sqlite");
}

bool Cache::open(const QString &path, QString *error)
{
    close();
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!prepareFile(path, error))
        return false;
    // SQLite creates the -wal and -shm files with the permissions of the database file.
    if (!m_db.open(path, true)) {
        if (error)
            *error = m_db.lastError();
        return false;
    }
    m_path = path;
    // A checkpoint every 40 MB of WAL rather than 4 MB: a backfill rewrites the same index
    // pages many times, and each checkpoint copies them back and syncs the file.
    if (!m_db.exec(QStringLiteral("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                                  "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; "
                                  "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 10000;"))
        || !migrateCache(m_db, -1, error) || !foldPending()) {
        if (error && error->isEmpty())
            *error = m_db.lastError();
        close();
        return false;
    }
    m_asOf = {};
    return true;
}

void Cache::close()
{
    qDeleteAll(m_prepared);
    m_prepared.clear();
    m_asOf = {};
    m_db.close();
}

int Cache::schemaVersion()
{
    return int(m_db.scalar(QStringLiteral("PRAGMA user_version"), 0));
}

bool Cache::begin()
{
    return m_db.exec(QStringLiteral("BEGIN IMMEDIATE"));
}

bool Cache::foldPending()
{
    // What a writer left unfolded (the migration to schema 7 leaves everything).
    if (m_db.scalar(QStringLiteral("SELECT EXISTS (SELECT 1 FROM sub_dirty) OR EXISTS (SELECT 1 "
                                   "FROM mrr_dirty)"),
                    0)
        == 0)
        return true;
    if (!begin())
        return false;
    if (!commit()) {
        rollback();
        return false;
    }
    return true;
}

bool Cache::commit()
{
    // The MRR rollups take in what this transaction changed before anyone can read it.
    if (!rollups::foldRollups(m_db)) {
        qCWarning(lcCache) << "the MRR rollups could not be brought up to date:"
                           << m_db.lastError();
        return false;
    }
    return m_db.exec(QStringLiteral("COMMIT"));
}

void Cache::rollback()
{
    m_db.exec(QStringLiteral("ROLLBACK"));
}

Cache::Prepared *Cache::prepared(const CacheTable *table)
{
    if (Prepared *p = m_prepared.value(table))
        return p;
    auto *p = new Prepared;
    p->table = table;
    QStringList names {QStringLiteral("id"), QStringLiteral("as_of"), QStringLiteral("deleted"),
                       QStringLiteral("gen"), QStringLiteral("raw")};
    QStringList params {QStringLiteral("?1"), QStringLiteral("?2"), QStringLiteral("0"),
                        QStringLiteral("?3"), QStringLiteral("?4")};
    QStringList updates {QStringLiteral("as_of = excluded.as_of"), QStringLiteral("deleted = 0"),
                         QStringLiteral("gen = excluded.gen"),
                         QStringLiteral("raw = excluded.raw")};
    int n = 5;
    for (const CacheColumn &c : table->columns) {
        const QString name = QString::fromLatin1(c.name);
        names.append(name);
        params.append(u'?' + QString::number(n++));
        updates.append(name + QStringLiteral(" = excluded.") + name);
        // Each column reads its last key from a nested object ("payment_method_details.card");
        // the distinct nested objects are looked up once per row.
        QStringList keys = c.type == CacheColumn::Type::Parent ? QStringList() : c.keys();
        const QString last = keys.isEmpty() ? QString() : keys.takeLast();
        qsizetype prefix = p->prefixes.indexOf(keys);
        if (prefix < 0) {
            for (qsizetype depth = 1; depth < keys.size(); ++depth) {
                if (!p->prefixes.contains(keys.first(depth)))
                    p->prefixes.append(keys.first(depth));
            }
            p->prefixes.append(keys);
            prefix = p->prefixes.size() - 1;
        }
        p->columnPrefix.append(int(prefix));
        p->columnKey.append(last);
    }
    if (QLatin1String(table->name) == QLatin1String("charges")) {
        // Written with the row, from the row's own parameters: no second write of the row.
        names.append(QStringLiteral("settled_amount"));
        params.append(settledAmountSql([&names](const char *column) -> QString {
            return u'?' + QString::number(names.indexOf(QString::fromLatin1(column)));
        }));
    }
    // Parents before children: sort by depth, keeping the root (empty) first.
    QList<QStringList> sorted = p->prefixes;
    std::stable_sort(sorted.begin(), sorted.end(), [](const QStringList &a, const QStringList &b) {
        return a.size() < b.size();
    });
    for (int &index : p->columnPrefix)
        index = int(sorted.indexOf(p->prefixes.at(index)));
    p->prefixes = sorted;
    for (const QStringList &prefix : std::as_const(p->prefixes))
        p->prefixParent.append(
            prefix.isEmpty() ? -1 : int(p->prefixes.indexOf(prefix.first(prefix.size() - 1))));
    const QString t = QString::fromLatin1(table->name);
    p->upsert = m_db.prepare(
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT(id) DO UPDATE SET %4 "
                       "WHERE excluded.as_of >= %1.as_of")
            .arg(t, names.join(u','), params.join(u','), updates.join(u',')));
    for (const CacheColumn &c : table->columns) {
        if (c.type == CacheColumn::Type::Parent)
            p->deleteChildren = m_db.prepare(
                QStringLiteral("DELETE FROM %1 WHERE %2 = ?1").arg(t, QString::fromLatin1(c.name)));
    }
    m_prepared.insert(table, p);
    for (const CacheTable &child : cacheTables()) {
        if (QLatin1String(child.parentTable) == QLatin1String(table->name)) {
            p->children.append(prepared(&child));
            p->childPaths.append(QString::fromLatin1(child.childrenPath).split(u'.'));
        }
    }
    return p;
}

Cache::Write Cache::upsert(const QJsonObject &object, qint64 asOf, qint64 generation,
                           const QByteArray &raw)
{
    const CacheTable *table
        = cacheTableForObject(object.value(QStringLiteral("object")).toString());
    if (!table || table->parentTable[0] != '\0') {
        qCWarning(lcCache) << "not a cached object type:" << object.value(QStringLiteral("object"));
        return Write::Invalid;
    }
    Prepared *p = prepared(table);
    if (!p->upsert.isValid())
        return Write::Invalid;
    // A customer listed with its default payment method expanded: the method is kept as a
    // payment method, the customer as Stripe sends it unexpanded (the method's id).
    const QJsonValue method = object.value(QStringLiteral("invoice_settings"))
                                  .toObject()
                                  .value(QStringLiteral("default_payment_method"));
    if (method.isObject() && qstrcmp(table->object, "customer") == 0) {
        if (upsert(method.toObject(), asOf, generation) == Write::Invalid)
            qCWarning(lcCache) << "the default payment method of a customer is not valid";
        QJsonObject collapsed = object;
        QJsonObject settings = collapsed.value(QStringLiteral("invoice_settings")).toObject();
        settings.insert(QStringLiteral("default_payment_method"),
                        method.toObject().value(QStringLiteral("id")));
        collapsed.insert(QStringLiteral("invoice_settings"), settings);
        return write(*p, collapsed, asOf, generation, {}, {});
    }
    // The same for a payout listed with its bank account expanded.
    const QJsonValue destination = object.value(QStringLiteral("destination"));
    if (destination.isObject() && qstrcmp(table->object, "payout") == 0) {
        const QJsonObject account = destination.toObject();
        if (cacheTableForObject(account.value(QStringLiteral("object")).toString())
            && upsert(account, asOf, generation) == Write::Invalid)
            qCWarning(lcCache) << "the destination of a payout is not valid";
        QJsonObject collapsed = object;
        collapsed.insert(QStringLiteral("destination"), account.value(QStringLiteral("id")));
        return write(*p, collapsed, asOf, generation, {}, {});
    }
    return write(*p, object, asOf, generation, {}, raw);
}

Cache::Write Cache::write(Prepared &p, const QJsonObject &object, qint64 asOf, qint64 generation,
                          const QString &parentId, const QByteArray &raw)
{
    const QString id = object.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        qCWarning(lcCache) << "skipping a" << p.table->object << "without an id";
        return Write::Invalid;
    }
    sql::Statement &s = p.upsert;
    s.reset();
    s.bind(1, id);
    s.bind(2, asOf);
    s.bind(3, generation);
    s.bindText(4, raw.isEmpty() ? QJsonDocument(object).toJson(QJsonDocument::Compact) : raw);
    QVarLengthArray<QJsonObject, 16> nested(p.prefixes.size());
    for (qsizetype i = 0; i < p.prefixes.size(); ++i) {
        const QStringList &prefix = p.prefixes.at(i);
        const int parent = p.prefixParent.at(i);
        nested[i] = prefix.isEmpty()
            ? object
            : (parent < 0 ? object : nested[parent]).value(prefix.last()).toObject();
    }
    int n = 5;
    for (qsizetype i = 0; i < p.table->columns.size(); ++i, ++n) {
        const CacheColumn &c = p.table->columns.at(i);
        if (c.type == CacheColumn::Type::Parent) {
            s.bind(n, parentId);
            continue;
        }
        const QJsonValue v = nested[p.columnPrefix.at(i)].value(p.columnKey.at(i));
        switch (c.type) {
        case CacheColumn::Type::Int:
            if (v.isDouble())
                s.bind(n, v.toInteger());
            else
                s.bindNull(n);
            break;
        case CacheColumn::Type::Bool:
            if (v.isBool())
                s.bindBool(n, v.toBool());
            else
                s.bindNull(n);
            break;
        case CacheColumn::Type::Real:
            if (v.isDouble())
                s.bindDouble(n, v.toDouble());
            else
                s.bindNull(n);
            break;
        case CacheColumn::Type::Text:
            if (v.isString())
                s.bind(n, v.toString());
            else if (v.isObject()) // Expanded: keep the id.
                s.bind(n, v.toObject().value(QStringLiteral("id")).toString());
            else
                s.bindNull(n);
            break;
        case CacheColumn::Type::Parent:
            break;
        }
    }
    if (!s.exec())
        return Write::Invalid;
    if (m_db.changes() == 0)
        return Write::Unchanged;

    // Embedded children (subscription items, invoice lines) are replaced with the parent.
    for (qsizetype i = 0; i < p.children.size(); ++i) {
        Prepared *cp = p.children.at(i);
        cp->deleteChildren.reset();
        cp->deleteChildren.bind(1, id);
        cp->deleteChildren.exec();
        const QJsonArray items = valueAt(object, p.childPaths.at(i)).toArray();
        for (const QJsonValue &item : items)
            write(*cp, item.toObject(), asOf, generation, id, {});
        // Stripe embeds the first 10 (an invoice's lines, a subscription's items): the rest
        // is fetched by the sync's refetch, which stores the object with its whole list.
        if (valueAt(object, p.childPaths.at(i).mid(0, p.childPaths.at(i).size() - 1))
                .toObject()
                .value(QStringLiteral("has_more"))
                .toBool()
            && !enqueueRefetch(QString::fromLatin1(p.table->name), id, asOf))
            return Write::Invalid;
    }
    return Write::Written;
}

Cache::Write Cache::markDeleted(const QString &table, const QString &id, qint64 asOf)
{
    if (!cacheTableByName(table) || id.isEmpty())
        return Write::Invalid;
    sql::Statement &s = m_db.cached(
        QStringLiteral("INSERT INTO %1 (id, as_of, deleted) VALUES (?1, ?2, 1) ON CONFLICT(id) DO "
                       "UPDATE SET deleted = 1, as_of = excluded.as_of WHERE excluded.as_of >= "
                       "%1.as_of")
            .arg(table));
    s.bind(1, id);
    s.bind(2, asOf);
    if (!s.exec())
        return Write::Invalid;
    return m_db.changes() > 0 ? Write::Written : Write::Unchanged;
}

std::optional<qint64> Cache::asOf(const QString &table, const QString &id)
{
    if (!cacheTableByName(table))
        return std::nullopt;
    sql::Statement &s
        = m_db.cached(QStringLiteral("SELECT as_of FROM %1 WHERE id = ?1").arg(table));
    s.bind(1, id);
    std::optional<qint64> result;
    if (s.step())
        result = s.int64(0);
    s.reset(); // A cached query left mid-row would hold its read snapshot open.
    return result;
}

qint64 Cache::sweepUnseen(const QString &table, qint64 generation, qint64 asOf)
{
    sql::Statement s = m_db.prepare(
        QStringLiteral("UPDATE %1 SET deleted = 1 WHERE deleted = 0 AND gen < ?1 AND as_of < ?2")
            .arg(table));
    s.bind(1, generation);
    s.bind(2, asOf);
    s.exec();
    return m_db.changes();
}

bool Cache::recordEvent(const QJsonObject &event)
{
    if (hasEvent(event.value(QStringLiteral("id")).toString()))
        return false;
    const qint64 created = event.value(QStringLiteral("created")).toInteger();
    return upsert(event, created) == Write::Written;
}

bool Cache::hasEvent(const QString &id)
{
    // Events listed by the backfill (for the activity view) have as_of 0: not applied yet.
    sql::Statement &s
        = m_db.cached(QStringLiteral("SELECT 1 FROM events WHERE id = ?1 AND as_of > 0"));
    s.bind(1, id);
    const bool found = s.step();
    s.reset();
    return found;
}

QStringList Cache::deniedActions()
{
    const QByteArray value = state(QStringLiteral("denied_actions"));
    return value.isEmpty() ? QStringList()
                           : QString::fromUtf8(value).split(u'\n', Qt::SkipEmptyParts);
}

bool Cache::setDeniedActions(const QStringList &denied)
{
    return denied.isEmpty()
        ? removeState(QStringLiteral("denied_actions"))
        : setState(QStringLiteral("denied_actions"), denied.join(u'\n').toUtf8());
}

QByteArray Cache::state(const QString &key)
{
    sql::Statement &s = m_db.cached(QStringLiteral("SELECT value FROM sync_state WHERE key = ?1"));
    s.bind(1, key);
    const QByteArray value = s.step() ? s.bytes(0) : QByteArray();
    s.reset();
    return value;
}

bool Cache::setState(const QString &key, const QByteArray &value)
{
    sql::Statement &s = m_db.cached(
        QStringLiteral("INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO "
                       "UPDATE SET value = excluded.value"));
    s.bind(1, key);
    s.bindText(2, value.isNull() ? QByteArray("") : value);
    return s.exec();
}

bool Cache::removeState(const QString &key)
{
    sql::Statement &s = m_db.cached(QStringLiteral("DELETE FROM sync_state WHERE key = ?1"));
    s.bind(1, key);
    return s.exec();
}

bool Cache::enqueueRefetch(const QString &object, const QString &id, qint64 asOf)
{
    sql::Statement &s = m_db.cached(
        QStringLiteral("INSERT INTO refetch_queue (object, id, as_of) VALUES (?1, ?2, ?3) ON "
                       "CONFLICT(object, id) DO UPDATE SET as_of = max(as_of, excluded.as_of)"));
    s.bind(1, object);
    s.bind(2, id);
    s.bind(3, asOf);
    return s.exec();
}

QList<Cache::Refetch> Cache::refetches(int limit)
{
    sql::Statement &s = m_db.cached(
        QStringLiteral("SELECT object, id, as_of FROM refetch_queue ORDER BY rowid LIMIT ?1"));
    s.bind(1, qint64(limit));
    QList<Refetch> out;
    while (s.step())
        out.append({s.text(0), s.text(1), s.int64(2)});
    return out;
}

bool Cache::removeRefetch(const QString &object, const QString &id)
{
    sql::Statement &s
        = m_db.cached(QStringLiteral("DELETE FROM refetch_queue WHERE object = ?1 AND id = ?2"));
    s.bind(1, object);
    s.bind(2, id);
    return s.exec();
}

bool Cache::analyze()
{
    return m_db.exec(QStringLiteral("ANALYZE"));
}

bool Cache::deferFullText(const QString &table)
{
    if (ftsTableFor(table).isEmpty())
        return true;
    return setState(QStringLiteral("fts_deferred:") + table, "1");
}

bool Cache::rebuildFullText(const QString &table)
{
    const QString fts = ftsTableFor(table);
    if (fts.isEmpty())
        return true;
    return m_db.exec(QStringLiteral("INSERT INTO %1(%1) VALUES ('rebuild')").arg(fts))
        && removeState(QStringLiteral("fts_deferred:") + table);
}

bool Cache::pauseSchema(const QString &table, const char *type, const QStringList &names,
                        const QString &key)
{
    if (names.isEmpty() || !state(key).isEmpty())
        return true;
    if (m_db.scalar(QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1)").arg(table), 1) != 0)
        return true;
    const QString kind = QString::fromLatin1(type);
    QJsonArray definitions;
    for (const QString &name : names) {
        sql::Statement s = m_db.prepare(
            QStringLiteral("SELECT sql FROM sqlite_master WHERE type = ?1 AND name = ?2"));
        s.bind(1, kind);
        s.bind(2, name);
        if (!s.step())
            continue;
        definitions.append(s.text(0));
        s.reset();
        if (!m_db.exec(QStringLiteral("DROP %1 %2").arg(kind.toUpper(), name)))
            return false;
    }
    if (definitions.isEmpty())
        return true;
    return setState(key, QJsonDocument(definitions).toJson(QJsonDocument::Compact));
}

bool Cache::deferIndexes(const QString &table)
{
    return pauseSchema(table, "index", deferrableIndexes(table),
                       QStringLiteral("indexes_deferred:") + table);
}

bool Cache::rebuildIndexes(const QString &table)
{
    const QString key = QStringLiteral("indexes_deferred:") + table;
    const QByteArray saved = state(key);
    if (saved.isEmpty())
        return true;
    // Each index is built from one scan of the table: read through memory-mapped pages rather
    // than copied into the page cache.
    m_db.exec(QStringLiteral("PRAGMA mmap_size = 2147483648"));
    bool ok = true;
    for (const QJsonValue &v : QJsonDocument::fromJson(saved).array())
        ok = ok && m_db.exec(v.toString());
    m_db.exec(QStringLiteral("PRAGMA mmap_size = 0"));
    return ok && removeState(key);
}

bool Cache::deferRollups(const QString &table)
{
    return pauseSchema(table, "trigger", rollups::triggersOf(table),
                       QStringLiteral("rollups_deferred:") + table);
}

bool Cache::rebuildRollups(const QString &table)
{
    const QString key = QStringLiteral("rollups_deferred:") + table;
    const QByteArray saved = state(key);
    if (saved.isEmpty())
        return true;
    // Whatever the rollups held is replaced by the sums of the whole table, then the triggers
    // keep them from here on. The table is read once (through memory-mapped pages), its few
    // columns copied aside, and each rollup summed from that copy.
    m_db.exec(QStringLiteral("PRAGMA mmap_size = 2147483648"));
    bool ok = m_db.exec(QStringLiteral("CREATE TEMP TABLE rollup_source AS SELECT %1 FROM %2 "
                                       "WHERE deleted = 0")
                            .arg(rollups::fillColumns(table), table));
    m_db.exec(QStringLiteral("PRAGMA mmap_size = 0"));
    ok = ok && m_db.exec(rollups::clearSql(table))
        && m_db.exec(rollups::fillSql(table, QStringLiteral("temp.rollup_source")));
    m_db.exec(QStringLiteral("DROP TABLE IF EXISTS temp.rollup_source"));
    for (const QJsonValue &v : QJsonDocument::fromJson(saved).array())
        ok = ok && m_db.exec(v.toString());
    return ok && removeState(key);
}

qint64 Cache::count(const QString &table, bool includeDeleted)
{
    if (!cacheTableByName(table))
        return -1;
    return m_db.scalar(
        QStringLiteral("SELECT count(*) FROM %1%2")
            .arg(table, includeDeleted ? QString() : QStringLiteral(" WHERE deleted = 0")));
}

} // namespace paydesk::models
