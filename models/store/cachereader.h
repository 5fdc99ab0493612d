#pragma once

#include "models/store/sqlitedb.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace paydesk::models {

/*
 * The window's one read-only connection to the cache of the account it shows, and everything
 * the window reads that is not a table model, an analytics figure or an object's detail (those
 * take database()). One per thread: the pages, panels and models of the window share it.
 *
 * Whoever writes the cache (the sync on its thread, the outbox on this one) hands it the tables
 * each commit changed (noteCommitted(), from sql::Database::setCommitObserver); it announces
 * them in changed(), at most once per minimumInterval(), so a page reloads only when its own
 * tables changed and a backfill committing every second does not reload it every second.
 */
class CacheReader final : public QObject
{
    Q_OBJECT

public:
    explicit CacheReader(QObject *parent = nullptr);
    ~CacheReader() override;

    // Opens the cache at `path` read-only (an empty path closes it), and announces reopened().
    bool open(const QString &path);
    bool isOpen() const { return m_db.isOpen(); }
    QString path() const { return m_path; }
    sql::Database &database() { return m_db; }

    // The tables a restricted key may not list, with the permission it lacks (the sync notes
    // them in sync_state).
    QHash<QString, QString> deniedTables();

    // The values a filter menu offers, most used or in order, with their labels.
    enum class Choice {
        PaymentCurrency, // Charges' currencies, in order.
        PaymentCardBrand,
        PaymentCardCountry,
        SubscriptionProduct, // Products of subscription items, most subscribed first (its name).
        CustomerCountry, // Customers' address countries, most customers first.
    };
    struct FilterChoice
    {
        QString value;
        QString label;
    };
    QList<FilterChoice> filterChoices(Choice which);

    // 0 announces each commit as soon as the event loop runs; the window uses 1 s.
    void setMinimumInterval(int ms) { m_minimumInterval = ms; }
    int minimumInterval() const { return m_minimumInterval; }

    // The tables a commit of any connection to this cache changed; on this reader's thread.
    void noteCommitted(const QStringList &tables);
    // A writer for `db` on this thread that tells this reader what it commits.
    void observe(sql::Database &db);

Q_SIGNALS:
    // Another cache (or none) is shown: everything reads again from scratch.
    void reopened();
    // Tables changed by the commits since the last announcement, sorted.
    void changed(const QStringList &tables);

private:
    void announce();

    sql::Database m_db;
    QString m_path;
    int m_minimumInterval = 0;
    QSet<QString> m_pending;
    QTimer m_timer;
    QElapsedTimer m_sinceAnnounced;
};

// The cached Stripe JSON of a live (not deleted) object of a cache table, or a null array.
QByteArray liveObjectJson(sql::Database &db, const QString &table, const QString &id);

// Whether `changed` names one of `watched`.
bool touches(const QStringList &changed, const QStringList &watched);

} // namespace paydesk::models
