// Browsing on a big cache (issue 6):
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_payments [--charges N] [--cache FILE]
//       [--runs N]
// Fills a cache with the demo merchant's charges and customers (--charges, default 1,000,000)
// unless --cache names an existing one, then prints medians of --runs runs:
// - the window's cold start: a fresh process from main() to the first painted Payments page
//   (QApplication, window, cache opened, count, first page, painted), run --runs times;
// - opening the payments model (count + first page), a re-sort, filter changes, search as the
//   user types (prefixes of a common word, a card's last 4, an email), customers search;
// - scrolling to the end page by page and back to the top (dropped pages read again), and the
//   peak RSS after it.
#include "models/store/cache.h"
#include "models/views/listtablemodel.h"
#include "models/views/paymentstablemodel.h"
#include "tests/bench/benchutil.h"
#include "tests/support/democache.h"
#include "ui/mainwindow.h"
#include "ui/paymentspage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>

#include <cstdio>
#include <vector>

using namespace paydesk;
using bench::median;

namespace {

QElapsedTimer g_sinceMain;

void fill(const QString &file, qint64 charges)
{
    QElapsedTimer t;
    t.start();
    const qint64 n
        = testsupport::fillDemoCache(file, charges, 1763800000, 1, false,
                                     {QStringLiteral("charge"), QStringLiteral("customer")});
    std::printf("filled %lld charges and customers in %.0f s\n", static_cast<long long>(n),
                double(t.elapsed()) / 1000);
}

template<typename F>
double timeMs(F &&f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

// Paints of the payments table's viewport end the cold start.
class FirstPaint final : public QObject
{
public:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            std::printf("%.1f\n", double(g_sinceMain.nsecsElapsed()) / 1e6);
            std::fflush(stdout);
            QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        }
        return QObject::eventFilter(watched, event);
    }

private:
    bool m_done = false;
};

int coldStart(int argc, char **argv, const QString &file)
{
    QApplication app(argc, argv);
    ui::MainWindow window({QStringLiteral("Bench"), true, false});
    window.setCache(file);
    window.showPage(ui::MainWindow::Page::Payments);
    FirstPaint filter;
    window.paymentsPage()->table()->viewport()->installEventFilter(&filter);
    window.show();
    return QApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    g_sinceMain.start();
    QString file;
    qint64 charges = 1'000'000;
    int runs = 5;
    bool coldOnly = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--cold-start")
            coldOnly = true;
        else if (i + 1 < argc && arg == "--charges")
            charges = QByteArray(argv[++i]).toLongLong();
        else if (i + 1 < argc && arg == "--cache")
            file = QString::fromLocal8Bit(argv[++i]);
        else if (i + 1 < argc && arg == "--runs")
            runs = QByteArray(argv[++i]).toInt();
    }
    if (coldOnly)
        return coldStart(argc, argv, file);

    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    if (file.isEmpty() || !QFile::exists(file)) {
        if (file.isEmpty())
            file = dir.filePath(QStringLiteral("payments.sqlite"));
        std::printf("filling %s…\n", qPrintable(file));
        std::fflush(stdout);
        fill(file, charges);
    }

    {
        // As the application does on start: brings an older cache to the current schema.
        QElapsedTimer t;
        t.start();
        models::Cache cache;
        QString error;
        if (!cache.open(file, &error)) {
            std::printf("cannot open %s: %s\n", qPrintable(file), qPrintable(error));
            return 1;
        }
        std::printf("cache opened (schema %d) in %lld ms\n", cache.schemaVersion(),
                    static_cast<long long>(t.elapsed()));
    }

    // Cold start: a fresh process each time (the file is in the OS cache after the first).
    std::vector<double> cold;
    for (int run = 0; run < runs; ++run) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        QElapsedTimer wall;
        wall.start();
        p.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--cold-start"), QStringLiteral("--cache"), file});
        p.waitForFinished(120000);
        const double inProcess
            = QString::fromLatin1(p.readAllStandardOutput()).trimmed().toDouble();
        std::printf("  cold start run %d: %.1f ms from main() to the first painted page (%.0f ms "
                    "wall incl. process start and exit)\n",
                    run + 1, inProcess, double(wall.elapsed()));
        cold.push_back(inProcess);
    }

    std::vector<double> open, sortAmount, sortAny, sortDate, filterFailedEur, filterCard, search,
        last4, email, customers;
    qint64 total = 0;
    bool exact = true;
    for (int run = 0; run < runs; ++run) {
        models::PaymentsTableModel model;
        open.push_back(timeMs([&] { model.open(file); }));
        total = model.totalCount();
        exact = model.isTotalExact();
        sortAmount.push_back(
            timeMs([&] { model.sort(models::PaymentsTableModel::Amount, Qt::DescendingOrder); }));
        double slowest = 0;
        for (int c = 0; c < models::PaymentsTableModel::ColumnCount; ++c) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                slowest = std::max(slowest, timeMs([&] {
                                       model.sort(c, order);
                                       // And the next page, from the keyset position.
                                       model.fetchMore({});
                                   }));
            }
        }
        sortAny.push_back(slowest);
        sortDate.push_back(
            timeMs([&] { model.sort(models::PaymentsTableModel::Created, Qt::DescendingOrder); }));
        models::PaymentFilter f;
        f.status = models::PaymentFilter::Status::Failed;
        f.currency = QStringLiteral("eur");
        filterFailedEur.push_back(timeMs([&] { model.setFilter(f); }));
        models::PaymentFilter g;
        g.cardBrand = QStringLiteral("amex");
        g.riskLevel = QStringLiteral("elevated");
        filterCard.push_back(timeMs([&] { model.setFilter(g); }));
        // Typing "espr", one key at a time, as the search field does after its debounce.
        double typing = 0;
        for (const char *prefix : {"e", "es", "esp", "espr"}) {
            models::PaymentFilter s;
            s.search = QString::fromLatin1(prefix);
            typing = std::max(typing, timeMs([&] { model.setFilter(s); }));
        }
        search.push_back(typing);
        double digits = 0;
        for (const char *prefix : {"4", "42", "424", "4242"}) {
            models::PaymentFilter s;
            s.search = QString::fromLatin1(prefix);
            digits = std::max(digits, timeMs([&] { model.setFilter(s); }));
        }
        last4.push_back(digits);
        double mail = 0;
        for (const char *prefix : {"emma.r", "emma.ro", "emma.rossi2"}) {
            models::PaymentFilter s;
            s.search = QString::fromLatin1(prefix);
            mail = std::max(mail, timeMs([&] { model.setFilter(s); }));
        }
        email.push_back(mail);
        models::ListTableModel people(models::ListTableModel::Kind::Customers);
        people.open(file);
        double who = 0;
        for (const char *prefix : {"e", "em", "emm", "emma"}) {
            models::ListFilter s;
            s.search = QString::fromLatin1(prefix);
            who = std::max(who, timeMs([&] { people.setFilter(s); }));
        }
        customers.push_back(who);
    }

    // Scrolling to the end and back to the top, as a view asks for rows.
    models::PaymentsTableModel model;
    model.open(file);
    const double down = timeMs([&] {
        while (model.canFetchMore({}))
            model.fetchMore({});
    });
    const qint64 rows = model.rowCount();
    const double rssAtEnd = double(bench::procStatusKiB("VmRSS:")) / 1024.0;
    const double up = timeMs([&] {
        for (int row = int(rows) - 1; row >= 0; row -= 30)
            (void)model.index(row, 0).data();
    });
    std::printf("cache of %lld charges (the model counts up to %lld: %lld%s); medians of %d "
                "runs:\n",
                static_cast<long long>(rows), static_cast<long long>(model.countLimit()),
                static_cast<long long>(total), exact ? "" : "+", runs);
    std::printf("  window cold start to the first painted Payments page: %.1f ms\n", median(cold));
    std::printf("  payments model open + count + first page: %.1f ms\n", median(open));
    std::printf("  sort by amount: %.1f ms; back to date: %.1f ms\n", median(sortAmount),
                median(sortDate));
    std::printf("  sort by any column, both directions, first two pages (slowest): %.1f ms\n",
                median(sortAny));
    std::printf("  filter failed + EUR: %.1f ms; amex + elevated risk: %.1f ms\n",
                median(filterFailedEur), median(filterCard));
    std::printf("  search as you type, slowest of e/es/esp/espr: %.1f ms\n", median(search));
    std::printf("  search as you type, slowest of 4/42/424/4242: %.1f ms\n", median(last4));
    std::printf("  search as you type, slowest of emma.r/emma.ro/emma.rossi2: %.1f ms\n",
                median(email));
    std::printf("  customers search, slowest of e/em/emm/emma: %.1f ms\n", median(customers));
    std::printf("  scrolling to the end page by page: %.0f ms (%.0f rows/s), RSS there %.0f MiB\n",
                down, double(rows) / (down / 1000.0), rssAtEnd);
    std::printf("  back to the top (every 30th row, dropped pages read again): %.0f ms\n", up);
    std::printf("  peak RSS: %.0f MiB\n", double(bench::procStatusKiB("VmHWM:")) / 1024.0);
    return 0;
}
