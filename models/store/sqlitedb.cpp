#include "models/store/sqlitedb.h"

#include "models/modelslogging.h"

#include <algorithm>
#include <iterator>
#include <sqlite3.h>

namespace paydesk::models::sql {

Statement::Statement(Database *db, sqlite3_stmt *stmt)
    : m_db(db)
    , m_stmt(stmt)
{ }

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt)
{
    other.m_stmt = nullptr;
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

void Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void Statement::bind(int index, const QString &value)
{
    if (value.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return;
    }
    // SQLite converts UTF-16 itself, without the allocation of a QByteArray per value.
    sqlite3_bind_text16(m_stmt, index, value.utf16(), int(value.size() * 2), SQLITE_TRANSIENT);
}

void Statement::bindText(int index, const QByteArray &utf8)
{
    if (utf8.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return;
    }
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

void Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

void Statement::bindDouble(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
}

bool Statement::step()
{
    if (!m_stmt)
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_error = true;
        m_db->setError(QString::fromUtf8(sqlite3_errmsg(m_db->handle())));
    }
    if (!m_db->m_committed.isEmpty())
        m_db->afterStep();
    return false;
}

bool Statement::exec()
{
    m_error = false;
    while (step()) { }
    const bool ok = !m_error && m_stmt;
    sqlite3_reset(m_stmt);
    return ok;
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_error = false;
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QString Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!p)
        return {};
    return QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::bytes(int column) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return p ? QByteArray(p, sqlite3_column_bytes(m_stmt, column)) : QByteArray();
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

QString Statement::columnName(int column) const
{
    return QString::fromUtf8(sqlite3_column_name(m_stmt, column));
}

Database::~Database()
{
    close();
}

bool Database::open(const QString &path, bool create)
{
    close();
    const int flags
        = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        setError(m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("out of memory"));
        close();
        return false;
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
    if (m_observer)
        installHooks();
    return true;
}

void Database::resetCached()
{
    for (Statement *s : std::as_const(m_cached))
        s->reset();
}

void Database::setCommitObserver(CommitObserver observer)
{
    m_observer = std::move(observer);
    if (m_db)
        installHooks();
}

void Database::installHooks()
{
    const bool on = bool(m_observer);
    sqlite3_update_hook(m_db, on ? &Database::onUpdate : nullptr, on ? this : nullptr);
    sqlite3_commit_hook(m_db, on ? &Database::onCommit : nullptr, on ? this : nullptr);
    sqlite3_rollback_hook(m_db, on ? &Database::onRollback : nullptr, on ? this : nullptr);
    m_changing.clear();
    std::fill(std::begin(m_recent), std::end(m_recent), nullptr);
}

void Database::onUpdate(void *self, int, const char *, const char *table, long long)
{
    auto *d = static_cast<Database *>(self);
    // Called for every row written: a bulk load alternates between a few tables (the object's,
    // its full-text index), whose names SQLite passes as the same pointers.
    for (const char *seen : d->m_recent)
        if (seen == table)
            return;
    std::move_backward(std::begin(d->m_recent), std::end(d->m_recent) - 1, std::end(d->m_recent));
    d->m_recent[0] = table;
    d->m_changing.insert(QByteArray(table));
}

int Database::onCommit(void *self)
{
    auto *d = static_cast<Database *>(self);
    d->m_committed.unite(d->m_changing);
    d->m_changing.clear();
    std::fill(std::begin(d->m_recent), std::end(d->m_recent), nullptr);
    return 0; // The commit goes ahead.
}

void Database::onRollback(void *self)
{
    auto *d = static_cast<Database *>(self);
    d->m_changing.clear();
    std::fill(std::begin(d->m_recent), std::end(d->m_recent), nullptr);
}

void Database::afterStep()
{
    // The commit hook runs inside the commit; readers see its rows once it has returned.
    if (!m_db || !sqlite3_get_autocommit(m_db) || !m_observer)
        return;
    QStringList tables;
    tables.reserve(m_committed.size());
    for (const QByteArray &t : std::as_const(m_committed))
        tables.append(QString::fromUtf8(t));
    m_committed.clear();
    tables.sort();
    m_observer(tables);
}

void Database::close()
{
    qDeleteAll(m_cached); // Finalised before the connection closes.
    m_cached.clear();
    m_changing.clear();
    m_committed.clear();
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Database::exec(const QString &sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message);
    if (!m_committed.isEmpty())
        afterStep();
    if (rc != SQLITE_OK) {
        setError(QString::fromUtf8(message ? message : sqlite3_errmsg(m_db)));
        sqlite3_free(message);
        return false;
    }
    return true;
}

Statement Database::prepare(const QString &sql)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr)
        != SQLITE_OK) {
        setError(QString::fromUtf8(sqlite3_errmsg(m_db)) + QStringLiteral(" in: ") + sql);
        return {};
    }
    return Statement(this, stmt);
}

Statement &Database::cached(const QString &sql)
{
    if (Statement *s = m_cached.value(sql)) {
        s->reset();
        return *s;
    }
    Statement prepared = prepare(sql);
    if (!prepared.isValid())
        return m_invalid;
    auto *s = new Statement(std::move(prepared));
    m_cached.insert(sql, s);
    return *s;
}

qint64 Database::scalar(const QString &sql, qint64 fallback)
{
    Statement s = prepare(sql);
    if (!s.isValid() || !s.step())
        return fallback;
    return s.int64(0);
}

qint64 Database::changes() const
{
    return sqlite3_changes64(m_db);
}

void Database::setError(const QString &message)
{
    m_lastError = message;
    qCWarning(lcCache).noquote() << "SQLite:" << message;
}

} // namespace paydesk::models::sql
