#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/store/cache.h"
#include "network/stripeclient.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

// Staff actions against stripe-stateful-mock, an independent third-party Stripe fake, so that
// Paydesk's requests and error readings are checked against another implementation than our
// own sandbox: `paydesk customer create`, a partial `paydesk refund`, and an over-refund that
// Stripe itself refuses (amount_too_large), read for a person and audited.
class TestStaffStripeMock final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PeerProcess> m_mock;
    std::unique_ptr<HttpClient> m_http;
    QTemporaryDir m_dir;
    const QByteArray m_key = QByteArrayLiteral("sk_test_") + QByteArrayLiteral("staffmock");

    struct Result
    {
        int exitCode = -1;
        QJsonObject json;
        QString err;
    };
    Result run(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(m_key));
        p.setProcessEnvironment(env);
        p.start(PeerProcess::paydeskBinary(),
                args
                    + QStringList {QStringLiteral("--api-base"), m_mock->baseUrl().toString(),
                                   QStringLiteral("--cache"),
                                   m_dir.filePath(QStringLiteral("mock.sqlite"))});
        if (!p.waitForFinished(60000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QJsonDocument::fromJson(p.readAllStandardOutput()).object(),
                QString::fromUtf8(p.readAllStandardError())};
    }
    QString newCharge(int amount)
    {
        const HttpClient::Response r
            = m_http->post(QStringLiteral("/v1/charges"),
                           {{QStringLiteral("amount"), QString::number(amount)},
                            {QStringLiteral("currency"), QStringLiteral("usd")},
                            {QStringLiteral("source"), QStringLiteral("tok_visa")}});
        return r.status == 200 ? r.json.value(QStringLiteral("id")).toString() : QString();
    }

private Q_SLOTS:
    void initTestCase();
    void createCustomer();
    void partialRefund();
    void overRefundIsRefusedByStripe();
};

void TestStaffStripeMock::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_mock.reset(new PeerProcess(PeerProcess::stripeMock()));
    QVERIFY2(m_mock->start(), qPrintable(m_mock->errorString()));
    m_http = std::make_unique<HttpClient>(m_mock->baseUrl(), m_key);
}

void TestStaffStripeMock::createCustomer()
{
    const Result r = run({QStringLiteral("customer"), QStringLiteral("create"),
                          QStringLiteral("--email"), QStringLiteral("mock.buyer@example.com"),
                          QStringLiteral("--name"), QStringLiteral("Mock Buyer"),
                          QStringLiteral("--metadata"), QStringLiteral("source=paydesk")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString id = r.json.value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(QLatin1String("cus_")));
    const HttpClient::Response c = m_http->get(QStringLiteral("/v1/customers/") + id);
    QCOMPARE(c.status, 200);
    QCOMPARE(c.json[QStringLiteral("email")].toString(), QStringLiteral("mock.buyer@example.com"));
    // (stripe-stateful-mock does not keep `name` on create, so it is not checked here.)
    QCOMPARE(c.json[QStringLiteral("metadata")][QStringLiteral("source")].toString(),
             QStringLiteral("paydesk"));
}

void TestStaffStripeMock::partialRefund()
{
    const QString ch = newCharge(2000);
    QVERIFY(!ch.isEmpty());
    const Result r
        = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("7.50"),
               QStringLiteral("--reason"), QStringLiteral("duplicate")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json[QStringLiteral("object")].toString(), QStringLiteral("refund"));
    QCOMPARE(r.json[QStringLiteral("amount")].toInteger(), 750);
    const HttpClient::Response c = m_http->get(QStringLiteral("/v1/charges/") + ch);
    QCOMPARE(c.json[QStringLiteral("amount_refunded")].toInteger(), 750);
    QCOMPARE(c.json[QStringLiteral("refunded")].toBool(), false);
    // Refused locally before sending: more than is left.
    const Result over
        = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("12.51")});
    QCOMPARE(over.exitCode, 2);
    QVERIFY2(over.err.contains(QStringLiteral("At most 12.50 USD can be refunded")),
             qPrintable(over.err));
    QCOMPARE(m_http->get(QStringLiteral("/v1/charges/") + ch)
                 .json[QStringLiteral("amount_refunded")]
                 .toInteger(),
             750);
}

void TestStaffStripeMock::overRefundIsRefusedByStripe()
{
    // What the dialog saw is out of date (another refund landed meanwhile): Stripe refuses the
    // request and the outbox ends it, read for a person, with the amount field at fault.
    const QString ch = newCharge(1000);
    QVERIFY(!ch.isEmpty());
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/refunds"),
                        {{QStringLiteral("charge"), ch},
                         {QStringLiteral("amount"), QStringLiteral("600")}})
                 .status,
             200);
    network::StripeClientConfig config;
    config.apiKey = m_key;
    config.apiBase = m_mock->baseUrl();
    network::StripeClient client(config);
    models::Cache cache;
    QVERIFY(cache.open(m_dir.filePath(QStringLiteral("outbox.sqlite"))));
    models::Outbox outbox(&cache, &client);
    models::RefundTarget target;
    target.chargeId = ch;
    target.currency = QStringLiteral("usd");
    target.amount = 1000;
    target.status = QStringLiteral("succeeded");
    const qint64 id = outbox.enqueue(models::staffactions::refund(target, 1000, {}, {}));
    QVERIFY(id > 0);
    QSignalSpy finished(&outbox, &models::Outbox::entryFinished);
    QCOMPARE(outbox.sendPending(), 1);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(1).toBool(), false);
    const models::OutboxEntry e = outbox.entry(id);
    QCOMPARE(e.state, QStringLiteral("failed"));
    QCOMPARE(e.httpStatus, 400);
    const models::StaffError err = models::staffactions::readError(e);
    // stripe-stateful-mock sends Stripe's message without its code: shown as Stripe words it,
    // on the field Stripe names.
    QVERIFY2(err.message.contains(QStringLiteral("greater than unrefunded amount")),
             qPrintable(err.message));
    QCOMPARE(err.field, QStringLiteral("amount"));
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM audit_log WHERE result = 'failed' AND amount = 1000")),
             1);
    QCOMPARE(outbox.sendPending(), 0); // A definite answer: never sent again.
    QCOMPARE(m_http->get(QStringLiteral("/v1/charges/") + ch)
                 .json[QStringLiteral("amount_refunded")]
                 .toInteger(),
             600);
}

QTEST_GUILESS_MAIN(TestStaffStripeMock)
#include "tst_staffstripemock.moc"
