#include "models/store/cache.h"
#include "models/sync/syncengine.h"
#include "network/stripeclient.h"
#include "network/webhooklistener.h"
#include "network/webhooksignature.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::network;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

namespace {
const QByteArray kSecret = QByteArrayLiteral("whsec_") + QByteArrayLiteral("listenerTest");
QByteArray apiKey()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("webhooklistener");
}
QByteArray eventBody(const QString &id)
{
    return QJsonDocument(
               QJsonObject {
                   {QStringLiteral("id"), id},
                   {QStringLiteral("object"), QStringLiteral("event")},
                   {QStringLiteral("type"), QStringLiteral("customer.created")},
                   {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                   {QStringLiteral("api_version"), QStringLiteral("2023-08-16")},
                   {QStringLiteral("data"),
                    QJsonObject {
                        {QStringLiteral("object"),
                         QJsonObject {{QStringLiteral("id"), QStringLiteral("cus_w")},
                                      {QStringLiteral("object"), QStringLiteral("customer")}}}}}})
        .toJson(QJsonDocument::Compact);
}
} // namespace

// The loopback webhook listener over real HTTP: what it accepts, what it refuses with 400, and
// the sandbox's signed webhooks flowing into the cache through the sync engine.
class TestWebhookListener final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<WebhookListener> m_listener;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<QSignalSpy> m_spy;

    HttpClient::Response post(const QByteArray &body, const QByteArray &signature,
                              const QString &path = QStringLiteral("/webhook"))
    {
        QList<QPair<QByteArray, QByteArray>> headers {{"Content-Type", "application/json"}};
        if (!signature.isNull())
            headers.append({"Stripe-Signature", signature});
        return m_http->send("POST", path, body, headers);
    }
    QByteArray sign(const QByteArray &body, qint64 at = 0, const QByteArray &secret = kSecret)
    {
        return signWebhookPayload(body, secret, at ? at : QDateTime::currentSecsSinceEpoch());
    }

private Q_SLOTS:
    void init();
    void acceptsASignedEventOnce();
    void rejects_data();
    void rejects();
    void acceptsWhenOneOfSeveralSignaturesMatches();
    void survivesGarbageOnTheSocket();
    void sandboxWebhooksReachTheCache();
};

void TestWebhookListener::init()
{
    m_listener = std::make_unique<WebhookListener>(kSecret);
    QVERIFY(m_listener->listen(0));
    QVERIFY(m_listener->port() > 0);
    m_http = std::make_unique<HttpClient>(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_listener->port())));
    m_spy = std::make_unique<QSignalSpy>(m_listener.get(), &WebhookListener::eventReceived);
}

void TestWebhookListener::acceptsASignedEventOnce()
{
    const QByteArray body = eventBody(QStringLiteral("evt_once"));
    const auto r = post(body, sign(body));
    QCOMPARE(r.status, 200);
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(m_spy->first().first().toJsonObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("evt_once"));
    // Stripe retries and `stripe listen` replays: acknowledged, not applied again.
    const auto replay = post(body, sign(body));
    QCOMPARE(replay.status, 200);
    QVERIFY(replay.body.contains("duplicate"));
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(m_listener->accepted(), 1);
}

void TestWebhookListener::rejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<QString>("path");
    const QByteArray body = eventBody(QStringLiteral("evt_r"));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString hook = QStringLiteral("/webhook");
    QTest::newRow("tampered body")
        << QByteArray(body).replace("cus_w", "cus_x") << sign(body) << hook;
    QTest::newRow("stale timestamp") << body << sign(body, now - 301) << hook;
    QTest::newRow("future timestamp") << body << sign(body, now + 600) << hook;
    QTest::newRow("unknown secret") << body << sign(body, now, "whsec_someoneElse") << hook;
    QTest::newRow("no signature") << body << QByteArray() << hook;
    QTest::newRow("garbage signature") << body << QByteArray("t=abc,v1=zz") << hook;
    QTest::newRow("wrong path") << body << sign(body) << QStringLiteral("/other");
    QTest::newRow("not an event") << QByteArray("{\"id\":\"x\",\"object\":\"charge\"}")
                                  << sign("{\"id\":\"x\",\"object\":\"charge\"}") << hook;
    QTest::newRow("not JSON") << QByteArray("hello") << sign("hello") << hook;
}

void TestWebhookListener::rejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, signature);
    QFETCH(QString, path);
    QSignalSpy rejected(m_listener.get(), &WebhookListener::requestRejected);
    QCOMPARE(post(body, signature, path).status, 400);
    QCOMPARE(m_spy->size(), 0);
    QCOMPARE(rejected.size(), 1);
    // GET is refused too.
    QCOMPARE(m_http->get(QStringLiteral("/webhook")).status, 400);
}

void TestWebhookListener::acceptsWhenOneOfSeveralSignaturesMatches()
{
    const QByteArray body = eventBody(QStringLiteral("evt_roll"));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray old = sign(body, now, "whsec_oldSecret").split(',').at(1);
    const QByteArray good = sign(body, now).split(',').at(1);
    QCOMPARE(post(body, "t=" + QByteArray::number(now) + ',' + old + ',' + good).status, 200);
    QCOMPARE(m_spy->size(), 1);
}

void TestWebhookListener::survivesGarbageOnTheSocket()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
    QVERIFY(socket.waitForConnected());
    socket.write(QByteArray(20000, 'x'));
    QVERIFY(socket.waitForBytesWritten());
    QTRY_VERIFY(socket.state() == QAbstractSocket::UnconnectedState || socket.bytesAvailable() > 0
                || socket.waitForReadyRead(100));
    QVERIFY(socket.readAll().startsWith("HTTP/1.1 400"));
    // Still serving.
    const QByteArray body = eventBody(QStringLiteral("evt_after"));
    QCOMPARE(post(body, sign(body)).status, 200);
}

void TestWebhookListener::sandboxWebhooksReachTheCache()
{
    // The sandbox signs each event with the secret and POSTs it to the listener, which hands it
    // to the sync engine: the customer is in the cache without any sync having run.
    PeerProcess sandbox = PeerProcess::sandbox(
        {QStringLiteral("--scale"), QStringLiteral("200"), QStringLiteral("--webhook-url"),
         QStringLiteral("http://127.0.0.1:%1/webhook").arg(m_listener->port()),
         QStringLiteral("--webhook-secret"), QString::fromLatin1(kSecret)});
    QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
    QTemporaryDir dir;
    paydesk::models::Cache cache;
    QVERIFY(cache.open(dir.filePath(QStringLiteral("webhooks.sqlite"))));
    StripeClientConfig config;
    config.apiKey = apiKey();
    config.apiBase = sandbox.baseUrl();
    StripeClient client(config);
    paydesk::models::SyncEngine engine(&client, &cache, {});
    connect(m_listener.get(), &WebhookListener::eventReceived, &engine,
            [&](const QJsonObject &e) { engine.applyWebhookEvent(e); });

    HttpClient api(sandbox.baseUrl(), apiKey());
    const auto created = api.post(QStringLiteral("/v1/customers"),
                                  {{QStringLiteral("email"), QStringLiteral("hook@example.com")}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QTRY_COMPARE(cache.count(QStringLiteral("customers")), 1);
    QCOMPARE(api.post(QStringLiteral("/v1/customers/") + id,
                      {{QStringLiteral("name"), QStringLiteral("Hooked")}})
                 .status,
             200);
    QTRY_COMPARE(cache.database().scalar(
                     QStringLiteral("SELECT count(*) FROM customers WHERE name = 'Hooked'")),
                 1);
    QCOMPARE(api.del(QStringLiteral("/v1/customers/") + id).status, 200);
    QTRY_COMPARE(cache.count(QStringLiteral("customers")), 0);
    QCOMPARE(cache.count(QStringLiteral("customers"), true), 1);
    QCOMPARE(m_listener->rejected(), 0);
    QVERIFY(m_listener->accepted() >= 3);
}

QTEST_GUILESS_MAIN(TestWebhookListener)
#include "tst_webhooklistener.moc"
