#include "models/currency.h"
#include "models/money.h"

#include <QStandardItemModel>
#include <QTest>

#include <limits>

using paydesk::models::Money;
namespace currency = paydesk::models::currency;
using ParseError = Money::ParseError;

class TestMoney final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decimals_data();
    void decimals();
    void decimalString_data();
    void decimalString();
    void parse_data();
    void parse();
    void format_data();
    void format();
    void labelled_data();
    void labelled();
    void formatParseRoundTrip_data();
    void formatParseRoundTrip();
    void checkedArithmetic();
    void invalidCurrency();
    void metatypeThroughItemModel();
};

void TestMoney::decimals_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("decimals");
    const char *zero[] = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                          "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
    for (const char *c : zero)
        QTest::newRow(c) << QString::fromLatin1(c) << 0;
    const char *three[] = {"BHD", "JOD", "KWD", "OMR", "TND"};
    for (const char *c : three)
        QTest::newRow(c) << QString::fromLatin1(c) << 3;
    QTest::newRow("USD") << QStringLiteral("USD") << 2;
    QTest::newRow("eur lower case") << QStringLiteral("eur") << 2;
    QTest::newRow("jpy lower case") << QStringLiteral("jpy") << 0;
    QTest::newRow("GBP") << QStringLiteral("GBP") << 2;
}

void TestMoney::decimals()
{
    QFETCH(QString, code);
    QFETCH(int, decimals);
    QCOMPARE(currency::decimals(code), decimals);
    QCOMPARE(Money(1, code).decimals(), decimals);
}

void TestMoney::decimalString_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");
    QTest::newRow("usd") << qint64(123450) << QStringLiteral("usd") << QStringLiteral("1234.50");
    QTest::newRow("usd cents") << qint64(5) << QStringLiteral("USD") << QStringLiteral("0.05");
    QTest::newRow("usd negative") << qint64(-5) << QStringLiteral("USD") << QStringLiteral("-0.05");
    QTest::newRow("usd zero") << qint64(0) << QStringLiteral("USD") << QStringLiteral("0.00");
    QTest::newRow("jpy") << qint64(1200) << QStringLiteral("JPY") << QStringLiteral("1200");
    QTest::newRow("kwd") << qint64(1005) << QStringLiteral("KWD") << QStringLiteral("1.005");
    QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() << QStringLiteral("USD")
                               << QStringLiteral("92233720368547758.07");
    QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << QStringLiteral("USD")
                               << QStringLiteral("-92233720368547758.08");
}

void TestMoney::decimalString()
{
    QFETCH(qint64, minor);
    QFETCH(QString, code);
    QFETCH(QString, expected);
    QCOMPARE(Money(minor, code).toDecimalString(), expected);
}

void TestMoney::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("locale");
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<ParseError>("error");

    const QString en = QStringLiteral("en_US");
    const QString de = QStringLiteral("de_DE");
    const QString fr = QStringLiteral("fr_FR");
    const QString ch = QStringLiteral("de_CH");
    const QString usd = QStringLiteral("USD"), eur = QStringLiteral("EUR"),
                  jpy = QStringLiteral("JPY"), kwd = QStringLiteral("KWD"),
                  gbp = QStringLiteral("GBP"), chf = QStringLiteral("CHF");
    const auto ok = ParseError::None;

    // Accepted forms.
    QTest::newRow("grouped en") << QStringLiteral("1,234.50") << usd << en << qint64(123450) << ok;
    QTest::newRow("plain integer") << QStringLiteral("12") << usd << en << qint64(1200) << ok;
    QTest::newRow("one decimal") << QStringLiteral("12.5") << usd << en << qint64(1250) << ok;
    QTest::newRow("leading dot") << QStringLiteral(".5") << usd << en << qint64(50) << ok;
    QTest::newRow("zero") << QStringLiteral("0") << usd << en << qint64(0) << ok;
    QTest::newRow("surrounding spaces")
        << QStringLiteral("  7.25 ") << usd << en << qint64(725) << ok;
    QTest::newRow("dollar sign") << QStringLiteral("$19.99") << usd << en << qint64(1999) << ok;
    QTest::newRow("iso prefix") << QStringLiteral("USD 12") << usd << en << qint64(1200) << ok;
    QTest::newRow("iso suffix lower")
        << QStringLiteral("12 usd") << usd << en << qint64(1200) << ok;
    QTest::newRow("de comma decimal")
        << QStringLiteral("1234,5") << eur << de << qint64(123450) << ok;
    QTest::newRow("de grouped") << QStringLiteral("1.234,50") << eur << de << qint64(123450) << ok;
    QTest::newRow("de euro suffix") << QStringLiteral("12,50 €") << eur << de << qint64(1250) << ok;
    QTest::newRow("de dot typed out of habit mixed")
        << QStringLiteral("1,234.50") << eur << de << qint64(123450) << ok;
    QTest::newRow("fr narrow nbsp grouping")
        << QStringLiteral("1\u202F234,56") << eur << fr << qint64(123456) << ok;
    QTest::newRow("fr dot as decimal") << QStringLiteral("3.5") << eur << fr << qint64(350) << ok;
    QTest::newRow("swiss apostrophe")
        << QStringLiteral("1'234.05") << chf << ch << qint64(123405) << ok;
    QTest::newRow("yen symbol") << QStringLiteral("¥1200") << jpy << en << qint64(1200) << ok;
    QTest::newRow("yen grouped") << QStringLiteral("¥1,200") << jpy << en << qint64(1200) << ok;
    QTest::newRow("fullwidth yen") << QStringLiteral("￥500") << jpy << en << qint64(500) << ok;
    QTest::newRow("kwd three decimals")
        << QStringLiteral("1.005") << kwd << en << qint64(1005) << ok;
    QTest::newRow("kwd two decimals") << QStringLiteral("1.5") << kwd << en << qint64(1500) << ok;
    QTest::newRow("pound") << QStringLiteral("£3") << gbp << en << qint64(300) << ok;
    QTest::newRow("int64 max") << QStringLiteral("92233720368547758.07") << usd << en
                               << std::numeric_limits<qint64>::max() << ok;
    QTest::newRow("leading zeros") << QStringLiteral("0007.10") << usd << en << qint64(710) << ok;

    // Rejected input, with the reason.
    QTest::newRow("empty") << QString() << usd << en << qint64(0) << ParseError::Empty;
    QTest::newRow("blank") << QStringLiteral("   ") << usd << en << qint64(0) << ParseError::Empty;
    QTest::newRow("letters") << QStringLiteral("abc") << usd << en << qint64(0)
                             << ParseError::NotANumber;
    QTest::newRow("only symbol") << QStringLiteral("$") << usd << en << qint64(0)
                                 << ParseError::NotANumber;
    QTest::newRow("letters inside")
        << QStringLiteral("12a4") << usd << en << qint64(0) << ParseError::NotANumber;
    QTest::newRow("two decimal points")
        << QStringLiteral("1.2.3") << usd << en << qint64(0) << ParseError::NotANumber;
    QTest::newRow("scientific") << QStringLiteral("1e5") << usd << en << qint64(0)
                                << ParseError::NotANumber;
    QTest::newRow("en comma is grouping")
        << QStringLiteral("12,5") << usd << en << qint64(0) << ParseError::NotANumber;
    QTest::newRow("bad grouping") << QStringLiteral("1,23,4.00") << usd << en << qint64(0)
                                  << ParseError::NotANumber;
    QTest::newRow("two symbols") << QStringLiteral("$12 USD") << usd << en << qint64(0)
                                 << ParseError::NotANumber;
    QTest::newRow("negative") << QStringLiteral("-5") << usd << en << qint64(0)
                              << ParseError::Negative;
    QTest::newRow("negative unicode minus")
        << QStringLiteral("\u22125.00") << usd << en << qint64(0) << ParseError::Negative;
    QTest::newRow("negative after symbol")
        << QStringLiteral("$-5") << usd << en << qint64(0) << ParseError::Negative;
    QTest::newRow("accounting negative")
        << QStringLiteral("($5.00)") << usd << en << qint64(0) << ParseError::Negative;
    QTest::newRow("de dot groups thousands")
        << QStringLiteral("1.234") << usd << de << qint64(123400) << ok;
    QTest::newRow("de dot then two digits")
        << QStringLiteral("1.23") << eur << de << qint64(0) << ParseError::NotANumber;
    QTest::newRow("usd too many decimals")
        << QStringLiteral("1.005") << usd << en << qint64(0) << ParseError::TooManyDecimals;
    QTest::newRow("jpy any decimals")
        << QStringLiteral("1200.5") << jpy << en << qint64(0) << ParseError::TooManyDecimals;
    QTest::newRow("jpy zero decimals")
        << QStringLiteral("1200.0") << jpy << en << qint64(0) << ParseError::TooManyDecimals;
    QTest::newRow("kwd four decimals")
        << QStringLiteral("1.0005") << kwd << en << qint64(0) << ParseError::TooManyDecimals;
    QTest::newRow("overflow by one")
        << QStringLiteral("92233720368547758.08") << usd << en << qint64(0) << ParseError::Overflow;
    QTest::newRow("overflow huge") << QStringLiteral("99999999999999999999999") << jpy << en
                                   << qint64(0) << ParseError::Overflow;
    QTest::newRow("euro for usd") << QStringLiteral("€12") << usd << en << qint64(0)
                                  << ParseError::CurrencyMismatch;
    QTest::newRow("eur code for usd")
        << QStringLiteral("12 EUR") << usd << en << qint64(0) << ParseError::CurrencyMismatch;
    QTest::newRow("dollar for jpy")
        << QStringLiteral("$1200") << jpy << en << qint64(0) << ParseError::CurrencyMismatch;
    QTest::newRow("unknown symbol")
        << QStringLiteral("#12") << usd << en << qint64(0) << ParseError::NotANumber;
    QTest::newRow("bad currency code") << QStringLiteral("12") << QStringLiteral("US") << en
                                       << qint64(0) << ParseError::InvalidCurrency;
    QTest::newRow("digit currency code") << QStringLiteral("12") << QStringLiteral("U5D") << en
                                         << qint64(0) << ParseError::InvalidCurrency;
}

void TestMoney::parse()
{
    QFETCH(QString, text);
    QFETCH(QString, code);
    QFETCH(QString, locale);
    QFETCH(qint64, minor);
    QFETCH(ParseError, error);

    const Money::ParseResult result = Money::parse(text, code, QLocale(locale));
    QCOMPARE(parseErrorName(result.error), parseErrorName(error));
    QCOMPARE(result.ok(), error == ParseError::None);
    if (result.ok()) {
        QCOMPARE(result.value->minorUnits(), minor);
        QCOMPARE(result.value->currency(), code.toUpper());
        QVERIFY(result.message.isEmpty());
    } else {
        QVERIFY2(!result.message.isEmpty(), "every error carries a message for the user");
    }
}

void TestMoney::format_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("expected");

    QTest::newRow("usd en_US") << qint64(123450) << QStringLiteral("USD") << QStringLiteral("en_US")
                               << QStringLiteral("$1,234.50");
    QTest::newRow("usd negative en_US") << qint64(-5) << QStringLiteral("USD")
                                        << QStringLiteral("en_US") << QStringLiteral("-$0.05");
    QTest::newRow("eur negative de_DE")
        << qint64(-1250) << QStringLiteral("EUR") << QStringLiteral("de_DE")
        << QStringLiteral("-12,50\u00A0€");
    QTest::newRow("eur de_DE") << qint64(123450) << QStringLiteral("EUR") << QStringLiteral("de_DE")
                               << QStringLiteral("1.234,50\u00A0€");
    QTest::newRow("jpy en_US") << qint64(1200) << QStringLiteral("JPY") << QStringLiteral("en_US")
                               << QStringLiteral("¥1,200");
    QTest::newRow("jpy ja_JP") << qint64(1200) << QStringLiteral("JPY") << QStringLiteral("ja_JP")
                               << QStringLiteral("￥1,200");
    QTest::newRow("kwd en_US") << qint64(1005) << QStringLiteral("KWD") << QStringLiteral("en_US")
                               << QStringLiteral("KWD1.005");
    QTest::newRow("usd en_GB") << qint64(999) << QStringLiteral("USD") << QStringLiteral("en_GB")
                               << QStringLiteral("US$9.99");
    QTest::newRow("gbp en_GB") << qint64(100000000) << QStringLiteral("GBP")
                               << QStringLiteral("en_GB") << QStringLiteral("£1,000,000.00");
    QTest::newRow("usd C") << qint64(15500) << QStringLiteral("USD") << QStringLiteral("C")
                           << QStringLiteral("$155.00");
    QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << QStringLiteral("USD")
                               << QStringLiteral("en_US")
                               << QStringLiteral("-$92,233,720,368,547,758.08");
}

void TestMoney::format()
{
    QFETCH(qint64, minor);
    QFETCH(QString, code);
    QFETCH(QString, locale);
    QFETCH(QString, expected);
    QCOMPARE(Money(minor, code).toString(QLocale(locale)), expected);
}

void TestMoney::labelled_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("expected");
    // Where currencies mix, as Stripe's Dashboard writes them: narrow symbol, then the code.
    QTest::newRow("usd en_US") << qint64(15500) << QStringLiteral("usd") << QStringLiteral("en_US")
                               << QStringLiteral("$155.00 USD");
    QTest::newRow("eur en_US") << qint64(4319) << QStringLiteral("EUR") << QStringLiteral("en_US")
                               << QStringLiteral("€43.19 EUR");
    QTest::newRow("jpy en_US") << qint64(7350) << QStringLiteral("JPY") << QStringLiteral("en_US")
                               << QStringLiteral("¥7,350 JPY");
    QTest::newRow("usd en_GB") << qint64(999) << QStringLiteral("USD") << QStringLiteral("en_GB")
                               << QStringLiteral("$9.99 USD");
    QTest::newRow("cad en_US") << qint64(1200) << QStringLiteral("CAD") << QStringLiteral("en_US")
                               << QStringLiteral("$12.00 CAD");
    QTest::newRow("brl en_US") << qint64(1200) << QStringLiteral("BRL") << QStringLiteral("en_US")
                               << QStringLiteral("R$12.00 BRL");
    QTest::newRow("kwd en_US") << qint64(1005) << QStringLiteral("KWD") << QStringLiteral("en_US")
                               << QStringLiteral("1.005 KWD");
    QTest::newRow("chf de_CH") << qint64(-1250) << QStringLiteral("CHF") << QStringLiteral("de_CH")
                               << QStringLiteral("-12.50 CHF");
    QTest::newRow("eur de_DE") << qint64(123450) << QStringLiteral("EUR") << QStringLiteral("de_DE")
                               << QStringLiteral("1.234,50\u00A0€ EUR");
    QTest::newRow("refund en_US") << qint64(-5) << QStringLiteral("USD") << QStringLiteral("en_US")
                                  << QStringLiteral("-$0.05 USD");
    // The C and POSIX locales fall back to en_US conventions, never "155.00US$".
    QTest::newRow("usd C") << qint64(15500) << QStringLiteral("USD") << QStringLiteral("C")
                           << QStringLiteral("$155.00 USD");
    QTest::newRow("jpy POSIX") << qint64(34190) << QStringLiteral("JPY") << QStringLiteral("POSIX")
                               << QStringLiteral("¥34,190 JPY");
}

void TestMoney::labelled()
{
    QFETCH(qint64, minor);
    QFETCH(QString, code);
    QFETCH(QString, locale);
    QFETCH(QString, expected);
    QCOMPARE(Money(minor, code).toLabelledString(QLocale(locale)), expected);
    // The labelled form pastes back into an amount field too.
    const QLocale loc = Money::displayLocale(QLocale(locale));
    const QString shown = Money(qAbs(minor), code).toLabelledString(loc);
    const auto parsed = Money::parse(shown.chopped(4), code, loc);
    QVERIFY2(parsed.ok(), qPrintable(shown + QStringLiteral(": ") + parsed.message));
    QCOMPARE(parsed.value->minorUnits(), qAbs(minor));
}

void TestMoney::formatParseRoundTrip_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("locale");
    const char *locales[] = {"en_US", "de_DE", "fr_FR", "ja_JP", "en_GB", "de_CH", "en_IN"};
    const char *codes[] = {"USD", "EUR", "JPY", "KWD", "GBP", "CHF"};
    const qint64 amounts[] = {0, 1, 99, 100, 123456, 100000000, 98765432101};
    for (const char *l : locales)
        for (const char *c : codes)
            for (qint64 a : amounts)
                QTest::addRow("%s %s %lld", l, c, static_cast<long long>(a))
                    << a << QString::fromLatin1(c) << QString::fromLatin1(l);
}

void TestMoney::formatParseRoundTrip()
{
    // Whatever Paydesk shows, a user can paste back into an amount field.
    QFETCH(qint64, minor);
    QFETCH(QString, code);
    QFETCH(QString, locale);
    const QLocale loc(locale);
    const Money money(minor, code);
    const QString shown = money.toString(loc);
    const auto parsed = Money::parse(shown, code, loc);
    QVERIFY2(parsed.ok(), qPrintable(shown + QStringLiteral(": ") + parsed.message));
    QCOMPARE(*parsed.value, money);
    QCOMPARE(*Money::parseDecimal(money.toDecimalString(), code).value, money);
}

void TestMoney::checkedArithmetic()
{
    const Money a(10, u"USD"), b(20, u"usd");
    QCOMPARE(a.checkedAdd(b)->minorUnits(), qint64(30));
    QCOMPARE(a.checkedSubtract(b)->minorUnits(), qint64(-10));
    QVERIFY(!a.checkedAdd(Money(1, u"EUR")).has_value());
    const Money max(std::numeric_limits<qint64>::max(), u"USD");
    QVERIFY(!max.checkedAdd(Money(1, u"USD")).has_value());
    const Money min(std::numeric_limits<qint64>::min(), u"USD");
    QVERIFY(!min.checkedSubtract(Money(1, u"USD")).has_value());
    // 0.1 + 0.2 is exactly 0.30.
    const auto sum = Money::parseDecimal(u"0.1", u"USD")
                         .value->checkedAdd(*Money::parseDecimal(u"0.2", u"USD").value);
    QCOMPARE(sum->toDecimalString(), QStringLiteral("0.30"));
}

void TestMoney::invalidCurrency()
{
    const Money m(100, u"dollars");
    QVERIFY(!m.isValid());
    QVERIFY(m.toString().isEmpty());
    QVERIFY(!Money().isValid());
    QVERIFY(!Money().checkedAdd(Money()).has_value());
}

void TestMoney::metatypeThroughItemModel()
{
    // Views carry Money in a raw role so that sorting uses minor units, not the text.
    QStandardItemModel model(1, 1);
    const Money money(4200, u"EUR");
    QVERIFY(model.setData(model.index(0, 0), QVariant::fromValue(money), Qt::UserRole));
    const QVariant back = model.data(model.index(0, 0), Qt::UserRole);
    QCOMPARE(back.metaType(), QMetaType::fromType<Money>());
    QCOMPARE(back.value<Money>(), money);
    QVERIFY(QMetaType::fromType<Money>().isValid());
    QCOMPARE(QVariant::fromValue(money), QVariant::fromValue(Money(4200, u"eur")));
}

QTEST_APPLESS_MAIN(TestMoney)
#include "tst_money.moc"
