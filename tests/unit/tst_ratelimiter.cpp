#include "network/ratelimiter.h"

#include <QTest>

using paydesk::network::RateLimiter;

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

QTEST_APPLESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
