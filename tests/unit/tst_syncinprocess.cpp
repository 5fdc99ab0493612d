#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/store/account.h"
#include "models/store/cache.h"
#include "models/store/cachereader.h"
#include "models/sync/syncengine.h"
#include "network/stripeclient.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/sandboxnetwork.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// The sync engine and the outbox against the sandbox answering in process (no socket, no
// subprocess): the same API the integration tests reach over HTTP, in milliseconds.
class TestSyncInProcess final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::StripeSandbox> m_sandbox;
    tests::FakeNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<network::StripeClient> m_client;

private Q_SLOTS:
    void initTestCase();
    void backfillStoresTheWholeAccount();
    void refundActsOnceAndLandsInTheCache();
    void theAccountIsAskedOneWay();
};

void TestSyncInProcess::initTestCase()
{
    QVERIFY(m_dir.isValid());
    sandbox::SandboxOptions options;
    options.scale = 400;
    options.now = 1763800000;
    m_sandbox = std::make_unique<sandbox::StripeSandbox>(options);
    QVERIFY(m_sandbox->load());
    m_network = new tests::FakeNetworkAccessManager;
    tests::answerFromSandbox(m_network, m_sandbox.get());
    network::StripeClientConfig config;
    config.apiKey = "sk_test_inprocess";
    config.apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
    config.rateLimit = 100000;
    m_client = std::make_unique<network::StripeClient>(config, m_network);
}

void TestSyncInProcess::backfillStoresTheWholeAccount()
{
    models::Cache cache;
    QVERIFY(cache.open(m_dir.filePath(QStringLiteral("backfill.sqlite"))));
    models::SyncEngine engine(m_client.get(), &cache, {});
    QSignalSpy finished(&engine, &models::SyncEngine::finished);
    QElapsedTimer timer;
    timer.start();
    engine.start();
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    qInfo("backfill of %lld objects in process: %lld ms, %lld requests",
          static_cast<long long>(engine.summary().objectsWritten),
          static_cast<long long>(timer.elapsed()),
          static_cast<long long>(m_network->sent().size()));
    sandbox::Store &s = m_sandbox->store();
    const std::pair<const char *, const sandbox::Collection *> tables[]
        = {{"customers", &s.customers},
           {"products", &s.products},
           {"prices", &s.prices},
           {"coupons", &s.coupons},
           {"subscriptions", &s.subscriptions},
           {"invoices", &s.invoices},
           {"payment_intents", &s.paymentIntents},
           {"charges", &s.charges},
           {"refunds", &s.refunds},
           {"disputes", &s.disputes},
           {"balance_transactions", &s.balanceTransactions}};
    for (const auto &[table, collection] : tables) {
        QVERIFY2(collection->size() > 0, table);
        QCOMPARE(cache.count(QString::fromLatin1(table)), qint64(collection->size()));
    }
}

void TestSyncInProcess::refundActsOnceAndLandsInTheCache()
{
    models::Cache cache;
    QVERIFY(cache.open(m_dir.filePath(QStringLiteral("backfill.sqlite")))); // From the backfill.
    models::sql::Statement pick = cache.database().prepare(QStringLiteral(
        "SELECT id FROM charges WHERE deleted = 0 AND status = 'succeeded' AND amount_refunded = "
        "0 AND disputed = 0 AND amount >= 500 ORDER BY id LIMIT 1"));
    QVERIFY(pick.step());
    const QString charge = pick.text(0);
    const auto target = models::RefundTarget::fromCharge(
        QJsonDocument::fromJson(
            models::liveObjectJson(cache.database(), QStringLiteral("charges"), charge))
            .object());
    models::Outbox outbox(&cache, m_client.get());
    QSignalSpy idle(&outbox, &models::Outbox::idle);
    QSignalSpy refreshed(&outbox, &models::Outbox::refreshed);
    models::OutboxAction action = models::staffactions::refund(target, 200, {}, {});
    action.idempotencyKey = QStringLiteral("inprocess-once");
    outbox.enqueue(action);
    outbox.sendPending();
    QVERIFY(idle.wait());
    QCOMPARE(outbox.byKey(action.idempotencyKey).state, QStringLiteral("succeeded"));
    // The refunded charge is fetched after the refund answered, through the rate limiter: it
    // may leave after idle, so the count below starts once that fetch has come back.
    QVERIFY(refreshed.count() > 0 || refreshed.wait());
    const auto posts = [this] {
        qsizetype n = 0;
        for (const tests::SentRequest &r : m_network->sent())
            n += r.method == "POST" && r.url.path() == QLatin1String("/v1/refunds");
        return n;
    };
    QCOMPARE(posts(), qsizetype(1));
    // Enqueued again with the same key (a re-run script): refused, nothing is sent again.
    const qsizetype requests = m_network->sent().size();
    QString error;
    QVERIFY(outbox.enqueue(action, &error) <= 0);
    outbox.sendPending();
    QTest::qWait(50);
    QCOMPARE(m_network->sent().size(), requests);
    QCOMPARE(posts(), qsizetype(1));
    int refunds = 0;
    m_sandbox->store().refunds.forEach([&](const sandbox::Collection::Entry &e) {
        const QJsonObject r = QJsonDocument::fromJson(e.json()).object();
        refunds += r.value(QStringLiteral("charge")).toString() == charge;
    });
    QCOMPARE(refunds, 1);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT amount_refunded FROM charges WHERE id = '%1'").arg(charge)),
             qint64(200));
}

void TestSyncInProcess::theAccountIsAskedOneWay()
{
    // Live or test is the key's prefix, for secret and restricted keys alike.
    QVERIFY(models::isLiveKey("sk_live_abc"));
    QVERIFY(models::isLiveKey("rk_live_abc"));
    QVERIFY(!models::isLiveKey("sk_test_live_abc"));
    QVERIFY(!models::isLiveKey("pk_live_abc"));
    // The window's connect flow and every command ask Stripe the same way.
    QObject context;
    models::Account account;
    network::StripeError error;
    bool answered = false;
    models::resolveAccount(m_client.get(), &context,
                           [&](const models::Account &a, const network::StripeError &e) {
                               account = a;
                               error = e;
                               answered = true;
                           });
    QTRY_VERIFY(answered);
    QVERIFY2(!account.id.isEmpty(), qPrintable(error.userMessage()));
    QVERIFY(account.id.startsWith(QLatin1String("acct_")));
    QVERIFY(!account.live);
    QVERIFY(!account.name.isEmpty());
    QCOMPARE(account.cachePath(), models::Cache::defaultPath(account.id, false));
    // A key Stripe refuses: no account, and the error says why.
    network::StripeClientConfig config = m_client->config();
    config.apiKey = "pk_test_notasecretkey";
    network::StripeClient publishable(config, m_network);
    answered = false;
    models::resolveAccount(&publishable, &context,
                           [&](const models::Account &a, const network::StripeError &e) {
                               account = a;
                               error = e;
                               answered = true;
                           });
    QTRY_VERIFY(answered);
    QVERIFY(account.id.isEmpty());
    QCOMPARE(error.httpStatus, 401);
    // The name falls back as the window shows it: business name, display name, e-mail, id.
    QCOMPARE(
        models::Account::fromJson(
            QJsonDocument::fromJson(R"({"id":"acct_1","email":"a@example.com"})").object(), true)
            .name,
        QStringLiteral("a@example.com"));
    QCOMPARE(models::Account::fromJson(
                 QJsonDocument::fromJson(
                     R"({"id":"acct_1","settings":{"dashboard":{"display_name":"Shop"}}})")
                     .object(),
                 true)
                 .name,
             QStringLiteral("Shop"));
    QCOMPARE(
        models::Account::fromJson(QJsonDocument::fromJson(R"({"id":"acct_1"})").object(), false)
            .name,
        QStringLiteral("acct_1"));
}

QTEST_GUILESS_MAIN(TestSyncInProcess)
#include "tst_syncinprocess.moc"
