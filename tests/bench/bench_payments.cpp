// The Payments table on a big cache (issue 6, first part):
//   build/tests/bench/bench_payments [--charges N] [--cache FILE] [--runs N]
// Fills a cache with the demo merchant's charges (--charges, default 1,000,000) unless --cache
// names an existing one, then times, as medians: opening the model and reading the first page
// (what the first painted screen needs), re-sorting, changing a filter, a search as the user
// types, and fetching page after page to the end; and prints the peak RSS.
#include "models/cache.h"
#include "models/paymentstablemodel.h"
#include "network/jsonsplit.h"
#include "sandbox/stripesandbox.h"
#include "tests/bench/benchutil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace paydesk;
using bench::median;

namespace {

void fill(const QString &file, qint64 charges)
{
    sandbox::SandboxOptions options;
    options.scale = charges;
    options.now = 1763800000;
    sandbox::StripeSandbox sandbox(options);
    sandbox.load();
    models::Cache cache;
    cache.open(file);
    cache.begin();
    cache.deferFullText(QStringLiteral("charges"));
    qint64 n = 0;
    sandbox.store().charges.forEach([&](const sandbox::Collection::Entry &e) {
        const QByteArray json = e.json();
        cache.upsert(QJsonDocument::fromJson(json).object(), 1, 1, json);
        if (++n % 5000 == 0) {
            cache.commit();
            cache.begin();
        }
    });
    cache.rebuildFullText(QStringLiteral("charges"));
    cache.commit();
    cache.analyze(); // As the sync does after a backfill.
    std::printf("filled %lld charges\n", static_cast<long long>(n));
}

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
    QCoreApplication app(argc, argv);
    qint64 charges = 1'000'000;
    int runs = 5;
    QString file;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--charges"))
            charges = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--cache"))
            file = args[i + 1];
        else if (args[i] == QLatin1String("--runs"))
            runs = args[i + 1].toInt();
    }
    QTemporaryDir dir;
    if (file.isEmpty() || !QFile::exists(file)) {
        if (file.isEmpty())
            file = dir.filePath(QStringLiteral("payments.sqlite"));
        std::printf("filling %s…\n", qPrintable(file));
        std::fflush(stdout);
        fill(file, charges);
    }
    std::vector<double> open, sortAmount, sortDate, filter, search, scroll;
    qint64 total = 0, rows = 0;
    bool exact = true;
    for (int run = 0; run < runs; ++run) {
        models::PaymentsTableModel model;
        open.push_back(timeMs([&] { model.open(file); }));
        total = model.totalCount();
        exact = model.isTotalExact();
        sortAmount.push_back(
            timeMs([&] { model.sort(models::PaymentsTableModel::Amount, Qt::DescendingOrder); }));
        sortDate.push_back(
            timeMs([&] { model.sort(models::PaymentsTableModel::Created, Qt::DescendingOrder); }));
        models::PaymentFilter f;
        f.status = models::PaymentFilter::Status::Failed;
        f.currency = QStringLiteral("eur");
        filter.push_back(timeMs([&] { model.setFilter(f); }));
        // Typing "espr", one key at a time, as the search field does after its debounce.
        double typing = 0;
        for (const char *prefix : {"es", "esp", "espr"}) {
            models::PaymentFilter s;
            s.search = QString::fromLatin1(prefix);
            typing = std::max(typing, timeMs([&] { model.setFilter(s); }));
        }
        search.push_back(typing);
        model.setFilter({});
        if (run == 0) {
            const double ms = timeMs([&] {
                while (model.canFetchMore({}))
                    model.fetchMore({});
            });
            rows = model.rowCount();
            scroll.push_back(ms);
        }
    }
    std::printf("cache of %lld charges (the model counts up to %lld: %lld%s); medians of %d "
                "runs:\n",
                static_cast<long long>(rows),
                static_cast<long long>(models::PaymentsTableModel().countLimit()),
                static_cast<long long>(total), exact ? "" : "+", runs);
    std::printf("  open + count + first page (newest first): %.1f ms\n", median(open));
    std::printf("  sort by amount: %.1f ms; back to date: %.1f ms\n", median(sortAmount),
                median(sortDate));
    std::printf("  filter failed + EUR: %.1f ms\n", median(filter));
    std::printf("  search as you type (slowest of es/esp/espr): %.1f ms\n", median(search));
    std::printf("  fetching all %lld rows page by page: %.0f ms (%.0f rows/s)\n",
                static_cast<long long>(rows), scroll.empty() ? 0 : scroll.front(),
                scroll.empty() ? 0 : double(rows) / (scroll.front() / 1000.0));
    std::printf("  peak RSS: %.0f MiB\n", double(bench::procStatusKiB("VmHWM:")) / 1024.0);
    return 0;
}
