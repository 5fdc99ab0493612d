#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

// `paydesk report payouts [--from D] [--to D] [--format csv|json]`: the reconciliation of each
// payout arriving in the range, from the cache. Payouts whose transactions the cache does not
// know yet are read from Stripe first (with STRIPE_API_KEY); without a key they are named and
// the command fails. A payout that does not add up is printed as it is, and the command fails.
int runPayoutReport(const QCommandLineParser &parser);

} // namespace paydesk::app
