#include "models/analytics/analytics.h"
#include "models/store/cache.h"
#include "tests/support/democache.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using namespace paydesk::models::analytics;

// MRR is one number whichever way it is read: on demo merchants of several seeds and sizes, at
// several instants inside a month, MRR now (the Home tile and `report mrr`) equals the last
// point of the MRR history — from the folded rollups and from the rows — per currency to the
// minor unit, and every month's movements add up from its start to its end. A renewal that is
// not invoiced yet is no churn: the current month loses only what really ended.
class TestMrrInvariant final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneNumber_data();
    void oneNumber();
};

void TestMrrInvariant::oneNumber_data()
{
    QTest::addColumn<qint64>("charges");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<qint64>("now");
    // 2025-11-22 (mid-month), 2026-03-01 00:00:10 (a month just begun), 2026-07-31 23:00 (its
    // last hour).
    QTest::newRow("3k seed 1 mid-month") << qint64(3000) << quint64(1) << qint64(1763800000);
    QTest::newRow("3k seed 7 month start") << qint64(3000) << quint64(7) << qint64(1772323210);
    QTest::newRow("12k seed 42 month end") << qint64(12000) << quint64(42) << qint64(1785538800);
    // Today: the fold's own month, whose current month the rollup reads from customer_now.
    QTest::newRow("5k seed 3 today")
        << qint64(5000) << quint64(3) << QDateTime::currentSecsSinceEpoch();
}

void TestMrrInvariant::oneNumber()
{
    QFETCH(qint64, charges);
    QFETCH(quint64, seed);
    QFETCH(qint64, now);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("demo.sqlite"));
    QVERIFY(paydesk::testsupport::fillDemoCache(file, charges, now, seed) > 0);
    Cache cache;
    QVERIFY(cache.open(file));
    sql::Database &db = cache.database();

    const QDate today = QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).date();
    const QString thisMonth = QDate(today.year(), today.month(), 1).toString(Qt::ISODate);
    Range range;
    range.from = QDate(today.year(), today.month(), 1)
                     .addMonths(-11)
                     .startOfDay(QTimeZone::utc())
                     .toSecsSinceEpoch();
    range.to = today.addDays(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
    range.interval = Interval::Month;
    range.asOf = now;
    const QStringList currencies = analytics::currencies(db);
    QVERIFY(!currencies.isEmpty());
    int checked = 0;
    for (const QString &currency : currencies) {
        range.currency = currency;
        const QList<MrrRow> nowRows = mrr(db, now, currency);
        const qint64 mrrNow = nowRows.isEmpty() ? 0 : nowRows.first().mrr;
        const MrrHistory folded = mrrHistory(db, range);
        const MrrHistory rows = mrrHistoryFromRows(db, range);
        for (const MrrHistory *h : {&folded, &rows}) {
            if (h->months.isEmpty()) {
                QCOMPARE(mrrNow, 0);
                continue;
            }
            const MrrMonth &last = h->months.last();
            QCOMPARE(last.bucket, thisMonth);
            QCOMPARE(last.currency, currency);
            QCOMPARE(last.mrr, mrrNow);
            qint64 previous = -1;
            for (const MrrMonth &m : h->months) {
                QCOMPARE(m.startMrr + m.newMrr + m.expansion + m.reactivation - m.contraction
                             - m.churn,
                         m.mrr);
                if (previous >= 0)
                    QCOMPARE(m.startMrr, previous);
                previous = m.mrr;
            }
            // What the current month lost was cancelled for real: no more than the
            // subscriptions that ended (or were paused) since the month began.
            const qint64 monthStart = QDate(today.year(), today.month(), 1)
                                          .startOfDay(QTimeZone::utc())
                                          .toSecsSinceEpoch();
            const qint64 endedCustomers = db.scalar(
                QStringLiteral("SELECT count(DISTINCT customer) FROM subscriptions WHERE "
                               "currency = '%1' AND ((ended_at >= %2 AND ended_at <= %3) OR "
                               "(status IN ('canceled', 'unpaid', 'paused', "
                               "'incomplete_expired') AND coalesce(ended_at, canceled_at, "
                               "%2) >= %2) OR pause_behavior IS NOT NULL)")
                    .arg(currency)
                    .arg(monthStart)
                    .arg(now),
                0);
            QVERIFY2(last.churnedCustomers <= endedCustomers,
                     qPrintable(QStringLiteral("%1: %2 churned, %3 ended this month")
                                    .arg(currency)
                                    .arg(last.churnedCustomers)
                                    .arg(endedCustomers)));
        }
        QCOMPARE(folded.months.size(), rows.months.size());
        if (!folded.months.isEmpty())
            QCOMPARE(folded.months.last().churn, rows.months.last().churn);
        ++checked;
    }
    QVERIFY(checked > 0);
}

QTEST_GUILESS_MAIN(TestMrrInvariant)
#include "tst_mrrinvariant.moc"
