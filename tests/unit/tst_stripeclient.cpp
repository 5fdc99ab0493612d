#include "network/redaction.h"
#include "network/stripeclient.h"
#include "tests/support/fakenetwork.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace paydesk::network;
using paydesk::tests::FakeNetworkAccessManager;
using paydesk::tests::FakeResponse;
using Kind = StripeError::Kind;

namespace {

QByteArray testKey()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("unitclientkey123");
}

const QByteArray kCustomer = R"({"id":"cus_1","object":"customer"})";
const QByteArray kServerError = R"({"error":{"type":"api_error","message":"boom"}})";

QStringList g_log;
void captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_log.append(message);
}

} // namespace

// The client on a fake network: every branch of retries, timeouts, encoding and error mapping,
// quickly and deterministically (backoff shrunk to milliseconds, jitter fixed).
class TestStripeClient final : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        FakeNetworkAccessManager *network;
        std::unique_ptr<StripeClient> client;
    };

    static Fixture make(StripeClientConfig config = {})
    {
        if (config.apiKey.isEmpty())
            config.apiKey = testKey();
        if (config.apiBase == QUrl(QStringLiteral("https://api.stripe.com")))
            config.apiBase = QUrl(QStringLiteral("https://api.stripe.test"));
        config.initialBackoffMs = 1;
        config.maxBackoffMs = 4;
        config.rateLimit = config.rateLimit > 0 ? config.rateLimit : 10'000;
        auto *network = new FakeNetworkAccessManager;
        auto client = std::make_unique<StripeClient>(config, network);
        client->setRandomSource([] { return 1.0; });
        return {network, std::move(client)};
    }

    static StripeResponse run(StripeClient &client, const StripeRequest &request,
                              int timeoutMs = 10'000)
    {
        StripeResponse result;
        bool done = false;
        QObject context;
        client.send(request, &context, [&](const StripeResponse &r) {
            result = r;
            done = true;
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(done, timeoutMs);
        }();
        return result;
    }

    static StripeRequest post(const QString &path, StripeParams params = {}, QByteArray key = {})
    {
        StripeRequest r;
        r.method = "POST";
        r.path = path;
        r.params = std::move(params);
        r.idempotencyKey = std::move(key);
        return r;
    }
    static StripeRequest get(const QString &path, StripeParams params = {})
    {
        StripeRequest r;
        r.path = path;
        r.params = std::move(params);
        return r;
    }

private Q_SLOTS:
    void headersAndEncoding();
    void stripeAccountHeader();
    void idempotencyKeyIsGeneratedOnceAndReused();
    void callerSuppliedIdempotencyKey();
    void retryDecisions_data();
    void retryDecisions();
    void retriesStopAtTheConfiguredCount();
    void retryAfterIsHonoured();
    void rateLimitedRequestsSlowTheLimiter();
    void backoffBounds_data();
    void backoffBounds();
    void timeoutAbortsAndRetries();
    void stalledTransferIsAborted();
    void truncatedBodyIsRetried();
    void errorMapping();
    void nonJsonBody();
    void destroyedContextGetsNoCallback();
    void apiBaseValidation_data();
    void apiBaseValidation();
    void refusedBaseSendsNothing();
    void keyNeverLogged();
    void serverTimeFromDateHeader_data();
    void serverTimeFromDateHeader();
};

void TestStripeClient::serverTimeFromDateHeader_data()
{
    QTest::addColumn<QByteArray>("date");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("IMF-fixdate") << QByteArray("Tue, 01 Dec 2026 06:10:00 GMT")
                                 << qint64(1796105400);
    QTest::newRow("epoch") << QByteArray("Thu, 01 Jan 1970 00:00:01 GMT") << qint64(1);
    QTest::newRow("garbage") << QByteArray("yesterday") << qint64(0);
    QTest::newRow("missing") << QByteArray() << qint64(0);
}

void TestStripeClient::serverTimeFromDateHeader()
{
    QFETCH(QByteArray, date);
    QFETCH(qint64, expected);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!date.isEmpty())
        headers.append({"Date", date});
    const StripeResponse r = parseStripeResponse(200, "{}", headers);
    QCOMPARE(r.serverTime, expected);
}

void TestStripeClient::headersAndEncoding()
{
    auto f = make();
    f.network->enqueue(FakeResponse::json(200, kCustomer, {{"Request-Id", "req_abc"}}));
    const auto r = run(*f.client,
                       post(QStringLiteral("/v1/customers"),
                            {{QStringLiteral("email"), QStringLiteral("a+b@example.com")},
                             {QStringLiteral("metadata"),
                              QVariantMap {{QStringLiteral("k"), QStringLiteral("v w")}}}}));
    QVERIFY(r.ok());
    QCOMPARE(r.requestId, QStringLiteral("req_abc"));
    QCOMPARE(r.json.value(QStringLiteral("id")).toString(), QStringLiteral("cus_1"));
    QCOMPARE(f.network->sent().size(), 1);
    const auto &sent = f.network->sent().first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.url.toString(), QStringLiteral("https://api.stripe.test/v1/customers"));
    QCOMPARE(sent.header("Authorization"), QByteArray("Bearer " + testKey()));
    QCOMPARE(sent.header("Stripe-Version"), QByteArray("2023-08-16"));
    QVERIFY(sent.header("User-Agent").startsWith("Paydesk/" PAYDESK_VERSION));
    QCOMPARE(sent.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(sent.body, QByteArray("email=a%2Bb%40example.com&metadata[k]=v%20w"));
    QVERIFY(sent.header("Stripe-Account").isEmpty());

    f.network->enqueue(FakeResponse::json(200, R"({"object":"list","data":[],"has_more":false})"));
    QVERIFY(run(*f.client,
                get(QStringLiteral("/v1/charges"),
                    {{QStringLiteral("limit"), 3},
                     {QStringLiteral("expand"), QStringList {QStringLiteral("data.customer")}}}))
                .ok());
    const auto &list = f.network->sent().last();
    QCOMPARE(list.method, QByteArray("GET"));
    QCOMPARE(list.url.path(), QStringLiteral("/v1/charges"));
    QCOMPARE(list.url.query(QUrl::FullyEncoded), QStringLiteral("limit=3&expand[]=data.customer"));
    QVERIFY(list.body.isEmpty());
    QVERIFY(list.header("Idempotency-Key").isEmpty()); // GETs are naturally idempotent.
}

void TestStripeClient::stripeAccountHeader()
{
    StripeClientConfig config;
    config.stripeAccount = QStringLiteral("acct_connected");
    auto f = make(config);
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    QVERIFY(run(*f.client, get(QStringLiteral("/v1/customers/cus_1"))).ok());
    QCOMPARE(f.network->sent().first().header("Stripe-Account"), QByteArray("acct_connected"));
}

void TestStripeClient::idempotencyKeyIsGeneratedOnceAndReused()
{
    auto f = make();
    f.network->enqueue(FakeResponse::json(500, kServerError));
    f.network->enqueue(FakeResponse::networkError(QNetworkReply::RemoteHostClosedError));
    f.network->enqueue(FakeResponse::json(200, R"({"id":"re_1","object":"refund"})"));
    const auto r = run(
        *f.client,
        post(QStringLiteral("/v1/refunds"), {{QStringLiteral("charge"), QStringLiteral("ch_1")}}));
    QVERIFY2(r.ok(), qPrintable(r.error.userMessage()));
    QCOMPARE(r.attempts, 3);
    QCOMPARE(f.network->sent().size(), 3);
    const QByteArray key = f.network->sent().first().header("Idempotency-Key");
    static const QRegularExpression uuid4(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QVERIFY2(uuid4.match(QString::fromLatin1(key)).hasMatch(), key.constData());
    for (const auto &s : f.network->sent())
        QCOMPARE(s.header("Idempotency-Key"), key);

    // A second logical request gets a new key.
    f.network->enqueue(FakeResponse::json(200, R"({"id":"re_2","object":"refund"})"));
    QVERIFY(run(*f.client,
                post(QStringLiteral("/v1/refunds"),
                     {{QStringLiteral("charge"), QStringLiteral("ch_1")}}))
                .ok());
    QVERIFY(f.network->sent().last().header("Idempotency-Key") != key);
}

void TestStripeClient::callerSuppliedIdempotencyKey()
{
    auto f = make();
    f.network->enqueue(FakeResponse::json(503, kServerError));
    f.network->enqueue(
        FakeResponse::json(200, R"({"id":"re_1"})", {{"Idempotent-Replayed", "true"}}));
    const auto r = run(*f.client, post(QStringLiteral("/v1/refunds"), {}, "outbox-42"));
    QVERIFY(r.ok());
    QVERIFY(r.idempotentReplayed);
    QCOMPARE(f.network->sent().at(0).header("Idempotency-Key"), QByteArray("outbox-42"));
    QCOMPARE(f.network->sent().at(1).header("Idempotency-Key"), QByteArray("outbox-42"));
}

void TestStripeClient::retryDecisions_data()
{
    QTest::addColumn<FakeResponse>("first");
    QTest::addColumn<int>("expectedRequests");
    QTest::addColumn<bool>("ok");

    const QByteArray badRequest = R"({"error":{"type":"invalid_request_error","message":"bad"}})";
    QTest::newRow("500 retried") << FakeResponse::json(500, kServerError) << 2 << true;
    QTest::newRow("503 retried") << FakeResponse::json(503, kServerError) << 2 << true;
    QTest::newRow("409 retried") << FakeResponse::json(
        409, R"({"error":{"type":"invalid_request_error","message":"lock"}})")
                                 << 2 << true;
    QTest::newRow("429 retried") << FakeResponse::json(
        429, R"({"error":{"type":"invalid_request_error","code":"rate_limit"}})")
                                 << 2 << true;
    QTest::newRow("400 not retried") << FakeResponse::json(400, badRequest) << 1 << false;
    QTest::newRow("404 not retried") << FakeResponse::json(404, badRequest) << 1 << false;
    QTest::newRow("402 card error not retried")
        << FakeResponse::json(402, R"({"error":{"type":"card_error","code":"card_declined"}})") << 1
        << false;
    QTest::newRow("Should-Retry true on 400")
        << FakeResponse::json(400, badRequest, {{"Stripe-Should-Retry", "true"}}) << 2 << true;
    QTest::newRow("Should-Retry false on 500")
        << FakeResponse::json(500, kServerError, {{"Stripe-Should-Retry", "false"}}) << 1 << false;
    QTest::newRow("connection refused retried")
        << FakeResponse::networkError(QNetworkReply::ConnectionRefusedError) << 2 << true;
    QTest::newRow("host not found retried")
        << FakeResponse::networkError(QNetworkReply::HostNotFoundError) << 2 << true;
    QTest::newRow("TLS never retried")
        << FakeResponse::networkError(QNetworkReply::SslHandshakeFailedError) << 1 << false;
}

void TestStripeClient::retryDecisions()
{
    QFETCH(FakeResponse, first);
    QFETCH(int, expectedRequests);
    QFETCH(bool, ok);
    auto f = make();
    f.network->enqueue(first);
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    const auto r = run(*f.client, post(QStringLiteral("/v1/customers")));
    QCOMPARE(f.network->sent().size(), expectedRequests);
    QCOMPARE(r.ok(), ok);
    QCOMPARE(r.attempts, expectedRequests);
    if (first.error == QNetworkReply::SslHandshakeFailedError)
        QCOMPARE(r.error.kind, Kind::Tls);
}

void TestStripeClient::retriesStopAtTheConfiguredCount()
{
    for (int retries : {0, 2, 5}) {
        StripeClientConfig config;
        config.maxRetries = retries;
        auto f = make(config);
        for (int i = 0; i < 10; ++i)
            f.network->enqueue(FakeResponse::json(500, kServerError, {{"Request-Id", "req_last"}}));
        const auto r = run(*f.client, get(QStringLiteral("/v1/balance")));
        QCOMPARE(f.network->sent().size(), retries + 1);
        QCOMPARE(r.error.kind, Kind::Api);
        QCOMPARE(r.error.httpStatus, 500);
        QCOMPARE(r.error.requestId, QStringLiteral("req_last"));
        QVERIFY(r.error.userMessage().contains(QStringLiteral("req_last")));
    }
}

void TestStripeClient::retryAfterIsHonoured()
{
    auto f = make();
    f.network->enqueue(
        FakeResponse::json(429, R"({"error":{"type":"invalid_request_error","code":"rate_limit"}})",
                           {{"Retry-After", "1"}}));
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    QVERIFY(run(*f.client, get(QStringLiteral("/v1/customers/cus_1"))).ok());
    QCOMPARE(f.network->sent().size(), 2);
    // The retry waited for Retry-After, not for the (millisecond) backoff.
    QVERIFY(f.network->sent().at(1).atMs - f.network->sent().at(0).atMs >= 990);
}

void TestStripeClient::rateLimitedRequestsSlowTheLimiter()
{
    StripeClientConfig config;
    config.rateLimit = 40;
    auto f = make(config);
    f.network->enqueue(FakeResponse::json(
        429, R"({"error":{"type":"invalid_request_error","code":"rate_limit"}})"));
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    QVERIFY(run(*f.client, get(QStringLiteral("/v1/customers"))).ok());
    QVERIFY(f.client->rateLimiter().currentRate() < 40.0);
    QVERIFY(f.client->rateLimiter().currentRate() >= 30.0);
}

void TestStripeClient::backoffBounds_data()
{
    QTest::addColumn<int>("retry");
    QTest::addColumn<qint64>("low");
    QTest::addColumn<qint64>("high");
    QTest::newRow("1") << 1 << qint64(250) << qint64(500);
    QTest::newRow("2") << 2 << qint64(500) << qint64(1000);
    QTest::newRow("3") << 3 << qint64(1000) << qint64(2000);
    QTest::newRow("4") << 4 << qint64(2000) << qint64(4000);
    QTest::newRow("5 capped") << 5 << qint64(2500) << qint64(5000);
    QTest::newRow("12 capped") << 12 << qint64(2500) << qint64(5000);
}

void TestStripeClient::backoffBounds()
{
    QFETCH(int, retry);
    QFETCH(qint64, low);
    QFETCH(qint64, high);
    QCOMPARE(StripeClient::backoffMs(retry, 0.0, 500, 5000), low);
    QCOMPARE(StripeClient::backoffMs(retry, 1.0, 500, 5000), high);
    for (double r : {0.1, 0.5, 0.9}) {
        const qint64 d = StripeClient::backoffMs(retry, r, 500, 5000);
        QVERIFY(d >= low && d <= high);
    }
}

void TestStripeClient::timeoutAbortsAndRetries()
{
    StripeClientConfig config;
    config.timeoutMs = 100;
    config.maxRetries = 1;
    auto f = make(config);
    FakeResponse hang;
    hang.hang = true;
    f.network->enqueue(hang);
    f.network->enqueue(hang);
    const auto r = run(*f.client, get(QStringLiteral("/v1/balance")));
    QCOMPARE(r.error.kind, Kind::Timeout);
    QCOMPARE(f.network->sent().size(), 2);
    QVERIFY(r.error.userMessage().contains(QStringLiteral("did not answer")));
    QTRY_COMPARE(f.network->openReplies(), 0); // Aborted replies are cleaned up.

    // A timed-out attempt followed by an answer succeeds.
    f.network->enqueue(hang);
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    QVERIFY(run(*f.client, get(QStringLiteral("/v1/balance"))).ok());
}

void TestStripeClient::stalledTransferIsAborted()
{
    StripeClientConfig config;
    config.stallTimeoutMs = 100;
    config.maxRetries = 0;
    auto f = make(config);
    FakeResponse stall = FakeResponse::json(200, QByteArray(4000, ' ') + kCustomer);
    stall.stallAfterHeaders = true;
    f.network->enqueue(stall);
    const auto r = run(*f.client, get(QStringLiteral("/v1/customers/cus_1")));
    QCOMPARE(r.error.kind, Kind::Timeout);
    QVERIFY(r.error.message.contains(QStringLiteral("stopped sending")));
}

void TestStripeClient::truncatedBodyIsRetried()
{
    auto f = make();
    FakeResponse cut = FakeResponse::json(200, kCustomer.left(10));
    cut.announcedLength = kCustomer.size();
    cut.error = QNetworkReply::RemoteHostClosedError;
    f.network->enqueue(cut);
    f.network->enqueue(cut);
    f.network->enqueue(cut);
    const auto failed = run(*f.client, get(QStringLiteral("/v1/customers/cus_1")));
    QCOMPARE(failed.error.kind, Kind::Truncated);
    QCOMPARE(f.network->sent().size(), 3);
    f.network->enqueue(cut);
    f.network->enqueue(FakeResponse::json(200, kCustomer));
    QVERIFY(run(*f.client, get(QStringLiteral("/v1/customers/cus_1"))).ok());
}

void TestStripeClient::errorMapping()
{
    auto f = make();
    f.network->enqueue(FakeResponse::json(
        402,
        R"({"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","param":"payment_method","message":"Your card has insufficient funds.","charge":"ch_9"}})",
        {{"Request-Id", "req_card"}}));
    const auto r = run(*f.client, post(QStringLiteral("/v1/payment_intents")));
    QCOMPARE(r.error.kind, Kind::Api);
    QCOMPARE(r.error.httpStatus, 402);
    QCOMPARE(r.error.type, QStringLiteral("card_error"));
    QCOMPARE(r.error.code, QStringLiteral("card_declined"));
    QCOMPARE(r.error.declineCode, QStringLiteral("insufficient_funds"));
    QCOMPARE(r.error.param, QStringLiteral("payment_method"));
    QCOMPARE(r.error.message, QStringLiteral("Your card has insufficient funds."));
    QCOMPARE(r.error.requestId, QStringLiteral("req_card"));
    QVERIFY(!r.error.isRetryable());
    QCOMPARE(r.error.userMessage(),
             QStringLiteral("Your card has insufficient funds. (Request ID req_card)"));
}

void TestStripeClient::nonJsonBody()
{
    StripeClientConfig config;
    config.maxRetries = 1;
    auto f = make(config);
    f.network->enqueue(FakeResponse::json(502, "<html>Bad gateway</html>"));
    f.network->enqueue(FakeResponse::json(200, "{\"id\":"));
    const auto r = run(*f.client, get(QStringLiteral("/v1/balance")));
    QCOMPARE(r.error.kind, Kind::InvalidResponse);
    QCOMPARE(f.network->sent().size(), 2);
    QVERIFY(r.error.message.contains(QStringLiteral("not JSON")));
}

void TestStripeClient::destroyedContextGetsNoCallback()
{
    auto f = make();
    FakeResponse slow = FakeResponse::json(200, kCustomer);
    slow.hang = true;
    f.network->enqueue(slow);
    bool called = false;
    auto *window = new QObject;
    f.client->send(get(QStringLiteral("/v1/customers")), window,
                   [&](const StripeResponse &) { called = true; });
    QTRY_COMPARE(f.network->sent().size(), 1);
    QCOMPARE(f.client->pendingCount(), 1);
    delete window; // The window closes while the request hangs.
    QCOMPARE(f.client->pendingCount(), 0);
    QTRY_COMPARE(f.network->openReplies(), 0);
    QTest::qWait(50); // Give a wrongly-delivered callback the chance to show up.
    QVERIFY(!called);
}

void TestStripeClient::apiBaseValidation_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("stripe") << QStringLiteral("https://api.stripe.com") << true;
    QTest::newRow("https anywhere") << QStringLiteral("https://proxy.example.com/stripe") << true;
    QTest::newRow("http loopback v4") << QStringLiteral("http://127.0.0.1:12111") << true;
    QTest::newRow("http loopback 127/8") << QStringLiteral("http://127.1.2.3:80") << true;
    QTest::newRow("http localhost") << QStringLiteral("http://localhost:8000") << true;
    QTest::newRow("http loopback v6") << QStringLiteral("http://[::1]:8000") << true;
    QTest::newRow("http remote") << QStringLiteral("http://api.stripe.com") << false;
    QTest::newRow("http lan") << QStringLiteral("http://192.168.1.10") << false;
    QTest::newRow("http localhost lookalike")
        << QStringLiteral("http://localhost.evil.com") << false;
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1") << false;
    QTest::newRow("garbage") << QStringLiteral("not a url") << false;
}

void TestStripeClient::apiBaseValidation()
{
    QFETCH(QString, url);
    QFETCH(bool, accepted);
    QCOMPARE(StripeClient::validateApiBase(QUrl(url)).isEmpty(), accepted);
}

void TestStripeClient::refusedBaseSendsNothing()
{
    StripeClientConfig config;
    config.apiBase = QUrl(QStringLiteral("http://api.example.com"));
    auto f = make(config);
    const auto r = run(*f.client, post(QStringLiteral("/v1/refunds")));
    QCOMPARE(r.error.kind, Kind::Configuration);
    QVERIFY(r.error.message.contains(QStringLiteral("loopback")));
    QCOMPARE(f.network->sent().size(), 0);
}

void TestStripeClient::keyNeverLogged()
{
    g_log.clear();
    QLoggingCategory::setFilterRules(QStringLiteral("paydesk.*=true"));
    qInstallMessageHandler(captureLog);
    installRedactingMessageHandler();
    {
        auto f = make();
        f.network->enqueue(FakeResponse::json(500, kServerError));
        f.network->enqueue(FakeResponse::json(
            401,
            R"({"error":{"type":"invalid_request_error","message":"Invalid API Key provided: )"
                + testKey() + R"("}})"));
        run(*f.client,
            get(QStringLiteral("/v1/customers"),
                {{QStringLiteral("email"), QString::fromLatin1(testKey())}}));
    }
    qInstallMessageHandler(nullptr);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY(!g_log.isEmpty()); // The client did log (debug lines, the retry, the failure)…
    for (const QString &line : std::as_const(g_log))
        QVERIFY2(!line.contains(QString::fromLatin1(testKey().mid(8))),
                 qPrintable(line)); // …never the key.
}

QTEST_GUILESS_MAIN(TestStripeClient)
#include "tst_stripeclient.moc"
