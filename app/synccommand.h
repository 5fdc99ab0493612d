#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

// `paydesk sync …`: backfills or incrementally syncs the account of STRIPE_API_KEY into the
// cache; progress on stderr, one summary line on stdout; 0 only when the cache is complete.
int runSyncCommand(const QCommandLineParser &parser);

} // namespace paydesk::app
