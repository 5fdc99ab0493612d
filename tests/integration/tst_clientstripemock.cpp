#include "network/pagination.h"
#include "network/stripeclient.h"
#include "tests/support/peerprocess.h"

#include <QJsonArray>
#include <QTest>

using namespace paydesk::network;
using paydesk::tests::PeerProcess;

// The Stripe client against stripe-stateful-mock, an independent third-party Stripe fake:
// customers, charges, refunds, idempotency and error mapping.
class TestClientStripeMock final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PeerProcess> m_mock;
    std::unique_ptr<StripeClient> m_client;

    StripeResponse call(const QByteArray &method, const QString &path, StripeParams params = {},
                        const QByteArray &idempotencyKey = {})
    {
        StripeRequest request;
        request.method = method;
        request.path = path;
        request.params = std::move(params);
        request.idempotencyKey = idempotencyKey;
        StripeResponse result;
        bool done = false;
        QObject context;
        m_client->send(request, &context, [&](const StripeResponse &r) {
            result = r;
            done = true;
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        }();
        return result;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void customers();
    void chargesAndRefunds();
    void idempotency();
    void errors();
};

void TestClientStripeMock::initTestCase()
{
    m_mock.reset(new PeerProcess(PeerProcess::stripeMock()));
    QVERIFY2(m_mock->start(), qPrintable(m_mock->errorString()));
    StripeClientConfig config;
    config.apiKey = QByteArrayLiteral("sk_test_") + QByteArrayLiteral("clientmock");
    config.apiBase = m_mock->baseUrl();
    config.initialBackoffMs = 5;
    m_client = std::make_unique<StripeClient>(config);
}

void TestClientStripeMock::cleanupTestCase()
{
    m_client.reset();
    if (m_mock)
        QCOMPARE(m_mock->stop(), 0);
}

void TestClientStripeMock::customers()
{
    const auto created = call("POST", QStringLiteral("/v1/customers"),
                              {{QStringLiteral("email"), QStringLiteral("ada+paydesk@example.com")},
                               {QStringLiteral("description"), QStringLiteral("50% & more")},
                               {QStringLiteral("metadata"),
                                QVariantMap {{QStringLiteral("tier"), QStringLiteral("gold")}}}});
    QVERIFY2(created.ok(), qPrintable(created.error.userMessage()));
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QCOMPARE(created.json.value(QStringLiteral("email")).toString(),
             QStringLiteral("ada+paydesk@example.com"));
    QCOMPARE(created.json.value(QStringLiteral("description")).toString(),
             QStringLiteral("50% & more"));
    QCOMPARE(created.json.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("tier"))
                 .toString(),
             QStringLiteral("gold"));

    const auto updated = call("POST", QStringLiteral("/v1/customers/") + id,
                              {{QStringLiteral("name"), QStringLiteral("Ada Lovelace")}});
    QVERIFY(updated.ok());
    QCOMPARE(updated.json.value(QStringLiteral("name")).toString(), QStringLiteral("Ada Lovelace"));
    const auto fetched = call("GET", QStringLiteral("/v1/customers/") + id);
    QCOMPARE(fetched.json.value(QStringLiteral("name")).toString(), QStringLiteral("Ada Lovelace"));

    for (int i = 0; i < 4; ++i)
        QVERIFY(call("POST", QStringLiteral("/v1/customers"),
                     {{QStringLiteral("email"), QStringLiteral("n%1@example.com").arg(i)}})
                    .ok());
    QStringList all;
    bool done = false;
    QObject context;
    Pager::start(
        m_client.get(), QStringLiteral("/v1/customers"), {{QStringLiteral("limit"), 2}}, &context,
        [&](const QJsonArray &page) {
            for (const QJsonValue &v : page)
                all.append(v.toObject().value(QStringLiteral("id")).toString());
            return true;
        },
        [&](const StripeError &e, qint64) {
            QVERIFY2(!e.isError(), qPrintable(e.userMessage()));
            done = true;
        });
    QTRY_VERIFY(done);
    QCOMPARE(all.size(), 5);
    QCOMPARE(QSet<QString>(all.begin(), all.end()).size(), 5);
    QVERIFY(all.contains(id));
}

void TestClientStripeMock::chargesAndRefunds()
{
    const auto charge = call("POST", QStringLiteral("/v1/charges"),
                             {{QStringLiteral("amount"), 2500},
                              {QStringLiteral("currency"), QStringLiteral("usd")},
                              {QStringLiteral("source"), QStringLiteral("tok_visa")}});
    QVERIFY2(charge.ok(), qPrintable(charge.error.userMessage()));
    const QString id = charge.json.value(QStringLiteral("id")).toString();
    QCOMPARE(charge.json.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

    const auto partial = call("POST", QStringLiteral("/v1/refunds"),
                              {{QStringLiteral("charge"), id}, {QStringLiteral("amount"), 1000}});
    QVERIFY2(partial.ok(), qPrintable(partial.error.userMessage()));
    QCOMPARE(partial.json.value(QStringLiteral("amount")).toInteger(), 1000);
    const auto over = call("POST", QStringLiteral("/v1/refunds"),
                           {{QStringLiteral("charge"), id}, {QStringLiteral("amount"), 5000}});
    QCOMPARE(over.error.kind, StripeError::Kind::Api);
    QCOMPARE(over.error.httpStatus, 400);
    QCOMPARE(over.error.type, QStringLiteral("invalid_request_error"));
    QVERIFY(!over.error.message.isEmpty());
    const auto rest = call("POST", QStringLiteral("/v1/refunds"), {{QStringLiteral("charge"), id}});
    QVERIFY(rest.ok());
    const auto again
        = call("POST", QStringLiteral("/v1/refunds"), {{QStringLiteral("charge"), id}});
    QCOMPARE(again.error.code, QStringLiteral("charge_already_refunded"));

    const auto declined
        = call("POST", QStringLiteral("/v1/charges"),
               {{QStringLiteral("amount"), 2500},
                {QStringLiteral("currency"), QStringLiteral("usd")},
                {QStringLiteral("source"), QStringLiteral("tok_chargeDeclinedInsufficientFunds")}});
    QCOMPARE(declined.error.httpStatus, 402);
    QCOMPARE(declined.error.type, QStringLiteral("card_error"));
    QCOMPARE(declined.error.declineCode, QStringLiteral("insufficient_funds"));
    QCOMPARE(declined.attempts, 1); // Card errors are never retried.
}

void TestClientStripeMock::idempotency()
{
    const StripeParams params {{QStringLiteral("amount"), 1200},
                               {QStringLiteral("currency"), QStringLiteral("usd")},
                               {QStringLiteral("source"), QStringLiteral("tok_visa")}};
    const auto first = call("POST", QStringLiteral("/v1/charges"), params, "paydesk-idem-1");
    const auto second = call("POST", QStringLiteral("/v1/charges"), params, "paydesk-idem-1");
    QVERIFY(first.ok() && second.ok());
    QCOMPARE(second.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QVERIFY(second.idempotentReplayed);
    StripeParams different = params;
    different.set(QStringLiteral("amount"), 1300);
    const auto conflict = call("POST", QStringLiteral("/v1/charges"), different, "paydesk-idem-1");
    QCOMPARE(conflict.error.httpStatus, 400);
    QCOMPARE(conflict.error.type, QStringLiteral("idempotency_error"));
}

void TestClientStripeMock::errors()
{
    const auto missing = call("GET", QStringLiteral("/v1/customers/cus_doesnotexist"));
    QCOMPARE(missing.error.httpStatus, 404);
    QCOMPARE(missing.error.code, QStringLiteral("resource_missing"));
    QCOMPARE(missing.attempts, 1);
}

QTEST_GUILESS_MAIN(TestClientStripeMock)
#include "tst_clientstripemock.moc"
