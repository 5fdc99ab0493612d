#pragma once

#include <QLocale>
#include <QMetaType>
#include <QString>
#include <QStringView>

#include <compare>
#include <optional>

namespace paydesk::models {

enum class MoneyParseError {
    None,
    Empty,
    NotANumber,
    TooManyDecimals,
    Negative,
    Overflow,
    InvalidCurrency,
    CurrencyMismatch,
};

struct MoneyParseResult;

/*
 * An exact amount of money: a signed 64-bit count of the currency's minor unit plus its ISO
 * 4217 code, exactly as Stripe represents amounts. There is no floating point anywhere on the
 * way in (parse) or out (toString, toDecimalString), so 0.1 + 0.2 is 0.30 and ¥1200 is 1200.
 * A default-constructed Money is invalid (no currency) and formats as an empty string.
 */
class Money final
{
public:
    using ParseError = MoneyParseError;
    using ParseResult = MoneyParseResult;

    Money() = default;
    Money(qint64 minorUnits, QStringView currency);

    bool isValid() const { return !m_currency.isEmpty(); }
    qint64 minorUnits() const { return m_minor; }
    // Upper-case ISO code ("USD"); Stripe's wire form is stripeCurrency() ("usd").
    QString currency() const { return m_currency; }
    QString stripeCurrency() const { return m_currency.toLower(); }
    int decimals() const;
    bool isZero() const { return m_minor == 0; }
    bool isNegative() const { return m_minor < 0; }

    // "$1,234.50", "1.234,50 €", "¥1,200" – grouping, decimal point, symbol placement and sign
    // from the locale; decimals from the currency. A C or POSIX locale reads as en_US.
    QString toString(const QLocale &locale = QLocale()) const;
    // The form for wherever currencies mix (tables, details, search, the activity log), as
    // Stripe's Dashboard writes it: "$155.00 USD", "€43.19 EUR", "¥7,350 JPY", "1.005 KWD" —
    // the narrow symbol where there is one, then always the ISO code.
    QString toLabelledString(const QLocale &locale = QLocale()) const;
    // The locale amounts are written in: `locale` itself, or en_US for the C and POSIX locales
    // (whose currency format would read "155.00US$").
    static QLocale displayLocale(const QLocale &locale = QLocale());
    // Locale-independent "1234.50" / "-0.05" / "1200": for CSV, JSON and the command line.
    QString toDecimalString() const;

    // Parses what a user typed in `locale` as an amount of `currency`: "1,234.50", "1234,5" (de),
    // "¥1200", "USD 12", "12 €". Rejects negatives, too many decimals for the currency, a symbol
    // or code of another currency, and anything beyond 64 bits of minor units.
    static ParseResult parse(QStringView text, QStringView currency,
                             const QLocale &locale = QLocale());
    // The C-locale form used on the command line ("12.34").
    static ParseResult parseDecimal(QStringView text, QStringView currency);

    // Arithmetic is checked: a currency mismatch or overflow gives std::nullopt.
    std::optional<Money> checkedAdd(const Money &other) const;
    std::optional<Money> checkedSubtract(const Money &other) const;

    friend bool operator==(const Money &a, const Money &b) = default;

private:
    qint64 m_minor = 0;
    QString m_currency;
};

struct MoneyParseResult
{
    std::optional<Money> value;
    MoneyParseError error = MoneyParseError::None;
    QString message; // Human-readable: names the problem and what is expected instead.

    bool ok() const { return value.has_value(); }
};

QString parseErrorName(MoneyParseError error);

} // namespace paydesk::models

Q_DECLARE_METATYPE(paydesk::models::Money)
