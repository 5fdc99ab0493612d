// Sandbox benchmark: generation of the demo merchant (time, RSS) and serving list pages of 100
// charges, both straight through the request handler and over HTTP on loopback.
//
//   build/tests/bench/bench_sandbox [--scale CHARGES] [--runs N] [--pages N]
//
// Prints one line per figure with the median of the runs. Targets (issue 3): generation of
// 1,000,000 charges under 60 s, RSS under 2 GB, at least 500 pages of 100 charges per second.
#include "sandbox/stripesandbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace paydesk::sandbox;

namespace {

qint64 rssKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

HttpRequest listRequest(const QByteArray &after)
{
    HttpRequest r;
    r.method = "GET";
    r.path = "/v1/charges";
    r.query = "limit=100" + (after.isEmpty() ? QByteArray() : "&starting_after=" + after);
    r.headers.insert("authorization", "Bearer sk_test_" + QByteArray("bench"));
    return r;
}

// The id of the last charge of a page, found without parsing the page: the benchmark measures
// the server, not a JSON parser.
QByteArray lastId(const QByteArray &body)
{
    const qsizetype at = body.lastIndexOf("{\"id\":\"ch_");
    if (at < 0)
        return {};
    const qsizetype start = at + 7;
    return body.mid(start, body.indexOf('"', start) - start);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 scale = 1'000'000;
    int runs = 5, pages = 2000;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--scale"))
            scale = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--runs"))
            runs = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--pages"))
            pages = args[i + 1].toInt();
    }

    SandboxOptions options;
    options.scale = scale;
    options.now = 1763800000;
    StripeSandbox sandbox(options);
    QElapsedTimer timer;
    timer.start();
    sandbox.load();
    const double generation = double(timer.elapsed()) / 1000.0;
    std::printf("generation: %lld charges, %lld customers, %lld events in %.1f s\n",
                static_cast<long long>(sandbox.store().charges.size()),
                static_cast<long long>(sandbox.store().customers.size()),
                static_cast<long long>(sandbox.store().events.size()), generation);
    for (Collection *c : sandbox.store().all())
        std::printf("  %-20s %8lld objects, %7.1f MiB stored (%.0f B each)\n",
                    qPrintable(c->objectName()), static_cast<long long>(c->size()),
                    double(c->storedBytes()) / 1048576.0,
                    c->size() ? double(c->storedBytes()) / double(c->size()) : 0.0);
    std::printf("rss after generation: %.0f MiB (peak %.0f MiB)\n",
                double(rssKiB("VmRSS:")) / 1024.0, double(rssKiB("VmHWM:")) / 1024.0);

    // Handler only: parsing, auth, pagination and rendering, no sockets.
    std::vector<double> handlerRates;
    for (int run = 0; run < runs; ++run) {
        QByteArray after;
        timer.restart();
        for (int p = 0; p < pages; ++p) {
            const HttpResponse r = sandbox.handle(listRequest(after));
            after = lastId(r.body);
        }
        handlerRates.push_back(double(pages) / (double(timer.nsecsElapsed()) / 1e9));
    }
    std::printf(
        "list pages of 100 charges, handler: median %.0f pages/s over %d runs of %d pages\n",
        median(handlerRates), runs, pages);

    // Over HTTP on loopback: the server keeps the main thread (one core), a client with
    // keep-alive walks the pages from a second thread.
    if (!sandbox.listen(0)) {
        std::printf("cannot listen: %s\n", qPrintable(sandbox.errorString()));
        return 1;
    }
    const QString base = sandbox.baseUrl().toString();
    std::vector<double> httpRates;
    QThread *client = QThread::create([&] {
        QNetworkAccessManager nam;
        for (int run = 0; run < runs; ++run) {
            QByteArray after;
            QElapsedTimer clock;
            clock.start();
            for (int p = 0; p < pages; ++p) {
                QNetworkRequest request(QUrl(base + QStringLiteral("/v1/charges?limit=100")
                                             + (after.isEmpty() ? QString()
                                                                : QStringLiteral("&starting_after=")
                                                        + QString::fromLatin1(after))));
                request.setRawHeader("Authorization", "Bearer sk_test_" + QByteArray("bench"));
                QNetworkReply *reply = nam.get(request);
                QEventLoop loop;
                QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
                loop.exec();
                after = lastId(reply->readAll());
                delete reply;
            }
            httpRates.push_back(double(pages) / (double(clock.nsecsElapsed()) / 1e9));
        }
    });
    QObject::connect(client, &QThread::finished, &app, &QCoreApplication::quit);
    client->start();
    app.exec();
    client->wait();
    delete client;
    std::printf(
        "list pages of 100 charges, HTTP loopback: median %.0f pages/s over %d runs of %d pages\n",
        median(httpRates), runs, pages);
    return 0;
}
