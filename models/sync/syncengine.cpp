#include "models/sync/syncengine.h"

#include "models/modelslogging.h"
#include "models/store/cache.h"
#include "models/store/cacheschema.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace paydesk::models {

namespace {

QString L(const char *s)
{
    return QString::fromLatin1(s);
}

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
    all.table = names.join(L(", "));
    if (m_tables.isEmpty())
        all.total = all.etaSeconds = -1;
    return all;
}

QStringList SyncEngine::backfillTables()
{
    return {L("events"),   L("products"),        L("prices"),
            L("coupons"),  L("customers"),       L("subscriptions"),
            L("invoices"), L("payment_intents"), L("balance_transactions"),
            L("charges"),  L("refunds"),         L("disputes")};
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
    fail(L("cancelled"));
}

bool SyncEngine::batchBegin()
{
    if (m_batchOpen)
        return true;
    if (!m_cache->begin()) {
        fail(L("cannot write the cache: ") + m_cache->database().lastError());
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
        fail(L("cannot write the cache: ") + error);
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
    QJsonObject events = parseState(m_cache->state(L("events")));
    events.insert(L("last_sync"), now());
    m_cache->setState(L("events"), compact(events));
    m_running = false;
    qCInfo(lcSync) << "sync complete:" << m_summary.objectsWritten << "objects,"
                   << m_summary.eventsApplied << "events applied";
    Q_EMIT finished(true, {});
}

QJsonObject SyncEngine::backfillState()
{
    return parseState(m_cache->state(L("backfill")));
}

void SyncEngine::writeBackfillState(const QJsonObject &state)
{
    m_cache->setState(L("backfill"), compact(state));
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
    Q_EMIT phaseChanged(L("account"));
    network::StripeRequest request;
    request.path = L("/v1/account");
    m_client->send(request, this, [this](const network::StripeResponse &r) {
        if (!m_running)
            return;
        if (!r.ok()) {
            fail(r.error.userMessage());
            return;
        }
        const QString id = r.json.value(L("id")).toString();
        const QString stored = QString::fromUtf8(m_cache->state(L("account")));
        if (id.isEmpty()) {
            fail(L("the account object has no id"));
            return;
        }
        if (!stored.isEmpty() && stored != id) {
            fail(L("this cache belongs to account %1, but the key is for %2").arg(stored, id));
            return;
        }
        m_summary.accountId = id;
        beginWrite();
        m_cache->setState(L("account"), id.toUtf8());
        m_cache->upsert(r.json, now());
        if (!commitWrite())
            return;
        m_accountCreated = r.json.value(L("created")).toInteger();
        decideBackfill();
    });
}

void SyncEngine::decideBackfill()
{
    const QJsonObject b = backfillState();
    const QJsonObject events = parseState(m_cache->state(L("events")));
    const qint64 lastSync = events.value(L("last_sync")).toInteger();
    const bool complete = b.value(L("complete")).toBool();
    const bool expired
        = complete && lastSync > 0 && now() - lastSync > m_options.eventRetentionSeconds;
    if (expired)
        qCInfo(lcSync) << "last sync is older than the event retention: backfilling again";
    // Without events (a restricted key that may not read them) only listing again is current.
    const bool noEvents = complete && !m_cache->state(L("denied:events")).isEmpty();
    if (b.isEmpty() || m_options.forceBackfill || expired || noEvents) {
        startNewBackfill();
        return;
    }
    if (!complete) {
        m_generation = b.value(L("gen")).toInteger();
        m_asOf = b.value(L("as_of")).toInteger();
        m_createdFrom = b.value(L("created_from")).toInteger();
        m_createdTo = b.value(L("created_to")).toInteger();
        m_tablesLeft = backfillTables();
        m_listingTables = true;
        m_summary.backfilled = true;
        qCInfo(lcSync) << "resuming the backfill of generation" << m_generation;
        Q_EMIT phaseChanged(L("backfill"));
        nextTable();
        return;
    }
    syncEvents();
}

void SyncEngine::startNewBackfill()
{
    Q_EMIT phaseChanged(L("backfill"));
    // The newest event now: everything after it is applied once the backfill is done, so that
    // changes made while it runs are not lost.
    network::StripeRequest request;
    request.path = L("/v1/events");
    request.params.set(L("limit"), 1);
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
        const QJsonObject newest = r.json.value(L("data")).toArray().first().toObject();
        const QJsonObject old = backfillState();
        m_generation = old.value(L("gen")).toInteger() + 1;
        m_asOf = eventsDenied ? (r.serverTime > 0 ? r.serverTime : now())
                              : newest.value(L("created")).toInteger();
        // Stripe objects are not older than their account, nor newer than the server's clock
        // (known from the newest event, as the sandbox's clock may differ from ours).
        m_createdFrom = m_accountCreated > 0 ? m_accountCreated - 86400 : 1262304000;
        m_createdTo = std::max(now(), m_asOf) + 86400;
        QJsonObject state {{L("gen"), m_generation},
                           {L("as_of"), m_asOf},
                           {L("cursor"), newest.value(L("id")).toString()},
                           {L("created_from"), m_createdFrom},
                           {L("created_to"), m_createdTo},
                           {L("started"), now()},
                           {L("complete"), false}};
        beginWrite();
        writeBackfillState(state);
        if (eventsDenied) {
            qCWarning(lcSync).noquote()
                << "the key may not read events" << network::missingPermission(r.error.message)
                << "- every sync lists everything again";
            m_cache->setState(L("denied:events"),
                              network::missingPermission(r.error.message).toUtf8());
        } else {
            m_cache->removeState(L("denied:events"));
        }
        for (const QString &t : backfillTables())
            m_cache->removeState(L("backfill:") + t);
        m_cache->removeState(L("denied:payment_methods")); // Asked again with the new key.
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
        const QJsonObject state = parseState(m_cache->state(L("backfill:") + table));
        if (state.value(L("done")).toBool())
            continue;
        m_timerOf[table].start();
        m_doneOf[table] = 0;
        listTable(table, 0);
        if (!m_running)
            return;
    }
    if (m_listingTables && m_listers.isEmpty() && m_tablesLeft.isEmpty()) {
        m_listingTables = false;
        finishBackfill();
    }
}

void SyncEngine::markListed(const QString &table)
{
    // What the listing deferred is built once, from the whole table.
    m_cache->rebuildFullText(table);
    m_cache->rebuildIndexes(table);
    m_cache->setState(L("backfill:") + table, compact({{L("done"), true}}));
}

bool SyncEngine::listTable(const QString &table, int attempt)
{
    const CacheTable *spec = cacheTableByName(table);
    const QJsonObject state = parseState(m_cache->state(L("backfill:") + table));
    network::ParallelLister::Options options;
    options.concurrency = m_options.concurrency;
    options.pageSize = m_options.pageSize;
    options.createdFrom = m_createdFrom;
    options.createdTo = m_createdTo;
    options.wholeAccount = true;
    if (state.contains(L("ranges"))) {
        options.ranges = rangesFromJson(state.value(L("ranges")).toArray());
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
        params.set(L("status"), L("all"));
    // Each customer's default payment method comes with the customer list (the cache keeps it
    // as a payment method, see Cache::upsert): one request per hundred customers instead of one
    // per customer. Their other saved methods are listed on demand (fetchPaymentMethods()).
    const bool expandMethods = table == QLatin1String("customers")
        && m_cache->state(L("denied:payment_methods")).isEmpty();
    if (expandMethods)
        params.add(L("expand[]"), L("data.invoice_settings.default_payment_method"));
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
                m_cache->setState(L("backfill:") + table,
                                  compact({{L("ranges"), rangesToJson(lister->checkpoint())}}));
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
                    m_summary.deniedTables.insert(L("payment_methods"), permission);
                    beginWrite();
                    m_cache->setState(L("denied:payment_methods"), permission.toUtf8());
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
                    m_cache->setState(L("denied:") + table, permission.toUtf8());
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
                    fail(L("listing %1 failed: %2").arg(table, error));
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
            if (m_summary.deniedTables.contains(L(table)))
                continue;
            const qint64 n = m_cache->sweepUnseen(L(table), m_generation, m_asOf);
            if (n > 0)
                qCInfo(lcSync) << n << table << "no longer exist: marked deleted";
        }
    }
    b.insert(L("complete"), true);
    writeBackfillState(b);
    // Statistics for the query planner, so that each filter of the views picks its index.
    m_cache->analyze();
    QJsonObject events = parseState(m_cache->state(L("events")));
    events.insert(L("cursor"), b.value(L("cursor")).toString());
    events.insert(L("cursor_created"), b.value(L("as_of")).toInteger());
    m_cache->setState(L("events"), compact(events));
    if (!commitWrite())
        return;
    syncEvents();
}

void SyncEngine::syncEvents()
{
    if (!m_cache->state(L("denied:events")).isEmpty()) {
        succeed(); // The listing just made is what there is.
        return;
    }
    Q_EMIT phaseChanged(L("events"));
    m_tableTimer.start();
    m_tableDone = 0;
    const QJsonObject events = parseState(m_cache->state(L("events")));
    const QString cursor = events.value(L("cursor")).toString();
    if (m_generation == 0)
        m_generation = backfillState().value(L("gen")).toInteger();
    network::StripeParams params;
    params.set(L("limit"), m_options.pageSize);
    if (cursor.isEmpty()) {
        // No event existed at the backfill: every event there is now is newer. Pages come newest
        // first, so they are gathered and applied oldest first.
        auto *all = new QList<QJsonObject>;
        network::Pager::start(
            m_client, L("/v1/events"), params, this,
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
                    fail(L("listing events failed: ") + error.userMessage());
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
    params.set(L("ending_before"), cursor);
    network::Pager::start(
        m_client, L("/v1/events"), params, this,
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
                fail(L("listing events failed: ") + error.userMessage());
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
    Q_EMIT phaseChanged(L("balance_transactions"));
    const qint64 newest
        = m_cache->database().scalar(L("SELECT max(created) FROM balance_transactions"), 0);
    network::StripeParams params;
    params.set(L("limit"), m_options.pageSize);
    params.set(L("created"), QVariantMap {{L("gte"), std::max<qint64>(0, newest - 600)}});
    // Current as of the newest event applied.
    const qint64 asOf
        = parseState(m_cache->state(L("events"))).value(L("cursor_created")).toInteger();
    network::Pager::start(
        m_client, L("/v1/balance_transactions"), params, this,
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
                fail(L("listing balance transactions failed: ") + error.userMessage());
                return;
            }
            processRefetches();
        });
}

void SyncEngine::applyEventPage(const QJsonArray &chronological)
{
    if (chronological.isEmpty())
        return;
    beginWrite();
    QJsonObject events = parseState(m_cache->state(L("events")));
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
        if (!event.value(L("id")).toString().isEmpty()) {
            events.insert(L("cursor"), event.value(L("id")).toString());
            events.insert(L("cursor_created"), event.value(L("created")).toInteger());
        }
    }
    m_cache->setState(L("events"), compact(events));
    if (!commitWrite())
        return;
    m_tableDone += chronological.size();
    reportProgress(L("events"), m_tableDone, -1, false);
}

SyncEngine::EventResult SyncEngine::applyEvent(const QJsonObject &event)
{
    const QString eventId = event.value(L("id")).toString();
    const QJsonObject object = event.value(L("data")).toObject().value(L("object")).toObject();
    const QString objectType = object.value(L("object")).toString();
    const QString objectId = object.value(L("id")).toString();
    if (eventId.isEmpty() || !event.value(L("created")).isDouble() || objectId.isEmpty()) {
        qCWarning(lcSync) << "skipping a malformed event" << eventId;
        return EventResult::Invalid;
    }
    if (!m_cache->recordEvent(event))
        return EventResult::Skipped; // Applied before.
    const CacheTable *table = cacheTableForObject(objectType);
    if (!table || table->parentTable[0] != '\0' || objectType == QLatin1String("event")) {
        qCDebug(lcSync) << "event" << event.value(L("type")).toString()
                        << "is about an object Paydesk does not cache";
        return EventResult::Skipped;
    }
    const QString tableName = QString::fromLatin1(table->name);
    const qint64 created = event.value(L("created")).toInteger();
    if (event.value(L("api_version")).toString().toLatin1()
        != network::StripeClient::apiVersion()) {
        // Shaped for another API version: the object itself is fetched again, in ours.
        m_cache->enqueueRefetch(tableName, objectId, created);
        return EventResult::Refetch;
    }
    const QString type = event.value(L("type")).toString();
    const bool deleted = object.value(L("deleted")).toBool()
        || (table->deletable && type == objectType + L(".deleted"));
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
        m_generation = backfillState().value(L("gen")).toInteger();
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
        Q_EMIT phaseChanged(L("refetch"));
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
                        fail(L("fetching %1 %2 again failed: %3")
                                 .arg(item.object, item.id, r.error.userMessage()));
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
        const QJsonObject list = response.json.value(L(key)).toObject();
        if (list.value(L("object")).toString() != QLatin1String("list")
            || !list.value(L("has_more")).toBool())
            continue;
        const QJsonArray data = list.value(L("data")).toArray();
        // The list's own URL ("/v1/invoices/in_…/lines", "/v1/subscription_items?subscription=
        // sub_…"), paged on from its last entry.
        const QUrl url(list.value(L("url")).toString());
        network::StripeRequest request;
        request.path = url.path();
        for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
            request.params.set(name, value);
        request.params.set(L("limit"), 100);
        if (!data.isEmpty())
            request.params.set(L("starting_after"),
                               data.last().toObject().value(L("id")).toString());
        const QString name = L(key);
        m_client->send(
            request, this,
            [this, response, name, list, data, done](const network::StripeResponse &page) mutable {
                if (!page.ok())
                    return done(page);
                QJsonArray all = data;
                const QJsonArray more = page.json.value(L("data")).toArray();
                for (const QJsonValue &v : more)
                    all.append(v);
                QJsonObject whole = list;
                whole.insert(L("data"), all);
                whole.insert(L("has_more"),
                             page.json.value(L("has_more")).toBool() && !more.isEmpty());
                response.json.insert(name, whole);
                // Another page of this list, or the next list of the object.
                completeLists(response, done);
            });
        return;
    }
    done(response);
}

} // namespace paydesk::models
