#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <memory>

class QCommandLineParser;

namespace paydesk::network {
class StripeClient;
}

namespace paydesk::app {

/*
 * The `paydesk` command line of DESIGN.md: the GUI (optionally on the demo merchant) and the
 * headless subcommands for scripting. Each subcommand has its own option set and `--help`, so
 * `paydesk refund --help` documents exactly what `paydesk refund` accepts.
 */
struct Subcommand
{
    QString name;
    QString synopsis; // Arguments after the name, as in DESIGN.md.
    QString description; // One line for the overview in `paydesk --help`.
    QList<QCommandLineOption> options;
};

// Every subcommand, implemented or not, in the order `paydesk --help` lists them.
const QList<Subcommand> &subcommands();

// The first positional argument of argv (the subcommand name), skipping the values of global
// options; empty when the GUI is asked for. Used before any QCoreApplication exists to decide
// between a GUI and a headless process.
QString subcommandName(int argc, char **argv);

// True if argv asks only for text (--help, --version) or for a subcommand.
bool isHeadless(int argc, char **argv);

// Runs the process after the (Core)Application is constructed. Returns the exit code; for the
// GUI it runs the event loop.
int run(const QStringList &arguments);

// The process's stdout and stderr as text streams (shared, so output is never reordered).
QTextStream &stdoutStream();
QTextStream &stderrStream();

// Prints "paydesk COMMAND: message" on stderr and returns `code` (for `return commandError(…)`).
int commandError(const QString &command, const QString &message, int code);

// A client for `key` at --api-base (default Stripe's), retrying a lost answer up to 4 times
// with the same idempotency key; null with `problem` set when --api-base is not acceptable.
std::unique_ptr<network::StripeClient> commandLineClient(const QCommandLineParser &parser,
                                                         const QByteArray &key, QString *problem);

// Exit codes of the command line.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2,
    ExitNotImplemented = 3,
};

} // namespace paydesk::app
