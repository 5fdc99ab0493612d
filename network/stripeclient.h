#pragma once

#include "network/formencoder.h"
#include "network/ratelimiter.h"
#include "network/stripeerror.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace paydesk::network {

struct StripeClientConfig
{
    QByteArray apiKey;
    QUrl apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
    QString stripeAccount; // Connect: act on behalf of this account.
    int maxRetries = 2;
    int timeoutMs = 80'000; // Per attempt.
    int stallTimeoutMs = 30'000; // No bytes for this long: abort and retry.
    int initialBackoffMs = 500;
    int maxBackoffMs = 5'000;
    double rateLimit = 0; // Requests per second; 0: 25 for test keys, 90 for live keys.
    double rateBurst = 1;
    // Concurrent HTTP/1.1 connections. Qt opens at most 6 per host and manager, so the client
    // owns one manager per 6 (HTTP/2 to api.stripe.com multiplexes on one connection anyway).
    int maxConnections = 18;
};

struct StripeRequest
{
    QByteArray method = "GET"; // GET, POST or DELETE.
    QString path; // "/v1/customers/cus_123".
    StripeParams params; // Query string for GET, form body otherwise.
    QByteArray idempotencyKey; // POST: generated once (UUID v4) when empty, reused on retries.
    // A body already encoded (an outbox resending exactly what it stored); wins over params.
    QByteArray encodedBody;
    // Its Content-Type when it is not a form (a file upload's multipart/form-data).
    QByteArray contentType;
};

/*
 * The one client of the Stripe REST API: owns the QNetworkAccessManager, adds the headers
 * Stripe needs, encodes parameters, paces requests with a shared adaptive rate limiter,
 * retries what may be retried (with the same idempotency key, so a retried refund is never
 * issued twice) and turns every outcome into a StripeResponse. Fully asynchronous: results
 * arrive through a callback run in the context object's thread, and never after that object
 * was destroyed (its pending requests are aborted).
 */
class StripeClient final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const StripeResponse &)>;

    explicit StripeClient(StripeClientConfig config, QObject *parent = nullptr);
    // Takes ownership of `network` and uses only it (tests pass a fake QNetworkAccessManager).
    StripeClient(StripeClientConfig config, QNetworkAccessManager *network,
                 QObject *parent = nullptr);
    ~StripeClient() override;

    // The pinned Stripe API version sent on every request.
    static QByteArray apiVersion();
    // Empty if the base URL may be used: https, or http to a loopback host only.
    static QString validateApiBase(const QUrl &base);
    // Delay before retry `retry` (1-based): min(initial * 2^(retry-1), max) * (0.5 + random/2).
    static qint64 backoffMs(int retry, double random01, int initialMs, int maxMs);

    // Sends a request; `done` runs once (unless cancelled or `context` is destroyed first).
    // Returns an id for cancel().
    quint64 send(const StripeRequest &request, QObject *context, Callback done);
    void cancel(quint64 id);
    int pendingCount() const { return int(m_pending.size()); }

    const StripeClientConfig &config() const { return m_config; }
    // Shared by every client of the same key, API and rate in the process (RateLimiter::shared).
    RateLimiter &rateLimiter() { return *m_limiter; }
    // Randomness for backoff jitter (tests make it deterministic).
    void setRandomSource(std::function<double()> source) { m_random = std::move(source); }

private:
    struct Pending;

    void schedule(Pending *p, qint64 delayMs);
    void startAttempt(Pending *p);
    void onReplyFinished(Pending *p);
    void complete(Pending *p, StripeResponse response);
    void drop(Pending *p);
    QNetworkRequest buildRequest(const Pending &p, QByteArray *body) const;

    StripeClientConfig m_config;
    QNetworkAccessManager *networkForNextRequest();

    QList<QNetworkAccessManager *> m_networks; // Owned; see maxConnections.
    QHash<QNetworkAccessManager *, int> m_inFlight;
    std::shared_ptr<RateLimiter> m_limiter;
    std::function<double()> m_random;
    QHash<quint64, Pending *> m_pending;
    quint64 m_nextId = 1;
    QByteArray m_userAgent;
};

} // namespace paydesk::network
