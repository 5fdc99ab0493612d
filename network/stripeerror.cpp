#include "network/stripeerror.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

namespace paydesk::network {

bool StripeError::isRetryable() const
{
    switch (kind) {
    case Kind::None:
    case Kind::Tls:
    case Kind::Canceled:
    case Kind::Configuration:
        return false;
    case Kind::Network:
    case Kind::Timeout:
    case Kind::InvalidResponse:
    case Kind::Truncated:
        return true;
    case Kind::Api:
        if (shouldRetryHeader)
            return shouldRetry;
        return httpStatus == 409 || httpStatus == 429 || httpStatus >= 500;
    }
    return false;
}

QString StripeError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Api:
        return QStringLiteral("api");
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::InvalidResponse:
        return QStringLiteral("invalid-response");
    case Kind::Truncated:
        return QStringLiteral("truncated");
    case Kind::Canceled:
        return QStringLiteral("canceled");
    case Kind::Configuration:
        return QStringLiteral("configuration");
    }
    return {};
}

QString StripeError::userMessage() const
{
    QString text = message;
    if (text.isEmpty()) {
        switch (kind) {
        case Kind::Network:
            text = QStringLiteral("Could not reach Stripe (network error).");
            break;
        case Kind::Timeout:
            text = QStringLiteral("Stripe did not answer in time.");
            break;
        case Kind::Tls:
            text = QStringLiteral("The secure connection to Stripe could not be verified.");
            break;
        case Kind::InvalidResponse:
            text = QStringLiteral("Stripe's answer was not understood.");
            break;
        case Kind::Truncated:
            text = QStringLiteral("Stripe's answer was cut off.");
            break;
        case Kind::Canceled:
            text = QStringLiteral("The request was cancelled.");
            break;
        default:
            text = QStringLiteral("Stripe returned HTTP %1.").arg(httpStatus);
            break;
        }
    }
    if (!requestId.isEmpty())
        text += QStringLiteral(" (Request ID %1)").arg(requestId);
    return text;
}

StripeResponse parseStripeResponse(int httpStatus, const QByteArray &body,
                                   const QList<QPair<QByteArray, QByteArray>> &headers,
                                   qint64 expectedLength)
{
    StripeResponse r;
    r.httpStatus = httpStatus;
    r.body = body;
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        if (lower == "request-id")
            r.requestId = QString::fromLatin1(value);
        else if (lower == "date") {
            // IMF-fixdate, e.g. "Tue, 01 Dec 2026 06:10:00 GMT".
            QDateTime t
                = QLocale::c().toDateTime(QString::fromLatin1(value.trimmed()),
                                          QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
            if (t.isValid()) {
                t.setTimeZone(QTimeZone::utc());
                r.serverTime = t.toSecsSinceEpoch();
            }
        } else if (lower == "idempotent-replayed")
            r.idempotentReplayed = value.trimmed().toLower() == "true";
        else if (lower == "stripe-should-retry") {
            r.error.shouldRetryHeader = true;
            r.error.shouldRetry = value.trimmed().toLower() == "true";
        }
    }
    r.error.requestId = r.requestId;
    r.error.httpStatus = httpStatus;

    if (expectedLength >= 0 && body.size() < expectedLength) {
        r.error.kind = StripeError::Kind::Truncated;
        r.error.message = QStringLiteral("Stripe's answer was cut off after %1 of %2 bytes.")
                              .arg(body.size())
                              .arg(expectedLength);
        return r;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        r.error.kind = StripeError::Kind::InvalidResponse;
        r.error.message = body.isEmpty()
            ? QStringLiteral("Stripe sent an empty answer (HTTP %1).").arg(httpStatus)
            : QStringLiteral("Stripe's answer (HTTP %1) is not JSON: %2.")
                  .arg(httpStatus)
                  .arg(parseError.errorString());
        return r;
    }
    r.json = doc.object();
    if (httpStatus >= 200 && httpStatus < 300)
        return r;

    const QJsonObject error = r.json.value(QStringLiteral("error")).toObject();
    r.error.kind = StripeError::Kind::Api;
    r.error.type = error.value(QStringLiteral("type")).toString();
    r.error.code = error.value(QStringLiteral("code")).toString();
    r.error.declineCode = error.value(QStringLiteral("decline_code")).toString();
    r.error.param = error.value(QStringLiteral("param")).toString();
    r.error.message = error.value(QStringLiteral("message")).toString();
    if (r.error.message.isEmpty())
        r.error.message = QStringLiteral("Stripe returned HTTP %1.").arg(httpStatus);
    return r;
}

bool isPermissionRefusal(const QString &message)
{
    return message.contains(QLatin1String("does not have the required permissions"));
}

QString missingPermission(const QString &message)
{
    static const QRegularExpression permission(QStringLiteral("'(rak_[a-z_]+)'"));
    return permission.match(message).captured(1);
}

} // namespace paydesk::network
