#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <functional>
#include <memory>
#include <mutex>

namespace paydesk::network {

/*
 * Client-side token bucket shared by every request of one account, so that a big sync paces
 * itself instead of spending its time in 429s. Adaptive: a 429 (at most one a second counts)
 * lowers the rate by a tenth and
 * sets a ceiling 2 % under the refused rate; successes give the rate back quickly up to that
 * ceiling, and the ceiling back very slowly up to the configured rate. Time comes from an
 * injectable clock (milliseconds), so tests need no sleeps. Thread-safe: the sync's client on
 * its thread and the window's clients share one (shared()).
 */
class RateLimiter final
{
public:
    using Clock = std::function<qint64()>;

    // `burst` is how many requests may leave at once after a quiet period.
    explicit RateLimiter(double requestsPerSecond, double burst = 1.0, Clock clock = {});
    RateLimiter(const RateLimiter &) = delete;
    RateLimiter &operator=(const RateLimiter &) = delete;

    // The one limiter of an account (`account`: a digest naming the key and the API it is sent
    // to, never the key) at this rate and burst, shared by every client of the process that
    // asks for it while one of them lives: Stripe counts one limit per account, however many
    // clients (sync, outbox, connection checks) send.
    static std::shared_ptr<RateLimiter> shared(const QByteArray &account, double requestsPerSecond,
                                               double burst = 1.0);

    // Reserves a slot; returns how long to wait (ms) before sending.
    qint64 reserve();
    void onRateLimited();
    void onSuccess();

    double configuredRate() const;
    double currentRate() const;
    double ceiling() const;
    void setRate(double requestsPerSecond);

    // 25/s for test-mode keys, 90/s for live keys, as Stripe's documented limits allow.
    static double defaultRateForKey(const QByteArray &apiKey);

private:
    void refill();

    mutable std::mutex m_mutex;
    Clock m_clock;
    double m_configured;
    double m_rate;
    double m_ceiling;
    double m_burst;
    double m_tokens;
    qint64 m_last;
    qint64 m_lastCut = -1; // When the last 429 lowered the rate.
};

} // namespace paydesk::network
