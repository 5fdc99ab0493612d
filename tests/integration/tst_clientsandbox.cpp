#include "network/pagination.h"
#include "network/stripeclient.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace paydesk::network;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

namespace {
const qint64 kNow = 1763800000;
QByteArray key()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("clientsandbox");
}
} // namespace

// The Stripe client over real HTTP against `paydesk sandbox` with faults injected: lists are
// read completely and exactly once, and a POST retried through faults takes effect once.
class TestClientSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PeerProcess> m_sandbox;
    std::unique_ptr<HttpClient> m_control; // Bare HTTP for /_sandbox/ and reference counts.

    std::unique_ptr<StripeClient> client(int maxRetries = 10, double rate = 200)
    {
        StripeClientConfig config;
        config.apiKey = key();
        config.apiBase = m_sandbox->baseUrl();
        config.maxRetries = maxRetries;
        config.initialBackoffMs = 5;
        config.maxBackoffMs = 50;
        config.timeoutMs = 10'000;
        config.rateLimit = rate;
        return std::make_unique<StripeClient>(config);
    }
    void setFaults(const QList<QPair<QString, QString>> &faults)
    {
        QCOMPARE(m_control->post(QStringLiteral("/_sandbox/faults"), faults).status, 200);
    }
    qint64 objects(const QString &type)
    {
        return m_control->get(QStringLiteral("/_sandbox/stats"))
            .json.value(QStringLiteral("objects"))
            .toObject()
            .value(type)
            .toInteger();
    }
    qint64 counter(const QString &name)
    {
        return m_control->get(QStringLiteral("/_sandbox/stats"))
            .json.value(QStringLiteral("counters"))
            .toObject()
            .value(name)
            .toInteger();
    }

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void sequentialListThroughFaults();
    void reverseList();
    void searchPagination();
    void parallelListerThroughFaultsAndRateLimit_data();
    void parallelListerThroughFaultsAndRateLimit();
    void parallelListerWithWindow();
    void retriedRefundHappensOnce();
    void apiErrorsComeThrough();
};

void TestClientSandbox::initTestCase()
{
    m_sandbox.reset(new PeerProcess(PeerProcess::sandbox(
        {QStringLiteral("--scale"), QStringLiteral("5000"), QStringLiteral("--seed"),
         QStringLiteral("9"), QStringLiteral("--now"), QString::number(kNow)})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
    m_control = std::make_unique<HttpClient>(m_sandbox->baseUrl(), key());
}

void TestClientSandbox::cleanup()
{
    setFaults({{QStringLiteral("fail_rate"), QStringLiteral("0")},
               {QStringLiteral("drop_rate"), QStringLiteral("0")},
               {QStringLiteral("malformed_rate"), QStringLiteral("0")},
               {QStringLiteral("rate_limit"), QStringLiteral("0")},
               {QStringLiteral("latency_ms"), QStringLiteral("0")}});
}

void TestClientSandbox::sequentialListThroughFaults()
{
    setFaults({{QStringLiteral("fail_rate"), QStringLiteral("0.15")},
               {QStringLiteral("drop_rate"), QStringLiteral("0.05")},
               {QStringLiteral("malformed_rate"), QStringLiteral("0.05")}});
    auto c = client();
    QSet<QString> seen;
    qint64 duplicates = 0, pages = 0;
    bool done = false;
    StripeError error;
    QObject context;
    Pager::start(
        c.get(), QStringLiteral("/v1/charges"), {}, &context,
        [&](const QJsonArray &data) {
            ++pages;
            for (const QJsonValue &v : data) {
                const QString id = v.toObject().value(QStringLiteral("id")).toString();
                if (seen.contains(id))
                    ++duplicates;
                seen.insert(id);
            }
            return true;
        },
        [&](const StripeError &e, qint64) {
            error = e;
            done = true;
        });
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    cleanup();
    QVERIFY2(!error.isError(), qPrintable(error.userMessage()));
    QCOMPARE(duplicates, 0);
    QCOMPARE(qint64(seen.size()), objects(QStringLiteral("charge")));
    QVERIFY(counter(QStringLiteral("faults.server_error")) > 0); // Faults really happened.
    QVERIFY(counter(QStringLiteral("faults.dropped")) + counter(QStringLiteral("faults.malformed"))
            > 0);
}

void TestClientSandbox::reverseList()
{
    auto c = client();
    // Start from the fifth-newest charge and walk towards newer ones.
    const auto top = m_control->get(QStringLiteral("/v1/charges?limit=5"));
    const QJsonArray data = top.json.value(QStringLiteral("data")).toArray();
    const QString cursor = data.last().toObject().value(QStringLiteral("id")).toString();
    QStringList ids;
    bool done = false;
    QObject context;
    Pager::start(
        c.get(), QStringLiteral("/v1/charges"),
        {{QStringLiteral("ending_before"), cursor}, {QStringLiteral("limit"), 2}}, &context,
        [&](const QJsonArray &page) {
            for (const QJsonValue &v : page)
                ids.append(v.toObject().value(QStringLiteral("id")).toString());
            return true;
        },
        [&](const StripeError &, qint64) { done = true; }, Pager::Mode::Reverse);
    QTRY_VERIFY(done);
    QCOMPARE(ids.size(), 4);
    QSet<QString> expected;
    for (int i = 0; i < 4; ++i)
        expected.insert(data.at(i).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()), expected);
}

void TestClientSandbox::searchPagination()
{
    auto c = client();
    const QString query = QStringLiteral("amount>20000 AND status:'succeeded'");
    const qint64 total = m_control
                             ->get(QStringLiteral("/v1/charges/search?limit=1&query=")
                                   + QString::fromLatin1(QUrl::toPercentEncoding(query)))
                             .json.value(QStringLiteral("total_count"))
                             .toInteger();
    QVERIFY(total > 100);
    QSet<QString> seen;
    bool done = false;
    QObject context;
    Pager::start(
        c.get(), QStringLiteral("/v1/charges/search"), {{QStringLiteral("query"), query}}, &context,
        [&](const QJsonArray &page) {
            for (const QJsonValue &v : page)
                seen.insert(v.toObject().value(QStringLiteral("id")).toString());
            return true;
        },
        [&](const StripeError &, qint64) { done = true; }, Pager::Mode::Search);
    QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
    QCOMPARE(qint64(seen.size()), total);
}

void TestClientSandbox::parallelListerThroughFaultsAndRateLimit_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("concurrency");
    QTest::addColumn<QString>("rateLimit");
    QTest::newRow("charges, 8 slices")
        << QStringLiteral("/v1/charges") << QStringLiteral("charge") << 8 << QStringLiteral("0");
    QTest::newRow("charges, 429s")
        << QStringLiteral("/v1/charges") << QStringLiteral("charge") << 16 << QStringLiteral("20");
    QTest::newRow("events, 3 slices")
        << QStringLiteral("/v1/events") << QStringLiteral("event") << 3 << QStringLiteral("0");
    QTest::newRow("customers, 1 slice") << QStringLiteral("/v1/customers")
                                        << QStringLiteral("customer") << 1 << QStringLiteral("0");
    // The whole account: a probe first, the oldest slice open below a window that starts
    // after most objects were created (an account connected late).
    QTest::newRow("charges, whole account")
        << QStringLiteral("/v1/charges") << QStringLiteral("charge") << 8 << QStringLiteral("0");
    QTest::newRow("charges, whole account, 429s")
        << QStringLiteral("/v1/charges") << QStringLiteral("charge") << 16 << QStringLiteral("20");
    QTest::newRow("customers, whole account")
        << QStringLiteral("/v1/customers") << QStringLiteral("customer") << 4
        << QStringLiteral("0");
}

void TestClientSandbox::parallelListerThroughFaultsAndRateLimit()
{
    QFETCH(QString, path);
    QFETCH(QString, type);
    QFETCH(int, concurrency);
    QFETCH(QString, rateLimit);
    setFaults({{QStringLiteral("fail_rate"), QStringLiteral("0.1")},
               {QStringLiteral("drop_rate"), QStringLiteral("0.05")},
               {QStringLiteral("malformed_rate"), QStringLiteral("0.05")},
               {QStringLiteral("rate_limit"), rateLimit}});
    auto c = client(
        12,
        rateLimit == QLatin1String("0") ? 200 : 30); // Client rate above the server's: 429s happen.
    ParallelLister::Options options;
    options.createdFrom = kNow - 800 * 86400;
    options.createdTo = kNow + 86400;
    options.concurrency = concurrency;
    options.slicesPerSlot = 6; // Many boundaries: that is where objects could be lost.
    options.wholeAccount = QByteArray(QTest::currentDataTag()).contains("whole account");
    if (options.wholeAccount)
        options.createdFrom = kNow - 20 * 86400;
    ParallelLister lister(c.get(), path, {}, options);
    QHash<QString, int> seen;
    connect(&lister, &ParallelLister::objectsReceived, this, [&](const QJsonArray &data) {
        for (const QJsonValue &v : data)
            ++seen[v.toObject().value(QStringLiteral("id")).toString()];
    });
    bool done = false, ok = false;
    QString message;
    connect(&lister, &ParallelLister::finished, this, [&](bool success, const QString &m) {
        done = true;
        ok = success;
        message = m;
    });
    const qint64 limitedBefore = counter(QStringLiteral("faults.rate_limited"));
    lister.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 120000);
    cleanup();
    QVERIFY2(ok, qPrintable(message));
    QCOMPARE(qint64(seen.size()), objects(type));
    for (auto it = seen.begin(); it != seen.end(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(it.key()));
    QCOMPARE(lister.received(), objects(type));
    if (rateLimit != QLatin1String("0"))
        QVERIFY(counter(QStringLiteral("faults.rate_limited"))
                > limitedBefore); // 429s were absorbed.
}

void TestClientSandbox::parallelListerWithWindow()
{
    // A created window plus a filter: the lister adds its slices inside the caller's params.
    auto c = client();
    const qint64 from = kNow - 60 * 86400, to = kNow - 30 * 86400;
    const auto reference
        = m_control->get(QStringLiteral("/v1/charges/search?limit=1&query=")
                         + QString::fromLatin1(QUrl::toPercentEncoding(
                             QStringLiteral("created>=%1 AND created<%2").arg(from).arg(to))));
    const qint64 expected = reference.json.value(QStringLiteral("total_count")).toInteger();
    QVERIFY(expected > 0);
    ParallelLister::Options options;
    options.createdFrom = from;
    options.createdTo = to;
    options.concurrency = 4;
    options.slicesPerSlot = 4;
    ParallelLister lister(c.get(), QStringLiteral("/v1/charges"), {}, options);
    qint64 count = 0;
    connect(&lister, &ParallelLister::objectsReceived, this, [&](const QJsonArray &data) {
        for (const QJsonValue &v : data) {
            const qint64 created = v.toObject().value(QStringLiteral("created")).toInteger();
            QVERIFY(created >= from && created < to);
            ++count;
        }
    });
    bool done = false;
    connect(&lister, &ParallelLister::finished, this, [&] { done = true; });
    lister.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    QCOMPARE(count, expected);
}

void TestClientSandbox::retriedRefundHappensOnce()
{
    // Find a refundable charge.
    QString charge;
    const auto page = m_control->get(QStringLiteral("/v1/charges?limit=100"));
    for (const QJsonValue &v : page.json.value(QStringLiteral("data")).toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("status")).toString() == QLatin1String("succeeded")
            && o.value(QStringLiteral("amount_refunded")).toInteger() == 0
            && !o.value(QStringLiteral("disputed")).toBool()) {
            charge = o.value(QStringLiteral("id")).toString();
            break;
        }
    }
    QVERIFY(!charge.isEmpty());
    const qint64 before = counter(QStringLiteral("refunds_created"));
    // Half the answers are lost after the refund took effect, a third fail before.
    setFaults({{QStringLiteral("drop_rate"), QStringLiteral("0.5")},
               {QStringLiteral("fail_rate"), QStringLiteral("0.3")}});
    auto c = client(20);
    StripeRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/refunds");
    request.params = {{QStringLiteral("charge"), charge}, {QStringLiteral("amount"), 100}};
    StripeResponse response;
    bool done = false;
    QObject context;
    c->send(request, &context, [&](const StripeResponse &r) {
        response = r;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    cleanup();
    QVERIFY2(response.ok(), qPrintable(response.error.userMessage()));
    QCOMPARE(response.json.value(QStringLiteral("amount")).toInteger(), 100);
    QCOMPARE(counter(QStringLiteral("refunds_created")), before + 1);
    QCOMPARE(m_control->get(QStringLiteral("/v1/charges/") + charge)
                 .json.value(QStringLiteral("amount_refunded"))
                 .toInteger(),
             100);
}

void TestClientSandbox::apiErrorsComeThrough()
{
    auto c = client();
    StripeRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/refunds");
    request.params = {{QStringLiteral("charge"), QStringLiteral("ch_missing")}};
    StripeResponse response;
    bool done = false;
    QObject context;
    c->send(request, &context, [&](const StripeResponse &r) {
        response = r;
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QCOMPARE(response.error.httpStatus, 404);
    QCOMPARE(response.error.code, QStringLiteral("resource_missing"));
    QCOMPARE(response.error.param, QStringLiteral("charge"));
    QVERIFY(response.error.requestId.startsWith(QLatin1String("req_")));
    QCOMPARE(response.attempts, 1);
}

QTEST_GUILESS_MAIN(TestClientSandbox)
#include "tst_clientsandbox.moc"
