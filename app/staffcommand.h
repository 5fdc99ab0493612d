#pragma once

#include <QCommandLineParser>

namespace paydesk::app {

/*
 * The staff actions of the command line: `paydesk customer create|update|delete`, `paydesk
 * refund` and `paydesk subscription cancel|resume`. Each goes through the cache's outbox: its
 * input is checked first (nothing is stored or sent on bad input, exit 2), then the request
 * and its idempotency key are committed, then sent. Actions that an earlier run left without
 * an answer (the process was killed, the network went away) are sent again first, with their
 * own keys, and an interrupted run of the same action on the same object is finished instead
 * of acting a second time. The resulting Stripe object is printed as JSON on stdout, what
 * happened on stderr; exit 0 only when Stripe confirmed the action.
 */
int runCustomerCommand(const QCommandLineParser &parser);
int runRefundCommand(const QCommandLineParser &parser);
int runSubscriptionCommand(const QCommandLineParser &parser);
// `paydesk invoice finalize|send|pay|void|mark-uncollectible|delete IN_ID`.
int runInvoiceCommand(const QCommandLineParser &parser);
// `paydesk dispute evidence DP_ID --field KEY=TEXT... [--submit]` and `dispute accept DP_ID`.
int runDisputeCommand(const QCommandLineParser &parser);
int runReviewCommand(const QCommandLineParser &parser);

} // namespace paydesk::app
