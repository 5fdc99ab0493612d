#include "app/commandline.h"

#include "app/applogging.h"
#include "app/backgroundsync.h"
#include "app/demosandbox.h"
#include "app/exportcommand.h"
#include "app/guisession.h"
#include "app/profiles.h"
#include "app/reportcommand.h"
#include "app/sandboxcommand.h"
#include "app/staffcommand.h"
#include "app/synccommand.h"
#include "network/stripeclient.h"
#include "ui/mainwindow.h"
#include "ui/paymentspage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstring>

namespace paydesk::app {

namespace {

QCommandLineOption apiBaseOption()
{
    return {QStringLiteral("api-base"),
            QStringLiteral("Stripe API base URL (default https://api.stripe.com); plain http is "
                           "accepted for loopback addresses only."),
            QStringLiteral("URL")};
}

QCommandLineOption cacheOption()
{
    return {QStringLiteral("cache"), QStringLiteral("SQLite cache file to use."),
            QStringLiteral("FILE")};
}

QCommandLineOption profileOption()
{
    return {QStringLiteral("profile"), QStringLiteral("Profile (Stripe account) to act for."),
            QStringLiteral("NAME")};
}

QCommandLineOption idempotencyKeyOption()
{
    return {QStringLiteral("idempotency-key"),
            QStringLiteral("Your own key for this action: the same key never acts twice, whenever "
                           "the command is run again (kept in the cache's outbox)."),
            QStringLiteral("KEY")};
}

QCommandLineOption againOption()
{
    return {QStringLiteral("again"),
            QStringLiteral("Do it again on purpose: without it, the same action done through this "
                           "cache in the last 24 hours is not repeated.")};
}

QCommandLineOption valueOption(const char *name, const char *description, const char *valueName)
{
    return {QString::fromLatin1(name), QString::fromLatin1(description),
            QString::fromLatin1(valueName)};
}

QCommandLineOption flagOption(const char *name, const char *description)
{
    return {QString::fromLatin1(name), QString::fromLatin1(description)};
}

// "Usage: paydesk sync [options] …" whatever path started the program.
void printHelp(QString help, const QString &program)
{
    const qsizetype end = help.indexOf(QStringLiteral(" [options]"));
    if (help.startsWith(QStringLiteral("Usage: ")) && end > 0)
        help.replace(7, end - 7, program);
    stdoutStream() << help;
    stdoutStream().flush();
}

QString overviewText()
{
    QString text = QStringLiteral(
        "Paydesk is a desktop dashboard for Stripe merchants: payments, customers, "
        "subscriptions, disputes and analytics from a local cache, with exactly-once refunds and "
        "cancellations.\n\nWithout a command, opens the window. Commands:\n");
    for (const Subcommand &s : subcommands())
        text += QStringLiteral("  %1 %2\n      %3\n")
                    .arg(s.name, -12)
                    .arg(s.synopsis, s.description);
    text += QStringLiteral(
        "\nRun 'paydesk COMMAND --help' for the options of a command. The API key "
        "comes from STRIPE_API_KEY or the profile's keychain entry.");
    return text;
}

int runSubcommand(const Subcommand &command, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(command.description);
    parser.addHelpOption();
    parser.addOptions(command.options);
    parser.addPositionalArgument(QStringLiteral("arguments"),
                                 QStringLiteral("As the usage line shows."), command.synopsis);
    // arguments[0] is the program, arguments[1] the subcommand name.
    QStringList args = arguments;
    args.removeAt(1);
    if (!parser.parse(args)) {
        stderrStream() << "paydesk " << command.name << ": " << parser.errorText() << '\n';
        stderrStream().flush();
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser.helpText(), QStringLiteral("paydesk ") + command.name);
        return ExitOk;
    }
    if (command.name == QLatin1String("sandbox"))
        return runSandboxCommand(parser);
    if (command.name == QLatin1String("sync"))
        return runSyncCommand(parser);
    if (command.name == QLatin1String("export"))
        return runExportCommand(parser);
    if (command.name == QLatin1String("report"))
        return runReportCommand(parser);
    if (command.name == QLatin1String("customer"))
        return runCustomerCommand(parser);
    if (command.name == QLatin1String("refund"))
        return runRefundCommand(parser);
    if (command.name == QLatin1String("subscription"))
        return runSubscriptionCommand(parser);
    if (command.name == QLatin1String("invoice"))
        return runInvoiceCommand(parser);
    if (command.name == QLatin1String("dispute"))
        return runDisputeCommand(parser);
    if (command.name == QLatin1String("review"))
        return runReviewCommand(parser);
    // Each later capability replaces this branch with its handler; until then the command says
    // plainly that it does nothing rather than pretending to succeed.
    stderrStream() << "paydesk " << command.name << ": not implemented yet\n";
    stderrStream().flush();
    return ExitNotImplemented;
}

int runGui(const QCommandLineParser &parser)
{
    const QUrl apiBase = parser.isSet(QStringLiteral("api-base"))
        ? QUrl(parser.value(QStringLiteral("api-base")))
        : QUrl(QStringLiteral("https://api.stripe.com"));
    const QString profile = parser.isSet(QStringLiteral("profile"))
        ? parser.value(QStringLiteral("profile"))
        : profiles::current();
    if (const QString problem = profiles::nameProblem(profile); !problem.isEmpty()) {
        stderrStream() << "paydesk: --profile: " << problem << '\n';
        stderrStream().flush();
        return ExitUsage;
    }
    GuiSession session(apiBase, profile,
                       qEnvironmentVariable("PAYDESK_KEYCHAIN_SERVICE", QStringLiteral("Paydesk")));
    session.window().show();
    session.start(parser.isSet(QStringLiteral("demo")));
    return QApplication::exec();
}

} // namespace

int commandError(const QString &command, const QString &message, int code)
{
    stderrStream() << "paydesk " << command << ": " << message << '\n';
    stderrStream().flush();
    return code;
}

QTextStream &stderrStream()
{
    static QTextStream stream(stderr);
    return stream;
}

QTextStream &stdoutStream()
{
    static QTextStream stream(stdout);
    return stream;
}

const QList<Subcommand> &subcommands()
{
    static const QList<Subcommand> list = [] {
        QList<Subcommand> l;
        l.append(
            {QStringLiteral("sandbox"),
             QStringLiteral(
                 "[--port N] [--seed S] [--scale CHARGES] [--now UNIX_TIME] [--fixture FILE] ..."),
             QStringLiteral("Run the local Stripe-compatible server with the demo merchant."),
             {valueOption("port", "TCP port on 127.0.0.1 (default: a free one).", "N"),
              valueOption("seed", "Seed of the demo merchant's generator.", "S"),
              valueOption("scale", "Approximate number of charges (default 50000).", "CHARGES"),
              valueOption("now", "Fix the sandbox clock to this Unix time.", "UNIX_TIME"),
              valueOption("fixture", "Load Stripe objects from a JSON file instead.", "FILE"),
              valueOption("latency-ms", "Added latency per request.", "N"),
              valueOption("jitter-ms", "Random extra latency per request.", "N"),
              valueOption("rate-limit", "Requests per second before 429 errors.", "RPS"),
              valueOption("fail-rate", "Probability of a 500/503 answer.", "P"),
              valueOption("drop-rate", "Probability of dropping the connection mid-body.", "P"),
              valueOption("malformed-rate", "Probability of truncated or malformed JSON.", "P"),
              valueOption("webhook-url", "POST every event here.", "URL"),
              valueOption("webhook-secret", "Signing secret for webhook POSTs.", "S")}});
        l.append(
            {QStringLiteral("sync"),
             QStringLiteral("[--api-base URL] [--cache FILE]"),
             QStringLiteral("Backfill or incrementally sync the account into the local cache."),
             {apiBaseOption(), cacheOption(),
              flagOption("full",
                         "Backfill everything again (objects gone meanwhile are marked "
                         "deleted)."),
              valueOption("rate-limit",
                          "Client request rate limit (default 25/s for test keys, "
                          "90/s for live keys).",
                          "RPS"),
              valueOption("concurrency", "Parallel list requests (default 10).", "N"),
              valueOption("listen",
                          "After the sync, keep applying webhooks received on this loopback "
                          "port (signing secret from STRIPE_WEBHOOK_SECRET).",
                          "PORT")}});
        l.append(
            {QStringLiteral("export"),
             QStringLiteral("payments|customers|subscriptions|invoices|refunds|disputes "
                            "[--format csv|json]"),
             QStringLiteral("Write cached objects as CSV or JSON to stdout (offline)."),
             {valueOption("format",
                          "csv (default: one row per object, amounts in major units, "
                          "dates in UTC) or json (the Stripe objects).",
                          "FORMAT"),
              valueOption("status", "Only objects with this status.", "STATUS"),
              valueOption("from", "Created on or after this day (UTC).", "YYYY-MM-DD"),
              valueOption("to", "Created on or before this day (UTC).", "YYYY-MM-DD"),
              valueOption("search", "Only objects matching this search, as in the window.", "TEXT"),
              valueOption("customer", "Only objects of this customer id.", "ID"),
              valueOption("currency", "Payments: only this currency.", "C"),
              valueOption("output", "Write to this file instead of stdout.", "FILE"),
              apiBaseOption(), cacheOption()}});
        l.append(
            {QStringLiteral("report"),
             QStringLiteral(
                 "revenue|settlement|payments|mrr|churn [--interval day|week|month] "
                 "[--currency C] [--format csv|json] | payouts [--from D] [--to D] [--lines]"),
             QStringLiteral("Print an analytics report computed from the cache (offline), or "
                            "the reconciliation of the payouts arriving in a range (their "
                            "transactions are read from Stripe once, with STRIPE_API_KEY)."),
             {valueOption("interval", "day, week or month (default month).", "INTERVAL"),
              valueOption("currency", "Only this currency.", "C"),
              valueOption("from", "First day of the range (in the reporting time zone).",
                          "YYYY-MM-DD"),
              valueOption("to", "Last day of the range, inclusive.", "YYYY-MM-DD"),
              valueOption("at", "mrr: the day whose MRR to report (default today).", "YYYY-MM-DD"),
              flagOption("history",
                         "mrr: month by month (start, movements, end) instead of MRR now."),
              flagOption("lines",
                         "payouts: every balance transaction of each payout (CSV), then its "
                         "groups and total."),
              flagOption("summary",
                         "churn: one row per currency for the whole range (with LTV and trial "
                         "conversion) instead of month by month."),
              valueOption("time-zone",
                          "Reporting time zone (IANA, e.g. Europe/Berlin; default the "
                          "settings', else UTC).",
                          "ZONE"),
              valueOption("format", "csv (default) or json.", "FORMAT"), apiBaseOption(),
              cacheOption()}});
        l.append(
            {QStringLiteral("customer"),
             QStringLiteral(
                 "create --email E [--name N] [--phone P] [--description D] [--metadata k=v] | "
                 "update CUS_ID [fields] | delete CUS_ID --confirm CUS_ID"),
             QStringLiteral("Create, update or delete a customer, exactly once."),
             {valueOption("email", "Email address.", "E"), valueOption("name", "Full name.", "N"),
              valueOption("phone", "Phone number.", "P"),
              valueOption("description", "Free-text description.", "D"),
              valueOption("line1", "Address: street and number.", "TEXT"),
              valueOption("city", "Address: city.", "CITY"),
              valueOption("postal-code", "Address: postal code.", "CODE"),
              valueOption("country", "Address: two-letter ISO country code.", "CC"),
              valueOption("metadata", "Metadata entry key=value; repeatable.", "k=v"),
              valueOption("confirm", "delete: the customer id again.", "CUS_ID"),
              flagOption("yes", "Live mode: confirm without asking."), idempotencyKeyOption(),
              againOption(), profileOption(), apiBaseOption(), cacheOption()}});
        l.append({QStringLiteral("refund"),
                  QStringLiteral("CHARGE_OR_PAYMENT_INTENT_ID [--amount 12.34] [--reason R]"),
                  QStringLiteral("Refund a payment in full or in part, exactly once."),
                  {valueOption("amount",
                               "Amount to refund in the payment's currency, e.g. 12.34 or 1200 for "
                               "JPY (default: all that is left).",
                               "AMOUNT"),
                   valueOption("reason", "duplicate, fraudulent or requested_by_customer.", "R"),
                   valueOption("metadata", "Metadata entry key=value; repeatable.", "k=v"),
                   flagOption("yes", "Live mode: confirm without asking."), idempotencyKeyOption(),
                   againOption(), profileOption(), apiBaseOption(), cacheOption()}});
        l.append(
            {QStringLiteral("subscription"),
             QStringLiteral(
                 "cancel SUB_ID [--at-period-end | --prorate [--invoice-now]] [--reason R] "
                 "[--feedback F] | resume SUB_ID | pause SUB_ID --behavior "
                 "keep_as_draft|mark_uncollectible|void [--resumes-at DATE] | unpause SUB_ID | "
                 "coupon SUB_ID (COUPON_ID | --remove) | trial SUB_ID --end DATE|now | update "
                 "SUB_ID [--item SI_ID] [--price PRICE_ID] [--quantity N] [--proration "
                 "create_prorations|none|always_invoice] [--preview]"),
             QStringLiteral("Change a subscription's price or quantity (with a preview of the "
                            "proration), cancel it now or at the end of its period (or undo "
                            "that), pause or resume its payment collection, apply or remove a "
                            "coupon, extend or end its trial; each exactly once."),
             {flagOption("at-period-end", "cancel: when the current period ends."),
              flagOption("prorate", "cancel: now, and credit the unused time."),
              flagOption("invoice-now", "cancel: with --prorate, invoice the credit now."),
              valueOption("reason", "cancel: why, kept as cancellation_details[comment].", "R"),
              valueOption("feedback",
                          "cancel: the customer's feedback: customer_service, low_quality, "
                          "missing_features, other, switched_service, too_complex, "
                          "too_expensive or unused.",
                          "F"),
              valueOption("behavior",
                          "pause: what happens to invoices meanwhile: keep_as_draft, "
                          "mark_uncollectible or void.",
                          "B"),
              valueOption("resumes-at",
                          "pause: resume by itself then (YYYY-MM-DD, start of the day UTC, or an "
                          "ISO 8601 date and time).",
                          "DATE"),
              flagOption("remove", "coupon: remove the discount. update: delete the --item."),
              flagOption("add", "update: add the --price (× --quantity) as a new item."),
              valueOption("item", "update: the item to change (default: the only one).", "SI_ID"),
              valueOption("price", "update: the item's new recurring price.", "PRICE_ID"),
              valueOption("quantity", "update: the item's new quantity (1 or more).", "N"),
              valueOption("proration",
                          "update: create_prorations (default: on the next invoice), "
                          "always_invoice (invoiced now) or none.",
                          "P"),
              flagOption("preview",
                         "update: print the next invoice with the change's proration; nothing "
                         "is sent."),
              valueOption("end", "trial: its new end (YYYY-MM-DD or ISO 8601, UTC), or now.",
                          "DATE"),
              flagOption("yes", "Live mode: confirm without asking."),
              idempotencyKeyOption(),
              againOption(),
              profileOption(),
              apiBaseOption(),
              cacheOption()}});
        l.append({QStringLiteral("invoice"),
                  QStringLiteral("create --customer CUS_ID (--item PRICE_ID[:QTY] | --item "
                                 "\"DESCRIPTION=AMOUNT\")... [--currency C] [--days-until-due N] "
                                 "[--memo TEXT] [--finalize] [--send] | "
                                 "finalize|send|pay|void|mark-uncollectible|delete IN_ID "
                                 "[--out-of-band]"),
                  QStringLiteral("Create a one-off invoice (a draft, then finalized and sent if "
                                 "asked), or finalize, send, pay, void or mark uncollectible an "
                                 "invoice, or delete a draft; each exactly once."),
                  {valueOption("customer", "create: the customer billed.", "CUS_ID"),
                   valueOption("item",
                               "create: a line, a one-time price with its quantity "
                               "(PRICE_ID[:QTY]) or a custom amount (\"DESCRIPTION=12.50\"); "
                               "repeatable.",
                               "LINE"),
                   valueOption("currency",
                               "create: the invoice's currency (default: the "
                               "customer's, else the first price's).",
                               "C"),
                   valueOption("days-until-due",
                               "create: email the invoice for the customer to pay within N days "
                               "(at most 1825) instead of charging the saved payment method.",
                               "N"),
                   valueOption("memo", "create: the memo printed on the invoice.", "TEXT"),
                   flagOption("finalize", "create: finalize the draft once its lines are in."),
                   flagOption("send", "create: finalize and email it (needs --days-until-due)."),
                   flagOption("out-of-band",
                              "pay: record a payment made outside Stripe; nothing is charged."),
                   flagOption("yes", "Live mode: confirm without asking."), idempotencyKeyOption(),
                   againOption(), profileOption(), apiBaseOption(), cacheOption()}});
        l.append({QStringLiteral("dispute"),
                  QStringLiteral("evidence DP_ID --field KEY=TEXT... [--submit] | accept DP_ID"),
                  QStringLiteral("Respond to a dispute before its due date: save evidence as a "
                                 "draft, submit it (once), or accept the dispute."),
                  {valueOption("field",
                               "evidence: a text field of the evidence by Stripe's name "
                               "(product_description=…); repeatable; KEY= clears one.",
                               "KEY=TEXT"),
                   valueOption("file",
                               "evidence: a file for a field that takes one (receipt=PATH…): "
                               "PDF, PNG or JPEG of at most 5 MB, uploaded once; repeatable.",
                               "KEY=PATH"),
                   flagOption("submit",
                              "evidence: submit it to the bank; a dispute's evidence is submitted "
                              "once."),
                   flagOption("yes", "Live mode: confirm without asking."), idempotencyKeyOption(),
                   againOption(), profileOption(), apiBaseOption(), cacheOption()}});
        l.append({QStringLiteral("review"),
                  QStringLiteral("approve PRV_ID"),
                  QStringLiteral("Approve a payment's open Radar review (to refund it as "
                                 "fraudulent instead: refund CH_ID --reason fraudulent)."),
                  {flagOption("yes", "Live mode: confirm without asking."), idempotencyKeyOption(),
                   againOption(), profileOption(), apiBaseOption(), cacheOption()}});
        return l;
    }();
    return list;
}

QString subcommandName(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        // The window's options that take a value (Qt's own included): skip the value, so that
        // `paydesk --api-base http://127.0.0.1:12111` opens the window.
        for (const char *withValue : {"--profile", "--api-base", "-platform", "-style", "-display",
                                      "-qwindowgeometry", "-qwindowtitle", "-qwindowicon"})
            if (std::strcmp(a, withValue) == 0) {
                ++i;
                break;
            }
        if (a[0] == '-' || i >= argc || argv[i] != a)
            continue;
        // A command, or a word that is none: said so without needing a display.
        return QString::fromLocal8Bit(a);
    }
    return {};
}

bool isHeadless(int argc, char **argv)
{
    if (!subcommandName(argc, argv).isEmpty())
        return true;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (std::strcmp(a, "--help") == 0 || std::strcmp(a, "-h") == 0
            || std::strcmp(a, "--version") == 0 || std::strcmp(a, "-v") == 0
            || std::strcmp(a, "--help-all") == 0)
            return true;
    }
    return false;
}

int run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(overviewText());
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("profile"),
                      QStringLiteral("Open this profile (Stripe account)."),
                      QStringLiteral("NAME")});
    parser.addOption(apiBaseOption());
    parser.addOption(
        {QStringLiteral("demo"),
         QStringLiteral("Open the window on an in-process sandbox with the demo merchant.")});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("Optional command to run headless (see above)."),
                                 QStringLiteral("[command]"));
    if (!parser.parse(arguments)) {
        stderrStream() << "paydesk: " << parser.errorText() << '\n';
        stderrStream().flush();
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        printHelp(parser.helpText(), QStringLiteral("paydesk"));
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion(); // Exits.

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return runGui(parser);

    const QString name = positional.first();
    for (const Subcommand &s : subcommands()) {
        if (s.name == name) {
            // Keep the program name and everything from the subcommand on.
            const qsizetype at = arguments.indexOf(name, 1);
            return runSubcommand(s, QStringList {arguments.first()} + arguments.mid(at));
        }
    }
    stderrStream() << "paydesk: unknown command '" << name
                   << "'. Run 'paydesk --help' for the list.\n";
    stderrStream().flush();
    return ExitUsage;
}

std::unique_ptr<network::StripeClient> commandLineClient(const QCommandLineParser &parser,
                                                         const QByteArray &key, QString *problem)
{
    network::StripeClientConfig config;
    config.apiKey = key;
    // The client retries lost answers with the same idempotency key; the outbox covers what is
    // still lost after that (and a killed process).
    config.maxRetries = 4;
    config.apiBase
        = QUrl(parser.isSet(QStringLiteral("api-base")) ? parser.value(QStringLiteral("api-base"))
                                                        : QStringLiteral("https://api.stripe.com"));
    *problem = network::StripeClient::validateApiBase(config.apiBase);
    if (!problem->isEmpty())
        return nullptr;
    return std::make_unique<network::StripeClient>(config);
}

} // namespace paydesk::app
