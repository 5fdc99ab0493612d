#include "app/exportcommand.h"

#include "app/commandline.h"
#include "models/daterange.h"
#include "models/store/account.h"
#include "models/store/cache.h"
#include "models/views/listtablemodel.h"
#include "models/views/paymentstablemodel.h"
#include "network/stripeclient.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTimeZone>

#include <memory>

namespace paydesk::app {

namespace {

int usage(const QString &message)
{
    return commandError(QStringLiteral("export"), message, ExitUsage);
}

int failure(const QString &message)
{
    return commandError(QStringLiteral("export"), message, ExitFailure);
}

} // namespace

QString existingCache(const QCommandLineParser &parser, QString *error)
{
    QString path = parser.value(QStringLiteral("cache"));
    if (path.isEmpty())
        path = accountCache(parser, error);
    if (!path.isEmpty() && !QFileInfo::exists(path)) {
        *error = QStringLiteral("no cache at %1: run 'paydesk sync' first").arg(path);
        path.clear();
    }
    return path;
}

// The cache of the account behind STRIPE_API_KEY (asks Stripe which account that is).
QString accountCache(const QCommandLineParser &parser, QString *error)
{
    const QByteArray key = qgetenv("STRIPE_API_KEY");
    if (key.isEmpty()) {
        *error = QStringLiteral("no cache given: pass --cache FILE, or set STRIPE_API_KEY to "
                                "use the account's cache");
        return {};
    }
    network::StripeClientConfig config;
    config.apiKey = key;
    if (parser.isSet(QStringLiteral("api-base")))
        config.apiBase = QUrl(parser.value(QStringLiteral("api-base")));
    const QString problem = network::StripeClient::validateApiBase(config.apiBase);
    if (!problem.isEmpty()) {
        *error = problem;
        return {};
    }
    network::StripeClient client(config);
    QString path;
    QObject context;
    models::resolveAccount(&client, &context,
                           [&](const models::Account &account, const network::StripeError &e) {
                               if (account.id.isEmpty())
                                   *error = e.userMessage();
                               else
                                   path = account.cachePath();
                               QCoreApplication::exit(0);
                           });
    QCoreApplication::exec();
    return path;
}

int runExportCommand(const QCommandLineParser &parser)
{
    const QStringList positional = parser.positionalArguments();
    const QString kind = positional.value(0);
    static const QStringList kinds {QStringLiteral("payments"),      QStringLiteral("customers"),
                                    QStringLiteral("subscriptions"), QStringLiteral("invoices"),
                                    QStringLiteral("refunds"),       QStringLiteral("disputes")};
    if (!kinds.contains(kind))
        return usage(QStringLiteral("say what to export: %1").arg(kinds.join(u'|')));
    if (positional.size() > 1)
        return usage(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    const QString format = parser.value(QStringLiteral("format")).toLower();
    if (!format.isEmpty() && format != QLatin1String("csv") && format != QLatin1String("json"))
        return usage(QStringLiteral("--format must be csv or json"));
    const auto fmt = format == QLatin1String("json") ? models::CacheTableModel::Format::Json
                                                     : models::CacheTableModel::Format::Csv;
    // Whole days of the reporting time zone, as the window's created filter and the reports.
    const QTimeZone zone = models::dates::reportingZone();
    qint64 from = 0, to = 0;
    if (parser.isSet(QStringLiteral("from"))) {
        const QDate day = models::dates::parseDay(parser.value(QStringLiteral("from")));
        if (!day.isValid())
            return usage(QStringLiteral("--from must be a date like 2026-11-01"));
        from = models::dates::startOf(day, zone);
    }
    if (parser.isSet(QStringLiteral("to"))) {
        const QDate day = models::dates::parseDay(parser.value(QStringLiteral("to")));
        if (!day.isValid())
            return usage(QStringLiteral("--to must be a date like 2026-11-30"));
        to = models::dates::days(day, day, zone).to; // The whole day.
    }
    if (from > 0 && to > 0 && from >= to)
        return usage(QStringLiteral("--from must not be after --to"));
    const QString status = parser.value(QStringLiteral("status"));
    const QString search = parser.value(QStringLiteral("search"));
    const QString customer = parser.value(QStringLiteral("customer"));

    std::unique_ptr<models::CacheTableModel> model;
    if (kind == QLatin1String("payments")) {
        models::PaymentFilter f;
        static const QHash<QString, models::PaymentFilter::Status> statuses {
            {QStringLiteral("succeeded"), models::PaymentFilter::Status::Succeeded},
            {QStringLiteral("refunded"), models::PaymentFilter::Status::Refunded},
            {QStringLiteral("disputed"), models::PaymentFilter::Status::Disputed},
            {QStringLiteral("failed"), models::PaymentFilter::Status::Failed},
            {QStringLiteral("pending"), models::PaymentFilter::Status::Pending}};
        if (!status.isEmpty() && !statuses.contains(status))
            return usage(QStringLiteral("--status of payments is one of succeeded, refunded, "
                                        "disputed, failed, pending"));
        f.status = statuses.value(status, models::PaymentFilter::Status::Any);
        f.createdFrom = from;
        f.createdTo = to;
        f.search = search;
        f.customer = customer;
        f.currency = parser.value(QStringLiteral("currency"));
        auto payments = std::make_unique<models::PaymentsTableModel>();
        payments->setFilter(f);
        model = std::move(payments);
    } else {
        models::ListTableModel::Kind k = models::ListTableModel::Kind::Customers;
        for (auto candidate :
             {models::ListTableModel::Kind::Customers, models::ListTableModel::Kind::Subscriptions,
              models::ListTableModel::Kind::Invoices, models::ListTableModel::Kind::Refunds,
              models::ListTableModel::Kind::Disputes}) {
            if (models::ListTableModel::tableName(candidate) == kind)
                k = candidate;
        }
        const QStringList allowed = models::ListTableModel::statuses(k);
        if (!status.isEmpty() && !allowed.contains(status))
            return usage(allowed.isEmpty() ? QStringLiteral("%1 have no --status").arg(kind)
                                           : QStringLiteral("--status of %1 is one of %2")
                                                 .arg(kind, allowed.join(QStringLiteral(", "))));
        models::ListFilter f;
        f.status = status;
        f.createdFrom = from;
        f.createdTo = to;
        f.search = search;
        f.customer = customer;
        auto list = std::make_unique<models::ListTableModel>(k);
        list->setFilter(f);
        model = std::move(list);
    }

    QString error;
    const QString path = existingCache(parser, &error);
    if (path.isEmpty())
        return failure(error);
    model->setCountLimit(1);
    if (!model->open(path, &error))
        return failure(QStringLiteral("cannot open the cache %1: %2").arg(path, error));

    qint64 written = -1;
    const QString output = parser.value(QStringLiteral("output"));
    if (output.isEmpty() || output == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly))
            return failure(QStringLiteral("cannot write to stdout"));
        written = models::exportTable(*model, &out, fmt, &error);
        out.flush();
    } else {
        // Written to a temporary file and renamed: a failed export leaves nothing half-done.
        QSaveFile out(output);
        if (!out.open(QIODevice::WriteOnly))
            return failure(QStringLiteral("cannot write %1: %2").arg(output, out.errorString()));
        written = models::exportTable(*model, &out, fmt, &error);
        if (written >= 0 && !out.commit())
            return failure(QStringLiteral("cannot write %1: %2").arg(output, out.errorString()));
    }
    if (written < 0)
        return failure(error);
    stderrStream() << "paydesk export: " << written << ' ' << kind << '\n';
    stderrStream().flush();
    return ExitOk;
}

} // namespace paydesk::app
