#include "network/webhooksignature.h"

#include <QMessageAuthenticationCode>

namespace paydesk::network {

namespace {

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QByteArray hmac(const QByteArray &payload, const QByteArray &secret, qint64 timestamp)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(QByteArray::number(timestamp));
    mac.addData(".", 1);
    mac.addData(payload);
    return mac.result();
}

} // namespace

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    // Read through a volatile so that the loop is not turned into an early exit.
    volatile unsigned char result = diff;
    return result == 0;
}

std::optional<WebhookSignatureHeader> parseWebhookSignatureHeader(QByteArrayView header)
{
    WebhookSignatureHeader parsed;
    bool haveTimestamp = false;
    if (header.size() > 8192)
        return std::nullopt;
    while (!header.isEmpty()) {
        const qsizetype comma = header.indexOf(',');
        const QByteArrayView item = trimmed(comma < 0 ? header : header.first(comma));
        header = comma < 0 ? QByteArrayView() : header.sliced(comma + 1);
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArrayView key = item.first(eq), value = item.sliced(eq + 1);
        if (key == "t") {
            if (haveTimestamp || value.isEmpty() || value.size() > 12)
                return std::nullopt;
            qint64 t = 0;
            for (char c : value) {
                if (c < '0' || c > '9')
                    return std::nullopt;
                t = t * 10 + (c - '0');
            }
            parsed.timestamp = t;
            haveTimestamp = true;
        } else if (key == "v1") {
            if (value.size() != 64)
                continue;
            QByteArray bytes(32, Qt::Uninitialized);
            bool ok = true;
            for (int i = 0; i < 32 && ok; ++i) {
                const int hi = hexValue(value[2 * i]), lo = hexValue(value[2 * i + 1]);
                ok = hi >= 0 && lo >= 0;
                bytes[i] = char(hi << 4 | lo);
            }
            if (ok)
                parsed.v1.append(bytes);
        }
    }
    if (!haveTimestamp || parsed.v1.isEmpty())
        return std::nullopt;
    return parsed;
}

WebhookVerdict verifyWebhookSignature(const QByteArray &payload, QByteArrayView header,
                                      const QByteArray &secret, qint64 now, qint64 toleranceSeconds)
{
    const std::optional<WebhookSignatureHeader> parsed = parseWebhookSignatureHeader(header);
    if (!parsed)
        return WebhookVerdict::MalformedHeader;
    const QByteArray expected = hmac(payload, secret, parsed->timestamp);
    bool match = false;
    for (const QByteArray &candidate : parsed->v1)
        match |= constantTimeEquals(expected, candidate); // Every one is compared.
    if (!match)
        return WebhookVerdict::NoMatchingSignature;
    const qint64 age = now - parsed->timestamp;
    if (age > toleranceSeconds || age < -toleranceSeconds)
        return WebhookVerdict::OutsideTolerance;
    return WebhookVerdict::Valid;
}

QByteArray signWebhookPayload(const QByteArray &payload, const QByteArray &secret, qint64 timestamp)
{
    return "t=" + QByteArray::number(timestamp) + ",v1=" + hmac(payload, secret, timestamp).toHex();
}

} // namespace paydesk::network
