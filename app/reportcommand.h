#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

// `paydesk report revenue|payments|mrr …`: the analytics of docs/metrics.md computed from the
// cache (offline), as CSV or JSON on stdout — the numbers the charts show.
int runReportCommand(const QCommandLineParser &parser);

} // namespace paydesk::app
