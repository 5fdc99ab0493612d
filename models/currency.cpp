#include "models/currency.h"

#include <QHash>

#include <algorithm>
#include <array>

namespace paydesk::models::currency {

namespace {

// https://stripe.com/docs/currencies#zero-decimal and #three-decimal, as of API 2023-08-16.
constexpr std::array<const char16_t *, 16> kZeroDecimal = {
    u"BIF", u"CLP", u"DJF", u"GNF", u"JPY", u"KMF", u"KRW", u"MGA",
    u"PYG", u"RWF", u"UGX", u"VND", u"VUV", u"XAF", u"XOF", u"XPF",
};
constexpr std::array<const char16_t *, 5> kThreeDecimal = {u"BHD", u"JOD", u"KWD", u"OMR", u"TND"};

struct SymbolEntry
{
    const char16_t *code;
    const char16_t *symbol;
};

// Symbols shown for a currency outside its home locale; CLDR's "narrow where unambiguous,
// otherwise prefixed" choice.
constexpr std::array<SymbolEntry, 22> kDisplaySymbols = {{
    {u"USD", u"US$"}, {u"EUR", u"€"},   {u"GBP", u"£"},   {u"JPY", u"¥"},  {u"KRW", u"₩"},
    {u"INR", u"₹"},   {u"CNY", u"CN¥"}, {u"CAD", u"CA$"}, {u"AUD", u"A$"}, {u"NZD", u"NZ$"},
    {u"HKD", u"HK$"}, {u"MXN", u"MX$"}, {u"BRL", u"R$"},  {u"ILS", u"₪"},  {u"VND", u"₫"},
    {u"PHP", u"₱"},   {u"NGN", u"₦"},   {u"TRY", u"₺"},   {u"UAH", u"₴"},  {u"THB", u"฿"},
    {u"SGD", u"SGD"}, {u"CHF", u"CHF"},
}};

const QHash<QString, QStringList> &symbolTable()
{
    static const QHash<QString, QStringList> table = [] {
        QHash<QString, QStringList> t;
        for (const auto &e : kDisplaySymbols)
            t[QString::fromUtf16(e.symbol)].append(QString::fromUtf16(e.code));
        // Symbols that several currencies share; typing them is only accepted for one of these.
        t[QStringLiteral("$")]
            = {QStringLiteral("USD"), QStringLiteral("CAD"), QStringLiteral("AUD"),
               QStringLiteral("NZD"), QStringLiteral("HKD"), QStringLiteral("SGD"),
               QStringLiteral("MXN"), QStringLiteral("TWD")};
        t[QStringLiteral("¥")] = {QStringLiteral("JPY"), QStringLiteral("CNY")};
        t[QStringLiteral("￥")] = {QStringLiteral("JPY"), QStringLiteral("CNY")};
        t[QStringLiteral("kr")] = {QStringLiteral("SEK"), QStringLiteral("NOK"),
                                   QStringLiteral("DKK"), QStringLiteral("ISK")};
        t[QStringLiteral("Fr")] = {QStringLiteral("CHF")};
        t[QStringLiteral("zł")] = {QStringLiteral("PLN")};
        t[QStringLiteral("€")] = {QStringLiteral("EUR")};
        t[QStringLiteral("£")] = {QStringLiteral("GBP")};
        return t;
    }();
    return table;
}

template<std::size_t N>
bool contains(const std::array<const char16_t *, N> &list, QStringView code)
{
    const QString up = normalized(code);
    return std::any_of(list.begin(), list.end(),
                       [&](const char16_t *c) { return up == QStringView(c); });
}

} // namespace

bool isValidCode(QStringView code)
{
    return code.size() == 3 && std::all_of(code.begin(), code.end(), [](QChar c) {
               return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
           });
}

QString normalized(QStringView code)
{
    return code.toString().toUpper();
}

bool isZeroDecimal(QStringView code)
{
    return contains(kZeroDecimal, code);
}

bool isThreeDecimal(QStringView code)
{
    return contains(kThreeDecimal, code);
}

int decimals(QStringView code)
{
    if (isZeroDecimal(code))
        return 0;
    if (isThreeDecimal(code))
        return 3;
    return 2;
}

QString symbol(QStringView code, const QLocale &locale)
{
    const QString up = normalized(code);
    if (locale.currencySymbol(QLocale::CurrencyIsoCode) == up)
        return locale.currencySymbol(QLocale::CurrencySymbol);
    for (const auto &e : kDisplaySymbols) {
        if (up == QStringView(e.code))
            return QString::fromUtf16(e.symbol);
    }
    return up;
}

QString narrowSymbol(QStringView code, const QLocale &locale)
{
    const QString up = normalized(code);
    QString s = symbol(up, locale);
    if (s == up)
        return {};
    // "US$", "CA$", "A$", "NZ$", "HK$", "MX$", "CN¥": a country's letters before a shared sign.
    qsizetype letters = 0;
    while (letters < s.size() && s.at(letters).isUpper() && s.at(letters).unicode() < 0x80)
        ++letters;
    const QString rest = s.mid(letters);
    // (Brazil's "R$" is the real's own symbol, not a disambiguated dollar.)
    if (letters > 0 && (rest == u"$" || rest == u"¥") && up != u"BRL")
        return rest;
    if (letters == s.size())
        return {}; // Letters only ("CHF", "Fr."-less codes): the code says it.
    return s;
}

QStringList codesForSymbol(QStringView symbol)
{
    return symbolTable().value(symbol.toString());
}

} // namespace paydesk::models::currency
