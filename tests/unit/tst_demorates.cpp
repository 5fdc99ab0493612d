#include "models/analytics/analytics.h"
#include "models/store/cache.h"
#include "tests/support/democache.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using namespace paydesk::models::analytics;

// The demo looks like a real business in every month, as Paydesk's own Analytics page reads it:
// refund rate (succeeded payments with a refund ÷ succeeded payments) within 1–6 % and dispute
// rate (disputes opened ÷ succeeded payments) within 0.1–0.8 %, at several sizes and seeds, and
// nothing is dated after "now". Months of fewer than 2,000 succeeded payments are left out of
// the dispute band: there 0.1 % is under two disputes, and a month of a young business may
// honestly have none. The current month is not over and is left out too.
class TestDemoRates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void monthlyRatesInBand_data();
    void monthlyRatesInBand();
};

void TestDemoRates::monthlyRatesInBand_data()
{
    QTest::addColumn<qint64>("charges");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("50k seed 1") << qint64(50000) << quint64(1);
    QTest::newRow("100k seed 7") << qint64(100000) << quint64(7);
}

void TestDemoRates::monthlyRatesInBand()
{
    QFETCH(qint64, charges);
    QFETCH(quint64, seed);
    const qint64 now = 1763800000; // 2025-11-22.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("demo.sqlite"));
    QVERIFY(paydesk::testsupport::fillDemoCache(
                file, charges, now, seed, false,
                {QStringLiteral("charge"), QStringLiteral("refund"), QStringLiteral("dispute")})
            > 0);
    Cache cache;
    QVERIFY(cache.open(file));
    sql::Database &db = cache.database();
    for (const char *table : {"charges", "refunds", "disputes"})
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM %1 WHERE created > %2")
                               .arg(QLatin1String(table))
                               .arg(now)),
                 0);

    const QDate today = QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).date();
    const QDate thisMonth(today.year(), today.month(), 1);
    const qint64 first = db.scalar(QStringLiteral("SELECT min(created) FROM charges"));
    const QDate start = QDateTime::fromSecsSinceEpoch(first, QTimeZone::utc()).date();
    int banded = 0, disputeBanded = 0;
    for (QDate m(start.year(), start.month(), 1); m < thisMonth; m = m.addMonths(1)) {
        Range range;
        range.from = m.startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
        range.to = m.addMonths(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
        range.interval = Interval::Month;
        const PaymentStats p = payments(db, range, false);
        if (p.succeeded < 200)
            continue; // A business's first weeks.
        const QString what = QStringLiteral("%1: %2 succeeded, refund rate %3 %, dispute rate %4 %")
                                 .arg(m.toString(QStringLiteral("yyyy-MM")))
                                 .arg(p.succeeded)
                                 .arg(p.refundRate.percent(), 0, 'f', 2)
                                 .arg(p.disputeRate.percent(), 0, 'f', 3);
        ++banded;
        QVERIFY2(p.refundRate.percent() >= 1.0 && p.refundRate.percent() <= 6.0, qPrintable(what));
        if (p.succeeded >= 2000) {
            ++disputeBanded;
            QVERIFY2(p.disputeRate.percent() >= 0.1 && p.disputeRate.percent() <= 0.8,
                     qPrintable(what));
        }
    }
    QVERIFY(banded >= 6);
    QVERIFY(disputeBanded >= 3);
    qInfo("%d months in the refund band, %d in the dispute band", banded, disputeBanded);
}

QTEST_GUILESS_MAIN(TestDemoRates)
#include "tst_demorates.moc"
