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

using namespace paydesk::models;
using namespace paydesk::models::analytics;

// MRR history, movements, churn, cohorts and trial conversion on a hand-made merchant
// (tests/fixtures/mrr_history.json; the values are worked out in docs/metrics.md): an upgrade,
// a downgrade then a cancellation at period end, an annual plan, a churn and a reactivation,
// a forever coupon in EUR, a trial that converts in JPY, a past_due invoice that recovers and a
// trial that lapses.
class TestMrrHistory final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cache;
    sql::Database m_db;
    MrrHistory m_history;
    static constexpr qint64 kAug1 = 1785542400;
    static constexpr qint64 kDec1 = 1796083200;

    MrrMonth month(const char *bucket, const char *currency) const
    {
        for (const MrrMonth &m : m_history.months)
            if (m.bucket == QLatin1String(bucket) && m.currency == QLatin1String(currency))
                return m;
        return {};
    }
    const CohortRow *cohort(const char *bucket, const char *currency) const
    {
        for (const CohortRow &c : m_history.cohorts)
            if (c.cohort == QLatin1String(bucket) && c.currency == QLatin1String(currency))
                return &c;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase();
    void monthEndMrr();
    void movements();
    void churnRates();
    void cohorts();
    void otherCurrencies();
    void trialConversionRate();
    void reportChurnAndHistory();
};

void TestMrrHistory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cache = m_dir.filePath(QStringLiteral("history.sqlite"));
    const QString problem = paydesk::tests::syncFixture(
        QStringLiteral(PAYDESK_SOURCE_DIR "/tests/fixtures/mrr_history.json"), m_cache);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(m_db.open(m_cache, false));
    m_history = mrrHistory(m_db, {kAug1, kDec1, Interval::Month, {}});
    // August to November for each of EUR, JPY and USD.
    QCOMPARE(m_history.months.size(), 4 * 3);
}

void TestMrrHistory::monthEndMrr()
{
    QCOMPARE(month("2026-08-01", "usd").mrr, 25000); // C1 50 + C2 100 + C4 60 + C7 40
    QCOMPARE(month("2026-09-01", "usd").mrr, 25000); // C1 50 + C2 60 + C3 100 + C7 40 (open)
    QCOMPARE(month("2026-10-01", "usd").mrr, 28000); // C1 80 + C2 60 + C3 100 + C7 40
    QCOMPARE(month("2026-11-01", "usd").mrr, 25000); // C1 80 + C3 100 + C4 30 + C7 40
    QCOMPARE(month("2026-11-01", "usd").startMrr, 28000);
    QCOMPARE(month("2026-08-01", "usd").customers, 4);
    QCOMPARE(month("2026-11-01", "usd").customers, 4);
    QCOMPARE(month("2026-11-01", "usd").arpa(), 6250);
}

void TestMrrHistory::movements()
{
    const MrrMonth aug = month("2026-08-01", "usd");
    QCOMPARE(aug.newMrr, 25000);
    QCOMPARE(aug.newCustomers, 4);
    QCOMPARE(aug.expansion + aug.contraction + aug.churn + aug.reactivation, 0);
    const MrrMonth sep = month("2026-09-01", "usd");
    QCOMPARE(sep.newMrr, 10000); // C3's annual plan: $1,200 / 12
    QCOMPARE(sep.contraction, 4000); // C2 100 → 60
    QCOMPARE(sep.churn, 6000); // C4's August subscription ended on Sep 1
    QCOMPARE(sep.churnedCustomers, 1);
    QCOMPARE(sep.expansion, 0);
    const MrrMonth oct = month("2026-10-01", "usd");
    QCOMPARE(oct.expansion, 3000); // C1 50 → 80
    QCOMPARE(oct.newMrr + oct.contraction + oct.churn + oct.reactivation, 0); // C8 never paid
    const MrrMonth nov = month("2026-11-01", "usd");
    QCOMPARE(nov.churn, 6000); // C2 canceled at the end of its Oct 5 – Nov 5 period
    QCOMPARE(nov.reactivation, 3000); // C4 is back
    QCOMPARE(nov.reactivatedCustomers, 1);
    QCOMPARE(nov.newMrr, 0);
    // Every month: start + movements = end.
    for (const MrrMonth &m : m_history.months)
        QCOMPARE(m.startMrr + m.newMrr + m.expansion + m.reactivation - m.contraction - m.churn,
                 m.mrr);
}

void TestMrrHistory::churnRates()
{
    const MrrMonth sep = month("2026-09-01", "usd");
    QCOMPARE(sep.customerChurn(), (Ratio {1, 4 + 1})); // C4 of (4 at the start + C3)
    QCOMPARE(sep.grossRevenueChurn(), (Ratio {6000 + 4000, 25000}));
    QCOMPARE(sep.netRevenueRetention(), (Ratio {25000 - 4000 - 6000, 25000}));
    const MrrMonth nov = month("2026-11-01", "usd");
    QCOMPARE(nov.customerChurn(), (Ratio {1, 4 + 1})); // C2 of (4 + C4 back)
    QCOMPARE(nov.grossRevenueChurn(), (Ratio {6000, 28000}));
    QCOMPARE(nov.netRevenueRetention(), (Ratio {28000 + 3000 - 6000, 28000}));
    // September to November together.
    const QList<ChurnSummary> all
        = churnSummary(mrrHistory(m_db, {kAug1 + 31 * 86400, kDec1, Interval::Month, {}}));
    ChurnSummary usd;
    for (const ChurnSummary &c : all)
        if (c.currency == QLatin1String("usd"))
            usd = c;
    QCOMPARE(usd.months, 3);
    QCOMPARE(usd.customerChurn, (Ratio {2, 4 + 1 + 1})); // C4, C2 of (4 + C3 + C4)
    QCOMPARE(usd.grossRevenueChurn, (Ratio {6000 + 4000 + 6000, 25000}));
    QCOMPARE(usd.netRevenueRetention, (Ratio {25000 - 4000 - 6000 + 3000 - 6000 + 3000, 25000}));
    QCOMPARE(usd.arpa, 6250);
    // LTV = ARPA ÷ monthly churn = 62.50 ÷ (2 / 6 / 3) = 62.50 × 9 = 562.50.
    QCOMPARE(usd.ltv(), 56250);
}

void TestMrrHistory::cohorts()
{
    const CohortRow *aug = cohort("2026-08-01", "usd");
    QVERIFY(aug);
    QCOMPARE(aug->customers, 4);
    QCOMPARE(aug->startMrr, 25000);
    QCOMPARE(aug->paying, (QList<qint64> {4, 3, 3, 3}));
    QCOMPARE(aug->mrr, (QList<qint64> {25000, 15000, 18000, 15000}));
    const CohortRow *sep = cohort("2026-09-01", "usd");
    QVERIFY(sep);
    QCOMPARE(sep->customers, 1);
    QCOMPARE(sep->mrr, (QList<qint64> {10000, 10000, 10000}));
    QVERIFY(!cohort("2026-10-01", "usd")); // C8's trial never paid
    QVERIFY(!cohort("2026-11-01", "usd")); // C4's return is a reactivation, not a cohort
}

void TestMrrHistory::otherCurrencies()
{
    // EUR: €20 with 50 % off forever = €10 from October.
    QCOMPARE(month("2026-09-01", "eur").mrr, 0);
    QCOMPARE(month("2026-10-01", "eur").newMrr, 1000);
    QCOMPARE(month("2026-11-01", "eur").mrr, 1000);
    // JPY (zero-decimal): the ¥0 trial invoice is no MRR; ¥3,000 from September.
    QCOMPARE(month("2026-08-01", "jpy").mrr, 0);
    QCOMPARE(month("2026-09-01", "jpy").newMrr, 3000);
    QCOMPARE(month("2026-11-01", "jpy").mrr, 3000);
    QCOMPARE(cohort("2026-09-01", "jpy")->paying, (QList<qint64> {1, 1, 1}));
    // A currency filter keeps only that currency.
    const MrrHistory eur = mrrHistory(m_db, {kAug1, kDec1, Interval::Month, QStringLiteral("eur")});
    QCOMPARE(eur.months.size(), 4);
}

void TestMrrHistory::trialConversionRate()
{
    // C6's trial (ended Sep 3) converted; C8's (ended Oct 15) lapsed.
    QCOMPARE(trialConversion(m_db, {kAug1, kDec1, Interval::Month, {}}), (Ratio {1, 2}));
    QCOMPARE(trialConversion(m_db, {kAug1 + 61 * 86400, kDec1, Interval::Month, {}}),
             (Ratio {0, 1}));
}

void TestMrrHistory::reportChurnAndHistory()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("STRIPE_API_KEY"));
    p.setProcessEnvironment(env);
    p.start(paydesk::tests::PeerProcess::paydeskBinary(),
            {QStringLiteral("report"), QStringLiteral("churn"), QStringLiteral("--from"),
             QStringLiteral("2026-09-01"), QStringLiteral("--to"), QStringLiteral("2026-11-30"),
             QStringLiteral("--currency"), QStringLiteral("usd"), QStringLiteral("--format"),
             QStringLiteral("json"), QStringLiteral("--cache"), m_cache});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonObject churn = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    const QJsonObject summary = churn[QStringLiteral("summary")][0].toObject();
    QCOMPARE(summary[QStringLiteral("customer_churn")][QStringLiteral("numerator")].toInteger(), 2);
    QCOMPARE(summary[QStringLiteral("customer_churn")][QStringLiteral("denominator")].toInteger(),
             6);
    QCOMPARE(summary[QStringLiteral("ltv")].toInteger(), 56250);
    QCOMPARE(churn[QStringLiteral("months")].toArray().size(), 3);
    // USD only: C8's lapsed trial (C6's converted one is in JPY).
    QCOMPARE(churn[QStringLiteral("trial_conversion")][QStringLiteral("numerator")].toInteger(), 0);
    QCOMPARE(churn[QStringLiteral("trial_conversion")][QStringLiteral("denominator")].toInteger(),
             1);

    QProcess m;
    m.setProcessEnvironment(env);
    m.start(paydesk::tests::PeerProcess::paydeskBinary(),
            {QStringLiteral("report"), QStringLiteral("mrr"), QStringLiteral("--from"),
             QStringLiteral("2026-08-01"), QStringLiteral("--to"), QStringLiteral("2026-11-30"),
             QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--cache"),
             m_cache});
    QVERIFY(m.waitForFinished(60000));
    QCOMPARE(m.exitCode(), 0);
    const QJsonObject mrr = QJsonDocument::fromJson(m.readAllStandardOutput()).object();
    QCOMPARE(mrr[QStringLiteral("history")].toArray().size(), 12);
    for (const QJsonValue &v : mrr[QStringLiteral("history")].toArray())
        if (v[QStringLiteral("bucket")] == QStringLiteral("2026-10-01")
            && v[QStringLiteral("currency")] == QStringLiteral("usd"))
            QCOMPARE(v[QStringLiteral("expansion")].toInteger(), 3000);
    QVERIFY(!mrr[QStringLiteral("cohorts")].toArray().isEmpty());

    // The CSV forms are one table each: the history's 12 rows under one header, no blank line.
    for (const QStringList &args :
         {QStringList {QStringLiteral("mrr"), QStringLiteral("--history")},
          QStringList {QStringLiteral("churn")},
          QStringList {QStringLiteral("churn"), QStringLiteral("--summary")}}) {
        QProcess csv;
        csv.setProcessEnvironment(env);
        csv.start(paydesk::tests::PeerProcess::paydeskBinary(),
                  QStringList {QStringLiteral("report")} + args
                      + QStringList {QStringLiteral("--from"), QStringLiteral("2026-08-01"),
                                     QStringLiteral("--to"), QStringLiteral("2026-11-30"),
                                     QStringLiteral("--cache"), m_cache});
        QVERIFY(csv.waitForFinished(60000));
        QCOMPARE(csv.exitCode(), 0);
        QStringList lines
            = QString::fromUtf8(csv.readAllStandardOutput()).split(QStringLiteral("\r\n"));
        QCOMPARE(lines.takeLast(), QString());
        QCOMPARE(lines.size(), args.contains(QStringLiteral("--summary")) ? 1 + 3 : 1 + 12);
        for (const QString &l : std::as_const(lines)) {
            QVERIFY(!l.isEmpty());
            QCOMPARE(l.count(u','), lines.first().count(u','));
        }
    }
}

QTEST_GUILESS_MAIN(TestMrrHistory)
#include "tst_mrrhistory.moc"
