#include "models/analytics/analytics.h"

#include <QTest>

using namespace paydesk::models::analytics;

// The pure parts of the analytics: normalising prices to a month and naming buckets.
class TestAnalytics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void monthlyAmount_data();
    void monthlyAmount();
    void bucketOf_data();
    void bucketOf();
    void intervals();
};

void TestAnalytics::monthlyAmount_data()
{
    QTest::addColumn<qint64>("unit");
    QTest::addColumn<qint64>("quantity");
    QTest::addColumn<QString>("interval");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("monthly") << qint64(2000) << qint64(2) << QStringLiteral("month") << qint64(1)
                             << qint64(4000);
    QTest::newRow("quarterly") << qint64(1500) << qint64(1) << QStringLiteral("month") << qint64(3)
                               << qint64(500);
    QTest::newRow("yearly") << qint64(12000) << qint64(1) << QStringLiteral("year") << qint64(1)
                            << qint64(1000);
    QTest::newRow("yearly, rounds down") << qint64(10000) << qint64(1) << QStringLiteral("year")
                                         << qint64(1) << qint64(833); // 833.33
    QTest::newRow("two-yearly") << qint64(24000) << qint64(1) << QStringLiteral("year") << qint64(2)
                                << qint64(1000);
    QTest::newRow("weekly") << qint64(700) << qint64(1) << QStringLiteral("week") << qint64(1)
                            << qint64(3033); // 3033.33
    QTest::newRow("daily, rounds up") << qint64(100) << qint64(1) << QStringLiteral("day")
                                      << qint64(1) << qint64(3042); // 3041.67
    QTest::newRow("half rounds up")
        << qint64(6) << qint64(1) << QStringLiteral("year") << qint64(1) << qint64(1); // 0.5
    QTest::newRow("zero-decimal yen")
        << qint64(9800) << qint64(3) << QStringLiteral("month") << qint64(1) << qint64(29400);
    QTest::newRow("count 0 is 1") << qint64(500) << qint64(1) << QStringLiteral("month")
                                  << qint64(0) << qint64(500);
}

void TestAnalytics::monthlyAmount()
{
    QFETCH(qint64, unit);
    QFETCH(qint64, quantity);
    QFETCH(QString, interval);
    QFETCH(qint64, count);
    QFETCH(qint64, expected);
    QCOMPARE(paydesk::models::analytics::monthlyAmount(unit, quantity, interval, count), expected);
}

void TestAnalytics::bucketOf_data()
{
    QTest::addColumn<qint64>("time");
    QTest::addColumn<int>("interval");
    QTest::addColumn<QString>("bucket");
    const qint64 nov15late = 1793491200 + 14 * 86400 + 23 * 3600; // Sunday 2026-11-15 23:00
    QTest::newRow("day") << nov15late << int(Interval::Day) << QStringLiteral("2026-11-15");
    QTest::newRow("week from Sunday")
        << nov15late << int(Interval::Week) << QStringLiteral("2026-11-09");
    QTest::newRow("week on Monday")
        << qint64(1793491200 + 86400) << int(Interval::Week) << QStringLiteral("2026-11-02");
    QTest::newRow("month") << nov15late << int(Interval::Month) << QStringLiteral("2026-11-01");
    QTest::newRow("last second of a month")
        << qint64(1793491200 - 1) << int(Interval::Month) << QStringLiteral("2026-10-01");
}

void TestAnalytics::bucketOf()
{
    QFETCH(qint64, time);
    QFETCH(int, interval);
    QFETCH(QString, bucket);
    QCOMPARE(paydesk::models::analytics::bucketOf(time, Interval(interval)), bucket);
}

void TestAnalytics::intervals()
{
    Interval i = Interval::Day;
    QVERIFY(parseInterval(QStringLiteral("week"), &i));
    QCOMPARE(i, Interval::Week);
    QVERIFY(!parseInterval(QStringLiteral("fortnight"), &i));
    QCOMPARE(intervalName(Interval::Month), QStringLiteral("month"));
    // A range of a year by month: 12 buckets.
    const Range year {
        1767225600 /* 2026-01-01 */, 1798761600 /* 2027-01-01 */, Interval::Month, {}};
    QCOMPARE(buckets(year).size(), 12);
    QCOMPARE(buckets({100, 100, Interval::Day, {}}).size(), 0);
}

QTEST_APPLESS_MAIN(TestAnalytics)
#include "tst_analytics.moc"
