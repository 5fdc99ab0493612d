// Benchmarks of the cache and the sync engine (issue 5):
//   build/tests/bench/bench_sync [--ingest-scale CHARGES] [--runs N]
//                                [--backfill-scale CHARGES[,CHARGES…]] [--skip-ingest]
//                                [--pages-per-commit N] [--breakdown]
//                                [--ingest-set charges|"all types"]
// 1. Ingest: pages of 100 objects as the API sends them (JSON text), parsed and upserted into a
//    fresh cache in one transaction per page, as the sync does — for charges alone and for the
//    mix of every type of the demo merchant; with the split between parsing and storing.
// 2. Full backfill with real processes: `paydesk sandbox --scale N` and `paydesk sync` at zero
//    latency (client rate limit lifted): wall time, peak RSS of the sync process, cache size.
// Prints one line per figure, medians of the runs.
#include "models/store/cache.h"
#include "models/store/cacheschema.h"
#include "models/sync/syncengine.h"
#include "network/jsonsplit.h"
#include "sandbox/stripesandbox.h"
#include "tests/bench/benchutil.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace paydesk;
using bench::median;

namespace {

qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

// Pages of up to 100 objects, as list bodies.
QList<QByteArray> pagesOf(const QList<const sandbox::Collection *> &collections)
{
    QList<QByteArray> pages;
    for (const sandbox::Collection *c : collections) {
        QByteArray page;
        int n = 0;
        c->forEach([&](const sandbox::Collection::Entry &e) {
            page += (n == 0 ? QByteArray("{\"object\":\"list\",\"has_more\":true,\"data\":[")
                            : QByteArray(","))
                + e.json();
            if (++n == 100) {
                pages.append(page + "]}");
                page.clear();
                n = 0;
            }
        });
        if (n > 0)
            pages.append(page + "]}");
    }
    return pages;
}

struct IngestResult
{
    double total = 0, parse = 0, store = 0, rebuild = 0; // Seconds.
    qint64 objects = 0;
    // --breakdown: storing time and objects per type (the first object of each page names it).
    QMap<QString, std::pair<double, qint64>> byType;
};

// The sync engine commits every 10,000 objects (or second): 100 pages of 100.
int g_pagesPerCommit = 100;
const char *const kTables[] = {
    "customers",       "products", "prices",  "coupons",  "subscriptions",        "invoices",
    "payment_intents", "charges",  "refunds", "disputes", "balance_transactions", "payment_methods",
    "events"};
bool g_withoutIndexes = false;
bool g_breakdown = false;
QString g_ingestSet; // --ingest-set "charges" or "all types": that set alone.

IngestResult ingest(const QList<QByteArray> &pages, const QString &file)
{
    QFile::remove(file);
    QFile::remove(file + QStringLiteral("-wal"));
    QFile::remove(file + QStringLiteral("-shm"));
    models::Cache cache;
    cache.open(file);
    // As the backfill does: full-text indexes rebuilt once at the end of a table.
    cache.begin();
    for (const char *table : kTables) {
        cache.deferFullText(QString::fromLatin1(table));
        cache.deferIndexes(QString::fromLatin1(table));
        cache.deferRollups(QString::fromLatin1(table));
    }
    cache.commit();
    if (g_withoutIndexes) { // --breakdown: what the secondary indexes cost.
        models::sql::Statement s = cache.database().prepare(QStringLiteral(
            "SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'idx_%' AND "
            "tbl_name IN (SELECT value FROM json_each(?1))"));
        QJsonArray tables;
        for (const char *table : kTables)
            tables.append(QString::fromLatin1(table));
        s.bindText(1, QJsonDocument(tables).toJson(QJsonDocument::Compact));
        QStringList names;
        while (s.step())
            names.append(s.text(0));
        for (const QString &n : names)
            cache.database().exec(QStringLiteral("DROP INDEX ") + n);
    }
    for (const QString &name : qEnvironmentVariable("BENCH_DROP").split(u',', Qt::SkipEmptyParts))
        cache.database().exec(name.startsWith(QLatin1String("idx"))
                                  ? QStringLiteral("DROP INDEX ") + name
                                  : QStringLiteral("DROP TRIGGER ") + name);
    IngestResult r;
    QElapsedTimer total, part;
    total.start();
    int inTransaction = 0;
    for (const QByteArray &page : pages) {
        part.start();
        const QJsonArray data
            = QJsonDocument::fromJson(page).object().value(QStringLiteral("data")).toArray();
        const QList<QByteArray> raw = network::splitListData(page);
        r.parse += double(part.nsecsElapsed()) / 1e9;
        part.start();
        if (inTransaction++ == 0)
            cache.begin();
        for (qsizetype i = 0; i < data.size(); ++i)
            cache.upsert(data.at(i).toObject(), 1, 1, raw.value(i));
        cache.setState(QStringLiteral("bench"), QByteArray::number(r.objects)); // The checkpoint.
        if (inTransaction == g_pagesPerCommit) {
            cache.commit();
            inTransaction = 0;
        }
        const double stored = double(part.nsecsElapsed()) / 1e9;
        r.store += stored;
        if (!data.isEmpty()) {
            auto &[seconds, n] = r.byType[data.at(0)[QStringLiteral("object")].toString()];
            seconds += stored;
            n += data.size();
        }
        r.objects += data.size();
    }
    if (inTransaction > 0)
        cache.commit();
    part.start();
    cache.begin();
    for (const char *table : kTables) {
        QElapsedTimer step;
        step.start();
        cache.rebuildFullText(QString::fromLatin1(table));
        const qint64 fullText = step.nsecsElapsed();
        cache.rebuildIndexes(QString::fromLatin1(table));
        const qint64 indexes = step.nsecsElapsed() - fullText;
        cache.rebuildRollups(QString::fromLatin1(table));
        const qint64 rollups = step.nsecsElapsed() - fullText - indexes;
        if (g_breakdown && step.nsecsElapsed() > 100'000'000)
            std::printf("  rebuilding %s: full text %.2f s, indexes %.2f s, rollups %.2f s\n",
                        table, double(fullText) / 1e9, double(indexes) / 1e9,
                        double(rollups) / 1e9);
    }
    cache.commit();
    r.rebuild = double(part.nsecsElapsed()) / 1e9;
    r.store += r.rebuild;
    r.total = double(total.nsecsElapsed()) / 1e9;
    return r;
}

void benchIngest(qint64 scale, int runs, const QString &dir)
{
    sandbox::SandboxOptions options;
    options.scale = scale;
    options.now = 1763800000;
    sandbox::StripeSandbox sandbox(options);
    sandbox.load();
    sandbox::Store &s = sandbox.store();
    const QList<std::pair<const char *, QList<const sandbox::Collection *>>> sets {
        {"charges", {&s.charges}},
        {"all types",
         {&s.customers, &s.products, &s.prices, &s.coupons, &s.subscriptions, &s.invoices,
          // In the sync's order (SyncEngine::backfillTables()): balance transactions before
          // the charges, which are then written with what they settled as.
          &s.paymentIntents, &s.balanceTransactions, &s.charges, &s.refunds, &s.disputes,
          &s.paymentMethods, &s.events}}};
    for (const auto &[name, collections] : sets) {
        if (!g_ingestSet.isEmpty() && g_ingestSet != QLatin1String(name))
            continue;
        const QList<QByteArray> pages = pagesOf(collections);
        qint64 bytes = 0;
        for (const QByteArray &p : pages)
            bytes += p.size();
        if (g_breakdown) {
            QElapsedTimer t;
            qint64 n = 0, sum = 0;
            QList<QJsonObject> objs;
            for (const QByteArray &p : pages)
                for (const QJsonValue &v :
                     QJsonDocument::fromJson(p).object().value(QStringLiteral("data")).toArray())
                    objs.append(v.toObject());
            t.start();
            for (const QJsonObject &o : objs) {
                sum += QJsonDocument(o).toJson(QJsonDocument::Compact).size();
                ++n;
            }
            std::printf("  %s: serialising each object again (instead of keeping the bytes of the "
                        "page) would cost %.1f us per object (%lld bytes)\n",
                        name, double(t.nsecsElapsed()) / 1e3 / double(n), (long long)sum);
        }
        std::vector<double> rates, parseShare, perObjectUs, parseUs, storeUs, rebuildUs;
        qint64 objects = 0;
        for (int run = 0; run < runs; ++run) {
            const IngestResult r = ingest(pages, dir + QStringLiteral("/ingest.sqlite"));
            objects = r.objects;
            rates.push_back(double(r.objects) / r.total);
            parseUs.push_back(r.parse * 1e6 / double(r.objects));
            storeUs.push_back(r.store * 1e6 / double(r.objects));
            rebuildUs.push_back(r.rebuild * 1e6 / double(r.objects));
        }
        std::printf("ingest %-9s: median %.0f objects/s over %d runs of %lld objects (%.0f B of "
                    "JSON each); per object %.1f us parsing, %.1f us storing (of which %.1f us "
                    "rebuilding the full-text and sort indexes)\n",
                    name, median(rates), runs, static_cast<long long>(objects),
                    double(bytes) / double(std::max<qint64>(1, objects)), median(parseUs),
                    median(storeUs), median(rebuildUs));
        if (g_breakdown) {
            const IngestResult typed = ingest(pages, dir + QStringLiteral("/ingest.sqlite"));
            for (auto it = typed.byType.cbegin(); it != typed.byType.cend(); ++it)
                std::printf("  %s: %-22s %8lld objects, %.1f us storing each\n", name,
                            qPrintable(it.key()), static_cast<long long>(it->second),
                            it->first * 1e6 / double(std::max<qint64>(1, it->second)));
            g_withoutIndexes = true;
            const IngestResult r = ingest(pages, dir + QStringLiteral("/ingest.sqlite"));
            g_withoutIndexes = false;
            std::printf("  %s without any secondary index: %.0f objects/s, %.1f us storing\n", name,
                        double(r.objects) / r.total, r.store * 1e6 / double(r.objects));
        }
        std::fflush(stdout);
    }
}

int g_latencyMs = 0; // --latency: the sandbox answers each request this late.
int g_rate = 10000; // --rate: the sync's request rate, as Stripe's limit (25/s in test mode).

// The sandbox's own count of the requests it served and of its objects per type.
QJsonObject sandboxStats(const QUrl &base)
{
    return tests::HttpClient(base, QByteArrayLiteral("sk_test_benchSync"))
        .get(QStringLiteral("/_sandbox/stats"))
        .json;
}

// Fewest requests a backfill can make: a page of 100 per hundred objects of each type it
// lists, plus one probe per type (an empty or one-page type is done by its probe).
qint64 requestFloor(const QJsonObject &objects)
{
    qint64 floor = 0;
    for (const QString &table : models::SyncEngine::backfillTables()) {
        const models::CacheTable *t = models::cacheTableByName(table);
        const qint64 n = objects.value(QString::fromLatin1(t->object)).toInteger();
        floor += (n + 99) / 100 + 1;
    }
    return floor;
}

void benchBackfill(qint64 scale, const QString &dir)
{
    tests::PeerProcess server = tests::PeerProcess::sandbox(
        {QStringLiteral("--scale"), QString::number(scale), QStringLiteral("--now"),
         QStringLiteral("1763800000"), QStringLiteral("--latency-ms"),
         QString::number(g_latencyMs)});
    QElapsedTimer timer;
    timer.start();
    if (!server.start(30 * 60 * 1000)) {
        std::printf("backfill %lld: sandbox failed: %s\n", static_cast<long long>(scale),
                    qPrintable(server.errorString()));
        return;
    }
    std::printf("backfill %lld: sandbox ready in %.1f s\n", static_cast<long long>(scale),
                double(timer.elapsed()) / 1000.0);
    const QString file = dir + QStringLiteral("/backfill-%1.sqlite").arg(scale);
    QProcess sync;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("STRIPE_API_KEY"), QStringLiteral("sk_test_benchSync"));
    sync.setProcessEnvironment(env);
    sync.setProcessChannelMode(QProcess::SeparateChannels);
    const qint64 before = sandboxStats(server.baseUrl())
                              .value(QStringLiteral("counters"))
                              .toObject()
                              .value(QStringLiteral("requests"))
                              .toInteger();
    timer.restart();
    sync.start(tests::PeerProcess::paydeskBinary(),
               {QStringLiteral("sync"), QStringLiteral("--api-base"), server.baseUrl().toString(),
                QStringLiteral("--cache"), file, QStringLiteral("--rate-limit"),
                QString::number(g_rate)});
    sync.waitForStarted();
    qint64 peak = 0;
    while (!sync.waitForFinished(200))
        peak = std::max(peak, bench::procStatusKiB("VmHWM:", sync.processId()));
    const double seconds = double(timer.elapsed()) / 1000.0;
    const QByteArray summary = sync.readAllStandardOutput().trimmed();
    std::printf("backfill %lld: exit %d in %.1f s, peak RSS %.0f MiB, cache %.0f MiB\n  %s\n",
                static_cast<long long>(scale), sync.exitCode(), seconds, double(peak) / 1024.0,
                double(fileSize(file)) / 1048576.0, summary.constData());
    if (sync.exitCode() != 0)
        std::printf("%s\n", sync.readAllStandardError().right(2000).constData());
    const QJsonObject stats = sandboxStats(server.baseUrl());
    const qint64 requests = stats.value(QStringLiteral("counters"))
                                .toObject()
                                .value(QStringLiteral("requests"))
                                .toInteger()
        - before - 1; // Less the stats request itself.
    const qint64 floor = requestFloor(stats.value(QStringLiteral("objects")).toObject());
    const double floorSeconds = double(floor) / double(g_rate);
    std::printf("backfill %lld: %lld requests against a floor of %lld (%.3f x); at %d req/s and "
                "%d ms latency %.1f s against a floor of %.1f s (%.2f x)\n",
                static_cast<long long>(scale), static_cast<long long>(requests),
                static_cast<long long>(floor), double(requests) / double(floor), g_rate,
                g_latencyMs, seconds, floorSeconds, seconds / floorSeconds);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 ingestScale = 50'000;
    int runs = 3;
    QStringList backfill {QStringLiteral("50000")};
    bool skipIngest = false;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--ingest-scale") && i + 1 < args.size())
            ingestScale = args[++i].toLongLong();
        else if (args[i] == QLatin1String("--runs") && i + 1 < args.size())
            runs = args[++i].toInt();
        else if (args[i] == QLatin1String("--backfill-scale") && i + 1 < args.size())
            backfill = args[++i].split(u',', Qt::SkipEmptyParts);
        else if (args[i] == QLatin1String("--pages-per-commit") && i + 1 < args.size())
            g_pagesPerCommit = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--ingest-set") && i + 1 < args.size())
            g_ingestSet = args[++i];
        else if (args[i] == QLatin1String("--breakdown"))
            g_breakdown = true;
        else if (args[i] == QLatin1String("--skip-ingest"))
            skipIngest = true;
        else if (args[i] == QLatin1String("--latency") && i + 1 < args.size())
            g_latencyMs = std::max(0, args[++i].toInt());
        else if (args[i] == QLatin1String("--rate") && i + 1 < args.size())
            g_rate = std::max(1, args[++i].toInt());
    }
    QTemporaryDir dir;
    if (!skipIngest)
        benchIngest(ingestScale, runs, dir.path());
    for (const QString &scale : std::as_const(backfill))
        benchBackfill(scale.toLongLong(), dir.path());
    return 0;
}
