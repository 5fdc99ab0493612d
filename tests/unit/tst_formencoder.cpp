#include "network/formencoder.h"

#include <QTest>

using paydesk::network::StripeParams;

class TestFormEncoder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encode_data();
    void encode();
    void setReplacesAndRemove();
};

void TestFormEncoder::encode_data()
{
    QTest::addColumn<StripeParams>("params");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << StripeParams() << QByteArray();
    QTest::newRow("scalars in order")
        << StripeParams {{QStringLiteral("email"), QStringLiteral("a@b.co")},
                         {QStringLiteral("amount"), 1234}}
        << QByteArray("email=a%40b.co&amount=1234");
    QTest::newRow("metadata")
        << StripeParams {{QStringLiteral("metadata"),
                          QVariantMap {{QStringLiteral("plan"), QStringLiteral("gold")},
                                       {QStringLiteral("ref"), QStringLiteral("x=1&y=2")}}}}
        << QByteArray("metadata[plan]=gold&metadata[ref]=x%3D1%26y%3D2");
    QTest::newRow("array of maps")
        << StripeParams {{QStringLiteral("items"),
                          QVariantList {
                              QVariantMap {{QStringLiteral("price"), QStringLiteral("price_1")},
                                           {QStringLiteral("quantity"), 2}},
                              QVariantMap {{QStringLiteral("price"), QStringLiteral("price_2")}}}}}
        << QByteArray("items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2");
    QTest::newRow("expand")
        << StripeParams {{QStringLiteral("expand"),
                          QStringList {QStringLiteral("data.customer"),
                                       QStringLiteral("data.balance_transaction")}}}
        << QByteArray("expand[]=data.customer&expand[]=data.balance_transaction");
    QTest::newRow("booleans") << StripeParams {{QStringLiteral("cancel_at_period_end"), true},
                                               {QStringLiteral("prorate"), false}}
                              << QByteArray("cancel_at_period_end=true&prorate=false");
    QTest::newRow("unset with empty")
        << StripeParams {{QStringLiteral("description"), QString()}} << QByteArray("description=");
    QTest::newRow("unset with null")
        << StripeParams {{QStringLiteral("phone"), QVariant()}} << QByteArray("phone=");
    QTest::newRow("unset one metadata key")
        << StripeParams {{QStringLiteral("metadata"),
                          QVariantMap {{QStringLiteral("old"), QString()}}}}
        << QByteArray("metadata[old]=");
    QTest::newRow("reserved characters")
        << StripeParams {{QStringLiteral("description"),
                          QStringLiteral("50% off & free: #1 + \"quotes\" / ?=;,'")}}
        << QByteArray("description=50%25%20off%20%26%20free%3A%20%231%20%2B%20%22quotes%22%20%2F%"
                      "20%3F%3D%3B%2C%27");
    QTest::newRow("unicode") << StripeParams {{QStringLiteral("name"),
                                               QStringLiteral("Zoë Müller ☕")}}
                             << QByteArray("name=Zo%C3%AB%20M%C3%BCller%20%E2%98%95");
    QTest::newRow("nested three levels")
        << StripeParams {{QStringLiteral("payment_method_options"),
                          QVariantMap {{QStringLiteral("card"),
                                        QVariantMap {{QStringLiteral("request_three_d_secure"),
                                                      QStringLiteral("any")}}}}}}
        << QByteArray("payment_method_options[card][request_three_d_secure]=any");
    QTest::newRow("created range")
        << StripeParams {{QStringLiteral("created"),
                          QVariantMap {{QStringLiteral("gte"), 10}, {QStringLiteral("lt"), 20}}}}
        << QByteArray("created[gte]=10&created[lt]=20");
    QTest::newRow("bracket in a metadata key is encoded")
        << StripeParams {{QStringLiteral("metadata"),
                          QVariantMap {{QStringLiteral("a b"), QStringLiteral("c")}}}}
        << QByteArray("metadata[a%20b]=c");
    QTest::newRow("negative and large integers")
        << StripeParams {{QStringLiteral("a"), qint64(-5)},
                         {QStringLiteral("b"), qint64(9007199254740993)}}
        << QByteArray("a=-5&b=9007199254740993");
}

void TestFormEncoder::encode()
{
    QFETCH(StripeParams, params);
    QFETCH(QByteArray, expected);
    QCOMPARE(params.encode(), expected);
}

void TestFormEncoder::setReplacesAndRemove()
{
    StripeParams p {{QStringLiteral("limit"), 10},
                    {QStringLiteral("starting_after"), QStringLiteral("a")}};
    p.set(QStringLiteral("starting_after"), QStringLiteral("b"))
        .set(QStringLiteral("expand"), QStringList {QStringLiteral("x")});
    QCOMPARE(p.encode(), QByteArray("limit=10&starting_after=b&expand[]=x"));
    p.remove(QStringLiteral("limit"));
    QCOMPARE(p.encode(), QByteArray("starting_after=b&expand[]=x"));
    QCOMPARE(p.value(QStringLiteral("starting_after")).toString(), QStringLiteral("b"));
}

QTEST_APPLESS_MAIN(TestFormEncoder)
#include "tst_formencoder.moc"
