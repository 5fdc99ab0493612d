// libFuzzer target for the parsing of Stripe's answers (paydesk::network::parseStripeResponse):
// arbitrary status, headers and body must never crash, hang or leak, and must always end in
// either a JSON object or a classified error. Built and run by tests/fuzz/run.sh.
#include "network/stripeerror.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace paydesk::network;
    if (size < 3)
        return 0;
    // Byte 0-1: HTTP status; byte 2: number of header lines; then "name:value\n" lines; then body.
    const int status = (data[0] << 8 | data[1]) % 700;
    int headerLines = data[2] % 8;
    const QByteArray input(reinterpret_cast<const char *>(data) + 3, qsizetype(size - 3));
    QList<QPair<QByteArray, QByteArray>> headers;
    qsizetype offset = 0;
    while (headerLines-- > 0) {
        const qsizetype end = input.indexOf('\n', offset);
        if (end < 0)
            break;
        const QByteArray line = input.mid(offset, end - offset);
        const qsizetype colon = line.indexOf(':');
        headers.append({line.left(colon < 0 ? line.size() : colon),
                        colon < 0 ? QByteArray() : line.mid(colon + 1)});
        offset = end + 1;
    }
    const QByteArray body = input.mid(offset);
    const qint64 expected = (data[0] & 1) ? qint64(body.size()) + (data[1] & 7) - 3 : -1;

    const StripeResponse r = parseStripeResponse(status, body, headers, expected);
    // Invariants: success means a JSON object with a 2xx status; every error can be shown.
    if (r.ok() && (status < 200 || status >= 300))
        std::abort();
    if (!r.ok() && r.error.userMessage().isEmpty())
        std::abort();
    (void)r.error.isRetryable();
    return 0;
}
