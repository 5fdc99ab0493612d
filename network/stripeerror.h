#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace paydesk::network {

/*
 * Everything that can go wrong with one Stripe request, in one value type: Stripe's own error
 * (HTTP status, type, code, decline_code, param, message), or a transport failure (network,
 * timeout, TLS, a body that is not the JSON it should be). `requestId` is Stripe's Request-Id,
 * which users quote to Stripe support.
 */
struct StripeError
{
    enum class Kind {
        None,
        Api, // Stripe answered with an error object.
        Network, // Connection refused, reset, host not found, dropped mid-body.
        Timeout, // No complete answer within the timeout, or a stalled transfer.
        Tls, // Certificate or handshake failure: never retried, never ignored.
        InvalidResponse, // Not JSON, or not the JSON object Stripe sends.
        Truncated, // The body ended before its announced length.
        Canceled, // The caller went away or cancelled.
        Configuration, // Bad API base URL or missing key: nothing was sent.
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString type; // card_error, invalid_request_error, api_error, idempotency_error, …
    QString code; // charge_already_refunded, amount_too_large, resource_missing, …
    QString declineCode; // insufficient_funds, …
    QString param; // The request field at fault.
    QString message; // Stripe's message, or ours for transport failures.
    QString requestId;
    bool shouldRetryHeader = false; // Stripe-Should-Retry was present…
    bool shouldRetry = false; // …and said this.

    bool isError() const { return kind != Kind::None; }
    // Whether sending the same request again (with the same idempotency key) may succeed.
    bool isRetryable() const;
    // One line for a person: Stripe's message, the request id to quote, or what failed.
    QString userMessage() const;
    static QString kindName(Kind kind);
};

struct StripeResponse
{
    int httpStatus = 0;
    QJsonObject json;
    QByteArray body;
    QString requestId;
    bool idempotentReplayed = false;
    int attempts = 0;
    // The server's clock when it answered (its Date header, Unix time; 0: not sent). Objects
    // are ordered by Stripe's clock, never by ours.
    qint64 serverTime = 0;
    StripeError error;

    bool ok() const { return !error.isError(); }
};

// Stripe's refusal of a restricted key ("… does not have the required permissions … Having the
// 'rak_refund_write' permission would allow this request …"), from its message.
bool isPermissionRefusal(const QString &message);
// The permission such a refusal names ("rak_refund_write"), or empty.
QString missingPermission(const QString &message);

// Turns an HTTP answer into a response: parses the JSON and, for non-2xx statuses or bodies
// that are not a JSON object, fills the error. Pure, so that it can be fuzzed.
StripeResponse parseStripeResponse(int httpStatus, const QByteArray &body,
                                   const QList<QPair<QByteArray, QByteArray>> &headers,
                                   qint64 expectedLength = -1);

} // namespace paydesk::network
