#include "models/sync/syncengine.h"

#include "models/modelslogging.h"
#include "models/store/cache.h"
#include "models/store/cacheschema.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace paydesk::models {

namespace {

QJsonObject parseState(const QByteArray &value)
{
    return QJsonDocument::fromJson(value).object();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonArray rangesToJson(const QList<QPair<qint64, qint64>> &ranges)
{
    QJsonArray out;
    for (const auto &[lo, hi] : ranges)
        out.append(QJsonArray {lo, hi});
    return out;
}

QList<QPair<qint64, qint64>> rangesFromJson(const QJsonArray &array)
{
    QList<QPair<qint64, qint64>> out;
    for (const QJsonValue &v : array) {
        const QJsonArray pair = v.toArray();
        if (pair.size() == 2)
            out.append({pair.at(0).toInteger(), pair.at(1).toInteger()});
    }
    return out;
}

const char *const kDeletable[] = {"customers", "products", "prices", "coupons", "invoices"};

} // namespace

SyncEngine::SyncEngine(network::StripeClient *client, Cache *cache, Options options,
                       QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_cache(cache)
    , m_options(options)
{
    qRegisterMetaType<paydesk::models::SyncProgress>();
}

SyncEngine::~SyncEngine()
{
    flushBatch();
    m_running = false;
    for (network::ParallelLister *lister : std::as_const(m_listers))
        lister->cancel();
}

void ListingProgress::update(const SyncProgress &report)
{
    if (report.finished)
        m_tables.remove(report.table);
    else
        m_tables.insert(report.table, report);
}

SyncProgress ListingProgress::combined() const
{
    SyncProgress all;
    all.total = 0;
    all.etaSeconds = 0;
    QStringList names;
    for (const SyncProgress &t : m_tables) {
        names.append(t.table);
        all.done += t.done;
        all.perSecond += t.perSecond;
        all.total = all.total < 0 || t.total < 0 ? -1 : all.total + t.total;
        all.etaSeconds
            = all.etaSeconds < 0 || t.etaSeconds < 0 ? -1 : std::max(all.etaSeconds, t.etaSeconds);
    }
    all.table = names.join(u", "_s);
    if (m_tables.isEmpty())
        all.total = all.etaSeconds = -1;
    return all;
}

QStringList SyncEngine::backfillTables()
{
    return {u"events"_s,
            u"products"_s,
            u"prices"_s,
            u"coupons"_s,
            u"customers"_s,
            u"subscriptions"_s,
            u"invoices"_s,
            u"payment_intents"_s,
            u"balance_transactions"_s,
            u"charges"_s,
            u"refunds"_s,
            u"disputes"_s,
            u"payouts"_s,
            u"early_fraud_warnings"_s,
            u"reviews"_s};
}

qint64 SyncEngine::now() const
{
    return QDateTime::currentSecsSinceEpoch();
}

void SyncEngine::start()
{
    if (m_running)
        return;
    m_running = true;
    m_summary = {};
    fetchAccount();
}

void SyncEngine::cancel()
{
    if (!m_running)
        return;
    fail(u"cancelled"_s);
}

bool SyncEngine::batchBegin()
{
    if (m_batchOpen)
        return true;
    if (!m_cache->begin()) {
        fail(u"cannot write the cache: "_s + m_cache->database().lastError());
        return false;
    }
    m_batchOpen = true;
    m_batchObjects = 0;
    m_batchTimer.start();
    return true;
}

bool SyncEngine::batchCommit(bool force)
{
    // Pages are committed together (with the checkpoint that covers them) every 10,000 objects
    // or second: a commit writes every page the batch touched, and in a large cache the index
    // pages a batch touches are mostly distinct, so a commit per 2,000 objects cost a backfill
    // of 200,000 charges 15 % of its time. A kill loses at most the open batch, which the
    // resume lists again.
    if (!m_batchOpen)
        return true;
    if (!force && m_batchObjects < 10'000 && m_batchTimer.elapsed() < 1000)
        return true;
    m_batchOpen = false;
    return commitWrite();
}

bool SyncEngine::flushBatch()
{
    return batchCommit(true);
}

bool SyncEngine::commitWrite()
{
    if (m_cache->commit())
        return true;
    const QString error = m_cache->database().lastError();
    m_cache->rollback();
    if (m_running)
        fail(u"cannot write the cache: "_s + error);
    return false;
}

bool SyncEngine::beginWrite()
{
    flushBatch();
    return m_cache->begin();
}

void SyncEngine::fail(const QString &message)
{
    flushBatch(); // What is in it is consistent with its checkpoint.
    m_running = false;
    m_listingTables = false;
    for (network::ParallelLister *lister : std::as_const(m_listers)) {
        lister->cancel();
        lister->deleteLater();
    }
    m_listers.clear();
    qCWarning(lcSync).noquote() << "sync failed:" << message;
    Q_EMIT finished(false, message);
}

void SyncEngine::succeed()
{
    QJsonObject events = parseState(m_cache->state(u"events"_s));
    events.insert(u"last_sync"_s, now());
    m_cache->setState(u"events"_s, compact(events));
    m_running = false;
    qCInfo(lcSync) << "sync complete:" << m_summary.objectsWritten << "objects,"
                   << m_summary.eventsApplied << "events applied";
    Q_EMIT finished(true, {});
}

QJsonObject SyncEngine::backfillState()
{
    return parseState(m_cache->state(u"backfill"_s));
}

void SyncEngine::writeBackfillState(const QJsonObject &state)
{
    m_cache->setState(u"backfill"_s, compact(state));
}

void SyncEngine::reportProgress(const QString &table, qint64 done, qint64 total, bool finished,
                                bool force)
{
    // At most four reports a second of each table (several are listed at once).
    QElapsedTimer &last = m_progressOf[table];
    if (!finished && !force && last.isValid() && last.elapsed() < 250)
        return;
    last.start();
    SyncProgress p;
    p.table = table;
    p.done = done;
    p.total = finished ? done : (total >= 0 ? std::max(total, done) : -1);
    const auto timer = m_timerOf.constFind(table);
    const double seconds
        = std::max<qint64>(1, (timer != m_timerOf.cend() ? *timer : m_tableTimer).elapsed())
        / 1000.0;
    p.perSecond = double(done) / seconds;
    if (!finished && p.total >= 0 && p.perSecond > 0)
        p.etaSeconds = qint64(double(p.total - done) / p.perSecond + 0.5);
    else if (finished)
        p.etaSeconds = 0;
    p.finished = finished;
    Q_EMIT progress(p);
}

void SyncEngine::fetchAccount()
{
    Q_EMIT phaseChanged(u"account"_s);
    network::StripeRequest request;
    request.path = u"/v1/account"_s;
    m_client->send(request, this, [this](const network::StripeResponse &r) {
        if (!m_running)
            return;
        if (!r.ok()) {
            fail(r.error.userMessage());
            return;
        }
        const QString id = r.json.value(u"id"_s).toString();
        const QString stored = QString::fromUtf8(m_cache->state(u"account"_s));
        if (id.isEmpty()) {
            fail(u"the account object has no id"_s);
            return;
        }
        if (!stored.isEmpty() && stored != id) {
            fail(u"this cache belongs to account %1, but the key is for %2"_s.arg(stored, id));
            return;
        }
        m_summary.accountId = id;
        beginWrite();
        m_cache->setState(u"account"_s, id.toUtf8());
        m_cache->upsert(r.json, now());
        if (!commitWrite())
            return;
        m_accountCreated = r.json.value(u"created"_s).toInteger();
        decideBackfill();
    });
}

void SyncEngine::decideBackfill()
{
    const QJsonObject b = backfillState();
    const QJsonObject events = parseState(m_cache->state(u"events"_s));
    const qint64 lastSync = events.value(u"last_sync"_s).toInteger();
    const bool complete = b.value(u"complete"_s).toBool();
    const bool expired
        = complete && lastSync > 0 && now() - lastSync > m_options.eventRetentionSeconds;
    if (expired)
        qCInfo(lcSync) << "last sync is older than the event retention: backfilling again";
    // Without events (a restricted key that may not read them) only listing again is current.
    const bool noEvents = complete && !m_cache->state(u"denied:events"_s).isEmpty();
    if (b.isEmpty() || m_options.forceBackfill || expired || noEvents) {
        startNewBackfill();
        return;
    }
    if (!complete) {
        m_generation = b.value(u"gen"_s).toInteger();
        m_asOf = b.value(u"as_of"_s).toInteger();
        m_createdFrom = b.value(u"created_from"_s).toInteger();
        m_createdTo = b.value(u"created_to"_s).toInteger();
        m_tablesLeft = backfillTables();
        m_listingTables = true;
        m_summary.backfilled = true;
        qCInfo(lcSync) << "resuming the backfill of generation" << m_generation;
        Q_EMIT phaseChanged(u"backfill"_s);
        nextTable();
        return;
    }
    // Tables this version lists that the finished backfill did not (a cache from an older
    // Paydesk): listed now, as of the newest event applied, before the events go on.
    QStringList unlisted;
    for (const QString &t : backfillTables()) {
        if (!parseState(m_cache->state(u"backfill:"_s + t)).value(u"done"_s).toBool())
            unlisted.append(t);
    }
    if (!unlisted.isEmpty()) {
        m_generation = b.value(u"gen"_s).toInteger();
        m_asOf = std::max(events.value(u"cursor_created"_s).toInteger(),
                          b.value(u"as_of"_s).toInteger());
        m_createdFrom = b.value(u"created_from"_s).toInteger();
        m_createdTo = std::max(now(), m_asOf) + 86400;
        m_tablesLeft = unlisted;
        m_listingTables = true;
        m_catchUp = true;
        m_summary.backfilled = true;
        qCInfo(lcSync).noquote() << "listing what the last backfill did not:"
                                 << unlisted.join(u", "_s);
        Q_EMIT phaseChanged(u"backfill"_s);
        nextTable();
        return;
    }
    syncEvents();
}

void SyncEngine::startNewBackfill()
{
    Q_EMIT phaseChanged(u"backfill"_s);
    // The newest event now: everything after it is applied once the backfill is done, so that
    // changes made while it runs are not lost.
    network::StripeRequest request;
    request.path = u"/v1/events"_s;
    request.params.set(u"limit"_s, 1);
    m_client->send(request, this, [this](const network::StripeResponse &r) {
        if (!m_running)
            return;
        // A restricted key that may not read events: everything is listed on every sync
        // instead (the objects are as fresh as Stripe's clock when the listing began).
        const bool eventsDenied = !r.ok() && network::isPermissionRefusal(r.error.message);
        if (!r.ok() && !eventsDenied) {
            fail(r.error.userMessage());
            return;
        }
        const QJsonObject newest = r.json.value(u"data"_s).toArray().first().toObject();
        const QJsonObject old = backfillState();
        m_generation = old.value(u"gen"_s).toInteger() + 1;
        m_asOf = eventsDenied ? (r.serverTime > 0 ? r.serverTime : now())
                              : newest.value(u"created"_s).toInteger();
        // Stripe objects are not older than their account, nor newer than the server's clock
        // (known from the newest event, as the sandbox's clock may differ from ours).
        m_createdFrom = m_accountCreated > 0 ? m_accountCreated - 86400 : 1262304000;
        m_createdTo = std::max(now(), m_asOf) + 86400;
        QJsonObject state {{u"gen"_s, m_generation},
                           {u"as_of"_s, m_asOf},
                           {u"cursor"_s, newest.value(u"id"_s).toString()},
                           {u"created_from"_s, m_createdFrom},
                           {u"created_to"_s, m_createdTo},
                           {u"started"_s, now()},
                           {u"complete"_s, false}};
        beginWrite();
        writeBackfillState(state);
        if (eventsDenied) {
            qCWarning(lcSync).noquote()
                << "the key may not read events" << network::missingPermission(r.error.message)
                << "- every sync lists everything again";
            m_cache->setState(u"denied:events"_s,
                              network::missingPermission(r.error.message).toUtf8());
        } else {
            m_cache->removeState(u"denied:events"_s);
        }
        for (const QString &t : backfillTables())
            m_cache->removeState(u"backfill:"_s + t);
        m_cache->removeState(u"denied:payment_methods"_s); // Asked again with the new key.
        if (!commitWrite())
            return;
        qCInfo(lcSync) << "backfill generation" << m_generation << "starts";
        m_summary.backfilled = true;
        m_tablesLeft = backfillTables();
        m_listingTables = true;
        nextTable();
    });
}

void SyncEngine::nextTable()
{
    if (!m_running || !m_listingTables)
        return;
    while (m_listingTables && m_listers.size() < kTablesAtOnce && !m_tablesLeft.isEmpty()) {
        const QString table = m_tablesLeft.takeFirst();
        const QJsonObject state = parseState(m_cache->state(u"backfill:"_s + table));
        if (state.value(u"done"_s).toBool())
            continue;
        m_timerOf[table].start();
        m_doneOf[table] = 0;
        listTable(table, 0);
        if (!m_running)
            return;
    }
    if (m_listingTables && m_listers.isEmpty() && m_tablesLeft.isEmpty()) {
        m_listingTables = false;
        if (m_catchUp) {
            m_catchUp = false;
            m_cache->analyze();
            syncEvents();
            return;
        }
        finishBackfill();
    }
}

void SyncEngine::markListed(const QString &table)
{
    // What the listing deferred is built once, from the whole table.
    m_cache->rebuildFullText(table);
    m_cache->rebuildIndexes(table);
    m_cache->rebuildRollups(table);
    m_cache->setState(u"backfill:"_s + table, compact({{u"done"_s, true}}));
}

bool SyncEngine::listTable(const QString &table, int attempt)
{
    const CacheTable *spec = cacheTableByName(table);
    const QJsonObject state = parseState(m_cache->state(u"backfill:"_s + table));
    network::ParallelLister::Options options;
    options.concurrency = m_options.concurrency;
    options.pageSize = m_options.pageSize;
    options.createdFrom = m_createdFrom;
    options.createdTo = m_createdTo;
    options.wholeAccount = true;
    // Radar's early fraud warnings are listed without a time bound (the list takes none).
    options.createdFilter = table != QLatin1String("early_fraud_warnings");
    if (state.contains(u"ranges"_s)) {
        options.ranges = rangesFromJson(state.value(u"ranges"_s).toArray());
        if (options.ranges.isEmpty()) {
            // Killed between the last page and the "done" mark.
            beginWrite();
            markListed(table);
            commitWrite();
            return false;
        }
    }
    network::StripeParams params;
    if (table == QLatin1String("subscriptions"))
        params.set(u"status"_s, u"all"_s);
    // Each customer's default payment method comes with the customer list (the cache keeps it
    // as a payment method, see Cache::upsert): one request per hundred customers instead of one
    // per customer. Their other saved methods are listed on demand (fetchPaymentMethods()).
    const bool expandMethods = table == QLatin1String("customers")
        && m_cache->state(u"denied:payment_methods"_s).isEmpty();
    if (expandMethods)
        params.add(u"expand[]"_s, u"data.invoice_settings.default_payment_method"_s);
    // The bank account of each payout comes with it (the cache keeps it apart, see
    // Cache::upsert): the Payouts page shows its last 4 digits.
    if (table == QLatin1String("payouts"))
        params.add(u"expand[]"_s, u"data.destination"_s);
    auto *lister = new network::ParallelLister(m_client, QString::fromLatin1(spec->listPath),
                                               params, options, this);
    m_listers.insert(table, lister);
    connect(lister, &network::ParallelLister::objectsReceived, this,
            [this, table, lister](const QJsonArray &objects, const QList<QByteArray> &raw) {
                if (!m_running || !batchBegin())
                    return;
                // Listed events are kept for the activity view but not applied (as_of 0): the
                // backfill itself is their effect, and the event sync applies what is newer.
                const qint64 asOf = table == QLatin1String("events") ? 0 : m_asOf;
                for (qsizetype i = 0; i < objects.size(); ++i) {
                    const Cache::Write w = m_cache->upsert(objects.at(i).toObject(), asOf,
                                                           m_generation, raw.value(i));
                    if (w == Cache::Write::Invalid)
                        ++m_summary.invalidObjects;
                }
                m_cache->setState(u"backfill:"_s + table,
                                  compact({{u"ranges"_s, rangesToJson(lister->checkpoint())}}));
                m_batchObjects += objects.size();
                if (!batchCommit(false))
                    return;
                m_summary.objectsWritten += objects.size();
                m_doneOf[table] += objects.size();
                reportProgress(table, m_doneOf.value(table), lister->estimatedTotal(), false);
            });
    connect(lister, &network::ParallelLister::finished, this,
            [this, table, attempt, lister, expandMethods](bool ok, const QString &error) {
                lister->deleteLater();
                if (m_listers.value(table) == lister)
                    m_listers.remove(table);
                if (!m_running)
                    return;
                if (!ok && expandMethods && network::isPermissionRefusal(error)) {
                    // A key that may list customers but not read payment methods: the
                    // customers without them.
                    const QString permission = network::missingPermission(error);
                    qCWarning(lcSync).noquote()
                        << "the key may not read payment methods" << permission;
                    m_summary.deniedTables.insert(u"payment_methods"_s, permission);
                    beginWrite();
                    m_cache->setState(u"denied:payment_methods"_s, permission.toUtf8());
                    if (!commitWrite())
                        return;
                    if (!listTable(table, attempt))
                        nextTable();
                    return;
                }
                if (!ok && network::isPermissionRefusal(error)) {
                    // A restricted key without this read permission: the other tables are
                    // still synced, and the page says what the key may not read.
                    const QString permission = network::missingPermission(error);
                    qCWarning(lcSync).noquote() << "the key may not list" << table << permission;
                    m_summary.deniedTables.insert(table, permission);
                    beginWrite();
                    m_cache->setState(u"denied:"_s + table, permission.toUtf8());
                    markListed(table);
                    if (!commitWrite())
                        return;
                    nextTable();
                    return;
                }
                if (!ok) {
                    if (attempt < m_options.maxResumes) {
                        qCWarning(lcSync).noquote() << "listing" << table << "failed (" << error
                                                    << "), resuming from its checkpoint";
                        if (!listTable(table, attempt + 1))
                            nextTable();
                        return;
                    }
                    fail(u"listing %1 failed: %2"_s.arg(table, error));
                    return;
                }
                beginWrite();
                markListed(table);
                if (!commitWrite())
                    return;
                reportProgress(table, m_doneOf.value(table), m_doneOf.value(table), true);
                nextTable();
            });
    beginWrite();
    m_cache->deferFullText(table);
    m_cache->deferIndexes(table);
    m_cache->deferRollups(table);
    if (!commitWrite())
        return false;
    reportProgress(table, m_doneOf.value(table), -1, false, true);
    lister->start();
    return true;
}

void SyncEngine::finishBackfill()
{
    QJsonObject b = backfillState();
    beginWrite();
    if (m_generation > 1) {
        // A backfill after a gap: what it no longer saw was deleted while we were away.
        for (const char *table : kDeletable) {
            // Not listed (the key may not): not seen is no sign of deletion.
            if (m_summary.deniedTables.contains(QString::fromLatin1(table)))
                continue;
            const qint64 n = m_cache->sweepUnseen(QString::fromLatin1(table), m_generation, m_asOf);
            if (n > 0)
                qCInfo(lcSync) << n << table << "no longer exist: marked deleted";
        }
    }
    b.insert(u"complete"_s, true);
    writeBackfillState(b);
    // Statistics for the query planner, so that each filter of the views picks its index.
    m_cache->analyze();
    QJsonObject events = parseState(m_cache->state(u"events"_s));
    events.insert(u"cursor"_s, b.value(u"cursor"_s).toString());
    events.insert(u"cursor_created"_s, b.value(u"as_of"_s).toInteger());
    m_cache->setState(u"events"_s, compact(events));
    if (!commitWrite())
        return;
    syncEvents();
}

void SyncEngine::syncEvents()
{
    if (!m_cache->state(u"denied:events"_s).isEmpty()) {
        succeed(); // The listing just made is what there is.
        return;
    }
    Q_EMIT phaseChanged(u"events"_s);
    m_tableTimer.start();
    m_tableDone = 0;
    const QJsonObject events = parseState(m_cache->state(u"events"_s));
    const QString cursor = events.value(u"cursor"_s).toString();
    if (m_generation == 0)
        m_generation = backfillState().value(u"gen"_s).toInteger();
    network::StripeParams params;
    params.set(u"limit"_s, m_options.pageSize);
    if (cursor.isEmpty()) {
        // No event existed at the backfill: every event there is now is newer. Pages come newest
        // first, so they are gathered and applied oldest first.
        auto *all = new QList<QJsonObject>;
        network::Pager::start(
            m_client, u"/v1/events"_s, params, this,
            [all](const QJsonArray &page) {
                for (const QJsonValue &v : page)
                    all->append(v.toObject());
                return true;
            },
            [this, all](const network::StripeError &error, qint64) {
                std::unique_ptr<QList<QJsonObject>> owned(all);
                if (!m_running)
                    return;
                if (error.isError()) {
                    fail(u"listing events failed: "_s + error.userMessage());
                    return;
                }
                std::reverse(owned->begin(), owned->end());
                for (qsizetype i = 0; i < owned->size() && m_running; i += 100) {
                    QJsonArray chunk;
                    for (qsizetype j = i; j < std::min(owned->size(), i + 100); ++j)
                        chunk.append(owned->at(j));
                    applyEventPage(chunk);
                }
                if (m_running)
                    syncBalanceTransactions();
            });
        return;
    }
    params.set(u"ending_before"_s, cursor);
    network::Pager::start(
        m_client, u"/v1/events"_s, params, this,
        [this](const QJsonArray &page) {
            if (!m_running)
                return false;
            QJsonArray chronological;
            for (qsizetype i = page.size() - 1; i >= 0; --i)
                chronological.append(page.at(i));
            applyEventPage(chronological);
            return m_running;
        },
        [this](const network::StripeError &error, qint64) {
            if (!m_running)
                return;
            if (error.isError()) {
                if (error.code == QLatin1String("resource_missing")) {
                    qCInfo(lcSync) << "the event cursor is gone (older than the retention): "
                                      "backfilling again";
                    startNewBackfill();
                    return;
                }
                fail(u"listing events failed: "_s + error.userMessage());
                return;
            }
            syncBalanceTransactions();
        },
        network::Pager::Mode::Reverse);
}

void SyncEngine::syncBalanceTransactions()
{
    // Balance transactions have no events: new ones (from refunds, disputes, payouts) are
    // listed by creation time from a watermark a little before the newest one cached. What is
    // listed twice is stored twice, which changes nothing.
    Q_EMIT phaseChanged(u"balance_transactions"_s);
    const qint64 newest
        = m_cache->database().scalar(u"SELECT max(created) FROM balance_transactions"_s, 0);
    network::StripeParams params;
    params.set(u"limit"_s, m_options.pageSize);
    params.set(u"created"_s, QVariantMap {{u"gte"_s, std::max<qint64>(0, newest - 600)}});
    // Current as of the newest event applied.
    const qint64 asOf
        = parseState(m_cache->state(u"events"_s)).value(u"cursor_created"_s).toInteger();
    network::Pager::start(
        m_client, u"/v1/balance_transactions"_s, params, this,
        [this, asOf](const QJsonArray &page) {
            if (!m_running)
                return false;
            beginWrite();
            for (const QJsonValue &v : page) {
                if (m_cache->upsert(v.toObject(), asOf, m_generation) == Cache::Write::Invalid)
                    ++m_summary.invalidObjects;
            }
            if (!commitWrite())
                return false;
            return true;
        },
        [this](const network::StripeError &error, qint64) {
            if (!m_running)
                return;
            if (error.isError()) {
                fail(u"listing balance transactions failed: "_s + error.userMessage());
                return;
            }
            fetchBalance();
        });
}

void SyncEngine::fetchBalance()
{
    network::StripeRequest request;
    request.path = u"/v1/balance"_s;
    m_client->send(request, this, [this](const network::StripeResponse &r) {
        if (!m_running)
            return;
        if (!r.ok()) {
            // A key that may not read the balance still syncs the rest; the page says why.
            if (!network::isPermissionRefusal(r.error.message)) {
                fail(u"reading the balance failed: "_s + r.error.userMessage());
                return;
            }
            beginWrite();
            m_cache->setState(u"denied:balance"_s,
                              network::missingPermission(r.error.message).toUtf8());
            if (!commitWrite())
                return;
            processRefetches();
            return;
        }
        beginWrite();
        QJsonObject kept = r.json;
        kept.insert(u"fetched_at"_s, r.serverTime > 0 ? r.serverTime : now());
        m_cache->setState(u"balance"_s, compact(kept));
        m_cache->removeState(u"denied:balance"_s);
        if (!commitWrite())
            return;
        processRefetches();
    });
}

void SyncEngine::applyEventPage(const QJsonArray &chronological)
{
    if (chronological.isEmpty())
        return;
    beginWrite();
    QJsonObject events = parseState(m_cache->state(u"events"_s));
    for (const QJsonValue &v : chronological) {
        const QJsonObject event = v.toObject();
        switch (applyEvent(event)) {
        case EventResult::Applied:
        case EventResult::Refetch:
            ++m_summary.eventsApplied;
            break;
        case EventResult::Skipped:
            ++m_summary.eventsSkipped;
            break;
        case EventResult::Invalid:
            ++m_summary.invalidObjects;
            break;
        }
        if (!event.value(u"id"_s).toString().isEmpty()) {
            events.insert(u"cursor"_s, event.value(u"id"_s).toString());
            events.insert(u"cursor_created"_s, event.value(u"created"_s).toInteger());
        }
    }
    m_cache->setState(u"events"_s, compact(events));
    if (!commitWrite())
        return;
    m_tableDone += chronological.size();
    reportProgress(u"events"_s, m_tableDone, -1, false);
}

SyncEngine::EventResult SyncEngine::applyEvent(const QJsonObject &event)
{
    const QString eventId = event.value(u"id"_s).toString();
    const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
    const QString objectType = object.value(u"object"_s).toString();
    const QString objectId = object.value(u"id"_s).toString();
    if (eventId.isEmpty() || !event.value(u"created"_s).isDouble() || objectId.isEmpty()) {
        qCWarning(lcSync) << "skipping a malformed event" << eventId;
        return EventResult::Invalid;
    }
    if (!m_cache->recordEvent(event))
        return EventResult::Skipped; // Applied before.
    const CacheTable *table = cacheTableForObject(objectType);
    if (!table || table->parentTable[0] != '\0' || objectType == QLatin1String("event")) {
        qCDebug(lcSync) << "event" << event.value(u"type"_s).toString()
                        << "is about an object Paydesk does not cache";
        return EventResult::Skipped;
    }
    const QString tableName = QString::fromLatin1(table->name);
    const qint64 created = event.value(u"created"_s).toInteger();
    if (event.value(u"api_version"_s).toString().toLatin1()
        != network::StripeClient::apiVersion()) {
        // Shaped for another API version: the object itself is fetched again, in ours.
        m_cache->enqueueRefetch(tableName, objectId, created);
        return EventResult::Refetch;
    }
    const QString type = event.value(u"type"_s).toString();
    const bool deleted = object.value(u"deleted"_s).toBool()
        || (table->deletable && type == objectType + u".deleted"_s);
    const std::optional<qint64> current = m_cache->asOf(tableName, objectId);
    if (current && created < *current)
        return EventResult::Skipped; // The cache holds newer state.
    if (current && created == *current) {
        // Same second: which state is newer cannot be told; ask Stripe.
        m_cache->enqueueRefetch(tableName, objectId, created);
        return EventResult::Refetch;
    }
    // A deletion keeps the object's last state (the event carries it), marked deleted, so the
    // row is the same whatever order the events came in.
    Cache::Write w = m_cache->upsert(object, created, m_generation);
    if (deleted && w != Cache::Write::Invalid)
        w = m_cache->markDeleted(tableName, objectId, created);
    return w == Cache::Write::Invalid ? EventResult::Invalid : EventResult::Applied;
}

bool SyncEngine::applyWebhookEvent(const QJsonObject &event)
{
    if (!m_cache->isOpen())
        return false;
    if (m_generation == 0)
        m_generation = backfillState().value(u"gen"_s).toInteger();
    beginWrite();
    const EventResult r = applyEvent(event);
    if (!m_cache->commit()) {
        m_cache->rollback();
        return false;
    }
    if (r == EventResult::Refetch && !m_running)
        processRefetches();
    return r != EventResult::Invalid;
}

void SyncEngine::processRefetches()
{
    if (m_refetchInFlight > 0)
        return;
    const QList<Cache::Refetch> batch = m_cache->refetches(m_options.concurrency);
    if (batch.isEmpty()) {
        if (m_running)
            succeed();
        return;
    }
    if (m_running)
        Q_EMIT phaseChanged(u"refetch"_s);
    for (const Cache::Refetch &item : batch) {
        const CacheTable *table = cacheTableByName(item.object);
        network::StripeRequest request;
        request.path = table ? QString::fromLatin1(table->retrievePath) : QString();
        if (table && QLatin1String(table->name) != QLatin1String("account"))
            request.path += item.id;
        if (!table || request.path.isEmpty()) {
            m_cache->removeRefetch(item.object, item.id);
            continue;
        }
        ++m_refetchInFlight;
        // An embedded list that goes on is fetched to the end before the object is stored.
        m_client->send(request, this, [this, item](const network::StripeResponse &fetched) {
            completeLists(fetched, [this, item](const network::StripeResponse &r) {
                --m_refetchInFlight;
                const bool missing = !r.ok() && r.error.code == QLatin1String("resource_missing");
                if (r.ok() || missing) {
                    beginWrite();
                    if (missing)
                        m_cache->markDeleted(item.object, item.id, item.asOf);
                    else
                        m_cache->upsert(r.json, item.asOf, m_generation);
                    m_cache->removeRefetch(item.object, item.id);
                    if (!m_cache->commit())
                        m_cache->rollback();
                    ++m_summary.refetched;
                } else {
                    // Left in the queue for the next sync (a webhook's refetch does not retry in a
                    // loop against a server that keeps failing).
                    if (m_running)
                        fail(u"fetching %1 %2 again failed: %3"_s.arg(item.object, item.id,
                                                                      r.error.userMessage()));
                    else
                        qCWarning(lcSync).noquote() << "fetching" << item.object << item.id
                                                    << "again failed:" << r.error.userMessage();
                    return;
                }
                if (m_refetchInFlight == 0)
                    processRefetches();
            });
        });
    }
    if (m_refetchInFlight == 0 && m_running)
        processRefetches();
}

namespace {

// The embedded lists Stripe cuts at 10 entries: an invoice's lines, a subscription's items.
const char *const kEmbeddedLists[] = {"lines", "items"};

} // namespace

void SyncEngine::completeLists(network::StripeResponse response,
                               std::function<void(const network::StripeResponse &)> done)
{
    if (!response.ok())
        return done(response);
    for (const char *key : kEmbeddedLists) {
        const QJsonObject list = response.json.value(QString::fromLatin1(key)).toObject();
        if (list.value(u"object"_s).toString() != QLatin1String("list")
            || !list.value(u"has_more"_s).toBool())
            continue;
        const QJsonArray data = list.value(u"data"_s).toArray();
        // The list's own URL ("/v1/invoices/in_…/lines", "/v1/subscription_items?subscription=
        // sub_…"), paged on from its last entry.
        const QUrl url(list.value(u"url"_s).toString());
        network::StripeRequest request;
        request.path = url.path();
        for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
            request.params.set(name, value);
        request.params.set(u"limit"_s, 100);
        if (!data.isEmpty())
            request.params.set(u"starting_after"_s,
                               data.last().toObject().value(u"id"_s).toString());
        const QString name = QString::fromLatin1(key);
        m_client->send(
            request, this,
            [this, response, name, list, data, done](const network::StripeResponse &page) mutable {
                if (!page.ok())
                    return done(page);
                QJsonArray all = data;
                const QJsonArray more = page.json.value(u"data"_s).toArray();
                for (const QJsonValue &v : more)
                    all.append(v);
                QJsonObject whole = list;
                whole.insert(u"data"_s, all);
                whole.insert(u"has_more"_s,
                             page.json.value(u"has_more"_s).toBool() && !more.isEmpty());
                response.json.insert(name, whole);
                // Another page of this list, or the next list of the object.
                completeLists(response, done);
            });
        return;
    }
    done(response);
}

} // namespace paydesk::models
