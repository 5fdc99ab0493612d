#include "models/store/cache.h"
#include "models/store/cacheschema.h"
#include "models/store/sqlitedb.h"
#include "models/sync/paymentmethods.h"
#include "models/sync/syncengine.h"
#include "network/stripeclient.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <csignal>

using namespace paydesk::models;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

namespace {
const qint64 kNow = 1763800000;
QByteArray key()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("syncsandbox");
}

using Dump = QMap<QString, QStringList>;

// Every row of every object table, all columns but the bookkeeping ones (as_of, gen), in id
// order: two caches with equal dumps hold exactly the same data.
Dump dump(const QString &file)
{
    Dump out;
    sql::Database db;
    if (!db.open(file, false))
        return out;
    for (const CacheTable &t : cacheTables()) {
        const QString table = QString::fromLatin1(t.name);
        QStringList columns;
        sql::Statement info = db.prepare(QStringLiteral("PRAGMA table_info(%1)").arg(table));
        while (info.step()) {
            const QString name = info.text(1);
            if (name != QLatin1String("as_of") && name != QLatin1String("gen"))
                columns.append(name);
        }
        sql::Statement rows = db.prepare(
            QStringLiteral("SELECT %1 FROM %2 ORDER BY id").arg(columns.join(u','), table));
        QStringList &lines = out[table];
        while (rows.step()) {
            QStringList values;
            for (int i = 0; i < rows.columnCount(); ++i)
                values.append(rows.isNull(i) ? QStringLiteral("<null>") : rows.text(i));
            lines.append(values.join(QChar(0x1f)));
        }
    }
    return out;
}

QString firstDifference(const Dump &a, const Dump &b)
{
    for (auto it = a.cbegin(); it != a.cend(); ++it) {
        const QStringList &x = it.value(), &y = b.value(it.key());
        if (x == y)
            continue;
        for (qsizetype i = 0; i < std::max(x.size(), y.size()); ++i) {
            if (x.value(i) != y.value(i))
                return QStringLiteral("%1 (%2 vs %3 rows), row %4:\n  %5\n  %6")
                    .arg(it.key())
                    .arg(x.size())
                    .arg(y.size())
                    .arg(i)
                    .arg(x.value(i).left(300), y.value(i).left(300));
        }
    }
    return a.size() == b.size() ? QString() : QStringLiteral("different tables");
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

// The sync engine and `paydesk sync` (real processes) against `paydesk sandbox` over HTTP.
class TestSyncSandbox final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<PeerProcess> m_sandbox;
    std::unique_ptr<HttpClient> m_http;
    Dump m_reference; // The cache of an uninterrupted backfill, before any change.
    QString m_backfilled; // A copy of that cache file.

    QString file(const QString &name) const { return m_dir.filePath(name); }

    // Runs a sync to its end; false when it failed or did not end within a minute.
    static bool syncToEnd(SyncEngine &engine)
    {
        bool done = false, ok = false;
        const QMetaObject::Connection c
            = QObject::connect(&engine, &SyncEngine::finished, [&](bool success, const QString &) {
                  done = true;
                  ok = success;
              });
        engine.start();
        const bool ended = QTest::qWaitFor([&] { return done; }, 60000);
        QObject::disconnect(c);
        return ended && ok;
    }

    std::unique_ptr<paydesk::network::StripeClient> apiClient(double rate)
    {
        paydesk::network::StripeClientConfig config;
        config.apiKey = key();
        config.apiBase = m_sandbox->baseUrl();
        config.rateLimit = rate;
        return std::make_unique<paydesk::network::StripeClient>(config);
    }

    QProcess *startSync(const QStringList &args)
    {
        auto *p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key()));
        p->setProcessEnvironment(env);
        p->start(PeerProcess::paydeskBinary(),
                 QStringList {QStringLiteral("sync"), QStringLiteral("--api-base"),
                              m_sandbox->baseUrl().toString()}
                     + args);
        return p;
    }
    Run sync(const QStringList &args)
    {
        std::unique_ptr<QProcess> p(startSync(args));
        Run r;
        if (!p->waitForFinished(240000)) {
            p->kill();
            p->waitForFinished();
        }
        r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        r.out = p->readAllStandardOutput();
        r.err = p->readAllStandardError();
        return r;
    }
    QList<QJsonObject> listAll(const QString &path, const QString &extra = {})
    {
        QList<QJsonObject> all;
        QString after;
        for (;;) {
            QString url = path + QStringLiteral("?limit=100") + extra;
            if (!after.isEmpty())
                url += QStringLiteral("&starting_after=") + after;
            const auto r = m_http->get(url);
            if (r.status != 200)
                return {};
            const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
            for (const QJsonValue &v : data)
                all.append(v.toObject());
            if (!r.json.value(QStringLiteral("has_more")).toBool() || data.isEmpty())
                return all;
            after = data.last().toObject().value(QStringLiteral("id")).toString();
        }
    }
    void setFaults(const QList<QPair<QString, QString>> &faults)
    {
        QCOMPARE(m_http->post(QStringLiteral("/_sandbox/faults"), faults).status, 200);
    }
    // The cache holds exactly the sandbox's objects: every id, and each raw JSON equal to what
    // the API returns now; typed columns equal to their JSON paths.
    void compareWithSandbox(const QString &cacheFile);
    void checkStructure(sql::Database &db);

private Q_SLOTS:
    void progressOfTablesListedTogether();
    void initTestCase();
    void backfillEqualsTheSandbox();
    void backfillThroughFaultsEqualsIt();
    void killNineThenResumeEqualsIt();
    void cancelledInProcessThenResumedEqualsIt();
    void incrementalSyncAppliesChangesAndDeletions();
    void eventsTwiceAndOutOfOrderGiveTheSameState();
    void staleOrForeignEventsAreFetchedAgain();
    void malformedEventsAreSkipped();
    void cacheOlderThanRetentionIsBackfilledAgain();
    void commandLineErrors();
    void otherPaymentMethodsOnDemand();
};

void TestSyncSandbox::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox.reset(new PeerProcess(PeerProcess::sandbox(
        {QStringLiteral("--scale"), QStringLiteral("3000"), QStringLiteral("--seed"),
         QStringLiteral("5"), QStringLiteral("--now"), QString::number(kNow)})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
    m_http = std::make_unique<HttpClient>(m_sandbox->baseUrl(), key());
}

// The window's one line over the tables listed at once.
void TestSyncSandbox::progressOfTablesListedTogether()
{
    auto report
        = [](const char *table, qint64 done, qint64 total, qint64 eta, bool finished = false) {
              SyncProgress p;
              p.table = QString::fromLatin1(table);
              p.done = done;
              p.total = total;
              p.etaSeconds = eta;
              p.perSecond = 10;
              p.finished = finished;
              return p;
          };
    ListingProgress listing;
    listing.update(report("refunds", 100, 700, 30));
    listing.update(report("charges", 1200, 5000, 40));
    listing.update(report("refunds", 300, 700, 12)); // The latest report of a table counts.
    SyncProgress all = listing.combined();
    QCOMPARE(all.table, QStringLiteral("charges, refunds"));
    QCOMPARE(all.done, 1500);
    QCOMPARE(all.total, 5700);
    QCOMPARE(all.etaSeconds, 40);
    QCOMPARE(all.perSecond, 20.0);
    // One total not known yet: no bar and no time left, the count still summed.
    listing.update(report("disputes", 99, -1, -1));
    all = listing.combined();
    QCOMPARE(all.table, QStringLiteral("charges, disputes, refunds"));
    QCOMPARE(all.done, 1599);
    QCOMPARE(all.total, -1);
    QCOMPARE(all.etaSeconds, -1);
    // A finished table leaves the line.
    listing.update(report("disputes", 120, 120, 0, true));
    QCOMPARE(listing.tables().size(), 2);
    QCOMPARE(listing.combined().total, 5700);
    listing.clear();
    QVERIFY(listing.isEmpty());
    all = listing.combined();
    QCOMPARE(all.table, QString());
    QCOMPARE(all.total, -1);
}

void TestSyncSandbox::compareWithSandbox(const QString &cacheFile)
{
    sql::Database db;
    QVERIFY(db.open(cacheFile, false));
    // Every index of the schema is there (those the backfill built at its end included), and
    // nothing is left deferred.
    auto indexes = [](sql::Database &d) {
        QStringList defs;
        sql::Statement s = d.prepare(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = "
                                                    "'index' AND sql IS NOT NULL ORDER BY name"));
        while (s.step())
            defs.append(s.text(0));
        return defs;
    };
    {
        Cache fresh;
        QVERIFY(fresh.open(m_dir.filePath(
            QStringLiteral("schema-%1.sqlite").arg(QRandomGenerator::global()->generate()))));
        QCOMPARE(indexes(db), indexes(fresh.database()));
    }
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM sync_state WHERE key LIKE "
                                      "'indexes_deferred:%' OR key LIKE 'fts_deferred:%'")),
             0);
    QList<QJsonObject> customers;
    for (const QString &table : SyncEngine::backfillTables()) {
        const CacheTable *spec = cacheTableByName(table);
        QList<QJsonObject> objects;
        if (table == QLatin1String("payment_methods")) {
            for (const QJsonObject &c : std::as_const(customers))
                objects += listAll(QStringLiteral("/v1/customers/%1/payment_methods")
                                       .arg(c.value(QStringLiteral("id")).toString()));
        } else {
            objects
                = listAll(QString::fromLatin1(spec->listPath),
                          table == QLatin1String("subscriptions") ? QStringLiteral("&status=all")
                                                                  : QString());
        }
        if (table == QLatin1String("customers"))
            customers = objects;
        QVERIFY2(!objects.isEmpty(), qPrintable(table));
        QMap<QString, QJsonObject> expected;
        int paged = 0;
        for (QJsonObject o : std::as_const(objects)) {
            // An embedded list cut at 10 entries is cached whole: its pages, as its URL lists them.
            for (const char *name : {"lines", "items"}) {
                const QString key = QString::fromLatin1(name);
                QJsonObject list = o.value(key).toObject();
                if (!list.value(QStringLiteral("has_more")).toBool())
                    continue;
                const QUrl url(list.value(QStringLiteral("url")).toString());
                QJsonArray data;
                for (const QJsonObject &entry :
                     listAll(url.path(), url.hasQuery() ? u'&' + url.query() : QString()))
                    data.append(entry);
                QVERIFY2(data.size() > 10, qPrintable(url.toString()));
                list.insert(QStringLiteral("data"), data);
                list.insert(QStringLiteral("has_more"), false);
                o.insert(key, list);
                ++paged;
            }
            expected.insert(o.value(QStringLiteral("id")).toString(), o);
        }
        // The demo merchant has such objects: a team's subscription of 13 items, its invoices.
        if (table == QLatin1String("invoices") || table == QLatin1String("subscriptions"))
            QVERIFY2(paged > 0, qPrintable(table));
        QMap<QString, QJsonObject> cached;
        sql::Statement rows
            = db.prepare(QStringLiteral("SELECT id, raw FROM %1 WHERE deleted = 0").arg(table));
        while (rows.step())
            cached.insert(rows.text(0), QJsonDocument::fromJson(rows.bytes(1)).object());
        if (table == QLatin1String("events")) {
            // The cache also keeps the events applied since; the sandbox's list is all there.
            for (auto it = expected.cbegin(); it != expected.cend(); ++it)
                QVERIFY2(cached.value(it.key()) == it.value(), qPrintable(it.key()));
            continue;
        }
        QCOMPARE(cached.keys(), expected.keys());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QVERIFY2(cached.value(it.key()) == it.value(),
                     qPrintable(table + u' ' + it.key() + u' '
                                + QString::fromUtf8(QJsonDocument(cached.value(it.key()))
                                                        .toJson(QJsonDocument::Compact)
                                                        .left(400))));
        // Children: every subscription item and invoice line, nothing else.
        if (table == QLatin1String("subscriptions") || table == QLatin1String("invoices")) {
            const bool subs = table == QLatin1String("subscriptions");
            QSet<QString> children;
            for (const QJsonObject &o : std::as_const(expected)) {
                const QJsonArray data
                    = o.value(subs ? QStringLiteral("items") : QStringLiteral("lines"))
                          .toObject()
                          .value(QStringLiteral("data"))
                          .toArray();
                for (const QJsonValue &c : data)
                    children.insert(c.toObject().value(QStringLiteral("id")).toString());
            }
            const QString childTable
                = subs ? QStringLiteral("subscription_items") : QStringLiteral("invoice_lines");
            const QString parent
                = subs ? QStringLiteral("subscription") : QStringLiteral("invoice");
            QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM %1 c JOIN %2 p ON p.id = c.%3 "
                                              "WHERE p.deleted = 0")
                                   .arg(childTable, table, parent)),
                     qint64(children.size()));
        }
    }
    for (const CacheTable &t : cacheTables()) {
        for (const CacheColumn &c : t.columns) {
            if (c.type == CacheColumn::Type::Parent)
                continue;
            QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM %1 WHERE raw IS NOT NULL AND "
                                              "%2 IS NOT json_extract(raw, '$.%3')")
                                   .arg(QString::fromLatin1(t.name), QString::fromLatin1(c.name),
                                        QString::fromLatin1(c.path))),
                     0);
        }
    }
    // Payment methods: each customer's default one, from the customer list, exactly as Stripe
    // serves it on its own (the others are listed on demand, see otherPaymentMethodsOnDemand).
    QMap<QString, QJsonObject> defaults;
    for (const QJsonObject &c : std::as_const(customers)) {
        const QString pm = c.value(QStringLiteral("invoice_settings"))
                               .toObject()
                               .value(QStringLiteral("default_payment_method"))
                               .toString();
        if (!pm.isEmpty())
            defaults.insert(pm, m_http->get(QStringLiteral("/v1/payment_methods/") + pm).json);
    }
    QVERIFY(defaults.size() > 100);
    QMap<QString, QJsonObject> methods;
    sql::Statement pms = db.prepare(
        QStringLiteral("SELECT id, raw FROM payment_methods WHERE deleted = 0 ORDER BY id"));
    while (pms.step())
        methods.insert(pms.text(0), QJsonDocument::fromJson(pms.bytes(1)).object());
    QCOMPARE(methods.keys(), defaults.keys());
    for (auto it = defaults.cbegin(); it != defaults.cend(); ++it)
        QVERIFY2(methods.value(it.key()) == it.value(), qPrintable(it.key()));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0);
    checkStructure(db);
}

void TestSyncSandbox::checkStructure(sql::Database &db)
{
    // Every index of the schema is there; the full-text indexes paused for the bulk load are
    // live again and consistent with their tables.
    auto indexes = [](sql::Database &d) {
        QStringList names;
        sql::Statement s = d.prepare(
            QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"));
        while (s.step())
            names.append(s.text(0));
        return names;
    };
    sql::Database fresh;
    QVERIFY(fresh.open(file(QStringLiteral("fresh-schema.sqlite")), true));
    QVERIFY(migrateCache(fresh));
    QCOMPARE(indexes(db), indexes(fresh));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM sync_state WHERE key LIKE "
                                      "'fts_deferred:%'")),
             0);
    for (const char *fts : {"customers_fts", "payments_fts"})
        QVERIFY2(db.exec(QStringLiteral("INSERT INTO %1(%1, rank) VALUES ('integrity-check', 1)")
                             .arg(QString::fromLatin1(fts))),
                 fts);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM payments_fts")),
             db.scalar(QStringLiteral("SELECT count(*) FROM charges")));
}

void TestSyncSandbox::backfillEqualsTheSandbox()
{
    const QString cache = file(QStringLiteral("reference.sqlite"));
    const Run r = sync(
        {QStringLiteral("--cache"), cache, QStringLiteral("--rate-limit"), QStringLiteral("1000")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1); // One summary line on stdout.
    QVERIFY2(lines.first().startsWith("synced acct_") && lines.first().contains("backfill"),
             lines.first().constData());
    QVERIFY(r.err.contains("charges") && r.err.contains("done")); // Progress on stderr.
    QVERIFY(!r.err.contains(key()) && !r.out.contains(key())); // No key anywhere.
    compareWithSandbox(cache);
    m_reference = dump(cache);
    QVERIFY(m_reference.value(QStringLiteral("charges")).size() > 2000);
    m_backfilled = file(QStringLiteral("backfilled.sqlite"));
    QVERIFY(QFile::copy(cache, m_backfilled));

    // Run again: nothing new, an incremental sync that changes nothing.
    const Run again = sync({QStringLiteral("--cache"), cache});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY2(again.out.contains("(events)") && again.out.contains(" 0 events applied"),
             again.out.constData());
    QCOMPARE(firstDifference(dump(cache), m_reference), QString());
}

void TestSyncSandbox::backfillThroughFaultsEqualsIt()
{
    setFaults({{QStringLiteral("fail_rate"), QStringLiteral("0.1")},
               {QStringLiteral("drop_rate"), QStringLiteral("0.05")},
               {QStringLiteral("malformed_rate"), QStringLiteral("0.05")},
               {QStringLiteral("rate_limit"), QStringLiteral("150")}});
    const QString cache = file(QStringLiteral("faults.sqlite"));
    const Run r = sync(
        {QStringLiteral("--cache"), cache, QStringLiteral("--rate-limit"), QStringLiteral("200")});
    const auto stats = m_http->get(QStringLiteral("/_sandbox/stats")).json;
    setFaults({{QStringLiteral("fail_rate"), QStringLiteral("0")},
               {QStringLiteral("drop_rate"), QStringLiteral("0")},
               {QStringLiteral("malformed_rate"), QStringLiteral("0")},
               {QStringLiteral("rate_limit"), QStringLiteral("0")}});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject counters = stats.value(QStringLiteral("counters")).toObject();
    QVERIFY(counters.value(QStringLiteral("faults.server_error")).toInteger() > 0);
    QVERIFY(counters.value(QStringLiteral("faults.dropped")).toInteger() > 0);
    QVERIFY(counters.value(QStringLiteral("faults.malformed")).toInteger() > 0);
    QCOMPARE(firstDifference(dump(cache), m_reference), QString());
}

void TestSyncSandbox::killNineThenResumeEqualsIt()
{
    // Real processes killed with SIGKILL at random moments of the backfill, then run again.
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("kill -9 trial seed %u", seed);
    QRandomGenerator random(seed);
    int interrupted = 0;
    const int trials = 10;
    // Kill points spread over the whole of an uninterrupted run, however fast this machine is.
    QElapsedTimer whole;
    whole.start();
    const Run full = sync({QStringLiteral("--cache"), file(QStringLiteral("kill-timing.sqlite")),
                           QStringLiteral("--rate-limit"), QStringLiteral("120")});
    QCOMPARE(full.exitCode, 0);
    // Within 70 % of it: a machine busy with something else when that run was timed makes the
    // later runs faster than it, and a kill point past their end interrupts nothing.
    const int spanMs = std::max(300, int(whole.elapsed() * 7 / 10));
    qInfo("an uninterrupted run takes %lld ms", static_cast<long long>(whole.elapsed()));
    for (int trial = 0; trial < trials; ++trial) {
        const QString cache = file(QStringLiteral("kill-%1.sqlite").arg(trial));
        const QStringList args {QStringLiteral("--cache"), cache, QStringLiteral("--rate-limit"),
                                QStringLiteral("120")};
        std::unique_ptr<QProcess> p(startSync(args));
        QVERIFY(p->waitForStarted());
        const int delayMs = random.bounded(100, spanMs);
        QTest::qWait(delayMs); // The random kill point itself.
        if (p->state() == QProcess::Running) {
            ::kill(pid_t(p->processId()), SIGKILL);
            ++interrupted;
        }
        p->waitForFinished();
        const Run r = sync(args);
        QVERIFY2(r.exitCode == 0,
                 qPrintable(QStringLiteral("trial %1 (killed after %2 ms): %3")
                                .arg(trial)
                                .arg(delayMs)
                                .arg(QString::fromUtf8(r.err))));
        {
            sql::Database db;
            QVERIFY(db.open(cache, false));
            checkStructure(db);
            if (QTest::currentTestFailed())
                qWarning("trial %d (killed after %d ms) has a broken structure", trial, delayMs);
        }
        const QString diff = firstDifference(dump(cache), m_reference);
        QVERIFY2(diff.isEmpty(),
                 qPrintable(QStringLiteral("trial %1 (killed after %2 ms): %3")
                                .arg(trial)
                                .arg(delayMs)
                                .arg(diff)));
    }
    qInfo("%d of %d runs were killed mid-sync", interrupted, trials);
    QVERIFY(interrupted >= trials - 2);
}

void TestSyncSandbox::cancelledInProcessThenResumedEqualsIt()
{
    // The engine as the window runs it: progress signals, cancel() half-way, start() again.
    const QString cache = file(QStringLiteral("cancel.sqlite"));
    const auto client = apiClient(150);
    Cache c;
    QVERIFY(c.open(cache));
    SyncEngine engine(client.get(), &c, {});
    QList<SyncProgress> progress;
    bool done = false, ok = false;
    QString error;
    connect(&engine, &SyncEngine::progress, this, [&](const SyncProgress &p) {
        progress.append(p);
        // Half-way, once the lister has an estimate (on a slow machine, such as under ASan,
        // the first report after 500 charges may come before the estimate does).
        if (p.table == QLatin1String("charges") && engine.isRunning()
            && ((p.done > 500 && p.total > 0) || p.done > 2000))
            engine.cancel();
    });
    connect(&engine, &SyncEngine::finished, this, [&](bool success, const QString &message) {
        done = true;
        ok = success;
        error = message;
    });
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    QVERIFY(!ok);
    QCOMPARE(error, QStringLiteral("cancelled"));
    QVERIFY(!engine.isRunning());
    const qint64 partial = c.count(QStringLiteral("charges"));
    QVERIFY2(partial > 0 && partial < 3000, qPrintable(QString::number(partial)));
    // Progress carried estimates and rates before the cancel.
    const auto estimated
        = std::find_if(progress.cbegin(), progress.cend(), [](const SyncProgress &p) {
              return p.table == QLatin1String("charges") && p.total > 0 && p.perSecond > 0
                  && p.etaSeconds >= 0;
          });
    QVERIFY(estimated != progress.cend());
    QVERIFY(std::any_of(progress.cbegin(), progress.cend(), [](const SyncProgress &p) {
        return p.table == QLatin1String("customers") && p.finished && p.done == p.total;
    }));

    done = false;
    progress.clear();
    disconnect(&engine, &SyncEngine::progress, this, nullptr);
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 120000);
    QVERIFY2(ok, qPrintable(error));
    QVERIFY(engine.summary().backfilled);
    c.close();
    QCOMPARE(firstDifference(dump(cache), m_reference), QString());
}

void TestSyncSandbox::incrementalSyncAppliesChangesAndDeletions()
{
    // Changes through the API after the backfill…
    auto created = [&](const QString &email, const QString &name) {
        const auto r
            = m_http->post(QStringLiteral("/v1/customers"),
                           {{QStringLiteral("email"), email}, {QStringLiteral("name"), name}});
        return r.json.value(QStringLiteral("id")).toString();
    };
    const QString a = created(QStringLiteral("inc.a@example.com"), QStringLiteral("Inc A"));
    const QString b = created(QStringLiteral("inc.b@example.com"), QStringLiteral("Inc B"));
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/customers/") + a,
                        {{QStringLiteral("name"), QStringLiteral("Renamed A")}})
                 .status,
             200);
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/customers/") + a,
                        {{QStringLiteral("phone"), QStringLiteral("+44 20 7946 0000")}})
                 .status,
             200);
    QCOMPARE(m_http->del(QStringLiteral("/v1/customers/") + b).status, 200);
    const auto pi
        = m_http->post(QStringLiteral("/v1/payment_intents"),
                       {{QStringLiteral("amount"), QStringLiteral("2500")},
                        {QStringLiteral("currency"), QStringLiteral("usd")},
                        {QStringLiteral("customer"), a},
                        {QStringLiteral("payment_method"), QStringLiteral("pm_card_visa")},
                        {QStringLiteral("confirm"), QStringLiteral("true")}});
    QCOMPARE(pi.status, 200);
    const QString charge = pi.json.value(QStringLiteral("latest_charge")).toString();
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/refunds"),
                        {{QStringLiteral("charge"), charge},
                         {QStringLiteral("amount"), QStringLiteral("700")}})
                 .status,
             200);
    const QList<QJsonObject> active
        = listAll(QStringLiteral("/v1/subscriptions"), QStringLiteral("&status=active"));
    QVERIFY(active.size() >= 2);
    QCOMPARE(m_http
                 ->del(QStringLiteral("/v1/subscriptions/")
                       + active.at(0).value(QStringLiteral("id")).toString())
                 .status,
             200);
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/subscriptions/")
                            + active.at(1).value(QStringLiteral("id")).toString(),
                        {{QStringLiteral("cancel_at_period_end"), QStringLiteral("true")}})
                 .status,
             200);

    // …reach the cache through the event sync.
    const QString cache = file(QStringLiteral("reference.sqlite"));
    const Run r = sync({QStringLiteral("--cache"), cache});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("(events)") && !r.out.contains(" 0 events applied"), r.out.constData());
    compareWithSandbox(cache);
    sql::Database db;
    QVERIFY(db.open(cache, false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT deleted FROM customers WHERE id = '%1'").arg(b)), 1);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM customers WHERE id = '%1' AND name = "
                                      "'Renamed A' AND phone = '+44 20 7946 0000'")
                           .arg(a)),
             1);
    QCOMPARE(db.scalar(
                 QStringLiteral("SELECT amount_refunded FROM charges WHERE id = '%1'").arg(charge)),
             700);
}

void TestSyncSandbox::eventsTwiceAndOutOfOrderGiveTheSameState()
{
    // The events since the backfill, applied to its copy through the webhook path: shuffled,
    // then all again in another order; then a normal sync (which finds them all applied).
    const QString cache = file(QStringLiteral("shuffled.sqlite"));
    QVERIFY(QFile::copy(m_backfilled, cache));
    QString cursor;
    {
        Cache c;
        QVERIFY(c.open(cache));
        cursor = QJsonDocument::fromJson(c.state(QStringLiteral("events")))
                     .object()
                     .value(QStringLiteral("cursor"))
                     .toString();
    }
    QList<QJsonObject> events;
    for (const QJsonObject &e : listAll(QStringLiteral("/v1/events"))) {
        if (e.value(QStringLiteral("id")).toString() == cursor)
            break;
        events.append(e);
    }
    QVERIFY(events.size() >= 10);

    const auto client = apiClient(500);
    Cache c;
    QVERIFY(c.open(cache));
    SyncEngine engine(client.get(), &c, {});
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("shuffle seed %u", seed);
    std::mt19937 random(seed);
    for (int round = 0; round < 2; ++round) {
        std::shuffle(events.begin(), events.end(), random);
        for (const QJsonObject &e : std::as_const(events))
            QVERIFY(engine.applyWebhookEvent(e));
        QTRY_COMPARE_WITH_TIMEOUT(
            c.database().scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0, 30000);
    }
    QVERIFY(syncToEnd(engine));
    QCOMPARE(engine.summary().eventsApplied, 0); // Every one was applied before.
    c.close();
    QCOMPARE(firstDifference(dump(cache), dump(file(QStringLiteral("reference.sqlite")))),
             QString());
}

void TestSyncSandbox::staleOrForeignEventsAreFetchedAgain()
{
    const QString cache = file(QStringLiteral("reference.sqlite"));
    const auto client = apiClient(0);
    Cache c;
    QVERIFY(c.open(cache));
    SyncEngine engine(client.get(), &c, {});
    const QJsonObject customer = listAll(QStringLiteral("/v1/customers")).first();
    const QString id = customer.value(QStringLiteral("id")).toString();
    auto event = [&](const QString &eventId, qint64 created, const QString &version) {
        QJsonObject bogus = customer;
        bogus.insert(QStringLiteral("email"), QStringLiteral("bogus@example.com"));
        return QJsonObject {
            {QStringLiteral("id"), eventId},
            {QStringLiteral("object"), QStringLiteral("event")},
            {QStringLiteral("type"), QStringLiteral("customer.updated")},
            {QStringLiteral("created"), created},
            {QStringLiteral("api_version"), version},
            {QStringLiteral("data"), QJsonObject {{QStringLiteral("object"), bogus}}}};
    };
    auto email = [&] {
        return c.database().prepare(QStringLiteral("SELECT email FROM customers WHERE id = ?1"));
    };
    auto current = [&] {
        sql::Statement s = email();
        s.bind(1, id);
        return s.step() ? s.text(0) : QString();
    };
    // Another API version: the snapshot is not used, the object is fetched again.
    QVERIFY(engine.applyWebhookEvent(
        event(QStringLiteral("evt_foreign"), kNow + 86400 * 400, QStringLiteral("2020-08-27"))));
    QTRY_COMPARE(c.database().scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0);
    QCOMPARE(current(), customer.value(QStringLiteral("email")).toString());
    // Older than the cached state: ignored.
    QVERIFY(engine.applyWebhookEvent(
        event(QStringLiteral("evt_old"), 1000, QStringLiteral("2023-08-16"))));
    QCOMPARE(current(), customer.value(QStringLiteral("email")).toString());
    // The same second as the cached state: fetched again rather than guessed.
    const qint64 asOf = *c.asOf(QStringLiteral("customers"), id);
    QVERIFY(engine.applyWebhookEvent(
        event(QStringLiteral("evt_same"), asOf, QStringLiteral("2023-08-16"))));
    QTRY_COMPARE(c.database().scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0);
    QCOMPARE(current(), customer.value(QStringLiteral("email")).toString());
    // Newer: applied.
    QVERIFY(engine.applyWebhookEvent(
        event(QStringLiteral("evt_new"), asOf + 1, QStringLiteral("2023-08-16"))));
    QCOMPARE(current(), QStringLiteral("bogus@example.com"));
    // Put the truth back for the tests after this one.
    c.database().exec(QStringLiteral("DELETE FROM events WHERE id IN ('evt_foreign', 'evt_old', "
                                     "'evt_same', 'evt_new')"));
    c.enqueueRefetch(QStringLiteral("customers"), id, asOf + 1);
    QVERIFY(engine.applyWebhookEvent(
        event(QStringLiteral("evt_fix"), asOf + 1, QStringLiteral("2023-08-16"))));
    QTRY_COMPARE(c.database().scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0);
    QCOMPARE(current(), customer.value(QStringLiteral("email")).toString());
    c.database().exec(QStringLiteral("DELETE FROM events WHERE id = 'evt_fix'"));
}

void TestSyncSandbox::malformedEventsAreSkipped()
{
    Cache c;
    QVERIFY(c.open(file(QStringLiteral("malformed.sqlite"))));
    const auto client = apiClient(0);
    SyncEngine engine(client.get(), &c, {});
    const char *bad[] = {
        R"({})",
        R"({"id":"evt_x","object":"event"})",
        R"({"id":"evt_y","object":"event","created":5,"data":"nope"})",
        R"({"id":"evt_z","object":"event","created":5,"data":{"object":{"object":"customer"}}})",
        R"({"id":"evt_w","object":"event","created":"soon","data":{"object":{"id":"cus_1","object":"customer"}}})",
    };
    for (const char *json : bad)
        QVERIFY(!engine.applyWebhookEvent(QJsonDocument::fromJson(json).object()));
    // An object type Paydesk does not cache is acknowledged and recorded, nothing else.
    QVERIFY(engine.applyWebhookEvent(QJsonDocument::fromJson(R"({"id":"evt_p","object":"event",
        "created":5,"type":"payout.paid","api_version":"2023-08-16",
        "data":{"object":{"id":"po_1","object":"payout"}}})")
                                         .object()));
    QCOMPARE(c.count(QStringLiteral("events")), 1);
    QCOMPARE(c.count(QStringLiteral("customers"), true), 0);
}

void TestSyncSandbox::cacheOlderThanRetentionIsBackfilledAgain()
{
    const QString cache = file(QStringLiteral("stale.sqlite"));
    QVERIFY(QFile::copy(file(QStringLiteral("reference.sqlite")), cache));
    {
        Cache c;
        QVERIFY(c.open(cache));
        QJsonObject events = QJsonDocument::fromJson(c.state(QStringLiteral("events"))).object();
        events.insert(QStringLiteral("last_sync"), QDateTime::currentSecsSinceEpoch() - 31 * 86400);
        QVERIFY(c.setState(QStringLiteral("events"), QJsonDocument(events).toJson()));
        // A customer deleted while we were away (its event has expired since).
        QVERIFY(c.database().exec(QStringLiteral(
            "INSERT INTO customers (id, as_of, gen, raw, email) VALUES ('cus_ghost', 1, 1, "
            "'{\"id\":\"cus_ghost\",\"object\":\"customer\",\"email\":\"ghost@example.com\"}', "
            "'ghost@example.com')")));
    }
    const Run r = sync(
        {QStringLiteral("--cache"), cache, QStringLiteral("--rate-limit"), QStringLiteral("1000")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("backfill"), r.out.constData());
    sql::Database db;
    QVERIFY(db.open(cache, false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT deleted FROM customers WHERE id = 'cus_ghost'")), 1);
    db.close();
    compareWithSandbox(cache);
}

void TestSyncSandbox::otherPaymentMethodsOnDemand()
{
    // A customer with three saved cards, one of them the default, and one with a card but no
    // default: the backfill keeps the default from the customer list, with no request per
    // customer; the detail panel's fetch lists the others and forgets a detached one.
    auto method = [](const char *id, const char *customer, const char *last4) {
        return QJsonObject {{QStringLiteral("id"), QString::fromLatin1(id)},
                            {QStringLiteral("object"), QStringLiteral("payment_method")},
                            {QStringLiteral("created"), 1760000000},
                            {QStringLiteral("customer"), QString::fromLatin1(customer)},
                            {QStringLiteral("type"), QStringLiteral("card")},
                            {QStringLiteral("card"),
                             QJsonObject {{QStringLiteral("brand"), QStringLiteral("visa")},
                                          {QStringLiteral("last4"), QString::fromLatin1(last4)},
                                          {QStringLiteral("exp_month"), 4},
                                          {QStringLiteral("exp_year"), 2031},
                                          {QStringLiteral("country"), QStringLiteral("US")}}}};
    };
    auto customer = [](const char *id, const QJsonValue &defaultMethod) {
        return QJsonObject {
            {QStringLiteral("id"), QString::fromLatin1(id)},
            {QStringLiteral("object"), QStringLiteral("customer")},
            {QStringLiteral("created"), 1760000000},
            {QStringLiteral("email"),
             QString(QString::fromLatin1(id) + QStringLiteral("@example.com"))},
            {QStringLiteral("invoice_settings"),
             QJsonObject {{QStringLiteral("default_payment_method"), defaultMethod}}}};
    };
    const QJsonObject fixture {{QStringLiteral("customers"),
                                QJsonArray {customer("cus_many", QStringLiteral("pm_default")),
                                            customer("cus_nodefault", QJsonValue())}},
                               {QStringLiteral("payment_methods"),
                                QJsonArray {method("pm_default", "cus_many", "4242"),
                                            method("pm_second", "cus_many", "1111"),
                                            method("pm_third", "cus_many", "0005"),
                                            method("pm_lonely", "cus_nodefault", "9999")}}};
    const QString fixtureFile = file(QStringLiteral("methods.json"));
    {
        QFile f(fixtureFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(fixture).toJson());
    }
    PeerProcess sandbox(PeerProcess::sandbox({QStringLiteral("--fixture"), fixtureFile}));
    QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
    paydesk::network::StripeClientConfig config;
    config.apiKey = key();
    config.apiBase = sandbox.baseUrl();
    paydesk::network::StripeClient client(config);
    Cache c;
    QVERIFY(c.open(file(QStringLiteral("methods.sqlite"))));
    {
        SyncEngine engine(&client, &c, {});
        QVERIFY(syncToEnd(engine));
    }
    auto text = [&](const QString &sql) {
        sql::Statement st = c.database().prepare(sql);
        return st.step() ? st.text(0) : QStringLiteral("(no row)");
    };
    auto live = [&](const char *customer) {
        return text(QStringLiteral("SELECT coalesce(group_concat(id), '') FROM (SELECT id FROM "
                                   "payment_methods WHERE customer = '%1' AND deleted = 0 ORDER "
                                   "BY id)")
                        .arg(QLatin1String(customer)));
    };
    QCOMPARE(live("cus_many"), QStringLiteral("pm_default"));
    QCOMPARE(live("cus_nodefault"), QString());
    // The customer row holds the method's id, as Stripe sends it unexpanded.
    QCOMPARE(
        text(QStringLiteral("SELECT default_payment_method FROM customers WHERE id = 'cus_many'")),
        QStringLiteral("pm_default"));
    const QJsonObject endpoints = HttpClient(sandbox.baseUrl(), key())
                                      .get(QStringLiteral("/_sandbox/stats"))
                                      .json.value(QStringLiteral("endpoints"))
                                      .toObject();
    // The customers were listed, their payment methods not one customer at a time.
    QVERIFY2(endpoints.value(QStringLiteral("GET /v1/customers")).toInteger() >= 1,
             QJsonDocument(endpoints).toJson().constData());
    QVERIFY2(!endpoints.contains(QStringLiteral("GET /v1/customers/:id/payment_methods")),
             QJsonDocument(endpoints).toJson().constData());

    // On demand: all of one customer's methods; one the cache had and Stripe no longer lists
    // (detached meanwhile) is marked deleted.
    QVERIFY(c.begin());
    QCOMPARE(c.upsert(method("pm_detached", "cus_many", "3333"), 1), Cache::Write::Written);
    QVERIFY(c.commit());
    bool done = false, ok = false;
    int count = -1;
    paydesk::models::fetchPaymentMethods(&client, &c, QStringLiteral("cus_many"), this,
                                         [&](bool success, int n, const QString &) {
                                             done = true;
                                             ok = success;
                                             count = n;
                                         });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QVERIFY(ok);
    QCOMPARE(count, 3);
    QCOMPARE(HttpClient(sandbox.baseUrl(), key())
                 .get(QStringLiteral("/_sandbox/stats"))
                 .json[QStringLiteral("endpoints")]
                      [QStringLiteral("GET /v1/customers/:id/payment_methods")]
                 .toInteger(),
             1);
    QCOMPARE(live("cus_many"), QStringLiteral("pm_default,pm_second,pm_third"));
    QCOMPARE(c.database().scalar(
                 QStringLiteral("SELECT deleted FROM payment_methods WHERE id = 'pm_detached'")),
             1);
    // A customer Stripe does not know: an error, nothing changed.
    done = false;
    paydesk::models::fetchPaymentMethods(&client, &c, QStringLiteral("cus_missing"), this,
                                         [&](bool success, int, const QString &) {
                                             done = true;
                                             ok = success;
                                         });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QVERIFY(!ok);
}

void TestSyncSandbox::commandLineErrors()
{
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        p.setProcessEnvironment(env);
        p.start(PeerProcess::paydeskBinary(), {QStringLiteral("sync")});
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("STRIPE_API_KEY"));
    }
    {
        std::unique_ptr<QProcess> p(new QProcess);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key()));
        p->setProcessEnvironment(env);
        p->start(PeerProcess::paydeskBinary(),
                 {QStringLiteral("sync"), QStringLiteral("--api-base"),
                  QStringLiteral("http://example.com"), QStringLiteral("--cache"),
                  file(QStringLiteral("x.sqlite"))});
        QVERIFY(p->waitForFinished());
        QCOMPARE(p->exitCode(), 2);
        QVERIFY(!QFile::exists(file(QStringLiteral("x.sqlite"))));
    }
    // A cache of another account is refused, and left as it was.
    const QString other = file(QStringLiteral("other.sqlite"));
    {
        Cache c;
        QVERIFY(c.open(other));
        QVERIFY(c.setState(QStringLiteral("account"), "acct_someoneElse"));
    }
    const Run r = sync({QStringLiteral("--cache"), other});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("acct_someoneElse"), r.err.constData());
    QVERIFY(r.out.isEmpty());
    // Nothing listening: exit 1 with the reason.
    m_sandbox->stop();
    const Run down = sync({QStringLiteral("--cache"), file(QStringLiteral("down.sqlite"))});
    QCOMPARE(down.exitCode, 1);
    QVERIFY(!down.err.isEmpty());
}

QTEST_GUILESS_MAIN(TestSyncSandbox)
#include "tst_syncsandbox.moc"
