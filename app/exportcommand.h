#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

// `paydesk export KIND …`: writes the cached payments, customers, subscriptions, invoices,
// refunds or disputes (filtered like the window's tables) as CSV or a JSON array to stdout or
// --output; reads only the cache, so it works offline.
int runExportCommand(const QCommandLineParser &parser);

} // namespace paydesk::app
