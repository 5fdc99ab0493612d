#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace paydesk::network {

// The parts of a `Stripe-Signature` header: "t=1492774577,v1=5257a8…,v1=…,v0=…".
struct WebhookSignatureHeader
{
    qint64 timestamp = 0;
    QList<QByteArray> v1; // Each decoded from 64 hex digits to 32 bytes.
};

// Parses the header; nullopt when it has no valid `t` or no well-formed `v1`. Other schemes
// (`v0`, test-mode extras) are ignored, as Stripe's own libraries do.
std::optional<WebhookSignatureHeader> parseWebhookSignatureHeader(QByteArrayView header);

enum class WebhookVerdict {
    Valid,
    MalformedHeader,
    NoMatchingSignature, // Tampered body, another secret, or a forged signature.
    OutsideTolerance, // Replay of an old request (or a clock far off).
};

/*
 * Verifies a webhook the way Stripe specifies: HMAC-SHA256 with the endpoint's signing secret
 * over "<t>.<raw body>", compared in constant time with every `v1` signature of the header
 * (several during a secret roll), and the timestamp within `toleranceSeconds` of `now`.
 */
WebhookVerdict verifyWebhookSignature(const QByteArray &payload, QByteArrayView header,
                                      const QByteArray &secret, qint64 now,
                                      qint64 toleranceSeconds = 300);

// The header Stripe would send for `payload` at `timestamp` (tests, and the sandbox's twin).
QByteArray signWebhookPayload(const QByteArray &payload, const QByteArray &secret,
                              qint64 timestamp);

bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace paydesk::network
