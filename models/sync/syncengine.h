#pragma once

#include "network/pagination.h"
#include "network/stripeclient.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>

namespace paydesk::models {

class Cache;

struct SyncProgress
{
    QString table; // "charges", "payment_methods", "events", …
    qint64 done = 0; // Objects stored in this run.
    qint64 total = -1; // Estimated total for this run, -1 while unknown.
    double perSecond = 0;
    qint64 etaSeconds = -1;
    bool finished = false;
};

// The tables a backfill lists at once, from its progress reports: each one's latest report,
// until the report that it finished. The window shows them as one line, the command one each.
class ListingProgress
{
public:
    void update(const SyncProgress &report);
    void clear() { m_tables.clear(); }
    bool isEmpty() const { return m_tables.isEmpty(); }
    QList<SyncProgress> tables() const { return m_tables.values(); } // By table name.
    // One report of them all: their names joined, what they stored summed, and a total and
    // time left only when every one of them knows its own.
    SyncProgress combined() const;

private:
    QMap<QString, SyncProgress> m_tables;
};

struct SyncSummary
{
    bool backfilled = false; // A backfill ran (or was resumed) in this run.
    qint64 objectsWritten = 0;
    qint64 eventsApplied = 0;
    qint64 eventsSkipped = 0; // Already applied, or older than the cached state.
    qint64 refetched = 0;
    qint64 invalidObjects = 0; // Logged and skipped.
    QString accountId;
    // Tables a restricted key may not list ("disputes" → "rak_dispute_read"): skipped, and
    // noted in the cache's sync_state as "denied:<table>" for the pages to say so.
    QMap<QString, QString> deniedTables;
};

/*
 * Fills a Cache from the Stripe API and keeps it current. The first run backfills every object
 * type with the parallel lister; each page is stored in one transaction together with the
 * lister's checkpoint, so a process killed at any moment resumes where its last commit left off
 * and ends with exactly the data of an uninterrupted run. Before the backfill the newest event is
 * noted; afterwards (and on every later run) the events after it are applied in order, in
 * transactions that also move the event cursor. An event only replaces state older than itself;
 * equal times, a different api_version and objects seen in doubt are fetched again (through a
 * persistent queue). A cache whose last sync is older than Stripe's 30-day event retention is
 * backfilled again, and objects the new backfill no longer sees are marked deleted. Webhook
 * events go through the same path (applyEvent()).
 */
class SyncEngine final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int concurrency = 10;
        int pageSize = 100;
        qint64 eventRetentionSeconds = 30 * 86400;
        bool forceBackfill = false;
        // Failed listings of one type are resumed from their checkpoint this many times.
        int maxResumes = 5;
    };

    SyncEngine(network::StripeClient *client, Cache *cache, Options options,
               QObject *parent = nullptr);
    ~SyncEngine() override;

    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    const SyncSummary &summary() const { return m_summary; }

    // Applies one event (from a webhook) now, with the same rules as the event sync, then
    // fetches again whatever it left in doubt. Returns false when the event was not usable.
    bool applyWebhookEvent(const QJsonObject &event);

    // The order in which tables are backfilled.
    static QStringList backfillTables();

Q_SIGNALS:
    void progress(const paydesk::models::SyncProgress &progress);
    void phaseChanged(const QString &phase);
    void finished(bool ok, const QString &error);

private:
    enum class EventResult { Applied, Skipped, Refetch, Invalid };

    void fetchAccount();
    void decideBackfill();
    void startNewBackfill();
    // Lists the tables still to back up, a few at once (so that one type's last pages and the
    // next one's probe overlap), and finishes the backfill after the last.
    void nextTable();
    // False when the table needed no listing (its last page was stored before a kill).
    bool listTable(const QString &table, int attempt);
    // In the caller's transaction: the table's listing is done (its full-text and sort indexes,
    // deferred while it was listed, are built).
    void markListed(const QString &table);
    void finishBackfill();
    void syncEvents();
    void syncBalanceTransactions();
    // The balance now (GET /v1/balance), kept for the Balance page to show offline.
    void fetchBalance();
    void applyEventPage(const QJsonArray &chronological);
    EventResult applyEvent(const QJsonObject &event);
    void processRefetches();
    // Fetches the rest of every embedded list cut short (an invoice's lines, a subscription's
    // items: has_more) of the answer's object from the list's URL; `done`
    // gets the answer with its object whole, the answer itself when it is an error, or the
    // error of a page.
    void completeLists(network::StripeResponse response,
                       std::function<void(const network::StripeResponse &)> done);
    void succeed();
    void fail(const QString &message);
    bool batchBegin();
    bool batchCommit(bool force);
    bool flushBatch();
    bool beginWrite();
    bool commitWrite(); // Commits, or rolls back and fails the sync.
    void reportProgress(const QString &table, qint64 done, qint64 total, bool finished,
                        bool force = false);
    QJsonObject backfillState();
    void writeBackfillState(const QJsonObject &state);
    qint64 now() const;

    QPointer<network::StripeClient> m_client;
    Cache *m_cache;
    Options m_options;
    bool m_running = false;
    SyncSummary m_summary;

    // Backfill of the current run.
    qint64 m_generation = 0;
    qint64 m_asOf = 0;
    qint64 m_createdFrom = 0;
    qint64 m_createdTo = 0;
    qint64 m_accountCreated = 0;
    QStringList m_tablesLeft;
    QHash<QString, network::ParallelLister *> m_listers; // The tables being listed.
    QHash<QString, qint64> m_doneOf; // Objects stored per table being listed.
    QHash<QString, QElapsedTimer> m_timerOf;
    bool m_listingTables = false;
    // Listing only the tables a finished backfill has not listed (added by a newer Paydesk),
    // after which the event sync goes on from where it was.
    bool m_catchUp = false;
    static constexpr int kTablesAtOnce = 3;
    QElapsedTimer m_tableTimer;
    QHash<QString, QElapsedTimer> m_progressOf; // When each table last reported progress.
    qint64 m_tableDone = 0;

    // Payment methods, listed per customer.

    int m_refetchInFlight = 0;
    bool m_batchOpen = false;
    qint64 m_batchObjects = 0;
    QElapsedTimer m_batchTimer;
};

} // namespace paydesk::models

Q_DECLARE_METATYPE(paydesk::models::SyncProgress)
