#include "models/analytics/analytics.h"
#include "models/store/sqlitedb.h"
#include "tests/support/fixturecache.h"
#include "tests/support/peerprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using namespace paydesk::models::analytics;
using paydesk::tests::PeerProcess;

// Every metric on a hand-made merchant (tests/fixtures/analytics.json) whose expected values
// are worked out in docs/metrics.md: loaded into the sandbox with --fixture, synced into a
// cache by the real `paydesk sync`, computed from the cache, and printed by `paydesk report`.
class TestAnalyticsFixture final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cache;
    sql::Database m_db;
    // November 2026, UTC.
    static constexpr qint64 kNov1 = 1793491200;
    static constexpr qint64 kDec1 = 1796083200;

    Range november(Interval interval = Interval::Month, const QString &currency = {}) const
    {
        return {kNov1, kDec1, interval, currency};
    }
    // `paydesk report ARGS --cache …`: its exit code (-1: it did not finish) and stdout.
    std::pair<int, QByteArray> runReport(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        // Settings of the test's own: no reporting time zone but the one asked for.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        p.start(PeerProcess::paydeskBinary(),
                QStringList {QStringLiteral("report")} + args
                    + QStringList {QStringLiteral("--cache"), m_cache});
        if (!p.waitForFinished(60000))
            return {-1, {}};
        if (p.exitCode() != 0)
            qWarning("%s", p.readAllStandardError().constData());
        return {p.exitCode(), p.readAllStandardOutput()};
    }
    QJsonObject report(const QStringList &args)
    {
        const auto [code, out]
            = runReport(args + QStringList {QStringLiteral("--format"), QStringLiteral("json")});
        return code == 0 ? QJsonDocument::fromJson(out).object() : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase();
    void revenuePerCurrency();
    void revenueByWeekAndDay();
    void settlementFromBalanceTransactions();
    void paymentAnalytics();
    void mrrOfTheSubscriptions();
    void mrrWhenCouponsRunOut();
    void reportPrintsTheSameNumbers();
    void reportInATimeZone();
    void csvReportsAreOneTable_data();
    void csvReportsAreOneTable();
};

void TestAnalyticsFixture::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cache = m_dir.filePath(QStringLiteral("analytics.sqlite"));
    const QString problem = paydesk::tests::syncFixture(
        QStringLiteral(PAYDESK_SOURCE_DIR "/tests/fixtures/analytics.json"), m_cache);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(m_db.open(m_cache, false));
    QCOMPARE(m_db.scalar(QStringLiteral("SELECT count(*) FROM charges")), 8);
    QCOMPARE(m_db.scalar(QStringLiteral("SELECT count(*) FROM subscriptions")), 7);
}

void TestAnalyticsFixture::revenuePerCurrency()
{
    const QList<RevenueRow> rows = revenue(m_db, november());
    QCOMPARE(rows.size(), 3);
    QMap<QString, RevenueRow> by;
    for (const RevenueRow &r : rows) {
        QCOMPARE(r.bucket, QStringLiteral("2026-11-01"));
        by.insert(r.currency, r);
    }
    // USD: charges a (100.00) and b (50.00); refunds of b (20.00) and of g (5.00, a charge of
    // October refunded in November); no dispute.
    QCOMPARE(by[QStringLiteral("usd")].gross, 15000);
    QCOMPARE(by[QStringLiteral("usd")].charges, 2);
    QCOMPARE(by[QStringLiteral("usd")].refunds, 2500);
    QCOMPARE(by[QStringLiteral("usd")].disputesLost, 0);
    QCOMPARE(by[QStringLiteral("usd")].net(), 12500);
    // EUR: charge d (80.00) lost its dispute.
    QCOMPARE(by[QStringLiteral("eur")].gross, 8000);
    QCOMPARE(by[QStringLiteral("eur")].disputesLost, 8000);
    QCOMPARE(by[QStringLiteral("eur")].net(), 0);
    // JPY is zero-decimal: ¥1,200 is 1200.
    QCOMPARE(by[QStringLiteral("jpy")].gross, 1200);
    QCOMPARE(by[QStringLiteral("jpy")].net(), 1200);
    // One currency only.
    const QList<RevenueRow> usd = revenue(m_db, november(Interval::Month, QStringLiteral("USD")));
    QCOMPARE(usd.size(), 1);
    QCOMPARE(usd.first().gross, 15000);
    // October: charge g only, its refund falls in November.
    const QList<RevenueRow> october
        = revenue(m_db, {kNov1 - 31 * 86400, kNov1, Interval::Month, {}});
    QCOMPARE(october.size(), 1);
    QCOMPARE(october.first().gross, 4000);
    QCOMPARE(october.first().refunds, 0);
}

void TestAnalyticsFixture::revenueByWeekAndDay()
{
    // ISO weeks of November 2026: Oct 26 (holds Nov 1), Nov 2 (a, b), Nov 9 (d, refund b),
    // Nov 16 (d's dispute on the 20th), … e is Sunday Nov 15 23:00: the week of Nov 9.
    QMap<QString, qint64> usdGross, eurLost, jpyGross;
    for (const RevenueRow &r : revenue(m_db, november(Interval::Week))) {
        if (r.currency == QLatin1String("usd"))
            usdGross[r.bucket] += r.gross;
        if (r.currency == QLatin1String("eur"))
            eurLost[r.bucket] += r.disputesLost;
        if (r.currency == QLatin1String("jpy"))
            jpyGross[r.bucket] += r.gross;
    }
    QCOMPARE(usdGross.value(QStringLiteral("2026-11-02")), 15000);
    QCOMPARE(eurLost.value(QStringLiteral("2026-11-16")), 8000);
    QCOMPARE(jpyGross.value(QStringLiteral("2026-11-09")), 1200);
    QCOMPARE(buckets(november(Interval::Week)).first(), QStringLiteral("2026-10-26"));
    QCOMPARE(buckets(november(Interval::Week)).last(), QStringLiteral("2026-11-30"));
    QCOMPARE(buckets(november(Interval::Day)).size(), 30);
    qint64 refundsOn10th = 0;
    for (const RevenueRow &r : revenue(m_db, november(Interval::Day)))
        if (r.bucket == QLatin1String("2026-11-10"))
            refundsOn10th += r.refunds;
    QCOMPARE(refundsOn10th, 2000);
}

void TestAnalyticsFixture::settlementFromBalanceTransactions()
{
    const QList<SettlementRow> rows = settlement(m_db, november());
    QCOMPARE(rows.size(), 1);
    const SettlementRow &r = rows.first();
    QCOMPARE(r.currency, QStringLiteral("usd"));
    // Charges settled in USD: 100.00 + 50.00 + €80.00 as 86.40 + ¥1,200 as 8.00.
    QCOMPARE(r.gross, 24440);
    QCOMPARE(r.refunds, 2500);
    QCOMPARE(r.disputes, 8640);
    QCOMPARE(r.fees, 320 + 175 + 280 + 53 + 1500);
    QCOMPARE(r.other, 0);
    QCOMPARE(r.net, 10972);
    QCOMPARE(r.gross - r.refunds - r.disputes - r.fees + r.other, r.net);
}

void TestAnalyticsFixture::paymentAnalytics()
{
    const PaymentStats p = payments(m_db, november());
    QCOMPARE(p.succeeded, 4); // a, b, d, e
    QCOMPARE(p.failed, 3); // c, f, h
    QCOMPARE(p.successRate, (Ratio {4, 7}));
    QCOMPARE(p.refundRate, (Ratio {1, 4})); // b
    QCOMPARE(p.disputeRate, (Ratio {1, 4})); // d's dispute: 25 %, far above the 0.75 % line
    QCOMPARE(p.averageValue.value(QStringLiteral("usd")), 7500);
    QCOMPARE(p.averageValue.value(QStringLiteral("eur")), 8000);
    QCOMPARE(p.averageValue.value(QStringLiteral("jpy")), 1200);
    QCOMPARE(p.declines.size(), 3);
    QStringList declines;
    for (const Breakdown &b : p.declines) {
        QCOMPARE(b.failed, 1);
        declines.append(b.key);
    }
    QCOMPARE(declines,
             (QStringList {QStringLiteral("expired_card"), QStringLiteral("generic_decline"),
                           QStringLiteral("insufficient_funds")}));
    QCOMPARE(p.byBrand.first().key, QStringLiteral("visa"));
    QCOMPARE(p.byBrand.first().succeeded, 2);
    QCOMPARE(p.byBrand.first().failed, 2);
    QMap<QString, std::pair<qint64, qint64>> countries;
    for (const Breakdown &b : p.byCountry)
        countries.insert(b.key, {b.succeeded, b.failed});
    QCOMPARE(countries.value(QStringLiteral("US")), (std::pair<qint64, qint64> {1, 3}));
    QCOMPARE(countries.value(QStringLiteral("DE")), (std::pair<qint64, qint64> {2, 0}));
    QCOMPARE(countries.value(QStringLiteral("JP")), (std::pair<qint64, qint64> {1, 0}));
    QCOMPARE(p.byFunding.first().key, QStringLiteral("credit"));
    QCOMPARE(p.riskLevels.value(QStringLiteral("normal")), 6);
    QCOMPARE(p.riskLevels.value(QStringLiteral("elevated")), 1);
    QCOMPARE(p.newCustomers, 3); // cus 2, 3, 4 paid first in November
    QCOMPARE(p.returningCustomers, 1); // cus 1 paid in October too
    QCOMPARE(p.hourOfWeek.size(), 168);
    QCOMPARE(p.hourOfWeek.at(0 * 24 + 10), 1); // a: Monday 10:00
    QCOMPARE(p.hourOfWeek.at(0 * 24 + 9), 1); // d: Monday 09:00
    QCOMPARE(p.hourOfWeek.at(1 * 24 + 15), 1); // b: Tuesday 15:30
    QCOMPARE(p.hourOfWeek.at(6 * 24 + 23), 1); // e: Sunday 23:00
    qint64 total = 0;
    for (qint64 v : p.hourOfWeek)
        total += v;
    QCOMPARE(total, 4);
}

void TestAnalyticsFixture::mrrOfTheSubscriptions()
{
    const QList<MrrRow> rows = mrr(m_db, kDec1);
    QCOMPARE(rows.size(), 2);
    const MrrRow eur = rows.at(0).currency == QLatin1String("eur") ? rows.at(0) : rows.at(1);
    const MrrRow usd = rows.at(0).currency == QLatin1String("usd") ? rows.at(0) : rows.at(1);
    // sub 1: 2 × $20.00 a month, 25 % off forever          → $30.00
    // sub 2: $120.00 a year, 50 % off for 3 months, in force → $10.00 − 50 % = $5.00
    // sub 6: $7.00 a week × 52 / 12 = $30.33, $1.00 off every week forever ($4.33 a month),
    //        its metered item counts nothing               → $26.00
    // sub 7: $1.00 a day × 365 / 12 = $30.42; its repeating coupon ended on Nov 15 → $30.42
    // sub 4 is trialing and sub 5 canceled: not counted.
    QCOMPARE(usd.mrr, 3000 + 500 + 2600 + 3042);
    QCOMPARE(usd.subscriptions, 4);
    QCOMPARE(usd.customers, 3); // cus 1 has two subscriptions
    QCOMPARE(usd.arpa(), 3047); // 9142 / 3 = 3047.33
    // sub 3: past_due counts; €15.00 every 3 months = €5.00; its "once" coupon does not recur.
    QCOMPARE(eur.mrr, 500);
    QCOMPARE(eur.customers, 1);
    QCOMPARE(mrr(m_db, kDec1, QStringLiteral("eur")).size(), 1);
}

void TestAnalyticsFixture::mrrWhenCouponsRunOut()
{
    // On Nov 10 sub 7's coupon (ends Nov 15) still halves it: $15.21 instead of $30.42.
    qint64 usd = 0;
    for (const MrrRow &r : mrr(m_db, kNov1 + 9 * 86400))
        if (r.currency == QLatin1String("usd"))
            usd = r.mrr;
    QCOMPARE(usd, 3000 + 500 + 2600 + 1521);
    // After Dec 31 sub 2's repeating coupon is over too.
    for (const MrrRow &r : mrr(m_db, kDec1 + 40 * 86400))
        if (r.currency == QLatin1String("usd"))
            usd = r.mrr;
    QCOMPARE(usd, 3000 + 1000 + 2600 + 3042);
}

void TestAnalyticsFixture::reportPrintsTheSameNumbers()
{
    const QJsonObject rev
        = report({QStringLiteral("revenue"), QStringLiteral("--from"), QStringLiteral("2026-11-01"),
                  QStringLiteral("--to"), QStringLiteral("2026-11-30")});
    QCOMPARE(rev[QStringLiteral("interval")].toString(), QStringLiteral("month"));
    const QJsonArray rows = rev[QStringLiteral("revenue")].toArray();
    QCOMPARE(rows.size(), 3);
    for (const QJsonValue &v : rows) {
        if (v[QStringLiteral("currency")].toString() == QLatin1String("usd")) {
            QCOMPARE(v[QStringLiteral("gross")].toInteger(), 15000);
            QCOMPARE(v[QStringLiteral("net")].toInteger(), 12500);
        }
    }
    QCOMPARE(rev[QStringLiteral("settlement")][0][QStringLiteral("net")].toInteger(), 10972);
    // Weekly: every week of the range is listed for every currency, empty ones as zero.
    const QJsonObject weekly
        = report({QStringLiteral("revenue"), QStringLiteral("--interval"), QStringLiteral("week"),
                  QStringLiteral("--from"), QStringLiteral("2026-11-01"), QStringLiteral("--to"),
                  QStringLiteral("2026-11-30")});
    QCOMPARE(weekly[QStringLiteral("revenue")].toArray().size(), 6 * 3);
    const QJsonObject pay = report({QStringLiteral("payments"), QStringLiteral("--from"),
                                    QStringLiteral("2026-11-01"), QStringLiteral("--to"),
                                    QStringLiteral("2026-11-30")});
    QCOMPARE(pay[QStringLiteral("success_rate")][QStringLiteral("numerator")].toInteger(), 4);
    QCOMPARE(pay[QStringLiteral("success_rate")][QStringLiteral("denominator")].toInteger(), 7);
    QCOMPARE(pay[QStringLiteral("dispute_warning_percent")].toDouble(), 0.75);
    const QJsonObject m
        = report({QStringLiteral("mrr"), QStringLiteral("--at"), QStringLiteral("2026-12-01")});
    qint64 usd = -1;
    for (const QJsonValue &v : m[QStringLiteral("mrr")].toArray())
        if (v[QStringLiteral("currency")].toString() == QLatin1String("usd"))
            usd = v[QStringLiteral("mrr")].toInteger();
    QCOMPARE(usd, 9142);
}

void TestAnalyticsFixture::reportInATimeZone()
{
    // Days of New York: the command prints what the library computes for that zone's calendar.
    const QTimeZone ny("America/New_York");
    const QJsonObject rev
        = report({QStringLiteral("revenue"), QStringLiteral("--interval"), QStringLiteral("day"),
                  QStringLiteral("--from"), QStringLiteral("2026-11-01"), QStringLiteral("--to"),
                  QStringLiteral("2026-11-30"), QStringLiteral("--time-zone"),
                  QStringLiteral("America/New_York")});
    const QJsonArray rows = rev[QStringLiteral("revenue")].toArray();
    QVERIFY(!rows.isEmpty());
    const Range r {QDate(2026, 11, 1).startOfDay(ny).toSecsSinceEpoch(),
                   QDate(2026, 12, 1).startOfDay(ny).toSecsSinceEpoch(),
                   Interval::Day,
                   {},
                   ny};
    QMap<QString, qint64> expected, printed;
    for (const RevenueRow &row : revenue(m_db, r))
        expected[row.bucket + u' ' + row.currency] += row.gross;
    for (const QJsonValue &v : rows)
        printed[v[QStringLiteral("bucket")].toString() + u' '
                + v[QStringLiteral("currency")].toString()]
            += v[QStringLiteral("gross")].toInteger();
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        QCOMPARE(printed.value(it.key()), it.value());
    qint64 total = 0;
    for (const qint64 v : std::as_const(printed))
        total += v;
    QVERIFY(total > 0);
    QCOMPARE(rows.first()[QStringLiteral("bucket")].toString(), QStringLiteral("2026-11-01"));
    QCOMPARE(rows.last()[QStringLiteral("bucket")].toString(), QStringLiteral("2026-11-30"));
    // A zone the system does not know is a usage error.
    QProcess p;
    p.start(PeerProcess::paydeskBinary(),
            {QStringLiteral("report"), QStringLiteral("revenue"), QStringLiteral("--time-zone"),
             QStringLiteral("Mars/Olympus_Mons"), QStringLiteral("--cache"), m_cache});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("time zone"));
}

void TestAnalyticsFixture::csvReportsAreOneTable_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("header");
    QTest::newRow("revenue") << QStringList {QStringLiteral("revenue")}
                             << QStringLiteral("bucket,currency,gross,");
    QTest::newRow("settlement") << QStringList {QStringLiteral("settlement")}
                                << QStringLiteral("settlement_bucket,settlement_currency,");
    QTest::newRow("payments") << QStringList {QStringLiteral("payments")}
                              << QStringLiteral("metric,");
    QTest::newRow("mrr") << QStringList {QStringLiteral("mrr")}
                         << QStringLiteral("currency,mrr,subscriptions,");
    QTest::newRow("mrr history") << QStringList {QStringLiteral("mrr"), QStringLiteral("--history")}
                                 << QStringLiteral("bucket,currency,start_mrr,");
    QTest::newRow("churn") << QStringList {QStringLiteral("churn")}
                           << QStringLiteral("bucket,currency,customer_churn_percent,");
    QTest::newRow("churn summary")
        << QStringList {QStringLiteral("churn"), QStringLiteral("--summary")}
        << QStringLiteral("currency,months,customer_churn_percent,");
}

void TestAnalyticsFixture::csvReportsAreOneTable()
{
    // What a spreadsheet opens: one header, then rows of as many cells, no blank line.
    QFETCH(QStringList, args);
    QFETCH(QString, header);
    const auto [code, out]
        = runReport(args
                    + QStringList {QStringLiteral("--from"), QStringLiteral("2026-08-01"),
                                   QStringLiteral("--to"), QStringLiteral("2026-11-30")});
    QCOMPARE(code, 0);
    const QStringList lines = QString::fromUtf8(out).split(QStringLiteral("\r\n"));
    QVERIFY(lines.size() >= 2); // This fixture may have no rows for a report (no invoices).
    QCOMPARE(lines.last(), QString()); // The final CRLF.
    QVERIFY2(lines.first().startsWith(header), qPrintable(lines.first()));
    const qsizetype cells = lines.first().count(u',');
    for (qsizetype i = 1; i + 1 < lines.size(); ++i) {
        QVERIFY2(!lines.at(i).isEmpty(), "a blank line inside the table");
        QVERIFY2(!lines.at(i).startsWith(header.section(u',', 0, 0) + u','), "a second header");
        QCOMPARE(lines.at(i).count(u','), cells);
    }
}

QTEST_GUILESS_MAIN(TestAnalyticsFixture)
#include "tst_analyticsfixture.moc"
