#include "network/ratelimiter.h"

#include <QByteArray>
#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace paydesk::network {

RateLimiter::RateLimiter(double requestsPerSecond, double burst, Clock clock)
    : m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , m_configured(std::max(0.1, requestsPerSecond))
    , m_rate(m_configured)
    , m_ceiling(m_configured)
    , m_burst(std::max(1.0, burst))
    , m_tokens(m_burst)
    , m_last(m_clock())
{ }

std::shared_ptr<RateLimiter> RateLimiter::shared(const QByteArray &account,
                                                 double requestsPerSecond, double burst)
{
    static std::mutex mutex;
    static std::map<std::tuple<QByteArray, double, double>, std::weak_ptr<RateLimiter>> limiters;
    const std::lock_guard lock(mutex);
    std::weak_ptr<RateLimiter> &slot = limiters[{account, requestsPerSecond, burst}];
    std::shared_ptr<RateLimiter> limiter = slot.lock();
    if (!limiter) {
        limiter = std::make_shared<RateLimiter>(requestsPerSecond, burst);
        slot = limiter;
    }
    // Forget the accounts no client uses any more.
    for (auto it = limiters.begin(); it != limiters.end();)
        it = it->second.expired() ? limiters.erase(it) : std::next(it);
    return limiter;
}

double RateLimiter::configuredRate() const
{
    const std::lock_guard lock(m_mutex);
    return m_configured;
}

double RateLimiter::currentRate() const
{
    const std::lock_guard lock(m_mutex);
    return m_rate;
}

double RateLimiter::ceiling() const
{
    const std::lock_guard lock(m_mutex);
    return m_ceiling;
}

void RateLimiter::refill()
{
    const qint64 now = m_clock();
    if (now > m_last) {
        m_tokens = std::min(m_burst, m_tokens + double(now - m_last) * m_rate / 1000.0);
        m_last = now;
    }
}

qint64 RateLimiter::reserve()
{
    const std::lock_guard lock(m_mutex);
    refill();
    m_tokens -= 1.0;
    if (m_tokens >= 0)
        return 0;
    // Negative tokens are reservations already handed out: wait until this one is covered.
    return qint64(std::ceil(-m_tokens * 1000.0 / m_rate));
}

void RateLimiter::onRateLimited()
{
    const std::lock_guard lock(m_mutex);
    refill();
    // Requests sent together come back refused together: a burst of 429s within one second is
    // one signal, not a hundred (each cut would otherwise compound to the floor rate).
    const qint64 now = m_clock();
    if (m_lastCut >= 0 && now - m_lastCut < 1000)
        return;
    m_lastCut = now;
    // The server's real limit is below the rate that was just refused: remember a ceiling a
    // little under it, and back off for a moment below that.
    m_ceiling = std::max(0.5, std::min(m_ceiling, m_rate) * 0.98);
    m_rate = std::max(0.5, std::min(m_ceiling, m_rate * 0.9));
}

void RateLimiter::onSuccess()
{
    const std::lock_guard lock(m_mutex);
    refill();
    // Recover quickly up to the learned ceiling; the ceiling itself creeps back towards the
    // configured rate slowly (about 1 % a minute at 25 requests/s), in case the limit rose.
    m_ceiling = std::min(m_configured, m_ceiling + m_configured * 0.00001);
    m_rate = std::min(m_ceiling, m_rate + m_configured * 0.01);
}

void RateLimiter::setRate(double requestsPerSecond)
{
    const std::lock_guard lock(m_mutex);
    refill();
    m_configured = std::max(0.1, requestsPerSecond);
    m_rate = m_ceiling = m_configured;
}

double RateLimiter::defaultRateForKey(const QByteArray &apiKey)
{
    return apiKey.contains("_live_") ? 90.0 : 25.0;
}

} // namespace paydesk::network
