#include "app/sandboxcommand.h"

#include "app/commandline.h"
#include "app/terminationsignals.h"
#include "sandbox/stripesandbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

namespace paydesk::app {

namespace {

std::optional<double> probability(const QCommandLineParser &parser, const QString &name,
                                  QString &error)
{
    if (!parser.isSet(name))
        return 0.0;
    bool ok = false;
    const double p = parser.value(name).toDouble(&ok);
    if (!ok || p < 0 || p > 1) {
        error = QStringLiteral("--%1 must be a probability between 0 and 1, not '%2'")
                    .arg(name, parser.value(name));
        return std::nullopt;
    }
    return p;
}

std::optional<qint64> integer(const QCommandLineParser &parser, const QString &name, qint64 lo,
                              qint64 hi, qint64 fallback, QString &error)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const qint64 v = parser.value(name).toLongLong(&ok);
    if (!ok || v < lo || v > hi) {
        error = QStringLiteral("--%1 must be an integer from %2 to %3, not '%4'")
                    .arg(name)
                    .arg(lo)
                    .arg(hi)
                    .arg(parser.value(name));
        return std::nullopt;
    }
    return v;
}

} // namespace

std::optional<sandbox::SandboxOptions> sandboxOptionsFrom(const QCommandLineParser &parser,
                                                          QString &error)
{
    sandbox::SandboxOptions o;
    const auto seed
        = integer(parser, QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), 1, error);
    const auto scale = integer(parser, QStringLiteral("scale"), 1, 5'000'000, 50'000, error);
    const auto now = integer(parser, QStringLiteral("now"), 1, 32503680000, 0, error);
    const auto latency = integer(parser, QStringLiteral("latency-ms"), 0, 600'000, 0, error);
    const auto jitter = integer(parser, QStringLiteral("jitter-ms"), 0, 600'000, 0, error);
    const auto rate = integer(parser, QStringLiteral("rate-limit"), 0, 1'000'000, 0, error);
    const auto fail = probability(parser, QStringLiteral("fail-rate"), error);
    const auto drop = probability(parser, QStringLiteral("drop-rate"), error);
    const auto malformed = probability(parser, QStringLiteral("malformed-rate"), error);
    if (!seed || !scale || !now || !latency || !jitter || !rate || !fail || !drop || !malformed)
        return std::nullopt;
    o.seed = quint64(*seed);
    o.scale = *scale;
    o.now = *now;
    o.fixtureFile = parser.value(QStringLiteral("fixture"));
    o.faults = {int(*latency), int(*jitter), double(*rate), *fail, *drop, *malformed};
    if (parser.isSet(QStringLiteral("webhook-url"))) {
        o.webhookUrl = QUrl(parser.value(QStringLiteral("webhook-url")));
        if (!o.webhookUrl.isValid() || !o.webhookUrl.scheme().startsWith(QLatin1String("http"))) {
            error = QStringLiteral("--webhook-url must be an http(s) URL");
            return std::nullopt;
        }
        o.webhookSecret = parser.value(QStringLiteral("webhook-secret")).toUtf8();
        if (!o.webhookSecret.startsWith("whsec_")) {
            error = QStringLiteral("--webhook-url needs --webhook-secret whsec_…");
            return std::nullopt;
        }
    }
    return o;
}

int runSandboxCommand(const QCommandLineParser &parser)
{
    QTextStream err(stderr);
    QString error;
    const auto options = sandboxOptionsFrom(parser, error);
    if (!options) {
        err << "paydesk sandbox: " << error << '\n';
        return ExitUsage;
    }
    const auto port
        = parser.isSet(QStringLiteral("port")) ? parser.value(QStringLiteral("port")).toUInt() : 0u;
    if (port > 65535) {
        err << "paydesk sandbox: --port must be from 0 to 65535\n";
        return ExitUsage;
    }
    sandbox::StripeSandbox server(*options);
    QElapsedTimer timer;
    timer.start();
    err << (options->fixtureFile.isEmpty()
                ? QStringLiteral("generating the demo merchant (about %1 charges)…\n")
                      .arg(options->scale)
                : QStringLiteral("loading %1…\n").arg(options->fixtureFile));
    err.flush();
    if (!server.load()) {
        err << "paydesk sandbox: " << server.errorString() << '\n';
        return ExitFailure;
    }
    err << QStringLiteral("ready in %1 s: %2 customers, %3 charges, %4 subscriptions\n")
               .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1)
               .arg(server.store().customers.size())
               .arg(server.store().charges.size())
               .arg(server.store().subscriptions.size());
    err.flush();
    if (!server.listen(quint16(port))) {
        err << "paydesk sandbox: cannot listen on 127.0.0.1:" << port << ": "
            << server.errorString() << '\n';
        return ExitFailure;
    }
    onTerminationSignal([] { QCoreApplication::quit(); });
    QTextStream out(stdout);
    out << "listening on " << server.baseUrl().toString() << '\n';
    out.flush();
    const int code = QCoreApplication::exec();
    err << "sandbox stopped\n";
    return code;
}

} // namespace paydesk::app
