#include "models/money.h"

#include "models/currency.h"

namespace paydesk::models {

namespace {

using ParseError = Money::ParseError;

Money::ParseResult failure(ParseError error, QString message)
{
    return {std::nullopt, error, std::move(message)};
}

bool isSpace(QChar c)
{
    return c.isSpace() || c == QChar(0x00A0) || c == QChar(0x202F) || c == QChar(0x2009);
}

bool isMinus(QChar c)
{
    return c == u'-' || c == QChar(0x2212);
}

// A character that can separate digit groups or the fraction inside a number.
bool isSeparator(QChar c, const QLocale &locale)
{
    return c == u'.' || c == u',' || c == u'\'' || c == QChar(0x2019) || isSpace(c)
        || locale.groupSeparator().contains(c) || locale.decimalPoint().contains(c);
}

QString decimalsPhrase(const QString &code, int decimals)
{
    if (decimals == 0)
        return QStringLiteral("%1 amounts have no decimal places").arg(code);
    return QStringLiteral("%1 amounts have at most %2 decimal places").arg(code).arg(decimals);
}

// Checks a currency marker typed before or after the number: an ISO code or a symbol.
std::optional<Money::ParseResult> checkMarker(const QString &marker, const QString &code,
                                              const QLocale &locale)
{
    if (marker.isEmpty())
        return std::nullopt;
    if (currency::isValidCode(marker)) {
        if (currency::normalized(marker) == code)
            return std::nullopt;
        return failure(
            ParseError::CurrencyMismatch,
            QStringLiteral("The amount is in %1, not %2").arg(currency::normalized(marker), code));
    }
    if (marker == currency::symbol(code, locale))
        return std::nullopt;
    const QStringList codes = currency::codesForSymbol(marker);
    if (codes.contains(code))
        return std::nullopt;
    if (!codes.isEmpty())
        return failure(ParseError::CurrencyMismatch,
                       QStringLiteral("'%1' is not a symbol of %2").arg(marker, code));
    return failure(ParseError::NotANumber,
                   QStringLiteral("'%1' is not a number or a symbol of %2").arg(marker, code));
}

// Strips whitespace, sign characters and parentheses from a prefix or suffix, counting signs.
QString stripAffix(QStringView affix, bool &negative)
{
    QString marker;
    for (QChar c : affix) {
        if (isSpace(c) || c == u'+')
            continue;
        if (isMinus(c) || c == u'(' || c == u')') {
            negative = true;
            continue;
        }
        marker.append(c);
    }
    return marker;
}

bool validGrouping(const QList<QStringView> &groups)
{
    // First group 1–3 digits, later ones 3 (or 2, for Indian-style lakh grouping, except the
    // last which is always 3).
    if (groups.isEmpty() || groups.first().isEmpty() || groups.first().size() > 3)
        return false;
    for (qsizetype i = 1; i < groups.size(); ++i) {
        const qsizetype n = groups.at(i).size();
        const bool last = i == groups.size() - 1;
        if (last ? n != 3 : (n != 3 && n != 2))
            return false;
    }
    return true;
}

} // namespace

Money::Money(qint64 minorUnits, QStringView currency)
    : m_minor(minorUnits)
    , m_currency(currency::isValidCode(currency) ? currency::normalized(currency) : QString())
{ }

int Money::decimals() const
{
    return currency::decimals(m_currency);
}

QString Money::toDecimalString() const
{
    if (!isValid())
        return {};
    const int d = decimals();
    // Work on the magnitude as unsigned so that INT64_MIN does not overflow.
    const quint64 magnitude = m_minor < 0 ? quint64(0) - quint64(m_minor) : quint64(m_minor);
    quint64 scale = 1;
    for (int i = 0; i < d; ++i)
        scale *= 10;
    QString out = m_minor < 0 ? QStringLiteral("-") : QString();
    out += QString::number(magnitude / scale);
    if (d > 0)
        out += u'.' + QString::number(magnitude % scale).rightJustified(d, u'0');
    return out;
}

QLocale Money::displayLocale(const QLocale &locale)
{
    if (locale.language() == QLocale::C)
        return QLocale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

namespace {

// The digits of |minor| in `locale`, grouped, with the currency's decimals.
QString formatNumber(qint64 minor, int decimals, const QLocale &locale)
{
    const quint64 magnitude = minor < 0 ? quint64(0) - quint64(minor) : quint64(minor);
    quint64 scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    QString number = locale.toString(qulonglong(magnitude / scale));
    if (decimals > 0) {
        QString fraction = QString::number(magnitude % scale).rightJustified(decimals, u'0');
        if (locale.zeroDigit() != QStringLiteral("0")) {
            // Locales with their own digits (Arabic, Bengali, …).
            QString localized;
            for (QChar c : std::as_const(fraction))
                localized += locale.toString(c.digitValue());
            fraction = localized;
        }
        number += locale.decimalPoint() + fraction;
    }
    return number;
}

// `number` with `symbol` where the locale places a currency symbol.
QString placeSymbol(const QString &number, const QString &symbol, const QLocale &locale)
{
    // Let the locale place the symbol: format a placeholder amount of one with a private-use
    // placeholder symbol, then substitute both.
    const QString placeholder(QChar(0xE000));
    QString pattern = locale.toCurrencyString(qlonglong(1), placeholder);
    const QString one = locale.toString(1);
    const qsizetype at = pattern.indexOf(one);
    if (at < 0)
        return symbol + number;
    pattern.replace(at, one.size(), number);
    pattern.replace(placeholder, symbol);
    return pattern;
}

} // namespace

QString Money::toString(const QLocale &requested) const
{
    if (!isValid())
        return {};
    const QLocale locale = displayLocale(requested);
    const QString number = formatNumber(m_minor, decimals(), locale);
    // The sign is always a leading minus sign: some locales (en_US in CLDR) format negative
    // currency in accounting parentheses, which reads as a balance sheet rather than a refund
    // or a fee.
    const QString shown = placeSymbol(number, currency::symbol(m_currency, locale), locale);
    return m_minor < 0 ? locale.negativeSign() + shown : shown;
}

QString Money::toLabelledString(const QLocale &requested) const
{
    if (!isValid())
        return {};
    const QLocale locale = displayLocale(requested);
    const QString number = formatNumber(m_minor, decimals(), locale);
    const QString symbol = currency::narrowSymbol(m_currency, locale);
    const QString shown = symbol.isEmpty() ? number : placeSymbol(number, symbol, locale);
    return (m_minor < 0 ? locale.negativeSign() + shown : shown) + u' ' + m_currency;
}

Money::ParseResult Money::parseDecimal(QStringView text, QStringView currency)
{
    return parse(text, currency, QLocale::c());
}

Money::ParseResult Money::parse(QStringView text, QStringView currencyCode, const QLocale &locale)
{
    if (!currency::isValidCode(currencyCode))
        return failure(ParseError::InvalidCurrency,
                       QStringLiteral("'%1' is not an ISO 4217 currency code").arg(currencyCode));
    const QString code = currency::normalized(currencyCode);
    const int maxDecimals = currency::decimals(code);

    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return failure(ParseError::Empty, QStringLiteral("Enter an amount"));

    // Split into prefix, number core and suffix around the first and last digit. A leading
    // separator (".50") belongs to the core.
    qsizetype first = -1, last = -1;
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        if (trimmed.at(i).isDigit()) {
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (first < 0)
        return failure(ParseError::NotANumber, QStringLiteral("'%1' is not a number").arg(trimmed));
    while (first > 0
           && (trimmed.at(first - 1) == u'.' || trimmed.at(first - 1) == u','
               || locale.decimalPoint().contains(trimmed.at(first - 1))))
        --first;

    bool negative = false;
    const QString prefix = stripAffix(trimmed.left(first), negative);
    const QString suffix = stripAffix(trimmed.mid(last + 1), negative);
    if (!prefix.isEmpty() && !suffix.isEmpty())
        return failure(ParseError::NotANumber, QStringLiteral("'%1' is not a number").arg(trimmed));
    if (auto bad = checkMarker(prefix.isEmpty() ? suffix : prefix, code, locale))
        return *bad;

    const QStringView core = trimmed.mid(first, last - first + 1);
    // Every non-digit in the core must be a separator.
    QList<qsizetype> sepPositions;
    for (qsizetype i = 0; i < core.size(); ++i) {
        const QChar c = core.at(i);
        if (c.isDigit())
            continue;
        if (!isSeparator(c, locale))
            return failure(ParseError::NotANumber,
                           QStringLiteral("Unexpected '%1' in '%2'").arg(c).arg(trimmed));
        sepPositions.append(i);
    }
    if (negative)
        return failure(ParseError::Negative, QStringLiteral("The amount cannot be negative"));

    // Decide which separator, if any, is the decimal point.
    qsizetype decimalAt = -1;
    if (!sepPositions.isEmpty()) {
        const QChar lastSep = core.at(sepPositions.last());
        bool mixed = false;
        int lastSepCount = 0;
        for (qsizetype p : sepPositions) {
            if (core.at(p) != lastSep)
                mixed = true;
            else
                ++lastSepCount;
        }
        const bool isLocaleDecimal = locale.decimalPoint().contains(lastSep);
        const bool isLocaleGroup = locale.groupSeparator().contains(lastSep)
            || (isSpace(lastSep) && isSpace(locale.groupSeparator().at(0)));
        if (isSpace(lastSep) || lastSep == u'\'' || lastSep == QChar(0x2019)) {
            decimalAt = -1; // Only ever grouping.
        } else if (mixed) {
            if (lastSepCount > 1)
                return failure(ParseError::NotANumber,
                               QStringLiteral("'%1' is not a number").arg(trimmed));
            decimalAt = sepPositions.last();
        } else if (lastSepCount > 1) {
            decimalAt = -1;
        } else if (isLocaleDecimal) {
            decimalAt = sepPositions.last();
        } else if (isLocaleGroup) {
            decimalAt = -1;
            if (core.size() - sepPositions.last() - 1 != 3)
                return failure(
                    ParseError::NotANumber,
                    QStringLiteral("'%1' separates thousands here; use '%2' for decimals")
                        .arg(lastSep)
                        .arg(locale.decimalPoint()));
        } else {
            // '.' or ',' that this locale uses for neither: a decimal point typed out of habit.
            decimalAt = sepPositions.last();
        }
    }

    const QStringView integerPart = decimalAt < 0 ? core : core.left(decimalAt);
    const QStringView fractionPart = decimalAt < 0 ? QStringView() : core.mid(decimalAt + 1);

    // Validate grouping of the integer part and collect its digits.
    QString integerDigits;
    {
        QList<QStringView> groups;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= integerPart.size(); ++i) {
            if (i == integerPart.size() || !integerPart.at(i).isDigit()) {
                groups.append(integerPart.mid(start, i - start));
                start = i + 1;
            }
        }
        if (groups.size() > 1 && !validGrouping(groups))
            return failure(ParseError::NotANumber,
                           QStringLiteral("'%1' has misplaced thousands separators").arg(trimmed));
        for (QStringView g : groups)
            for (QChar c : g)
                integerDigits += QChar(u'0' + c.digitValue());
    }
    for (QChar c : fractionPart) {
        if (!c.isDigit())
            return failure(ParseError::NotANumber,
                           QStringLiteral("'%1' is not a number").arg(trimmed));
    }
    if (fractionPart.size() > maxDecimals)
        return failure(ParseError::TooManyDecimals, decimalsPhrase(code, maxDecimals));

    qint64 minor = 0;
    auto pushDigit = [&minor](int digit) {
        return !__builtin_mul_overflow(minor, qint64(10), &minor)
            && !__builtin_add_overflow(minor, qint64(digit), &minor);
    };
    bool ok = true;
    for (QChar c : std::as_const(integerDigits))
        ok = ok && pushDigit(c.digitValue());
    for (qsizetype i = 0; i < maxDecimals; ++i)
        ok = ok && pushDigit(i < fractionPart.size() ? fractionPart.at(i).digitValue() : 0);
    if (!ok)
        return failure(ParseError::Overflow, QStringLiteral("The amount is too large"));

    return {Money(minor, code), ParseError::None, {}};
}

std::optional<Money> Money::checkedAdd(const Money &other) const
{
    if (!isValid() || m_currency != other.m_currency)
        return std::nullopt;
    qint64 sum = 0;
    if (__builtin_add_overflow(m_minor, other.m_minor, &sum))
        return std::nullopt;
    return Money(sum, m_currency);
}

std::optional<Money> Money::checkedSubtract(const Money &other) const
{
    if (!isValid() || m_currency != other.m_currency)
        return std::nullopt;
    qint64 diff = 0;
    if (__builtin_sub_overflow(m_minor, other.m_minor, &diff))
        return std::nullopt;
    return Money(diff, m_currency);
}

QString parseErrorName(Money::ParseError error)
{
    switch (error) {
    case ParseError::None:
        return QStringLiteral("none");
    case ParseError::Empty:
        return QStringLiteral("empty");
    case ParseError::NotANumber:
        return QStringLiteral("not-a-number");
    case ParseError::TooManyDecimals:
        return QStringLiteral("too-many-decimals");
    case ParseError::Negative:
        return QStringLiteral("negative");
    case ParseError::Overflow:
        return QStringLiteral("overflow");
    case ParseError::InvalidCurrency:
        return QStringLiteral("invalid-currency");
    case ParseError::CurrencyMismatch:
        return QStringLiteral("currency-mismatch");
    }
    return {};
}

} // namespace paydesk::models
