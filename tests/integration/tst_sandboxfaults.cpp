#include "sandbox/httpserver.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/httpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QTest>

using namespace paydesk::sandbox;
using paydesk::tests::HttpClient;

// Fault injection and webhooks of an in-process sandbox (fixture data, real HTTP on loopback).
class TestSandboxFaults final : public QObject
{
    Q_OBJECT

private:
    static QByteArray key() { return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("faults"); }
    std::unique_ptr<StripeSandbox> start(const SandboxOptions &options = {})
    {
        SandboxOptions o = options;
        o.scale = 300;
        o.now = 1763800000;
        auto s = std::make_unique<StripeSandbox>(o);
        if (!s->load() || !s->listen())
            return {};
        return s;
    }

private Q_SLOTS:
    void serverErrorsSayRetry();
    void rateLimitAnswers429();
    void droppedConnectionAfterTheEffect();
    void malformedBodies();
    void latencyDelaysTheAnswer();
    void faultsConfigurableAtRunTime();
    void webhooksAreSigned();
    void refusalsSayDoNotRetry();
};

void TestSandboxFaults::refusalsSayDoNotRetry()
{
    // As Stripe: a request refused for what it asks is not to be retried; success says nothing.
    auto s = start(SandboxOptions {});
    QVERIFY(s);
    HttpClient http(s->baseUrl(), key());
    const auto missing = http.get(QStringLiteral("/v1/customers/cus_nobody"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.header("Stripe-Should-Retry"), QByteArray("false"));
    const auto bad = http.get(QStringLiteral("/v1/customers?limit=1000"));
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.header("Stripe-Should-Retry"), QByteArray("false"));
    const auto ok = http.get(QStringLiteral("/v1/customers?limit=1"));
    QCOMPARE(ok.status, 200);
    QVERIFY(ok.header("Stripe-Should-Retry").isEmpty());
}

void TestSandboxFaults::serverErrorsSayRetry()
{
    SandboxOptions o;
    o.faults.failRate = 1.0;
    auto s = start(o);
    QVERIFY(s);
    HttpClient http(s->baseUrl(), key());
    const qsizetype before = s->store().customers.size();
    for (int i = 0; i < 6; ++i) {
        const auto r = http.get(QStringLiteral("/v1/customers"));
        QVERIFY(r.status == 500 || r.status == 503);
        QCOMPARE(r.errorType(), QStringLiteral("api_error"));
        QCOMPARE(r.header("Stripe-Should-Retry"), QByteArray("true"));
    }
    // A failed POST did not take effect.
    http.post(QStringLiteral("/v1/customers"),
              {{QStringLiteral("email"), QStringLiteral("a@b.co")}}, "k1");
    QCOMPARE(s->store().customers.size(), before);
}

void TestSandboxFaults::rateLimitAnswers429()
{
    SandboxOptions o;
    o.faults.rateLimit = 3;
    auto s = start(o);
    HttpClient http(s->baseUrl(), key());
    int limited = 0, ok = 0;
    for (int i = 0; i < 10; ++i) {
        const auto r = http.get(QStringLiteral("/v1/customers?limit=1"));
        if (r.status == 429) {
            ++limited;
            QCOMPARE(r.errorCode(), QStringLiteral("rate_limit"));
            QCOMPARE(r.header("Retry-After"), QByteArray("1"));
            QCOMPARE(r.header("Stripe-Should-Retry"), QByteArray("true"));
        } else {
            QCOMPARE(r.status, 200);
            ++ok;
        }
    }
    // Three per one-second window: the first three pass, and unless the machine is very slow
    // (more than three seconds for ten requests) some are refused.
    QVERIFY2(ok >= 3 && limited >= 1, qPrintable(QString::number(ok)));
    QCOMPARE(ok + limited, 10);
}

void TestSandboxFaults::droppedConnectionAfterTheEffect()
{
    SandboxOptions o;
    o.faults.dropRate = 1.0;
    auto s = start(o);
    HttpClient http(s->baseUrl(), key());
    const qsizetype before = s->store().customers.size();
    const auto r
        = http.post(QStringLiteral("/v1/customers"),
                    {{QStringLiteral("email"), QStringLiteral("d@example.com")}}, "drop-1");
    QVERIFY(r.error != QNetworkReply::NoError);
    QVERIFY(!r.jsonValid);
    // The customer exists although the client never saw the answer; retrying with the same key
    // replays instead of creating a second one.
    QCOMPARE(s->store().customers.size(), before + 1);
    s->setFaults({});
    const auto retry
        = http.post(QStringLiteral("/v1/customers"),
                    {{QStringLiteral("email"), QStringLiteral("d@example.com")}}, "drop-1");
    QCOMPARE(retry.status, 200);
    QCOMPARE(retry.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(s->store().customers.size(), before + 1);
}

void TestSandboxFaults::malformedBodies()
{
    SandboxOptions o;
    o.faults.malformedRate = 1.0;
    auto s = start(o);
    HttpClient http(s->baseUrl(), key());
    for (int i = 0; i < 8; ++i) {
        const auto r = http.get(QStringLiteral("/v1/charges?limit=3"));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.jsonValid);
    }
}

void TestSandboxFaults::latencyDelaysTheAnswer()
{
    SandboxOptions o;
    o.faults.latencyMs = 300;
    auto s = start(o);
    HttpClient http(s->baseUrl(), key());
    QElapsedTimer t;
    t.start();
    QCOMPARE(http.get(QStringLiteral("/v1/account")).status, 200);
    QVERIFY(t.elapsed() >= 290); // A lower bound only: the sandbox must not answer early.
}

void TestSandboxFaults::faultsConfigurableAtRunTime()
{
    auto s = start();
    HttpClient http(s->baseUrl(), key());
    QCOMPARE(http.get(QStringLiteral("/v1/account")).status, 200);
    QCOMPARE(http.post(QStringLiteral("/_sandbox/faults"),
                       {{QStringLiteral("fail_rate"), QStringLiteral("1")}})
                 .status,
             200);
    QVERIFY(http.get(QStringLiteral("/v1/account")).status >= 500);
    http.post(QStringLiteral("/_sandbox/faults"),
              {{QStringLiteral("fail_rate"), QStringLiteral("0")}});
    QCOMPARE(http.get(QStringLiteral("/v1/account")).status, 200);
    const auto stats = http.get(QStringLiteral("/_sandbox/stats")).json;
    QCOMPARE(stats.value(QStringLiteral("counters"))
                 .toObject()
                 .value(QStringLiteral("faults.server_error"))
                 .toInteger(),
             1);
    QCOMPARE(stats.value(QStringLiteral("endpoints"))
                 .toObject()
                 .value(QStringLiteral("GET /v1/account"))
                 .toInteger(),
             3);
}

void TestSandboxFaults::webhooksAreSigned()
{
    QList<HttpRequest> received;
    HttpServer receiver([&](const HttpRequest &r) {
        received.append(r);
        return HttpResponse {200, {}, "{}", 0, HttpResponse::Delivery::Normal};
    });
    QVERIFY(receiver.listen());
    SandboxOptions o;
    o.webhookUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(receiver.port()));
    o.webhookSecret = QByteArrayLiteral("whsec_") + QByteArrayLiteral("testsecret");
    auto s = start(o);
    HttpClient http(s->baseUrl(), key());
    QCOMPARE(http.post(QStringLiteral("/v1/customers"),
                       {{QStringLiteral("email"), QStringLiteral("w@example.com")}})
                 .status,
             200);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
    const HttpRequest &hook = received.first();
    QCOMPARE(hook.path, QByteArray("/webhook"));
    const QByteArray header = hook.header("stripe-signature");
    const QByteArray t = header.split(',').value(0).mid(2);
    const QByteArray v1 = header.split(',').value(1).mid(3);
    const QByteArray expected
        = QMessageAuthenticationCode::hash(t + '.' + hook.body, o.webhookSecret,
                                           QCryptographicHash::Sha256)
              .toHex();
    QCOMPARE(v1, expected);
    const QJsonObject event = QJsonDocument::fromJson(hook.body).object();
    QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("customer.created"));
    QCOMPARE(event.value(QStringLiteral("pending_webhooks")).toInteger(), 1);
}

QTEST_GUILESS_MAIN(TestSandboxFaults)
#include "tst_sandboxfaults.moc"
