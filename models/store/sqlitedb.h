#pragma once

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace paydesk::models::sql {

class Database;

/*
 * A prepared statement of the SQLite C API with typed binds (int64, UTF-8 text, NULL) and no
 * QVariant in the hot path: the cache upserts tens of thousands of rows a second through these.
 * Parameters are numbered from 1, result columns from 0, as in SQLite.
 */
class Statement final
{
public:
    Statement() = default;
    Statement(Database *db, sqlite3_stmt *stmt);
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    bool isValid() const { return m_stmt != nullptr; }
    void bind(int index, qint64 value);
    void bind(int index, const QString &value); // A null QString binds NULL.
    void bindText(int index, const QByteArray &utf8); // A null QByteArray binds NULL.
    void bindNull(int index);
    void bindBool(int index, bool value) { bind(index, qint64(value ? 1 : 0)); }
    void bindDouble(int index, double value);

    // Runs the statement one step: true while it yields a row; errors are logged and recorded
    // in the database's lastError() (false).
    bool step();
    // step() for statements without a result; false on error.
    bool exec();
    void reset();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArray bytes(int column) const;
    double real(int column) const;
    int columnCount() const;
    QString columnName(int column) const;

private:
    Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    bool m_error = false;
};

class Database final
{
public:
    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (creating if asked) the file; false with lastError() otherwise.
    bool open(const QString &path, bool create);
    void close();
    bool isOpen() const { return m_db != nullptr; }

    bool exec(const QString &sql); // Any number of statements, no results.
    Statement prepare(const QString &sql);
    // A statement prepared once per connection and reused (reset, bindings cleared) for
    // queries run again and again; valid until close().
    Statement &cached(const QString &sql);
    // The result of a one-value query, or `fallback`.
    qint64 scalar(const QString &sql, qint64 fallback = -1);
    qint64 changes() const;

    QString lastError() const { return m_lastError; }
    void setError(const QString &message);
    sqlite3 *handle() const { return m_db; }

    // Resets every cached() statement, so none holds the connection's read snapshot: the next
    // query sees what other connections committed since.
    void resetCached();

    // Tells `observer`, once each transaction of this connection has committed, which tables
    // it changed (rows its statements or their triggers inserted, updated or deleted, in
    // tables with a rowid), sorted; on the connection's thread. Set before writing; an empty
    // function stops it.
    using CommitObserver = std::function<void(const QStringList &tables)>;
    void setCommitObserver(CommitObserver observer);

private:
    friend class Statement;
    void installHooks();
    void afterStep(); // Announces what a finished commit changed.
    static void onUpdate(void *self, int op, const char *database, const char *table,
                         long long rowid);
    static int onCommit(void *self);
    static void onRollback(void *self);

    sqlite3 *m_db = nullptr;
    QString m_lastError;
    QHash<QString, Statement *> m_cached;
    Statement m_invalid;
    CommitObserver m_observer;
    QSet<QByteArray> m_changing; // Tables changed by the open transaction.
    const char *m_recent[4] = {}; // Their names as SQLite passes them (a cheap repeat test).
    QSet<QByteArray> m_committed; // Changed by a commit not announced yet.
};

} // namespace paydesk::models::sql
