#pragma once

#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace paydesk::sandbox {
struct SandboxOptions;
}

namespace paydesk::app {

// Reads the `paydesk sandbox` options; on a bad value returns nullopt and sets `error`.
std::optional<sandbox::SandboxOptions> sandboxOptionsFrom(const QCommandLineParser &parser,
                                                          QString &error);

// `paydesk sandbox …`: runs the sandbox until SIGTERM/SIGINT. Returns the exit code.
int runSandboxCommand(const QCommandLineParser &parser);

} // namespace paydesk::app
