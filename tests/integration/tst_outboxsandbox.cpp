#include "models/actions/outbox.h"
#include "models/store/cache.h"
#include "models/store/sqlitedb.h"
#include "network/stripeclient.h"
#include "tests/support/peerprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// The outbox against `paydesk sandbox` over real HTTP, with requests failing and connections
// dropped (also after the server acted): every refund happens exactly once.
class TestOutboxSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;
    QTemporaryDir m_dir;

    std::unique_ptr<network::StripeClient> client(int retries)
    {
        network::StripeClientConfig config;
        config.apiKey = "sk_test_outbox";
        config.apiBase = m_sandbox->baseUrl();
        config.rateLimit = 500;
        config.maxRetries = retries;
        config.initialBackoffMs = 20;
        config.maxBackoffMs = 100;
        return std::make_unique<network::StripeClient>(config);
    }
    network::StripeResponse call(network::StripeClient &c, const network::StripeRequest &request)
    {
        network::StripeResponse result;
        bool done = false;
        c.send(request, this, [&](const network::StripeResponse &r) {
            result = r;
            done = true;
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        }();
        return result;
    }
    qint64 refundCount(network::StripeClient &c)
    {
        network::StripeRequest stats;
        stats.path = QStringLiteral("/_sandbox/stats");
        return call(c, stats).json[QStringLiteral("objects")][QStringLiteral("refund")].toInteger();
    }
    void setFaults(network::StripeClient &c, double fail, double drop, double rateLimit = 0)
    {
        network::StripeRequest faults;
        faults.method = "POST";
        faults.path = QStringLiteral("/_sandbox/faults");
        faults.params.add(QStringLiteral("fail_rate"), QString::number(fail));
        faults.params.add(QStringLiteral("drop_rate"), QString::number(drop));
        faults.params.add(QStringLiteral("rate_limit"), QString::number(rateLimit));
        QVERIFY(call(c, faults).ok());
    }

private Q_SLOTS:
    void initTestCase();
    void hundredRefundsThroughFaultsHappenOnceEach();
    void definiteErrorsEndTheEntry();
    void resultsAreOrderedByStripesClock();
};

void TestOutboxSandbox::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("600")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
}

void TestOutboxSandbox::hundredRefundsThroughFaultsHappenOnceEach()
{
    const auto control = client(6);
    // 100 succeeded charges with nothing refunded yet.
    QStringList charges;
    QString after;
    while (charges.size() < 100) {
        network::StripeRequest list;
        list.path = QStringLiteral("/v1/charges");
        list.params.add(QStringLiteral("limit"), 100);
        if (!after.isEmpty())
            list.params.add(QStringLiteral("starting_after"), after);
        const network::StripeResponse page = call(*control, list);
        QVERIFY(page.ok());
        const QJsonArray data = page.json[QStringLiteral("data")].toArray();
        QVERIFY(!data.isEmpty());
        for (const QJsonValue &c : data) {
            if (c[QStringLiteral("status")].toString() == QLatin1String("succeeded")
                && c[QStringLiteral("amount_refunded")].toInteger() == 0
                && c[QStringLiteral("amount")].toInteger() >= 200 && charges.size() < 100)
                charges.append(c[QStringLiteral("id")].toString());
        }
        after = data.last()[QStringLiteral("id")].toString();
    }
    const qint64 before = refundCount(*control);

    models::Cache cache;
    QVERIFY(cache.open(m_dir.filePath(QStringLiteral("outbox.sqlite"))));
    const auto api = client(1); // Few retries: lost answers are left to the outbox.
    models::Outbox outbox(&cache, api.get());
    for (const QString &charge : std::as_const(charges)) {
        models::OutboxAction a;
        a.action = QStringLiteral("refund");
        a.objectId = charge;
        a.path = QStringLiteral("/v1/refunds");
        a.params.add(QStringLiteral("charge"), charge);
        a.params.add(QStringLiteral("amount"), 100);
        a.amount = 100;
        a.currency = QStringLiteral("usd");
        QVERIFY(outbox.enqueue(a) > 0);
    }
    // Committed before anything was sent.
    QCOMPARE(outbox.entries(QStringLiteral("pending")).size(), 100);
    QCOMPARE(refundCount(*control), before);

    const auto counters = [&] {
        network::StripeRequest stats;
        stats.path = QStringLiteral("/_sandbox/stats");
        return call(*control, stats).json[QStringLiteral("counters")].toObject();
    };
    const QJsonObject faultsBefore = counters();
    // 30 % of requests fail (500/503) or lose their answer after the refund was made, and
    // bursts above 40 requests a second get 429s.
    setFaults(*control, 0.2, 0.1, 40);
    int rounds = 0;
    while (!outbox.entries(QStringLiteral("pending")).isEmpty()
           || !outbox.entries(QStringLiteral("sent")).isEmpty()) {
        QVERIFY2(++rounds <= 40, "the outbox does not converge");
        QSignalSpy idle(&outbox, &models::Outbox::idle);
        if (outbox.sendPending() > 0 && idle.isEmpty())
            QVERIFY(idle.wait(60000));
    }
    setFaults(*control, 0, 0);
    const QJsonObject faultsAfter = counters();
    auto injected = [&](const char *name) {
        return faultsAfter[QLatin1String(name)].toInteger()
            - faultsBefore[QLatin1String(name)].toInteger();
    };
    qInfo("%d rounds of sending; %lld server errors, %lld dropped answers, %lld 429s", rounds,
          injected("faults.server_error"), injected("faults.dropped"),
          injected("faults.rate_limited"));
    QVERIFY(injected("faults.server_error") > 0);
    QVERIFY(injected("faults.dropped") > 0);
    QVERIFY(injected("faults.rate_limited") > 0);
    QVERIFY2(rounds > 1, "no request failed: the faults were not injected");
    const QList<models::OutboxEntry> done = outbox.entries();
    QCOMPARE(done.size(), 100);
    int retried = 0;
    for (const models::OutboxEntry &e : done) {
        QCOMPARE(e.state, QStringLiteral("succeeded"));
        retried += e.attempts > 1;
    }
    QVERIFY(retried > 0);
    // Exactly 100 refunds, whatever was lost on the way.
    QCOMPARE(refundCount(*control), before + 100);
    QCOMPARE(cache.count(QStringLiteral("refunds")), 100);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT count(*) FROM audit_log WHERE result = 'succeeded' AND "
                                "action = 'refund' AND amount = 100")),
             100);
    // Each refunded charge was fetched again at once (the views show it refunded without a
    // sync), or, where that fetch was lost to a fault, is queued for the next sync.
    QTRY_VERIFY_WITH_TIMEOUT(!outbox.busy(), 60000);
    const qint64 refreshed = cache.database().scalar(QStringLiteral(
        "SELECT count(*) FROM charges WHERE json_extract(raw, '$.amount_refunded') >= 100"));
    qInfo("%lld charges fetched again at once, %d queued", refreshed,
          int(cache.refetches(1000).size()));
    QVERIFY(refreshed > 0);
    QCOMPARE(refreshed + cache.refetches(1000).size(), 100);
}

void TestOutboxSandbox::definiteErrorsEndTheEntry()
{
    models::Cache cache;
    QVERIFY(cache.open(m_dir.filePath(QStringLiteral("errors.sqlite"))));
    const auto api = client(2);
    models::Outbox outbox(&cache, api.get());
    models::OutboxAction a;
    a.action = QStringLiteral("refund");
    a.objectId = QStringLiteral("ch_doesnotexist");
    a.path = QStringLiteral("/v1/refunds");
    a.params.add(QStringLiteral("charge"), a.objectId);
    const qint64 id = outbox.enqueue(a);
    QSignalSpy finished(&outbox, &models::Outbox::entryFinished);
    QCOMPARE(outbox.sendPending(), 1);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(0).toLongLong(), id);
    QCOMPARE(finished.first().at(1).toBool(), false);
    const models::OutboxEntry e = outbox.entry(id);
    QCOMPARE(e.state, QStringLiteral("failed"));
    QCOMPARE(e.httpStatus, 404);
    QVERIFY(!e.requestId.isEmpty());
    QVERIFY(!e.error.isEmpty());
    // Not sent again.
    QCOMPARE(outbox.sendPending(), 0);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT count(*) FROM audit_log WHERE result = 'failed'")),
             1);
}

void TestOutboxSandbox::resultsAreOrderedByStripesClock()
{
    // A server whose clock is a day ahead of ours (as a sandbox or a skewed machine can be):
    // the synced rows carry its clock, and a refund's results must still replace them.
    const qint64 ahead = QDateTime::currentSecsSinceEpoch() + 86400;
    tests::PeerProcess skewed(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("200"),
                                     QStringLiteral("--now"), QString::number(ahead)}));
    QVERIFY2(skewed.start(), qPrintable(skewed.errorString()));
    const QString file = m_dir.filePath(QStringLiteral("skewed.sqlite"));
    QProcess sync;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("STRIPE_API_KEY"), QStringLiteral("sk_test_skewed"));
    sync.setProcessEnvironment(env);
    sync.start(tests::PeerProcess::paydeskBinary(),
               {QStringLiteral("sync"), QStringLiteral("--api-base"), skewed.baseUrl().toString(),
                QStringLiteral("--cache"), file});
    QVERIFY(sync.waitForFinished(120000));
    QCOMPARE(sync.exitCode(), 0);

    models::Cache cache;
    QVERIFY(cache.open(file));
    models::sql::Statement s = cache.database().prepare(QStringLiteral(
        "SELECT id, amount, as_of FROM charges WHERE status = 'succeeded' AND "
        "json_extract(raw, '$.amount_refunded') = 0 AND json_extract(raw, '$.disputed') = 0 "
        "AND currency = 'usd' LIMIT 1"));
    QVERIFY(s.step());
    const QString charge = s.text(0);
    const qint64 amount = s.int64(1);
    QVERIFY(s.int64(2) > QDateTime::currentSecsSinceEpoch() + 3600);
    s = {};
    network::StripeClientConfig config;
    config.apiKey = "sk_test_skewed";
    config.apiBase = skewed.baseUrl();
    network::StripeClient api(config);
    models::Outbox outbox(&cache, &api);
    models::OutboxAction a;
    a.action = QStringLiteral("refund");
    a.objectId = charge;
    a.path = QStringLiteral("/v1/refunds");
    a.params.add(QStringLiteral("charge"), charge);
    QVERIFY(outbox.enqueue(a) > 0);
    QSignalSpy refreshed(&outbox, &models::Outbox::refreshed);
    QCOMPARE(outbox.sendPending(), 1);
    QVERIFY(refreshed.wait(30000));
    s = cache.database().prepare(QStringLiteral(
        "SELECT json_extract(raw, '$.amount_refunded'), json_extract(raw, '$.refunded') FROM "
        "charges WHERE id = ?1"));
    s.bind(1, charge);
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), amount);
    QCOMPARE(s.int64(1), 1);
}

QTEST_GUILESS_MAIN(TestOutboxSandbox)
#include "tst_outboxsandbox.moc"
