#include "models/actions/staffinput.h"

#include <QTest>

using namespace paydesk::models;

// Every rule of the staff forms' input, as a table: what is refused and what is accepted.
class TestStaffInput final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refundAmount_data();
    void refundAmount();
    void refundReason_data();
    void refundReason();
    void email_data();
    void email();
    void metadata_data();
    void metadata();
};

void TestStaffInput::refundAmount_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<qint64>("refundable");
    QTest::addColumn<qint64>("amount"); // -1: refused.
    QTest::newRow("empty: all of it") << QString() << "usd" << qint64(1999) << qint64(1999);
    QTest::newRow("partial") << "12.34"
                             << "usd" << qint64(1999) << qint64(1234);
    QTest::newRow("exactly the refundable") << "19.99"
                                            << "usd" << qint64(1999) << qint64(1999);
    QTest::newRow("one cent too much") << "20.00"
                                       << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("zero") << "0"
                          << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("zero with decimals") << "0.00"
                                        << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("negative") << "-5"
                              << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("letters") << "ten"
                             << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("three decimals in USD") << "1.234"
                                           << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("yen has no decimals") << "100.5"
                                         << "jpy" << qint64(5000) << qint64(-1);
    QTest::newRow("yen") << "1200"
                         << "jpy" << qint64(5000) << qint64(1200);
    QTest::newRow("dinar has three") << "1.234"
                                     << "kwd" << qint64(5000) << qint64(1234);
    QTest::newRow("overflow") << "99999999999999999999"
                              << "usd" << qint64(1999) << qint64(-1);
    QTest::newRow("nothing left") << "1"
                                  << "usd" << qint64(0) << qint64(-1);
}

void TestStaffInput::refundAmount()
{
    QFETCH(QString, text);
    QFETCH(QString, currency);
    QFETCH(qint64, refundable);
    QFETCH(qint64, amount);
    qint64 got = -7;
    const InputProblem p
        = staffinput::refundAmount(text, currency, refundable, &got, QLocale(QLocale::C));
    if (amount < 0) {
        QVERIFY2(!p.ok(), qPrintable(QString::number(got)));
        QCOMPARE(p.field, QStringLiteral("amount"));
        QCOMPARE(got, -7); // Nothing handed back.
    } else {
        QVERIFY2(p.ok(), qPrintable(p.message));
        QCOMPARE(got, amount);
    }
}

void TestStaffInput::refundReason_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("ok");
    QTest::newRow("none") << QString() << true;
    QTest::newRow("duplicate") << "duplicate" << true;
    QTest::newRow("fraudulent") << "fraudulent" << true;
    QTest::newRow("requested_by_customer") << "requested_by_customer" << true;
    QTest::newRow("other") << "because" << false;
    QTest::newRow("case") << "Duplicate" << false;
}

void TestStaffInput::refundReason()
{
    QFETCH(QString, reason);
    QFETCH(bool, ok);
    QCOMPARE(staffinput::refundReason(reason).ok(), ok);
}

void TestStaffInput::email_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("required");
    QTest::addColumn<bool>("ok");
    QTest::newRow("plain") << "ada@example.com" << true << true;
    QTest::newRow("plus and subdomain") << "ada+shop@mail.example.co.uk" << true << true;
    QTest::newRow("spaces around") << "  ada@example.com " << true << true;
    QTest::newRow("empty, required") << "" << true << false;
    QTest::newRow("empty, optional") << "" << false << true;
    QTest::newRow("no at") << "ada.example.com" << true << false;
    QTest::newRow("two ats") << "ada@@example.com" << true << false;
    QTest::newRow("no domain dot") << "ada@localhost" << true << false;
    QTest::newRow("inner space") << "ada lovelace@example.com" << true << false;
    QTest::newRow("trailing dot") << "ada@example." << true << false;
    QTest::newRow("nothing before") << "@example.com" << true << false;
}

void TestStaffInput::email()
{
    QFETCH(QString, text);
    QFETCH(bool, required);
    QFETCH(bool, ok);
    const InputProblem p = staffinput::email(text, required);
    QCOMPARE(p.ok(), ok);
    if (!ok)
        QCOMPARE(p.field, QStringLiteral("email"));
}

void TestStaffInput::metadata_data()
{
    QTest::addColumn<QVariantMap>("values");
    QTest::addColumn<bool>("ok");
    QTest::newRow("none") << QVariantMap() << true;
    QTest::newRow("plain") << QVariantMap {{QStringLiteral("order_id"), QStringLiteral("6735")}}
                           << true;
    QTest::newRow("brackets") << QVariantMap {{QStringLiteral("a[b]"), QStringLiteral("x")}}
                              << false;
    QTest::newRow("empty key") << QVariantMap {{QStringLiteral(" "), QStringLiteral("x")}} << false;
    QTest::newRow("41-character key")
        << QVariantMap {{QString(41, u'k'), QStringLiteral("x")}} << false;
    QTest::newRow("40-character key")
        << QVariantMap {{QString(40, u'k'), QStringLiteral("x")}} << true;
    QTest::newRow("501-character value")
        << QVariantMap {{QStringLiteral("note"), QString(501, u'v')}} << false;
    QVariantMap many;
    for (int i = 0; i < 51; ++i)
        many.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
    QTest::newRow("51 keys") << many << false;
    many.remove(QStringLiteral("k0"));
    QTest::newRow("50 keys") << many << true;
}

void TestStaffInput::metadata()
{
    QFETCH(QVariantMap, values);
    QFETCH(bool, ok);
    QMap<QString, QString> strings;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        strings.insert(it.key(), it.value().toString());
    const InputProblem p = staffinput::metadata(strings);
    QVERIFY2(p.ok() == ok, qPrintable(p.message));
}

QTEST_GUILESS_MAIN(TestStaffInput)
#include "tst_staffinput.moc"
