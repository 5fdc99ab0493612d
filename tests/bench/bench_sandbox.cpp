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
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

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

QByteArray lastId(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    return o.value(QStringLiteral("data"))
        .toArray()
        .last()
        .toObject()
        .value(QStringLiteral("id"))
        .toString()
        .toLatin1();
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

    // Over HTTP on loopback, client and server on the same thread (one core for both).
    sandbox.listen(0);
    QNetworkAccessManager nam;
    std::vector<double> httpRates;
    const int httpPages = std::max(100, pages / 4);
    for (int run = 0; run < runs; ++run) {
        QByteArray after;
        timer.restart();
        for (int p = 0; p < httpPages; ++p) {
            QNetworkRequest request(
                QUrl(sandbox.baseUrl().toString() + QStringLiteral("/v1/charges?limit=100")
                     + (after.isEmpty()
                            ? QString()
                            : QStringLiteral("&starting_after=") + QString::fromLatin1(after))));
            request.setRawHeader("Authorization", "Bearer sk_test_" + QByteArray("bench"));
            QNetworkReply *reply = nam.get(request);
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            after = lastId(reply->readAll());
            reply->deleteLater();
        }
        httpRates.push_back(double(httpPages) / (double(timer.nsecsElapsed()) / 1e9));
    }
    std::printf(
        "list pages of 100 charges, HTTP loopback: median %.0f pages/s over %d runs of %d pages\n",
        median(httpRates), runs, httpPages);
    return 0;
}
