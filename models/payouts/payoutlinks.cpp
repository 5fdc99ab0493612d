#include "models/payouts/payoutlinks.h"

#include "models/modelslogging.h"
#include "models/payouts/reconciliation.h"
#include "models/store/cache.h"
#include "network/pagination.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <memory>

namespace paydesk::models {

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    network::StripeClient *client;
    Cache *cache;
    QStringList left;
    int total = 0;
    int done = 0;
    QPointer<QObject> context;
    std::function<void(int, int)> progress;
    std::function<void(bool, const QString &)> finished;
};

bool store(Cache *cache, const QString &payout, const QList<QJsonObject> &txns)
{
    if (!cache->begin())
        return false;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const QJsonObject &t : txns) {
        if (cache->upsert(t, now) == Cache::Write::Invalid)
            qCWarning(lcCache) << "a balance transaction of" << payout << "is not valid";
    }
    sql::Database &db = cache->database();
    sql::Statement clear = db.prepare(u"DELETE FROM payout_items WHERE payout = ?1"_s);
    clear.bind(1, payout);
    bool ok = clear.exec();
    sql::Statement link
        = db.prepare(u"INSERT OR IGNORE INTO payout_items (payout, txn) VALUES (?1, ?2)"_s);
    for (const QJsonObject &t : txns) {
        link.reset();
        link.bind(1, payout);
        link.bind(2, t.value(u"id"_s).toString());
        ok = ok && link.exec();
    }
    sql::Statement mark = db.prepare(u"INSERT OR REPLACE INTO payout_links (payout, linked_at, "
                                     "txns) VALUES (?1, ?2, ?3)"_s);
    mark.bind(1, payout);
    mark.bind(2, now);
    mark.bind(3, qint64(txns.size()));
    ok = ok && mark.exec();
    if (!ok) {
        cache->rollback();
        return false;
    }
    return cache->commit();
}

void next(const std::shared_ptr<Run> &run)
{
    if (!run->context)
        return;
    if (run->left.isEmpty()) {
        run->finished(true, {});
        return;
    }
    const QString payout = run->left.takeFirst();
    auto txns = std::make_shared<QList<QJsonObject>>();
    network::StripeParams params;
    params.set(u"payout"_s, payout);
    params.set(u"limit"_s, 100);
    network::Pager::start(
        run->client, u"/v1/balance_transactions"_s, params, run->context.data(),
        [txns](const QJsonArray &page) {
            for (const QJsonValue &v : page)
                txns->append(v.toObject());
            return true;
        },
        [run, payout, txns](const network::StripeError &error, qint64) {
            if (!run->context)
                return;
            if (error.isError()) {
                run->finished(false,
                              u"reading the transactions of payout %1 failed: %2"_s.arg(
                                  payout, error.userMessage()));
                return;
            }
            if (!store(run->cache, payout, *txns)) {
                run->finished(false,
                              u"cannot store the transactions of payout %1: %2"_s.arg(
                                  payout, run->cache->database().lastError()));
                return;
            }
            ++run->done;
            if (run->progress)
                run->progress(run->done, run->total);
            next(run);
        });
}

} // namespace

void linkPayouts(network::StripeClient *client, Cache *cache, const QStringList &payouts,
                 QObject *context, std::function<void(int done, int total)> progress,
                 std::function<void(bool ok, const QString &error)> done)
{
    auto run = std::make_shared<Run>();
    run->client = client;
    run->cache = cache;
    run->left = payouts::unlinked(cache->database(), payouts);
    run->total = int(run->left.size());
    run->context = context;
    run->progress = std::move(progress);
    run->finished = std::move(done);
    next(run);
}

} // namespace paydesk::models
