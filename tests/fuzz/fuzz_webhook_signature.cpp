// libFuzzer target for the Stripe-Signature header parser and the webhook verification
// (paydesk::network::parseWebhookSignatureHeader, verifyWebhookSignature): any header must
// parse or be refused without crashing, hanging or leaking, a parsed header must hold only
// 32-byte signatures, and no input may verify without the right HMAC. Built and run by
// tests/fuzz/run.sh.
#include "network/webhooksignature.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace paydesk::network;
    // The input is "header\npayload": both under the fuzzer's control.
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray header = newline < 0 ? input : input.left(newline);
    const QByteArray payload = newline < 0 ? QByteArray() : input.mid(newline + 1);

    if (const auto parsed = parseWebhookSignatureHeader(header)) {
        if (parsed->v1.isEmpty() || parsed->timestamp < 0)
            std::abort();
        for (const QByteArray &signature : parsed->v1) {
            if (signature.size() != 32)
                std::abort();
        }
    }
    const QByteArray secret = QByteArrayLiteral("whsec_fuzz");
    const qint64 now = 1700000000;
    const WebhookVerdict verdict = verifyWebhookSignature(payload, header, secret, now);
    // The only way to Valid is the real signature: recompute it and check.
    if (verdict == WebhookVerdict::Valid) {
        const auto parsed = parseWebhookSignatureHeader(header);
        const QByteArray expected = signWebhookPayload(payload, secret, parsed->timestamp);
        const QByteArray mac = QByteArray::fromHex(expected.mid(expected.indexOf("v1=") + 3));
        bool found = false;
        for (const QByteArray &signature : parsed->v1)
            found |= signature == mac;
        if (!found)
            std::abort();
    }
    // A correctly signed copy of this payload always verifies.
    if (verifyWebhookSignature(payload, signWebhookPayload(payload, secret, now), secret, now)
        != WebhookVerdict::Valid)
        std::abort();
    return 0;
}
