#include "tests/support/fixturecache.h"
#include "ui/analyticspage.h"
#include "ui/chartcard.h"
#include "ui/charts.h"
#include "ui/homepage.h"
#include "ui/mainwindow.h"

#include <QAbstractSeries>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPieSeries>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk;

// The Home and Analytics pages offscreen on the two hand-made fixture merchants (values from
// docs/metrics.md): the tiles, the charts' data, exports, and the cohort table.
class TestAnalyticsPages final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_analytics;
    QString m_history;
    static constexpr qint64 kNov30Noon = 1796083200 - 12 * 3600;

    static void save(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("PAYDESK_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        w->show();
        QCoreApplication::processEvents();
        w->grab().save(dir + u'/' + name + QStringLiteral(".png"));
    }
    static QStringList csvLines(ui::ChartCard *card)
    {
        return card->csv().split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void initTestCase();
    void homeTiles();
    void homeRevenueChartAndExports();
    void analyticsCharts();
    void cohortTable();
    void noCacheSaysSo();
};

void TestAnalyticsPages::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    m_analytics = m_dir.filePath(QStringLiteral("analytics.sqlite"));
    m_history = m_dir.filePath(QStringLiteral("history.sqlite"));
    QString problem = tests::syncFixture(
        QStringLiteral(PAYDESK_SOURCE_DIR "/tests/fixtures/analytics.json"), m_analytics);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    problem = tests::syncFixture(
        QStringLiteral(PAYDESK_SOURCE_DIR "/tests/fixtures/mrr_history.json"), m_history);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestAnalyticsPages::homeTiles()
{
    ui::HomePage home;
    home.resize(1200, 800);
    home.setNow(kNov30Noon);
    home.setCache(m_analytics);
    // USD has the most payments, so it is the first currency offered.
    QCOMPARE(home.currencyBox()->currentText(), QStringLiteral("USD"));
    QCOMPARE(home.currencyBox()->count(), 3);
    QMap<QString, ui::HomePage::Tile> tiles;
    for (const ui::HomePage::Tile &t : home.tiles())
        tiles.insert(t.key, t);
    QCOMPARE(tiles.size(), 7);
    // The last 30 days are November: a + b, less the refunds of b and g.
    QCOMPARE(tiles.value(QStringLiteral("gross")).value, QStringLiteral("$150.00"));
    QCOMPARE(tiles.value(QStringLiteral("net")).value, QStringLiteral("$125.00"));
    // October (the 30 days before): g, $40.00: +275 %.
    QVERIFY2(tiles.value(QStringLiteral("gross")).change.startsWith(QStringLiteral("▲ 275.0 %")),
             qPrintable(tiles.value(QStringLiteral("gross")).change));
    QCOMPARE(tiles.value(QStringLiteral("mrr")).value, QStringLiteral("$91.42"));
    QCOMPARE(tiles.value(QStringLiteral("subscribers")).value, QStringLiteral("3"));
    // USD charges: a, b succeeded; c, f, h failed.
    QCOMPARE(tiles.value(QStringLiteral("failed")).value, QStringLiteral("60.00 %"));
    QVERIFY(!tiles.value(QStringLiteral("failed")).good); // Up from 0 %: bad news.
    QCOMPARE(tiles.value(QStringLiteral("disputes")).value, QStringLiteral("0 (0.00 %)"));
    // EUR: the lost dispute.
    home.currencyBox()->setCurrentIndex(home.currencyBox()->findData(QStringLiteral("eur")));
    for (const ui::HomePage::Tile &t : home.tiles())
        tiles.insert(t.key, t);
    QCOMPARE(tiles.value(QStringLiteral("net")).value, QStringLiteral("€0.00"));
    QCOMPARE(tiles.value(QStringLiteral("disputes")).value, QStringLiteral("1 (100.00 %)"));
    QCOMPARE(tiles.value(QStringLiteral("mrr")).value, QStringLiteral("€5.00"));
    qInfo("Home computed in %.1f ms", home.lastComputeMs());
}

void TestAnalyticsPages::homeRevenueChartAndExports()
{
    ui::HomePage home;
    home.resize(1200, 800);
    home.setNow(kNov30Noon);
    home.setCache(m_analytics);
    ui::ChartCard *chart = home.revenueChart();
    // Gross and net, each ending in a dashed "so far" segment for today (Nov 30, noon).
    QCOMPARE(chart->chart()->series().size(), 4);
    auto *gross = qobject_cast<QLineSeries *>(chart->chart()->series().first());
    QVERIFY(gross);
    QCOMPARE(gross->count(), 29);
    QCOMPARE(gross->pen().style(), Qt::SolidLine);
    QCOMPARE(gross->at(1).y(), 100.0); // Nov 2: a, $100.00
    auto *tail = qobject_cast<QLineSeries *>(chart->chart()->series().at(1));
    QVERIFY(tail);
    QCOMPARE(tail->pen().style(), Qt::DashLine);
    QCOMPARE(tail->pen().color(), gross->pen().color());
    QCOMPARE(tail->count(), 2);
    QCOMPARE(tail->at(0).x(), 28.0);
    QCOMPARE(tail->at(1).x(), 29.0);
    const QTimeZone utc = QTimeZone::utc();
    QCOMPARE(ui::charts::soFar(QStringLiteral("2026-11-30"), models::analytics::Interval::Day,
                               kNov30Noon, utc),
             QStringLiteral("30 Nov, so far"));
    QCOMPARE(ui::charts::soFar(QStringLiteral("2026-11-01"), models::analytics::Interval::Month,
                               kNov30Noon, utc),
             QStringLiteral("1–30 Nov, so far"));
    QCOMPARE(ui::charts::soFar(QStringLiteral("2026-11-29"), models::analytics::Interval::Day,
                               kNov30Noon, utc),
             QString()); // Over.
    QCOMPARE(ui::charts::soFar(QStringLiteral("2026-11-26"), models::analytics::Interval::Week,
                               kNov30Noon + 2 * 86400, utc),
             QStringLiteral("26 Nov–2 Dec, so far"));
    // Axis labels that fit: compact, with the locale's separators.
    QCOMPARE(ui::charts::compact(950), QStringLiteral("950"));
    QCOMPARE(ui::charts::compact(12500), QStringLiteral("12.5k"));
    QCOMPARE(ui::charts::compact(250000), QStringLiteral("250k"));
    QCOMPARE(ui::charts::compact(1250000), QStringLiteral("1.25M"));
    QCOMPARE(ui::charts::compact(-20000), QStringLiteral("-20k"));
    const QStringList lines = csvLines(chart);
    QCOMPARE(lines.first(), QStringLiteral("bucket,Gross volume,Net volume,currency"));
    QCOMPARE(lines.size(), 31);
    QCOMPARE(lines.at(2), QStringLiteral("2026-11-02,100.00,100.00,USD"));
    QCOMPARE(lines.at(10), QStringLiteral("2026-11-10,0.00,-20.00,USD")); // b's refund
    const QString png = m_dir.filePath(QStringLiteral("revenue.png"));
    home.show();
    QVERIFY(chart->exportPng(png));
    QVERIFY(!QImage(png).isNull());
    const QString csv = m_dir.filePath(QStringLiteral("revenue.csv"));
    QVERIFY(chart->exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), chart->csv());
    // 12 months: monthly buckets, the last (November) so far.
    home.rangeBox()->setCurrentIndex(3);
    QCOMPARE(qobject_cast<QLineSeries *>(chart->chart()->series().first())->count(), 11);
    home.rangeBox()->setCurrentIndex(1);
    save(&home, QStringLiteral("home-page"));
}

void TestAnalyticsPages::analyticsCharts()
{
    ui::AnalyticsPage page;
    page.resize(1300, 900);
    page.setNow(kNov30Noon);
    page.setCache(m_history);
    QCOMPARE(page.currencyBox()->count(), 0); // No charges in this fixture: nothing to offer…
    page.setCache(m_analytics);
    QCOMPARE(page.currencyBox()->currentData().toString(), QStringLiteral("usd"));
    for (const QString &key : page.chartKeys()) {
        QVERIFY2(!page.chart(key)->chart()->series().isEmpty(), qPrintable(key));
        // Axis labels are never elided to "…" (they are spaced and compact enough to fit).
        for (const QAbstractAxis *axis : page.chart(key)->chart()->axes())
            QVERIFY2(!axis->truncateLabels(), qPrintable(key));
    }
    // Revenue by month over 12 months: November's gross is $150.00.
    QStringList revenue = csvLines(page.chart(QStringLiteral("revenue")));
    QCOMPARE(revenue.size(), 13);
    QCOMPARE(revenue.last(), QStringLiteral("2026-11-01,150.00,125.00,25.00,USD"));
    // The dispute rate line (with its "so far" tail for November) and the 0.75 % warning line.
    QCOMPARE(page.chart(QStringLiteral("disputes"))->chart()->series().size(), 3);
    // Decline reasons (USD): three, one each.
    const QStringList declines = csvLines(page.chart(QStringLiteral("declines")));
    QCOMPARE(declines.size(), 4);
    QVERIFY(declines.contains(QStringLiteral("insufficient_funds,1")));
    // Subscriptions by status (USD): active 4, trialing 1, canceled 1.
    auto *pie = qobject_cast<QPieSeries *>(
        page.chart(QStringLiteral("statuses"))->chart()->series().first());
    QVERIFY(pie);
    QCOMPARE(pie->count(), 3);
    QCOMPARE(pie->sum(), 6.0);
    // The payments part: headline rates, risk, the week's rhythm.
    // 12 months of USD: a, b and October's g succeeded; c, f, h failed; b and g refunded.
    QVERIFY2(page.paymentSummary().contains(QStringLiteral("Success rate 50.00 %")),
             qPrintable(page.paymentSummary()));
    QVERIFY(page.paymentSummary().contains(QStringLiteral("refund rate 66.67 %")));
    QVERIFY(page.paymentSummary().contains(QStringLiteral("average payment $63.33")));
    QTableWidget *heat = page.hourOfWeekTable();
    QCOMPARE(heat->item(0, 10)->text(), QStringLiteral("1")); // a: Monday 10:00
    QCOMPARE(heat->item(1, 15)->text(), QStringLiteral("1")); // b: Tuesday 15:00
    QCOMPARE(heat->item(0, 9)->text(), QString()); // d is in EUR
    const QStringList customers = csvLines(page.chart(QStringLiteral("customers")));
    // Both USD payers (cus 1 from October, cus 2) first paid within the 12 months.
    QCOMPARE(customers.at(1), QStringLiteral("New,2"));
    QCOMPARE(customers.at(2), QStringLiteral("Returning,0"));
    qInfo("Analytics computed in %.1f ms, drawn in %.1f ms", page.lastComputeMs(),
          page.lastDrawMs());
    page.resize(1300, 2700);
    save(&page, QStringLiteral("analytics-page"));
}

void TestAnalyticsPages::cohortTable()
{
    // The history fixture has invoices but no charges: a window on it, with USD chosen.
    ui::AnalyticsPage page;
    page.resize(1300, 900);
    page.setNow(kNov30Noon);
    page.setCache(m_analytics);
    page.setCache(m_history); // The currency stays USD although no charge offers it.
    QCOMPARE(page.currencyBox()->count(), 0);
    // Asked for directly: MRR and movements from the invoices.
    page.currencyBox()->addItem(QStringLiteral("USD"), QStringLiteral("usd"));
    page.currencyBox()->setCurrentIndex(0);
    page.refresh();
    const QStringList mrr = csvLines(page.chart(QStringLiteral("mrr")));
    QVERIFY(mrr.contains(QStringLiteral("2026-10-01,280.00,USD")));
    QVERIFY(mrr.contains(QStringLiteral("2026-11-01,250.00,USD")));
    const QStringList movements = csvLines(page.chart(QStringLiteral("movements")));
    QCOMPARE(movements.first(),
             QStringLiteral("bucket,New,Expansion,Reactivation,Contraction,Churn,currency"));
    QVERIFY(movements.contains(QStringLiteral("2026-09-01,100.00,0.00,0.00,-40.00,-60.00,USD")));
    QVERIFY(movements.contains(QStringLiteral("2026-11-01,0.00,0.00,30.00,0.00,-60.00,USD")));
    QTableWidget *cohorts = page.cohortTable();
    QCOMPARE(cohorts->rowCount(), 2); // August and September
    QCOMPARE(cohorts->item(0, 0)->text(), QStringLiteral("4"));
    QCOMPARE(cohorts->item(0, 2)->text(), QStringLiteral("75 %\n60 %")); // 3 of 4, 150 of 250
    QCOMPARE(cohorts->item(1, 1)->text(), QStringLiteral("100 %\n100 %"));
    page.resize(1300, 2000); // Every chart and the cohort table in one picture.
    save(&page, QStringLiteral("analytics-cohorts"));
}

void TestAnalyticsPages::noCacheSaysSo()
{
    ui::HomePage home;
    QVERIFY(home.tiles().isEmpty());
    QVERIFY(home.findChild<QLabel *>(QStringLiteral("homeEmpty"))
                ->text()
                .contains(QStringLiteral("Connect an account")));
    ui::MainWindow window({QStringLiteral("x"), true, false});
    QVERIFY(window.homePage());
    QVERIFY(window.analyticsPage());
}

QTEST_MAIN(TestAnalyticsPages)
#include "tst_analyticspages.moc"
