#include "network/redaction.h"
#include "sandbox/httpserver.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;
using Form = QList<QPair<QString, QString>>;

namespace {
const qint64 kNow = 1763800000; // Fixed clock: the same merchant on every run.
QByteArray testKey()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("sandboxsuite");
}
QStringList ids(const HttpClient::Response &r)
{
    QStringList out;
    for (const QJsonValue &v : r.json.value(QStringLiteral("data")).toArray())
        out.append(v.toObject().value(QStringLiteral("id")).toString());
    return out;
}
} // namespace

// Every endpoint of the sandbox over real HTTP, against a `paydesk sandbox` child process.
class TestSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PeerProcess> m_peer;
    std::unique_ptr<HttpClient> m_http;
    QJsonObject stats() { return m_http->get(QStringLiteral("/_sandbox/stats")).json; }
    qint64 counter(const QString &name)
    {
        return stats().value(QStringLiteral("counters")).toObject().value(name).toInteger();
    }
    QString firstSucceededCharge(qint64 minAmount)
    {
        QString after;
        for (int page = 0; page < 50; ++page) {
            const auto r = m_http->get(
                QStringLiteral("/v1/charges?limit=100")
                + (after.isEmpty() ? QString() : QStringLiteral("&starting_after=") + after));
            for (const QJsonValue &v : r.json.value(QStringLiteral("data")).toArray()) {
                const QJsonObject c = v.toObject();
                if (c.value(QStringLiteral("status")).toString() == QLatin1String("succeeded")
                    && c.value(QStringLiteral("amount_refunded")).toInteger() == 0
                    && !c.value(QStringLiteral("disputed")).toBool()
                    && c.value(QStringLiteral("currency")).toString() == QLatin1String("usd")
                    && c.value(QStringLiteral("amount")).toInteger() >= minAmount)
                    return c.value(QStringLiteral("id")).toString();
                after = c.value(QStringLiteral("id")).toString();
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void authentication_data();
    void authentication();
    void accountAndBalance();
    void listDefaultsAndLimits_data();
    void listDefaultsAndLimits();
    void unknownParametersAreRefused_data();
    void unknownParametersAreRefused();
    void paginationWalksEveryObjectOnce();
    void endingBeforeReturnsThePreviousPage();
    void unknownCursorIsMissing();
    void createdFilters();
    void expandCustomerAndBalanceTransaction();
    void customerLifecycle();
    void customerSearch();
    void chargeSearch();
    void refundsPartialFullAndErrors();
    void refundViaPaymentIntent();
    void idempotentRefundHappensOnce();
    void paymentIntentConfirm_data();
    void paymentIntentConfirm();
    void subscriptionsListAndCancel();
    void subscriptionItemsInvoicesDisputesPaymentMethods();
    void eventsFilters();
    void restrictedKeyPermissions();
    void unknownRouteIs404();
    void everyRouteChecksItsParameters();
    void nothingIsCreatedAfterNowAndTheDateHeaderTellsTheClock();
};

void TestSandbox::initTestCase()
{
    // new T(prvalue) constructs in place: PeerProcess cannot be copied or moved.
    m_peer.reset(new PeerProcess(PeerProcess::sandbox(
        {QStringLiteral("--scale"), QStringLiteral("3000"), QStringLiteral("--seed"),
         QStringLiteral("5"), QStringLiteral("--now"), QString::number(kNow)})));
    QVERIFY2(m_peer->start(), qPrintable(m_peer->errorString()));
    m_http = std::make_unique<HttpClient>(m_peer->baseUrl(), testKey());
}

void TestSandbox::cleanupTestCase()
{
    m_http.reset();
    if (m_peer) {
        QCOMPARE(m_peer->stop(), 0); // SIGTERM stops it cleanly.
        QVERIFY(!paydesk::network::containsSecret(QString::fromUtf8(m_peer->standardError())));
    }
}

void TestSandbox::authentication_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("bearer") << QByteArray("Bearer " + testKey()) << 200 << QString();
    QTest::newRow("basic") << QByteArray("Basic " + QByteArray(testKey() + ':').toBase64()) << 200
                           << QString();
    QTest::newRow("none") << QByteArray() << 401 << QString();
    QTest::newRow("live key") << QByteArray("Bearer sk_live_" + QByteArray("somethingelse")) << 401
                              << QStringLiteral("api_key_invalid");
    QTest::newRow("garbage") << QByteArray("Bearer nope") << 401
                             << QStringLiteral("api_key_invalid");
    QTest::newRow("unknown restricted") << QByteArray("Bearer rk_test_" + QByteArray("unknownkey"))
                                        << 401 << QStringLiteral("api_key_invalid");
}

void TestSandbox::authentication()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, code);
    HttpClient anonymous(m_peer->baseUrl());
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.append({QByteArray("Authorization"), authorization});
    const auto r = anonymous.send("GET", QStringLiteral("/v1/customers?limit=1"), {}, headers);
    QCOMPARE(r.status, status);
    QVERIFY(r.header("Request-Id").startsWith("req_"));
    if (status != 200) {
        QCOMPARE(r.errorType(), QStringLiteral("invalid_request_error"));
        QCOMPARE(r.errorCode(), code);
        // The key is never echoed back in full.
        QVERIFY(!r.body.contains("somethingelse"));
    }
}

void TestSandbox::accountAndBalance()
{
    const auto account = m_http->get(QStringLiteral("/v1/account"));
    QCOMPARE(account.status, 200);
    QCOMPARE(account.json.value(QStringLiteral("object")).toString(), QStringLiteral("account"));
    QVERIFY(account.json.value(QStringLiteral("id")).toString().startsWith(QLatin1String("acct_")));
    const auto balance = m_http->get(QStringLiteral("/v1/balance"));
    QCOMPARE(balance.status, 200);
    QCOMPARE(balance.json.value(QStringLiteral("object")).toString(), QStringLiteral("balance"));
    QVERIFY(balance.json.value(QStringLiteral("available"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("amount"))
                .toInteger()
            > 0);
}

void TestSandbox::listDefaultsAndLimits_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("count");
    QTest::newRow("default 10") << QStringLiteral("/v1/charges") << 200 << 10;
    QTest::newRow("limit 1") << QStringLiteral("/v1/charges?limit=1") << 200 << 1;
    QTest::newRow("limit 100") << QStringLiteral("/v1/charges?limit=100") << 200 << 100;
    QTest::newRow("limit 0") << QStringLiteral("/v1/charges?limit=0") << 400 << 0;
    QTest::newRow("limit 101") << QStringLiteral("/v1/charges?limit=101") << 400 << 0;
    QTest::newRow("limit text") << QStringLiteral("/v1/charges?limit=ten") << 400 << 0;
    QTest::newRow("both cursors") << QStringLiteral("/v1/charges?starting_after=a&ending_before=b")
                                  << 400 << 0;
    QTest::newRow("empty window")
        << QStringLiteral("/v1/charges?created[gt]=%1").arg(kNow + 10 * 86400) << 200 << 0;
}

void TestSandbox::listDefaultsAndLimits()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(int, count);
    const auto r = m_http->get(query);
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(r.json.value(QStringLiteral("object")).toString(), QStringLiteral("list"));
        QCOMPARE(r.json.value(QStringLiteral("data")).toArray().size(), count);
        QCOMPARE(r.json.value(QStringLiteral("has_more")).toBool(), count > 0);
        QCOMPARE(r.json.value(QStringLiteral("url")).toString(), QStringLiteral("/v1/charges"));
    } else {
        QCOMPARE(r.errorType(), QStringLiteral("invalid_request_error"));
    }
}

void TestSandbox::unknownParametersAreRefused_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("unknown"); // Empty: accepted.
    // Every parameter Stripe's spec gives the endpoint is taken, anything else refused.
    QTest::newRow("list, bogus") << "GET"
                                 << "/v1/charges?bogus=1"
                                 << ""
                                 << "bogus";
    QTest::newRow("list, misspelt cursor") << "GET"
                                           << "/v1/charges?limit=3&starting_afer=ch_1"
                                           << ""
                                           << "starting_afer";
    QTest::newRow("list, every known one")
        << "GET"
        << "/v1/charges?limit=3&created[gte]=1&customer=cus_x&expand[]=data.customer"
        << ""
        << "";
    QTest::newRow("customers with their default method")
        << "GET"
        << "/v1/customers?limit=2&expand[]=data.invoice_settings.default_payment_method"
        << ""
        << "";
    QTest::newRow("subscriptions, status all") << "GET"
                                               << "/v1/subscriptions?status=all"
                                               << ""
                                               << "";
    QTest::newRow("refund, misspelt amount") << "POST"
                                             << "/v1/refunds"
                                             << "charge=ch_x&amout=100"
                                             << "amout";
    QTest::newRow("customer, nested unknown top") << "POST"
                                                  << "/v1/customers"
                                                  << "email=a@example.com&colour[x]=1"
                                                  << "colour";
}

void TestSandbox::unknownParametersAreRefused()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, form);
    QFETCH(QString, unknown);
    QList<QPair<QString, QString>> fields;
    for (const QString &pair : form.split(u'&', Qt::SkipEmptyParts))
        fields.append({pair.section(u'=', 0, 0), pair.section(u'=', 1)});
    const auto r = method == QLatin1String("GET") ? m_http->get(path) : m_http->post(path, fields);
    if (unknown.isEmpty()) {
        QVERIFY2(r.errorCode() != QLatin1String("parameter_unknown"),
                 qPrintable(QString::fromUtf8(QJsonDocument(r.json).toJson())));
        if (method == QLatin1String("GET"))
            QCOMPARE(r.status, 200);
        return;
    }
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorType(), QStringLiteral("invalid_request_error"));
    QCOMPARE(r.errorCode(), QStringLiteral("parameter_unknown"));
    QCOMPARE(r.json[QStringLiteral("error")][QStringLiteral("param")].toString(), unknown);
    QCOMPARE(r.json[QStringLiteral("error")][QStringLiteral("message")].toString(),
             QStringLiteral("Received unknown parameter: ") + unknown);
    QCOMPARE(r.header("Stripe-Should-Retry"), QByteArray("false"));
}

void TestSandbox::nothingIsCreatedAfterNowAndTheDateHeaderTellsTheClock()
{
    // The demo history ends at --now: an object or event dated later would be "newer" than
    // everything the API does afterwards, and clients order cached state by Stripe's clock.
    const auto account = m_http->get(QStringLiteral("/v1/account"));
    const QDateTime date
        = QLocale::c().toDateTime(QString::fromLatin1(account.header("Date")),
                                  QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    QVERIFY2(date.isValid(), account.header("Date").constData());
    QDateTime utc = date;
    utc.setTimeZone(QTimeZone::utc());
    const qint64 serverNow = utc.toSecsSinceEpoch();
    QVERIFY(serverNow >= kNow && serverNow < kNow + 3600);
    // A merchant of the demo's default size: its subscriptions' payment retries run up to the
    // end of the history.
    PeerProcess big(PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("50000"),
                                          QStringLiteral("--now"), QString::number(kNow)}));
    QVERIFY2(big.start(), qPrintable(big.errorString()));
    HttpClient http(big.baseUrl(), testKey());
    for (const char *list : {"charges", "payment_intents", "events", "invoices", "refunds"}) {
        // Newest first: the first page holds the newest.
        const auto r = http.get(QStringLiteral("/v1/%1?limit=5").arg(QLatin1String(list)));
        QCOMPARE(r.status, 200);
        for (const QJsonValue &v : r.json.value(QStringLiteral("data")).toArray())
            QVERIFY2(v[QStringLiteral("created")].toInteger() <= kNow,
                     qPrintable(QStringLiteral("%1 %2 created %3 s after now")
                                    .arg(QLatin1String(list), v[QStringLiteral("id")].toString())
                                    .arg(v[QStringLiteral("created")].toInteger() - kNow)));
    }
    // A business's life, not a pile-up at "now": refunds and disputes come days to weeks after
    // their payments, so the last day has about as many as any other (it had every refund of
    // the last month's payments, dated a minute ago), and no dispute is won or lost while its
    // evidence is still due.
    auto countSince = [&](const char *list, qint64 from, qint64 to) {
        qint64 n = 0;
        QString after;
        for (;;) {
            const auto r = http.get(
                QStringLiteral("/v1/%1?limit=100&created[gte]=%2&created[lt]=%3%4")
                    .arg(QLatin1String(list))
                    .arg(from)
                    .arg(to)
                    .arg(after.isEmpty() ? QString() : QStringLiteral("&starting_after=") + after));
            const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
            n += data.size();
            if (!r.json.value(QStringLiteral("has_more")).toBool() || data.isEmpty())
                return n;
            after = data.last()[QStringLiteral("id")].toString();
        }
    };
    const qint64 day = 86400;
    const qint64 lastDay = countSince("refunds", kNow - day, kNow + 1);
    const qint64 month = countSince("refunds", kNow - 31 * day, kNow - day);
    QVERIFY(month > 0);
    QVERIFY2(lastDay * 30 <= 3 * month + 30,
             qPrintable(QStringLiteral("%1 refunds on the last day, %2 in the 30 days before")
                            .arg(lastDay)
                            .arg(month)));
    QString after;
    int decided = 0;
    for (;;) {
        const auto r = http.get(
            QStringLiteral("/v1/disputes?limit=100")
            + (after.isEmpty() ? QString() : QStringLiteral("&starting_after=") + after));
        const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
        for (const QJsonValue &d : data) {
            const QString status = d[QStringLiteral("status")].toString();
            if (status == QLatin1String("won") || status == QLatin1String("lost")) {
                ++decided;
                QVERIFY2(d[QStringLiteral("evidence_details")][QStringLiteral("due_by")].toInteger()
                             < kNow,
                         qPrintable(d[QStringLiteral("id")].toString()));
            }
        }
        if (!r.json.value(QStringLiteral("has_more")).toBool() || data.isEmpty())
            break;
        after = data.last()[QStringLiteral("id")].toString();
    }
    QVERIFY(decided > 0);
}

void TestSandbox::paginationWalksEveryObjectOnce()
{
    const qint64 expected = stats()
                                .value(QStringLiteral("objects"))
                                .toObject()
                                .value(QStringLiteral("customer"))
                                .toInteger();
    QVERIFY(expected > 100);
    QSet<QString> seen;
    qint64 lastCreated = std::numeric_limits<qint64>::max();
    QString after;
    bool more = true;
    while (more) {
        const auto r = m_http->get(
            QStringLiteral("/v1/customers?limit=100")
            + (after.isEmpty() ? QString() : QStringLiteral("&starting_after=") + after));
        QCOMPARE(r.status, 200);
        const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
        for (const QJsonValue &v : data) {
            const QJsonObject o = v.toObject();
            QVERIFY2(!seen.contains(o.value(QStringLiteral("id")).toString()), "no object twice");
            seen.insert(o.value(QStringLiteral("id")).toString());
            QVERIFY(o.value(QStringLiteral("created")).toInteger() <= lastCreated); // Newest first.
            lastCreated = o.value(QStringLiteral("created")).toInteger();
        }
        more = r.json.value(QStringLiteral("has_more")).toBool();
        if (!data.isEmpty())
            after = data.last().toObject().value(QStringLiteral("id")).toString();
    }
    QCOMPARE(qint64(seen.size()), expected);
}

void TestSandbox::endingBeforeReturnsThePreviousPage()
{
    const auto first = m_http->get(QStringLiteral("/v1/charges?limit=5"));
    const auto second
        = m_http->get(QStringLiteral("/v1/charges?limit=5&starting_after=") + ids(first).last());
    const auto back
        = m_http->get(QStringLiteral("/v1/charges?limit=5&ending_before=") + ids(second).first());
    QCOMPARE(ids(back), ids(first));
    QCOMPARE(back.json.value(QStringLiteral("has_more")).toBool(),
             false); // Nothing newer than the first page.
    const auto partial
        = m_http->get(QStringLiteral("/v1/charges?limit=3&ending_before=") + ids(second).first());
    QCOMPARE(ids(partial), ids(first).mid(2));
    QCOMPARE(partial.json.value(QStringLiteral("has_more")).toBool(), true);
}

void TestSandbox::unknownCursorIsMissing()
{
    const auto r = m_http->get(QStringLiteral("/v1/charges?starting_after=ch_doesnotexist"));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("resource_missing"));
    QCOMPARE(
        r.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("param")).toString(),
        QStringLiteral("starting_after"));
}

void TestSandbox::createdFilters()
{
    const qint64 from = kNow - 40 * 86400, to = kNow - 10 * 86400;
    const auto r = m_http->get(
        QStringLiteral("/v1/charges?limit=100&created[gte]=%1&created[lt]=%2").arg(from).arg(to));
    QCOMPARE(r.status, 200);
    QVERIFY(!ids(r).isEmpty());
    for (const QJsonValue &v : r.json.value(QStringLiteral("data")).toArray()) {
        const qint64 c = v.toObject().value(QStringLiteral("created")).toInteger();
        QVERIFY(c >= from && c < to);
    }
    QCOMPARE(m_http->get(QStringLiteral("/v1/charges?created[gte]=soon")).status, 400);
}

void TestSandbox::expandCustomerAndBalanceTransaction()
{
    const auto r = m_http->get(QStringLiteral(
        "/v1/charges?limit=20&expand[]=data.customer&expand[]=data.balance_transaction"));
    QCOMPARE(r.status, 200);
    bool sawCustomer = false, sawTxn = false;
    for (const QJsonValue &v : r.json.value(QStringLiteral("data")).toArray()) {
        const QJsonObject c = v.toObject();
        if (c.value(QStringLiteral("customer")).isObject()) {
            QCOMPARE(c.value(QStringLiteral("customer"))
                         .toObject()
                         .value(QStringLiteral("object"))
                         .toString(),
                     QStringLiteral("customer"));
            sawCustomer = true;
        }
        if (c.value(QStringLiteral("balance_transaction")).isObject()) {
            const QJsonObject t = c.value(QStringLiteral("balance_transaction")).toObject();
            QCOMPARE(t.value(QStringLiteral("net")).toInteger(),
                     t.value(QStringLiteral("amount")).toInteger()
                         - t.value(QStringLiteral("fee")).toInteger());
            sawTxn = true;
        }
        QVERIFY(!c.value(QStringLiteral("customer")).isString());
    }
    QVERIFY(sawCustomer && sawTxn);
    const QString sub = ids(m_http->get(QStringLiteral("/v1/subscriptions?limit=1"))).first();
    const auto one
        = m_http->get(QStringLiteral("/v1/subscriptions/%1?expand[]=latest_invoice").arg(sub));
    QCOMPARE(one.json.value(QStringLiteral("latest_invoice"))
                 .toObject()
                 .value(QStringLiteral("object"))
                 .toString(),
             QStringLiteral("invoice"));
}

void TestSandbox::customerLifecycle()
{
    const auto bad = m_http->post(QStringLiteral("/v1/customers"),
                                  {{QStringLiteral("email"), QStringLiteral("not an email")}});
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("param"))
                 .toString(),
             QStringLiteral("email"));

    const auto created
        = m_http->post(QStringLiteral("/v1/customers"),
                       {{QStringLiteral("email"), QStringLiteral("ada+billing@example.com")},
                        {QStringLiteral("name"), QStringLiteral("Ada Lovelace & Co")},
                        {QStringLiteral("metadata[tier]"), QStringLiteral("gold")},
                        {QStringLiteral("metadata[ref]"), QStringLiteral("x=1&y=2")}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QCOMPARE(created.json.value(QStringLiteral("name")).toString(),
             QStringLiteral("Ada Lovelace & Co"));
    QCOMPARE(created.json.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("ref"))
                 .toString(),
             QStringLiteral("x=1&y=2"));
    // Newest first: the new customer heads the list, and is found by email.
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/customers?limit=1"))).value(0), id);
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/customers?email=ada%2Bbilling@example.com"))),
             QStringList {id});

    const auto updated = m_http->post(QStringLiteral("/v1/customers/") + id,
                                      {{QStringLiteral("metadata[tier]"), QString()},
                                       {QStringLiteral("description"), QStringLiteral("VIP")},
                                       {QStringLiteral("name"), QString()}});
    QCOMPARE(updated.status, 200);
    QVERIFY(!updated.json.value(QStringLiteral("metadata"))
                 .toObject()
                 .contains(QStringLiteral("tier")));
    QVERIFY(updated.json.value(QStringLiteral("name")).isNull());
    QCOMPARE(updated.json.value(QStringLiteral("description")).toString(), QStringLiteral("VIP"));

    const auto events = m_http->get(QStringLiteral("/v1/events?type=customer.updated&limit=1"));
    const QJsonObject data = events.json.value(QStringLiteral("data"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QStringLiteral("data"))
                                 .toObject();
    QCOMPARE(data.value(QStringLiteral("object")).toObject().value(QStringLiteral("id")).toString(),
             id);
    QCOMPARE(data.value(QStringLiteral("previous_attributes"))
                 .toObject()
                 .value(QStringLiteral("description")),
             QJsonValue());
    QCOMPARE(data.value(QStringLiteral("previous_attributes"))
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("Ada Lovelace & Co"));

    const auto deleted = m_http->del(QStringLiteral("/v1/customers/") + id);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json.value(QStringLiteral("deleted")).toBool(), true);
    QCOMPARE(m_http->get(QStringLiteral("/v1/customers/") + id).status, 404);
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/events?type=customer.deleted&limit=1"))).size(),
             1);
}

void TestSandbox::customerSearch()
{
    const auto created
        = m_http->post(QStringLiteral("/v1/customers"),
                       {{QStringLiteral("email"), QStringLiteral("zed.quux@example.org")},
                        {QStringLiteral("name"), QStringLiteral("Zed Quux")},
                        {QStringLiteral("metadata[plan]"), QStringLiteral("pro")}});
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/customers/search?query=")
                             + QString::fromLatin1(QUrl::toPercentEncoding(
                                 QStringLiteral("email:'zed.quux@example.org'"))))),
             QStringList {id});
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/customers/search?query=")
                             + QString::fromLatin1(QUrl::toPercentEncoding(
                                 QStringLiteral("name~'quux' AND metadata['plan']:'pro'"))))),
             QStringList {id});
    const auto bad = m_http->get(QStringLiteral("/v1/customers/search?query=")
                                 + QString::fromLatin1(QUrl::toPercentEncoding(
                                     QStringLiteral("email:'a' AND name:'b' OR phone:'c'"))));
    QCOMPARE(bad.status, 400);
    QCOMPARE(m_http->get(QStringLiteral("/v1/customers/search")).status, 400);
}

void TestSandbox::chargeSearch()
{
    const QString q = QString::fromLatin1(QUrl::toPercentEncoding(
        QStringLiteral("amount>10000 AND currency:'usd' AND status:'succeeded'")));
    const auto page1 = m_http->get(QStringLiteral("/v1/charges/search?limit=5&query=") + q);
    QCOMPARE(page1.status, 200);
    QCOMPARE(page1.json.value(QStringLiteral("object")).toString(),
             QStringLiteral("search_result"));
    QCOMPARE(ids(page1).size(), 5);
    for (const QJsonValue &v : page1.json.value(QStringLiteral("data")).toArray())
        QVERIFY(v.toObject().value(QStringLiteral("amount")).toInteger() > 10000);
    QVERIFY(page1.json.value(QStringLiteral("has_more")).toBool());
    const QString next = page1.json.value(QStringLiteral("next_page")).toString();
    const auto page2 = m_http->get(QStringLiteral("/v1/charges/search?limit=5&query=") + q
                                   + QStringLiteral("&page=") + next);
    QCOMPARE(page2.status, 200);
    for (const QString &id : ids(page2))
        QVERIFY(!ids(page1).contains(id));
}

void TestSandbox::refundsPartialFullAndErrors()
{
    const QString charge = firstSucceededCharge(1000);
    QVERIFY(!charge.isEmpty());
    const qint64 amount = m_http->get(QStringLiteral("/v1/charges/") + charge)
                              .json.value(QStringLiteral("amount"))
                              .toInteger();

    const auto partial
        = m_http->post(QStringLiteral("/v1/refunds"),
                       {{QStringLiteral("charge"), charge},
                        {QStringLiteral("amount"), QStringLiteral("500")},
                        {QStringLiteral("reason"), QStringLiteral("requested_by_customer")}});
    QCOMPARE(partial.status, 200);
    QCOMPARE(partial.json.value(QStringLiteral("amount")).toInteger(), 500);
    QCOMPARE(partial.json.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));

    const auto over = m_http->post(
        QStringLiteral("/v1/refunds"),
        {{QStringLiteral("charge"), charge}, {QStringLiteral("amount"), QString::number(amount)}});
    QCOMPARE(over.status, 400);
    QCOMPARE(over.errorCode(), QStringLiteral("amount_too_large"));
    QVERIFY(over.json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("greater than unrefunded amount")));

    for (const QString &badAmount :
         {QStringLiteral("0"), QStringLiteral("-5"), QStringLiteral("1.5")}) {
        const auto r = m_http->post(
            QStringLiteral("/v1/refunds"),
            {{QStringLiteral("charge"), charge}, {QStringLiteral("amount"), badAmount}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("param"))
                     .toString(),
                 QStringLiteral("amount"));
    }
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/refunds"),
                        {{QStringLiteral("charge"), charge},
                         {QStringLiteral("reason"), QStringLiteral("bored")}})
                 .status,
             400);

    const auto rest
        = m_http->post(QStringLiteral("/v1/refunds"), {{QStringLiteral("charge"), charge}});
    QCOMPARE(rest.status, 200);
    QCOMPARE(rest.json.value(QStringLiteral("amount")).toInteger(), amount - 500);
    const auto after = m_http->get(QStringLiteral("/v1/charges/") + charge);
    QCOMPARE(after.json.value(QStringLiteral("refunded")).toBool(), true);
    QCOMPARE(after.json.value(QStringLiteral("amount_refunded")).toInteger(), amount);

    const auto again
        = m_http->post(QStringLiteral("/v1/refunds"), {{QStringLiteral("charge"), charge}});
    QCOMPARE(again.status, 400);
    QCOMPARE(again.errorCode(), QStringLiteral("charge_already_refunded"));
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/refunds"),
                        {{QStringLiteral("charge"), QStringLiteral("ch_nope")}})
                 .status,
             404);
    QCOMPARE(m_http->post(QStringLiteral("/v1/refunds"), {}).status, 400);

    const auto listed = m_http->get(QStringLiteral("/v1/refunds?charge=") + charge);
    QCOMPARE(ids(listed).size(), 2);
    const auto expanded
        = m_http->get(QStringLiteral("/v1/charges/%1?expand[]=refunds").arg(charge));
    QCOMPARE(expanded.json.value(QStringLiteral("refunds"))
                 .toObject()
                 .value(QStringLiteral("data"))
                 .toArray()
                 .size(),
             2);
    const auto event = m_http->get(QStringLiteral("/v1/events?type=charge.refunded&limit=1"));
    const QJsonObject data = event.json.value(QStringLiteral("data"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QStringLiteral("data"))
                                 .toObject();
    QCOMPARE(data.value(QStringLiteral("previous_attributes"))
                 .toObject()
                 .value(QStringLiteral("amount_refunded"))
                 .toInteger(),
             500);
}

void TestSandbox::refundViaPaymentIntent()
{
    const QString charge = firstSucceededCharge(1000);
    const QString pi = m_http->get(QStringLiteral("/v1/charges/") + charge)
                           .json.value(QStringLiteral("payment_intent"))
                           .toString();
    const auto r = m_http->post(QStringLiteral("/v1/refunds"),
                                {{QStringLiteral("payment_intent"), pi},
                                 {QStringLiteral("amount"), QStringLiteral("100")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("charge")).toString(), charge);
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/refunds?payment_intent=") + pi)).size(), 1);
}

void TestSandbox::idempotentRefundHappensOnce()
{
    const QString charge = firstSucceededCharge(2000);
    const qint64 before = counter(QStringLiteral("refunds_created"));
    const Form form {{QStringLiteral("charge"), charge},
                     {QStringLiteral("amount"), QStringLiteral("700")}};
    const auto first = m_http->post(QStringLiteral("/v1/refunds"), form, "refund-once-1");
    QCOMPARE(first.status, 200);
    QVERIFY(first.header("Idempotent-Replayed").isEmpty());
    const auto second = m_http->post(QStringLiteral("/v1/refunds"), form, "refund-once-1");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(second.body, first.body);
    const auto different = m_http->post(
        QStringLiteral("/v1/refunds"),
        {{QStringLiteral("charge"), charge}, {QStringLiteral("amount"), QStringLiteral("701")}},
        "refund-once-1");
    QCOMPARE(different.status, 400);
    QCOMPARE(different.errorType(), QStringLiteral("idempotency_error"));
    QCOMPARE(counter(QStringLiteral("refunds_created")), before + 1);
    QVERIFY(counter(QStringLiteral("idempotent_replays")) >= 1);
    // Errors are replayed too: the same bad request with its key answers the same way.
    const auto badFirst
        = m_http->post(QStringLiteral("/v1/refunds"),
                       {{QStringLiteral("charge"), QStringLiteral("ch_none")}}, "bad-key");
    const auto badAgain
        = m_http->post(QStringLiteral("/v1/refunds"),
                       {{QStringLiteral("charge"), QStringLiteral("ch_none")}}, "bad-key");
    QCOMPARE(badAgain.status, badFirst.status);
    QCOMPARE(badAgain.header("Idempotent-Replayed"), QByteArray("true"));
}

void TestSandbox::paymentIntentConfirm_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("declineCode");
    QTest::newRow("visa") << QStringLiteral("pm_card_visa") << 200 << QString();
    QTest::newRow("declined") << QStringLiteral("pm_card_chargeDeclined") << 402
                              << QStringLiteral("generic_decline");
    QTest::newRow("insufficient funds") << QStringLiteral("pm_card_chargeDeclinedInsufficientFunds")
                                        << 402 << QStringLiteral("insufficient_funds");
    QTest::newRow("radar block") << QStringLiteral("pm_card_radarBlock") << 402
                                 << QStringLiteral("highest_risk_level");
}

void TestSandbox::paymentIntentConfirm()
{
    QFETCH(QString, method);
    QFETCH(int, status);
    QFETCH(QString, declineCode);
    const auto r = m_http->post(QStringLiteral("/v1/payment_intents"),
                                {{QStringLiteral("amount"), QStringLiteral("2599")},
                                 {QStringLiteral("currency"), QStringLiteral("usd")},
                                 {QStringLiteral("payment_method"), method},
                                 {QStringLiteral("confirm"), QStringLiteral("true")}});
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        const QString charge = r.json.value(QStringLiteral("latest_charge")).toString();
        const auto c = m_http->get(QStringLiteral("/v1/charges/") + charge);
        QCOMPARE(c.json.value(QStringLiteral("amount")).toInteger(), 2599);
        QCOMPARE(c.json.value(QStringLiteral("payment_intent")).toString(),
                 r.json.value(QStringLiteral("id")).toString());
    } else {
        const QJsonObject error = r.json.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("card_error"));
        QCOMPARE(error.value(QStringLiteral("decline_code")).toString(), declineCode);
        QCOMPARE(error.value(QStringLiteral("payment_intent"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("requires_payment_method"));
    }
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/payment_intents"),
                        {{QStringLiteral("currency"), QStringLiteral("usd")}})
                 .status,
             400);
}

void TestSandbox::subscriptionsListAndCancel()
{
    const auto defaults = m_http->get(QStringLiteral("/v1/subscriptions?limit=100"));
    for (const QJsonValue &v : defaults.json.value(QStringLiteral("data")).toArray())
        QVERIFY(v.toObject().value(QStringLiteral("status")).toString()
                != QLatin1String("canceled"));
    const auto canceled = m_http->get(QStringLiteral("/v1/subscriptions?status=canceled&limit=5"));
    QCOMPARE(ids(canceled).size(), 5);
    const auto active = m_http->get(QStringLiteral("/v1/subscriptions?status=active&limit=2"));
    const QString sub = ids(active).first();

    const auto atEnd
        = m_http->post(QStringLiteral("/v1/subscriptions/") + sub,
                       {{QStringLiteral("cancel_at_period_end"), QStringLiteral("true")}});
    QCOMPARE(atEnd.status, 200);
    QCOMPARE(atEnd.json.value(QStringLiteral("cancel_at_period_end")).toBool(), true);
    QCOMPARE(atEnd.json.value(QStringLiteral("cancel_at")),
             atEnd.json.value(QStringLiteral("current_period_end")));
    const auto updatedEvent
        = m_http->get(QStringLiteral("/v1/events?type=customer.subscription.updated&limit=1"));
    QCOMPARE(updatedEvent.json.value(QStringLiteral("data"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("previous_attributes"))
                 .toObject()
                 .value(QStringLiteral("cancel_at_period_end"))
                 .toBool(),
             false);
    const auto undo
        = m_http->post(QStringLiteral("/v1/subscriptions/") + sub,
                       {{QStringLiteral("cancel_at_period_end"), QStringLiteral("false")}});
    QCOMPARE(undo.json.value(QStringLiteral("cancel_at")), QJsonValue());
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/subscriptions/") + sub,
                        {{QStringLiteral("cancel_at_period_end"), QStringLiteral("maybe")}})
                 .status,
             400);

    const auto now = m_http->del(QStringLiteral("/v1/subscriptions/") + sub,
                                 {{QStringLiteral("prorate"), QStringLiteral("true")},
                                  {QStringLiteral("invoice_now"), QStringLiteral("true")}});
    QCOMPARE(now.status, 200);
    QCOMPARE(now.json.value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
    const QString invoice = now.json.value(QStringLiteral("latest_invoice")).toString();
    const auto final = m_http->get(QStringLiteral("/v1/invoices/") + invoice);
    QVERIFY(final.json.value(QStringLiteral("total")).toInteger() <= 0);
    QCOMPARE(m_http->get(QStringLiteral("/v1/events?type=customer.subscription.deleted&limit=1"))
                 .json.value(QStringLiteral("data"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("object"))
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString(),
             sub);
    QVERIFY(m_http->del(QStringLiteral("/v1/subscriptions/") + sub).status >= 400);
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/subscriptions/") + sub,
                        {{QStringLiteral("cancel_at_period_end"), QStringLiteral("true")}})
                 .status,
             400);
}

void TestSandbox::subscriptionItemsInvoicesDisputesPaymentMethods()
{
    const auto subs = m_http->get(QStringLiteral("/v1/subscriptions?status=all&limit=1"));
    const QString sub = ids(subs).first();
    const auto items = m_http->get(QStringLiteral("/v1/subscription_items?subscription=") + sub);
    QCOMPARE(items.status, 200);
    const QString item = ids(items).first();
    QCOMPARE(m_http->get(QStringLiteral("/v1/subscription_items/") + item)
                 .json.value(QStringLiteral("subscription"))
                 .toString(),
             sub);
    QCOMPARE(m_http->get(QStringLiteral("/v1/subscription_items")).status, 400);

    const auto invoices = m_http->get(QStringLiteral("/v1/invoices?limit=3&status=paid"));
    QCOMPARE(ids(invoices).size(), 3);
    const auto lines
        = m_http->get(QStringLiteral("/v1/invoices/%1/lines").arg(ids(invoices).first()));
    QVERIFY(!ids(lines).isEmpty());

    const auto disputes = m_http->get(QStringLiteral("/v1/disputes?limit=100"));
    QVERIFY(!ids(disputes).isEmpty());
    const QString charge = disputes.json.value(QStringLiteral("data"))
                               .toArray()
                               .first()
                               .toObject()
                               .value(QStringLiteral("charge"))
                               .toString();
    QCOMPARE(m_http->get(QStringLiteral("/v1/charges/") + charge)
                 .json.value(QStringLiteral("disputed"))
                 .toBool(),
             true);
    QCOMPARE(ids(m_http->get(QStringLiteral("/v1/disputes?charge=") + charge)).size(), 1);

    const QString customer = m_http->get(QStringLiteral("/v1/subscriptions/") + sub)
                                 .json.value(QStringLiteral("customer"))
                                 .toString();
    const auto methods
        = m_http->get(QStringLiteral("/v1/customers/%1/payment_methods").arg(customer));
    QCOMPARE(methods.status, 200);
    QCOMPARE(methods.json.value(QStringLiteral("data"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("card"));
    QCOMPARE(m_http->get(QStringLiteral("/v1/customers/cus_missing/payment_methods")).status, 404);
    for (const char *path :
         {"/v1/products", "/v1/prices", "/v1/coupons", "/v1/balance_transactions?type=refund"})
        QVERIFY2(!ids(m_http->get(QString::fromLatin1(path))).isEmpty(), path);
    // The price list's filters are applied (the one-time EUR prices, nothing else), and a
    // filter the sandbox does not apply is refused instead of ignored.
    const auto eur = m_http->get(
        QStringLiteral("/v1/prices?currency=eur&type=one_time&active=true&limit=100"));
    QCOMPARE(eur.status, 200);
    QVERIFY(!ids(eur).isEmpty());
    for (const QJsonValue &v : eur.json.value(QStringLiteral("data")).toArray()) {
        QCOMPARE(v[QStringLiteral("currency")].toString(), QStringLiteral("eur"));
        QCOMPARE(v[QStringLiteral("type")].toString(), QStringLiteral("one_time"));
    }
    QCOMPARE(m_http->get(QStringLiteral("/v1/prices?recurring[interval]=month")).status, 400);
    QCOMPARE(m_http->get(QStringLiteral("/v1/prices?type=monthly")).status, 400);
}

void TestSandbox::eventsFilters()
{
    const auto charges = m_http->get(QStringLiteral("/v1/events?type=charge.succeeded&limit=20"));
    QCOMPARE(ids(charges).size(), 20);
    for (const QJsonValue &v : charges.json.value(QStringLiteral("data")).toArray()) {
        QCOMPARE(v.toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("charge.succeeded"));
        QCOMPARE(v.toObject().value(QStringLiteral("api_version")).toString(),
                 QStringLiteral("2023-08-16"));
        QVERIFY(v.toObject().value(QStringLiteral("created")).toInteger() >= kNow - 30 * 86400);
    }
    const auto wildcard = m_http->get(QStringLiteral(
        "/v1/events?types[]=customer.subscription.*&types[]=invoice.paid&limit=100"));
    for (const QJsonValue &v : wildcard.json.value(QStringLiteral("data")).toArray()) {
        const QString type = v.toObject().value(QStringLiteral("type")).toString();
        QVERIFY2(type.startsWith(QLatin1String("customer.subscription."))
                     || type == QLatin1String("invoice.paid"),
                 qPrintable(type));
    }
    QVERIFY(!ids(wildcard).isEmpty());
}

void TestSandbox::restrictedKeyPermissions()
{
    const QByteArray key = QByteArrayLiteral("rk_test_") + QByteArrayLiteral("readcustomers");
    const auto configured
        = m_http->post(QStringLiteral("/_sandbox/keys"),
                       {{QStringLiteral("key"), QString::fromLatin1(key)},
                        {QStringLiteral("permissions[]"), QStringLiteral("customers:read")}});
    QCOMPARE(configured.status, 200);
    HttpClient restricted(m_peer->baseUrl(), key);
    QCOMPARE(restricted.get(QStringLiteral("/v1/customers?limit=1")).status, 200);
    const auto write
        = restricted.post(QStringLiteral("/v1/customers"),
                          {{QStringLiteral("email"), QStringLiteral("x@example.com")}});
    QCOMPARE(write.status, 403);
    QVERIFY(write.json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("rak_customers_write")));
    QVERIFY(!write.body.contains("readcustomers"));
    QCOMPARE(restricted
                 .post(QStringLiteral("/v1/refunds"),
                       {{QStringLiteral("charge"), QStringLiteral("ch_1")}})
                 .status,
             403);
    QCOMPARE(restricted.get(QStringLiteral("/v1/charges")).status, 403);
}

void TestSandbox::unknownRouteIs404()
{
    const auto r = m_http->get(QStringLiteral("/v1/frobnicators"));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorType(), QStringLiteral("invalid_request_error"));
    QCOMPARE(m_http->get(QStringLiteral("/v1/customers/cus_unknown")).errorCode(),
             QStringLiteral("resource_missing"));
}

// The route table (sandbox/routes.cpp and sandbox/resources/) answers each endpoint once, and
// every one of them refuses a parameter Stripe's spec does not list for it: no route is more
// lenient than Stripe.
void TestSandbox::everyRouteChecksItsParameters()
{
    const QStringList endpoints = paydesk::sandbox::StripeSandbox::endpoints();
    QVERIFY(endpoints.size() >= 40);
    QVERIFY(endpoints.contains(QStringLiteral("POST /v1/refunds")));
    QVERIFY(endpoints.contains(QStringLiteral("GET /v1/customers/search")));
    QCOMPARE(QSet<QString>(endpoints.cbegin(), endpoints.cend()).size(), endpoints.size());
    QStringList unchecked;
    for (const QString &e : endpoints)
        if (!paydesk::sandbox::StripeSandbox::checksParameters(e))
            unchecked.append(e);
    QVERIFY2(unchecked.isEmpty(), qPrintable(unchecked.join(u'\n')));
    // And over HTTP, on a route of each resource file.
    for (const char *path : {"/v1/customers?colour=red", "/v1/charges?colour=red",
                             "/v1/invoices?colour=red", "/v1/events?colour=red"}) {
        const auto r = m_http->get(QString::fromLatin1(path));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("parameter_unknown"));
    }
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
