#include "network/jsonsplit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using paydesk::network::splitListData;

class TestJsonSplit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splits_data();
    void splits();
    void refuses_data();
    void refuses();
};

void TestJsonSplit::splits_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("count");
    QTest::newRow("empty") << QByteArray(R"({"object":"list","data":[],"has_more":false})") << 0;
    QTest::newRow("plain") << QByteArray(R"({"object":"list","data":[{"id":"a"},{"id":"b"}]})")
                           << 2;
    QTest::newRow("data not first, nested lists before it") << QByteArray(
        R"({"url":"/v1/x","meta":{"data":[1,2]},"data":[{"id":"a","l":{"data":[{"id":"x"}]}}]})")
                                                            << 1;
    QTest::newRow("brackets and quotes in strings")
        << QByteArray(R"({"data":[{"id":"a","d":"}]{[\"\\"},{"id":"b","d":"\\\\"}]})") << 2;
    QTest::newRow("whitespace everywhere")
        << QByteArray(" {\n \"data\" :\n [ {\"id\" : 1} ,\n {\"id\":2}\n ] \n}") << 2;
    QTest::newRow("unicode") << QByteArray(R"({"data":[{"name":"Jos\u00e9 Müller ☕"}]})") << 1;
    QTest::newRow("scalars") << QByteArray(R"({"data":[1,true,null,"s",-2.5e3]})") << 5;
}

void TestJsonSplit::splits()
{
    QFETCH(QByteArray, body);
    QFETCH(int, count);
    const QList<QByteArray> parts = splitListData(body);
    QCOMPARE(parts.size(), count);
    // Each part is exactly the element: parsing it gives what the whole document says.
    const QJsonArray data
        = QJsonDocument::fromJson(body).object().value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), count);
    for (int i = 0; i < count; ++i) {
        const QByteArray wrapped = "[" + parts.at(i) + "]";
        QCOMPARE(QJsonDocument::fromJson(wrapped).array().first(), data.at(i));
        QCOMPARE(parts.at(i), parts.at(i).trimmed());
    }
}

void TestJsonSplit::refuses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not an object") << QByteArray("[1,2]");
    QTest::newRow("no data") << QByteArray(R"({"object":"list"})");
    QTest::newRow("data not an array") << QByteArray(R"({"data":{"id":"a"}})");
    QTest::newRow("truncated") << QByteArray(R"({"data":[{"id":"a"},{"id":)");
    QTest::newRow("unterminated string") << QByteArray(R"({"data":["abc)");
    QTest::newRow("empty") << QByteArray();
}

void TestJsonSplit::refuses()
{
    QFETCH(QByteArray, body);
    QVERIFY(splitListData(body).isEmpty());
}

QTEST_GUILESS_MAIN(TestJsonSplit)
#include "tst_jsonsplit.moc"
