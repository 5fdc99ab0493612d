#include "app/synccommand.h"

#include "app/commandline.h"
#include "app/terminationsignals.h"
#include "models/store/account.h"
#include "models/store/cache.h"
#include "models/sync/syncengine.h"
#include "network/stripeclient.h"
#include "network/webhooklistener.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocale>
#include <QTextStream>
#include <QUrl>

#include <unistd.h>

namespace paydesk::app {

namespace {

int usage(const QString &message)
{
    stderrStream() << "paydesk sync: " << message << '\n';
    stderrStream().flush();
    return ExitUsage;
}

QString number(qint64 n)
{
    return QLocale::c().toString(n).replace(u',', u'\u2009') /* thin space */;
}

QString progressLine(const models::SyncProgress &p)
{
    QString line = QStringLiteral("%1: %2").arg(p.table, -20).arg(number(p.done));
    if (p.total >= 0)
        line += QStringLiteral(" / %1%2").arg(p.finished ? QString() : QStringLiteral("~"),
                                              number(p.total));
    line += QStringLiteral("  %1/s").arg(number(qint64(p.perSecond)));
    if (p.finished)
        line += QStringLiteral("  done");
    else if (p.etaSeconds >= 0)
        line += QStringLiteral("  ETA %1 s").arg(p.etaSeconds);
    return line;
}

} // namespace

int runSyncCommand(const QCommandLineParser &parser)
{
    const QByteArray key = qgetenv("STRIPE_API_KEY");
    if (key.isEmpty())
        return usage(QStringLiteral("no API key: set STRIPE_API_KEY"));

    network::StripeClientConfig config;
    config.apiKey = key;
    // A sync only reads: retrying a GET is always safe, and a failed listing costs a resume.
    config.maxRetries = 6;
    config.apiBase
        = QUrl(parser.isSet(QStringLiteral("api-base")) ? parser.value(QStringLiteral("api-base"))
                                                        : QStringLiteral("https://api.stripe.com"));
    if (const QString problem = network::StripeClient::validateApiBase(config.apiBase);
        !problem.isEmpty())
        return usage(problem);
    if (parser.isSet(QStringLiteral("rate-limit"))) {
        bool ok = false;
        const double rps = parser.value(QStringLiteral("rate-limit")).toDouble(&ok);
        if (!ok || rps <= 0 || rps > 10000)
            return usage(QStringLiteral("--rate-limit must be a number of requests per second "
                                        "between 0 and 10000"));
        config.rateLimit = rps;
    }
    models::SyncEngine::Options options;
    if (parser.isSet(QStringLiteral("concurrency"))) {
        bool ok = false;
        options.concurrency = parser.value(QStringLiteral("concurrency")).toInt(&ok);
        if (!ok || options.concurrency < 1 || options.concurrency > 64)
            return usage(QStringLiteral("--concurrency must be between 1 and 64"));
    }
    options.forceBackfill = parser.isSet(QStringLiteral("full"));
    quint16 listenPort = 0;
    const bool listen = parser.isSet(QStringLiteral("listen"));
    QByteArray webhookSecret;
    if (listen) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("listen")).toUInt(&ok);
        if (!ok || port > 65535)
            return usage(QStringLiteral("--listen needs a port number (0 picks a free one)"));
        listenPort = quint16(port);
        webhookSecret = qgetenv("STRIPE_WEBHOOK_SECRET");
        if (webhookSecret.isEmpty())
            return usage(QStringLiteral("--listen needs the signing secret in "
                                        "STRIPE_WEBHOOK_SECRET"));
    }

    network::StripeClient client(config);
    models::Cache cache;
    models::SyncEngine engine(&client, &cache, options);
    QElapsedTimer timer;
    timer.start();
    int exitCode = ExitFailure;
    const bool terminal = ::isatty(STDERR_FILENO);
    QElapsedTimer printed;
    // Several tables are listed at once: each finished one gets its own line, the line being
    // rewritten shows every table still listed.
    models::ListingProgress listing;

    QObject::connect(&engine, &models::SyncEngine::progress, &engine,
                     [&](const models::SyncProgress &p) {
                         listing.update(p);
                         if (!p.finished && printed.isValid() && printed.elapsed() < 1000)
                             return;
                         printed.start();
                         QStringList lines;
                         for (const models::SyncProgress &t : listing.tables())
                             lines.append(progressLine(t).simplified());
                         QTextStream &out = stderrStream();
                         if (p.finished)
                             out << (terminal ? "\r\033[K" : "") << progressLine(p) << '\n';
                         if (terminal && !lines.isEmpty())
                             out << "\r\033[K" << lines.join(QStringLiteral("  |  "));
                         else if (!p.finished)
                             out << progressLine(p) << '\n';
                         out.flush();
                     });
    QObject::connect(
        &engine, &models::SyncEngine::finished, &engine, [&](bool ok, const QString &error) {
            const models::SyncSummary &s = engine.summary();
            if (!ok) {
                stderrStream() << (terminal ? "\n" : "") << "paydesk sync: " << error << '\n';
                stderrStream().flush();
                exitCode = ExitFailure;
                QCoreApplication::exit(ExitFailure);
                return;
            }
            stdoutStream() << QStringLiteral("synced %1 (%2): %3 objects written, %4 events "
                                             "applied, %5 skipped, %6 fetched again, %7 "
                                             "invalid, in %8 s; cache %9")
                                  .arg(s.accountId,
                                       s.backfilled ? QStringLiteral("backfill + events")
                                                    : QStringLiteral("events"))
                                  .arg(s.objectsWritten)
                                  .arg(s.eventsApplied)
                                  .arg(s.eventsSkipped)
                                  .arg(s.refetched)
                                  .arg(s.invalidObjects)
                                  .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1)
                                  .arg(cache.path())
                           << Qt::endl;
            exitCode = ExitOk;
            if (!listen)
                QCoreApplication::exit(ExitOk);
        });
    onTerminationSignal([&] {
        if (engine.isRunning())
            engine.cancel(); // Everything committed so far stays; the next run resumes.
        else
            QCoreApplication::exit(exitCode);
    });

    std::unique_ptr<network::WebhookListener> listener;
    if (listen) {
        listener = std::make_unique<network::WebhookListener>(webhookSecret);
        if (!listener->listen(listenPort)) {
            stderrStream() << "paydesk sync: cannot listen on port " << listenPort << ": "
                           << listener->errorString() << '\n';
            stderrStream().flush();
            return ExitFailure;
        }
        QObject::connect(listener.get(), &network::WebhookListener::eventReceived, &engine,
                         [&](const QJsonObject &event) {
                             if (cache.isOpen())
                                 engine.applyWebhookEvent(event);
                         });
        stdoutStream() << "listening for webhooks on http://127.0.0.1:" << listener->port()
                       << "/webhook" << Qt::endl;
    }

    auto startWith = [&](const QString &path) {
        QString error;
        if (!cache.open(path, &error)) {
            stderrStream() << "paydesk sync: cannot open the cache " << path << ": " << error
                           << '\n';
            stderrStream().flush();
            QCoreApplication::exit(ExitFailure);
            return false;
        }
        engine.start();
        return true;
    };
    if (parser.isSet(QStringLiteral("cache"))) {
        // Before the event loop runs, exit() would be lost: fail here instead of hanging.
        if (!startWith(parser.value(QStringLiteral("cache"))))
            return ExitFailure;
    } else {
        // The default cache is per account: ask which account the key belongs to.
        models::resolveAccount(
            &client, &engine,
            [&](const models::Account &account, const network::StripeError &error) {
                if (account.id.isEmpty()) {
                    stderrStream() << "paydesk sync: " << error.userMessage() << '\n';
                    stderrStream().flush();
                    QCoreApplication::exit(ExitFailure);
                    return;
                }
                startWith(account.cachePath());
            });
    }
    const int code = QCoreApplication::exec();
    return code;
}

} // namespace paydesk::app
