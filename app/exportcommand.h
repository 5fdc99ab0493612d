#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

// `paydesk export KIND …`: writes the cached payments, customers, subscriptions, invoices,
// refunds or disputes (filtered like the window's tables) as CSV or a JSON array to stdout or
// --output; reads only the cache, so it works offline.
int runExportCommand(const QCommandLineParser &parser);

// The cache of the account behind STRIPE_API_KEY (asks Stripe which account that is); empty
// with `error` set when there is none.
QString accountCache(const QCommandLineParser &parser, QString *error);
// The cache an offline command reads: --cache FILE, else the account's (accountCache()); empty
// with `error` set when there is none, or when it was never synced.
QString existingCache(const QCommandLineParser &parser, QString *error);

} // namespace paydesk::app
