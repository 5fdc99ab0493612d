#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

// `paydesk sandbox --fixture FILE`: exact, hand-made data, and the pagination edges that need
// it (a list of exactly one page).
class TestSandboxFixture final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFixture(const QString &name, int customers, const QJsonObject &extra = {})
    {
        QJsonArray list;
        for (int i = 0; i < customers; ++i)
            list.append(
                QJsonObject {{QStringLiteral("id"),
                              QStringLiteral("cus_fixture%1").arg(i, 4, 10, QLatin1Char('0'))},
                             {QStringLiteral("object"), QStringLiteral("customer")},
                             {QStringLiteral("created"), 1700000000 + i},
                             {QStringLiteral("email"), QStringLiteral("c%1@example.com").arg(i)},
                             {QStringLiteral("livemode"), false}});
        QJsonObject root = extra;
        root.insert(QStringLiteral("customers"), list);
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(QJsonDocument(root).toJson());
        return path;
    }
    static QByteArray key() { return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("fixture"); }

private Q_SLOTS:
    void exactlyOnePage_data();
    void exactlyOnePage();
    void fixtureObjectsAreServedAsGiven();
    void badFixtureIsAnError_data();
    void badFixtureIsAnError();
};

void TestSandboxFixture::exactlyOnePage_data()
{
    QTest::addColumn<int>("customers");
    QTest::addColumn<int>("firstPage");
    QTest::addColumn<bool>("hasMore");
    QTest::newRow("empty") << 0 << 0 << false;
    QTest::newRow("99") << 99 << 99 << false;
    QTest::newRow("exactly 100") << 100 << 100 << false;
    QTest::newRow("101") << 101 << 100 << true;
}

void TestSandboxFixture::exactlyOnePage()
{
    QFETCH(int, customers);
    QFETCH(int, firstPage);
    QFETCH(bool, hasMore);
    const QString path = writeFixture(QStringLiteral("n%1.json").arg(customers), customers);
    PeerProcess sandbox = PeerProcess::sandbox({QStringLiteral("--fixture"), path});
    QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
    HttpClient http(sandbox.baseUrl(), key());
    const auto page = http.get(QStringLiteral("/v1/customers?limit=100"));
    QCOMPARE(page.status, 200);
    const QJsonArray data = page.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), firstPage);
    QCOMPARE(page.json.value(QStringLiteral("has_more")).toBool(), hasMore);
    if (customers > 0) // Newest first.
        QCOMPARE(data.first().toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("cus_fixture%1").arg(customers - 1, 4, 10, QLatin1Char('0')));
    if (hasMore) {
        const auto rest = http.get(QStringLiteral("/v1/customers?limit=100&starting_after=")
                                   + data.last().toObject().value(QStringLiteral("id")).toString());
        QCOMPARE(rest.json.value(QStringLiteral("data")).toArray().size(), customers - 100);
        QCOMPARE(rest.json.value(QStringLiteral("has_more")).toBool(), false);
    }
    QCOMPARE(sandbox.stop(), 0);
}

void TestSandboxFixture::fixtureObjectsAreServedAsGiven()
{
    const QJsonObject charge {{QStringLiteral("id"), QStringLiteral("ch_handmade")},
                              {QStringLiteral("object"), QStringLiteral("charge")},
                              {QStringLiteral("amount"), 1234},
                              {QStringLiteral("amount_refunded"), 0},
                              {QStringLiteral("currency"), QStringLiteral("jpy")},
                              {QStringLiteral("created"), 1700000500},
                              {QStringLiteral("customer"), QStringLiteral("cus_fixture0001")},
                              {QStringLiteral("status"), QStringLiteral("succeeded")},
                              {QStringLiteral("refunded"), false},
                              {QStringLiteral("disputed"), false}};
    const QJsonObject extra {
        {QStringLiteral("charges"), QJsonArray {charge}},
        {QStringLiteral("restricted_keys"),
         QJsonObject {{QStringLiteral("rk_test_") + QStringLiteral("fixturekey"),
                       QJsonArray {QStringLiteral("charges:read")}}}}};
    PeerProcess sandbox = PeerProcess::sandbox(
        {QStringLiteral("--fixture"), writeFixture(QStringLiteral("charge.json"), 3, extra)});
    QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
    HttpClient http(sandbox.baseUrl(), key());
    const auto got = http.get(QStringLiteral("/v1/charges/ch_handmade"));
    QCOMPARE(got.json, charge);
    QCOMPARE(http.get(QStringLiteral("/v1/charges?customer=cus_fixture0001"))
                 .json.value(QStringLiteral("data"))
                 .toArray()
                 .size(),
             1);
    // A refund of the hand-made charge works on it like on generated data.
    const auto refund = http.post(QStringLiteral("/v1/refunds"),
                                  {{QStringLiteral("charge"), QStringLiteral("ch_handmade")},
                                   {QStringLiteral("amount"), QStringLiteral("234")}});
    QCOMPARE(refund.status, 200);
    QCOMPARE(http.get(QStringLiteral("/v1/charges/ch_handmade"))
                 .json.value(QStringLiteral("amount_refunded"))
                 .toInteger(),
             234);
    HttpClient restricted(sandbox.baseUrl(),
                          QByteArrayLiteral("rk_test_") + QByteArrayLiteral("fixturekey"));
    QCOMPARE(restricted.get(QStringLiteral("/v1/charges")).status, 200);
    QCOMPARE(restricted.get(QStringLiteral("/v1/customers")).status, 403);
}

void TestSandboxFixture::badFixtureIsAnError_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QByteArray("{nope") << QStringLiteral("not a JSON object");
    QTest::newRow("unknown collection")
        << QByteArray(R"({"widgets":[]})") << QStringLiteral("unknown collection 'widgets'");
    QTest::newRow("object without id")
        << QByteArray(R"({"customers":[{"object":"customer"}]})") << QStringLiteral("has no id");
    QTest::newRow("missing file") << QByteArray() << QStringLiteral("cannot read fixture");
}

void TestSandboxFixture::badFixtureIsAnError()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QString path = m_dir.filePath(
        QStringLiteral("bad-%1.json")
            .arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    if (!content.isEmpty()) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QProcess p;
    p.start(PeerProcess::paydeskBinary(),
            {QStringLiteral("sandbox"), QStringLiteral("--fixture"), path});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(p.readAllStandardOutput().isEmpty()); // Never claims to be listening.
}

QTEST_GUILESS_MAIN(TestSandboxFixture)
#include "tst_sandboxfixture.moc"
