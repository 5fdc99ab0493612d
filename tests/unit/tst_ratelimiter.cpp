#include "network/ratelimiter.h"
#include "network/stripeclient.h"

#include <QTest>
#include <QThread>

using paydesk::network::RateLimiter;
using paydesk::network::StripeClient;
using paydesk::network::StripeClientConfig;

// The limiter runs on an injected clock: the test moves time, nothing sleeps.
class TestRateLimiter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pacesAtTheConfiguredRate();
    void burstAfterQuiet();
    void sustainedRateOverAMinute();
    void adaptsTo429AndRecoversSlowly();
    void defaultsPerKeyMode();
    void clientsOfOneAccountShareOneLimiter();
};

void TestRateLimiter::pacesAtTheConfiguredRate()
{
    qint64 now = 1'000'000;
    RateLimiter limiter(10, 1, [&] { return now; });
    QCOMPARE(limiter.reserve(), 0);
    QCOMPARE(limiter.reserve(), 100);
    QCOMPARE(limiter.reserve(), 200);
    now += 200; // Two slots' worth of time passes.
    QCOMPARE(limiter.reserve(), 100);
    now += 10'000;
    QCOMPARE(limiter.reserve(), 0);
}

void TestRateLimiter::burstAfterQuiet()
{
    qint64 now = 0;
    RateLimiter limiter(25, 5, [&] { return now; });
    for (int i = 0; i < 5; ++i)
        QCOMPARE(limiter.reserve(), 0);
    QCOMPARE(limiter.reserve(), 40);
}

void TestRateLimiter::sustainedRateOverAMinute()
{
    // Requests sent as soon as the limiter allows: exactly the rate, never more.
    qint64 now = 0;
    RateLimiter limiter(25, 1, [&] { return now; });
    int sent = 0;
    while (now < 60'000) {
        const qint64 wait = limiter.reserve();
        now += wait;
        if (now < 60'000)
            ++sent;
    }
    QVERIFY2(sent >= 25 * 60 - 1 && sent <= 25 * 60 + 1, qPrintable(QString::number(sent)));
}

void TestRateLimiter::adaptsTo429AndRecoversSlowly()
{
    qint64 now = 0;
    RateLimiter limiter(20, 1, [&] { return now; });
    limiter.onRateLimited();
    // A 429 at 20/s: the ceiling drops 2 % under it, the rate a little further.
    QCOMPARE(limiter.ceiling(), 19.6);
    QCOMPARE(limiter.currentRate(), 18.0);
    int successes = 0;
    while (limiter.currentRate() < limiter.ceiling() - 1e-9) {
        limiter.onSuccess();
        ++successes;
    }
    QVERIFY2(successes >= 7 && successes <= 9,
             qPrintable(QString::number(successes))); // Back quickly…
    QVERIFY(limiter.currentRate() < 20.0); // …but only to the learned ceiling.
    // The ceiling creeps back to the configured rate over thousands of successes.
    for (int i = 0; i < 1000; ++i)
        limiter.onSuccess();
    QVERIFY(limiter.currentRate() < 20.0);
    for (int i = 0; i < 3000; ++i)
        limiter.onSuccess();
    QCOMPARE(limiter.currentRate(), 20.0);
    // A burst of 429s answering requests sent together is one signal.
    now += 1000;
    for (int i = 0; i < 100; ++i)
        limiter.onRateLimited();
    QCOMPARE(limiter.currentRate(), 18.0);
    // 429s a second or more apart each count, down to a floor.
    for (int i = 0; i < 100; ++i) {
        now += 1000;
        limiter.onRateLimited();
    }
    QVERIFY(limiter.currentRate() >= 0.5); // Never stops entirely.
    QVERIFY(limiter.currentRate() < 1.0);
    // The paced interval follows the lowered rate.
    now += 1000;
    RateLimiter paced(10, 1, [&] { return now; });
    paced.onRateLimited(); // 9/s
    QCOMPARE(paced.reserve(), 0);
    QCOMPARE(paced.reserve(), 112);
}

void TestRateLimiter::defaultsPerKeyMode()
{
    QCOMPARE(RateLimiter::defaultRateForKey("sk_test_"
                                            "abc"),
             25.0);
    QCOMPARE(RateLimiter::defaultRateForKey("rk_test_"
                                            "abc"),
             25.0);
    QCOMPARE(RateLimiter::defaultRateForKey("sk_live_"
                                            "abc"),
             90.0);
    QCOMPARE(RateLimiter::defaultRateForKey("rk_live_"
                                            "abc"),
             90.0);
}

void TestRateLimiter::clientsOfOneAccountShareOneLimiter()
{
    auto client = [](const QByteArray &key, const char *base, double rate = 0) {
        StripeClientConfig config;
        config.apiKey = key;
        config.apiBase = QUrl(QString::fromLatin1(base));
        config.rateLimit = rate;
        return std::make_unique<StripeClient>(config);
    };
    // The window's connection check, its outbox and the sync (on its own thread) of one account:
    // one bucket, as Stripe counts one limit.
    auto check = client("sk_test_share", "https://api.stripe.com");
    auto outbox = client("sk_test_share", "https://api.stripe.com");
    std::unique_ptr<StripeClient> sync;
    QThread thread;
    QObject onThread; // What runs there.
    onThread.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(
        &onThread, [&] { sync = client("sk_test_share", "https://api.stripe.com"); },
        Qt::BlockingQueuedConnection);
    QCOMPARE(&check->rateLimiter(), &outbox->rateLimiter());
    QCOMPARE(&sync->rateLimiter(), &outbox->rateLimiter());
    QCOMPARE(outbox->rateLimiter().configuredRate(), 25.0);
    // A slot one takes is gone for the others: the second request of the three waits.
    QCOMPARE(check->rateLimiter().reserve(), 0);
    const qint64 second = outbox->rateLimiter().reserve();
    const qint64 third = sync->rateLimiter().reserve();
    QVERIFY(second > 0);
    QVERIFY(third > second);
    // Another key, another API or another pace is another bucket.
    QVERIFY(&client("sk_test_other", "https://api.stripe.com")->rateLimiter()
            != &outbox->rateLimiter());
    QVERIFY(&client("sk_test_share", "http://127.0.0.1:12111")->rateLimiter()
            != &outbox->rateLimiter());
    QVERIFY(&client("sk_test_share", "https://api.stripe.com", 2000)->rateLimiter()
            != &outbox->rateLimiter());
    // Once every client of the account is gone, a new one starts with a full bucket.
    QMetaObject::invokeMethod(
        &onThread, [&] { sync.reset(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    check.reset();
    outbox.reset();
    QCOMPARE(client("sk_test_share", "https://api.stripe.com")->rateLimiter().reserve(), 0);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
