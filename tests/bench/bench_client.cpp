// Stripe client benchmark against `paydesk sandbox` (a separate process, real HTTP):
//
//   build/tests/bench/bench_client [--scale CHARGES] [--runs N] [--concurrency K]
//
// 1. Client overhead: list pages of 100 charges per second at zero latency (sequential
//    auto-pagination), median of N runs.
// 2. Rate-limit utilisation: list every charge with 250 ms latency and a 25 requests/s server
//    limit, once sequentially (what an SDK user's script does) and once with the parallel lister.
//    Target: the parallel lister keeps >= 90 % of 25 requests/s (>= 2,250 objects/s), no 429
//    reaches the caller, and it is at least 5x faster than sequential.
#include "network/pagination.h"
#include "network/stripeclient.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace paydesk::network;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

namespace {

QByteArray key()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("benchclient");
}

struct Result
{
    qint64 objects = 0;
    double seconds = 0;
    int requests = 0;
    bool ok = false;
    QString error;
};

Result sequential(StripeClient &client)
{
    Result result;
    QEventLoop loop;
    QElapsedTimer timer;
    timer.start();
    Pager::start(
        &client, QStringLiteral("/v1/charges"), {}, &loop,
        [&](const QJsonArray &page) {
            result.objects += page.size();
            ++result.requests;
            return true;
        },
        [&](const StripeError &error, qint64) {
            result.ok = !error.isError();
            result.error = error.userMessage();
            loop.quit();
        });
    loop.exec();
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

Result parallel(StripeClient &client, int concurrency, int slicesPerSlot)
{
    Result result;
    ParallelLister::Options options;
    options.createdFrom = 1763800000 - 800 * 86400;
    options.createdTo = 1763800000 + 86400;
    options.concurrency = concurrency;
    options.slicesPerSlot = slicesPerSlot;
    ParallelLister lister(&client, QStringLiteral("/v1/charges"), {}, options);
    QEventLoop loop;
    QObject::connect(&lister, &ParallelLister::finished, &loop,
                     [&](bool ok, const QString &message) {
                         result.ok = ok;
                         result.error = message;
                         loop.quit();
                     });
    QElapsedTimer timer;
    std::vector<int> perSecond;
    QObject::connect(&lister, &ParallelLister::progress, &loop,
                     [&](qint64, int active, int queued) {
                         const size_t second = size_t(timer.elapsed() / 1000);
                         if (perSecond.size() <= second)
                             perSecond.resize(second + 1);
                         ++perSecond[second];
                         if (qEnvironmentVariableIsSet("PAYDESK_BENCH_TRACE"))
                             std::fprintf(stderr, "%lld active=%d queued=%d\n",
                                          static_cast<long long>(timer.elapsed()), active, queued);
                     });
    timer.start();
    lister.start();
    loop.exec();
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    result.objects = lister.received();
    result.requests = lister.requestsSent();
    QString histogram;
    for (int n : perSecond)
        histogram += QString::number(n) + u' ';
    std::printf("  (%d slices, %d requests; answers per second: %s)\n", lister.slicesCreated(),
                lister.requestsSent(), qPrintable(histogram));
    return result;
}

qint64 counter(HttpClient &control, const char *name)
{
    return control.get(QStringLiteral("/_sandbox/stats"))
        .json.value(QStringLiteral("counters"))
        .toObject()
        .value(QString::fromLatin1(name))
        .toInteger();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QString scale = QStringLiteral("50000");
    int runs = 3, concurrency = 10, minObjects = 1;
    bool skipSequential = false;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--scale"))
            scale = args[i + 1];
        else if (args[i] == QLatin1String("--runs"))
            runs = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--concurrency"))
            concurrency = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--slices-per-slot"))
            minObjects = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--skip-sequential"))
            skipSequential = args[i + 1] == QLatin1String("1");
    }

    PeerProcess sandbox = PeerProcess::sandbox(
        {QStringLiteral("--scale"), scale, QStringLiteral("--now"), QStringLiteral("1763800000")});
    if (!sandbox.start(300000)) {
        std::printf("sandbox did not start: %s\n", qPrintable(sandbox.errorString()));
        return 1;
    }
    HttpClient control(sandbox.baseUrl(), key());

    // 1. Client overhead at zero latency.
    if (!skipSequential) {
        StripeClientConfig config;
        config.apiKey = key();
        config.apiBase = sandbox.baseUrl();
        config.rateLimit = 1e6;
        StripeClient client(config);
        std::vector<double> rates;
        Result last;
        for (int i = 0; i < runs; ++i) {
            last = sequential(client);
            rates.push_back(last.requests / last.seconds);
        }
        std::sort(rates.begin(), rates.end());
        std::printf("client overhead: median %.0f list pages/s (%lld charges a run, %d runs)%s\n",
                    rates[rates.size() / 2], static_cast<long long>(last.objects), runs,
                    last.ok ? "" : qPrintable(QStringLiteral(" ERROR: ") + last.error));
    }

    // 2. Rate-limit utilisation: 250 ms latency, 25 requests/s at the server, default client.
    control.post(QStringLiteral("/_sandbox/faults"),
                 {{QStringLiteral("latency_ms"),
                   qEnvironmentVariable("PAYDESK_BENCH_LATENCY", QStringLiteral("250"))},
                  {QStringLiteral("rate_limit"),
                   qEnvironmentVariable("PAYDESK_BENCH_SERVER_RATE", QStringLiteral("25"))}});
    StripeClientConfig config;
    config.apiKey = key(); // Test-mode key: the client's default 25 requests/s.
    if (qEnvironmentVariableIsSet("PAYDESK_BENCH_CLIENT_RATE"))
        config.rateLimit = qEnvironmentVariable("PAYDESK_BENCH_CLIENT_RATE").toDouble();
    config.apiBase = sandbox.baseUrl();
    const qint64 limited0 = counter(control, "faults.rate_limited");
    Result seq;
    if (!skipSequential) {
        StripeClient client(config);
        seq = sequential(client);
    }
    const qint64 limited1 = counter(control, "faults.rate_limited");
    Result par;
    {
        StripeClient client(config);
        par = parallel(client, concurrency, minObjects);
    }
    const qint64 limited2 = counter(control, "faults.rate_limited");
    std::printf(
        "sequential auto-pagination: %lld objects in %.1f s = %.0f objects/s, %.1f requests/s, "
        "%lld 429s absorbed%s\n",
        static_cast<long long>(seq.objects), seq.seconds, seq.objects / seq.seconds,
        seq.requests / seq.seconds, static_cast<long long>(limited1 - limited0),
        seq.ok ? "" : qPrintable(QStringLiteral(", ERROR: ") + seq.error));
    std::printf(
        "parallel lister (%d slices): %lld objects in %.1f s = %.0f objects/s, %.1f requests/s "
        "(%.0f %% of 25/s), %lld 429s absorbed, %s\n",
        concurrency, static_cast<long long>(par.objects), par.seconds, par.objects / par.seconds,
        par.requests / par.seconds, 100.0 * par.requests / par.seconds / 25.0,
        static_cast<long long>(limited2 - limited1),
        par.ok ? "no error reached the caller" : qPrintable(QStringLiteral("ERROR: ") + par.error));
    std::printf("parallel / sequential: %.1fx\n",
                (par.objects / par.seconds) / (seq.objects / seq.seconds));
    return 0;
}
