#include "sandbox/sandboxinternal.h"

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox::detail {

const QString kInvalidRequest = QStringLiteral("invalid_request_error");

bool isTrue(const QString &v)
{
    return v == QLatin1String("true");
}

QString formatAmount(qint64 amount, const QString &currency)
{
    const bool zeroDecimal = currency == QLatin1String("jpy") || currency == QLatin1String("krw");
    const QString symbol = currency == QLatin1String("usd") ? L("$")
        : currency == QLatin1String("eur")                  ? L("€")
        : currency == QLatin1String("gbp")                  ? L("£")
        : currency == QLatin1String("jpy")                  ? L("¥")
                                                            : currency.toUpper() + u' ';
    if (zeroDecimal)
        return symbol + QString::number(amount);
    return symbol + QString::number(amount / 100) + u'.'
        + QString::number(amount % 100).rightJustified(2, u'0');
}

// Removes the parts of a JSON object that equal those of `after`, for previous_attributes.
QJsonObject changedFields(const QJsonObject &before, const QJsonObject &after)
{
    QJsonObject previous;
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (before.value(it.key()) != it.value())
            previous.insert(it.key(), before.value(it.key()));
    }
    return previous;
}

// Stripe's metadata update rules: `metadata[k]=v` sets, `metadata[k]=` unsets one key and
// `metadata=` unsets all of them.
QJsonObject mergedMetadata(QJsonObject current, const QJsonValue &given)
{
    if (given.isString())
        return {};
    const QJsonObject changes = given.toObject();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().toString().isEmpty())
            current.remove(it.key());
        else
            current.insert(it.key(), it.value());
    }
    return current;
}

std::optional<qint64> parseInteger(const QString &s)
{
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace paydesk::sandbox::detail
