// The analytics of the Home and Analytics pages on a big merchant.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_analytics [--cache FILE] [--charges N]
//       [--customers N] [--runs N]
//
// Fills the cache with the demo merchant (about --charges charges, default 1,000,000, and
// --customers customers, default 182,000, of whom about 55 % subscribe: ~100,000
// subscriptions) unless --cache names an existing one, then prints the medians of --runs runs:
// everything the Home page computes (tiles and revenue chart, 30 days and 12 months), what the
// Analytics page computes for 24 months by month, the time to redraw its charts, and each
// query on its own.
#include "models/analytics/analytics.h"
#include "models/store/cache.h"
#include "models/store/sqlitedb.h"
#include "tests/bench/benchutil.h"
#include "tests/support/democache.h"
#include "ui/analyticspage.h"
#include "ui/homepage.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <cstdio>

using namespace paydesk;
using namespace paydesk::models::analytics;
using bench::median;

namespace {

constexpr qint64 kNow = 1763800000; // The demo history ends here (2025-11-22).

template<typename F>
double timeMs(F &&f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QString file = QStringLiteral("/tmp/paydesk-analytics-1m.sqlite");
    qint64 charges = 1000000, customers = 182000;
    int runs = 5;
    for (int i = 1; i + 1 < argc; ++i) {
        const QByteArray arg = argv[i];
        if (arg == "--cache")
            file = QString::fromLocal8Bit(argv[++i]);
        else if (arg == "--charges")
            charges = QByteArray(argv[++i]).toLongLong();
        else if (arg == "--customers")
            customers = QByteArray(argv[++i]).toLongLong();
        else if (arg == "--runs")
            runs = QByteArray(argv[++i]).toInt();
    }
    if (!QFileInfo::exists(file)) {
        QElapsedTimer t;
        t.start();
        const qint64 n = testsupport::fillDemoCache(
            file, charges, kNow, 1, false,
            {QStringLiteral("customer"), QStringLiteral("charge"), QStringLiteral("refund"),
             QStringLiteral("dispute"), QStringLiteral("balance_transaction"),
             QStringLiteral("subscription"), QStringLiteral("invoice"), QStringLiteral("price"),
             QStringLiteral("coupon")},
            customers);
        std::printf("filled %lld objects in %.0f s\n", static_cast<long long>(n),
                    double(t.elapsed()) / 1000);
    }
    {
        // Opening it as the app does brings it to the latest schema (its rollups).
        models::Cache cache;
        QElapsedTimer t;
        t.start();
        const int before = [&] {
            models::sql::Database probe;
            return probe.open(file, false)
                ? int(probe.scalar(QStringLiteral("PRAGMA user_version"), 0))
                : -1;
        }();
        QString error;
        if (!cache.open(file, &error)) {
            std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(file), qPrintable(error));
            return 1;
        }
        if (before != cache.schemaVersion())
            std::printf("migrated the cache from schema %d to %d in %.1f s\n", before,
                        cache.schemaVersion(), double(t.elapsed()) / 1000);
        // What a sync page of subscriptions and one of invoices cost with the MRR rollups:
        // 100 objects written again (newer as_of), then the commit that folds them in.
        for (const char *table : {"subscriptions", "invoices"}) {
            std::vector<double> writeMs, commitMs;
            for (int r = 0; r < runs; ++r) {
                QList<QJsonObject> objects;
                models::sql::Statement s = cache.database().prepare(
                    QStringLiteral("SELECT raw, as_of FROM %1 WHERE deleted = 0 ORDER BY id "
                                   "LIMIT 100 OFFSET %2")
                        .arg(QLatin1String(table))
                        .arg(r * 1000));
                qint64 asOf = 0;
                while (s.step()) {
                    objects.append(QJsonDocument::fromJson(s.bytes(0)).object());
                    asOf = std::max(asOf, s.int64(1));
                }
                s = {};
                writeMs.push_back(timeMs([&] {
                    cache.begin();
                    for (const QJsonObject &o : std::as_const(objects))
                        cache.upsert(o, asOf + 1);
                }));
                commitMs.push_back(timeMs([&] { cache.commit(); }));
            }
            std::printf("a page of 100 %s written again: %.1f ms, its commit with the MRR fold "
                        "%.1f ms\n",
                        table, median(writeMs), median(commitMs));
        }
    }
    models::sql::Database db;
    if (!db.open(file, false)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(file));
        return 1;
    }
    std::printf(
        "cache %s: %lld charges, %lld subscriptions, %lld invoice lines, %.1f GB\n",
        qPrintable(file),
        static_cast<long long>(db.scalar(QStringLiteral("SELECT count(*) FROM charges"))),
        static_cast<long long>(db.scalar(QStringLiteral("SELECT count(*) FROM subscriptions"))),
        static_cast<long long>(db.scalar(QStringLiteral("SELECT count(*) FROM invoice_lines"))),
        double(QFileInfo(file).size()) / 1e9);
    const QString currency = currencies(db).value(0);
    const qint64 to = QDateTime::fromSecsSinceEpoch(kNow, QTimeZone::utc())
                          .date()
                          .addDays(1)
                          .startOfDay(QTimeZone::utc())
                          .toSecsSinceEpoch();
    const Range days30 {to - 30 * 86400, to, Interval::Day, currency};
    // Read as of the end of the demo history: its last month is the current one.
    const Range months24 {to - 730 * 86400, to, Interval::Month, currency, QTimeZone::utc(), kNow};

    std::vector<double> revenueMs, settlementMs, paymentsMs, mrrMs, historyMs, disputesMs;
    for (int r = 0; r < runs; ++r) {
        revenueMs.push_back(timeMs([&] { revenue(db, months24); }));
        settlementMs.push_back(timeMs([&] { settlement(db, months24); }));
        paymentsMs.push_back(timeMs([&] { payments(db, months24); }));
        mrrMs.push_back(timeMs([&] { mrr(db, kNow, currency); }));
        historyMs.push_back(timeMs([&] { mrrHistory(db, months24); }));
        disputesMs.push_back(timeMs([&] { disputeRates(db, months24); }));
    }
    // Read as of now, the clock the fold keeps each customer's current month at (the window's
    // case): the current month is customer_now's sums. Read as of kNow above, another month,
    // it is a pass over every customer.
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const Range live {QDate(today.year(), today.month(), 1)
                          .addMonths(-23)
                          .startOfDay(QTimeZone::utc())
                          .toSecsSinceEpoch(),
                      today.addDays(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch(),
                      Interval::Month, currency};
    std::vector<double> liveMs;
    for (int r = 0; r < runs; ++r)
        liveMs.push_back(timeMs([&] { mrrHistory(db, live); }));
    std::printf("queries over 24 months (%s), medians of %d runs:\n", qPrintable(currency), runs);
    std::printf("  revenue %.1f ms, settlement %.1f ms, payment analytics %.1f ms\n",
                median(revenueMs), median(settlementMs), median(paymentsMs));
    std::printf("  MRR now %.1f ms, MRR history + movements + cohorts %.1f ms, dispute rate %.1f "
                "ms\n",
                median(mrrMs), median(historyMs), median(disputesMs));
    std::printf("  MRR history read now (its current month folded) %.1f ms\n", median(liveMs));

    ui::HomePage home;
    home.resize(1300, 900);
    home.setNow(kNow);
    home.setCache(file);
    home.show();
    std::vector<double> home30, home12;
    for (int r = 0; r < runs; ++r) {
        home.rangeBox()->setCurrentIndex(1); // 30 days
        home.refresh();
        home30.push_back(home.lastComputeMs());
        home.rangeBox()->setCurrentIndex(3); // 12 months
        home.refresh();
        home12.push_back(home.lastComputeMs());
    }
    std::printf("Home page, everything it shows: %.1f ms (30 days), %.1f ms (12 months)\n",
                median(home30), median(home12));

    ui::AnalyticsPage page;
    page.resize(1300, 2000);
    page.setNow(kNow);
    page.setCache(file);
    page.rangeBox()->setCurrentIndex(3); // 24 months
    page.show();
    std::vector<double> compute, draw, paint;
    for (int r = 0; r < runs; ++r) {
        page.refresh();
        compute.push_back(page.lastComputeMs());
        draw.push_back(page.lastDrawMs());
        paint.push_back(timeMs([&] { page.grab(); }));
    }
    std::printf("Analytics page, 24 months by month: compute %.1f ms, charts rebuilt %.1f ms, "
                "painted %.1f ms\n",
                median(compute), median(draw), median(paint));
    {
        // Another reporting zone: the hourly rollup with the zone's part-days from the rows, the
        // MRR history from the invoice lines (the monthly rollup holds UTC months).
        Range zoned = months24;
        zoned.zone = QTimeZone("America/New_York");
        const double ms = timeMs([&] {
            revenue(db, zoned);
            payments(db, zoned);
            mrrHistory(db, zoned);
            disputeRates(db, zoned);
        });
        std::printf("Analytics page's queries in America/New_York (one run): %.0f ms\n", ms);
    }
    std::printf("peak RSS %lld MiB\n",
                static_cast<long long>(bench::procStatusKiB("VmHWM:") / 1024));
    return 0;
}
