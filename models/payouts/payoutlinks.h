#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QObject;

namespace paydesk::network {
class StripeClient;
}

namespace paydesk::models {

class Cache;

/*
 * Which balance transactions each payout paid out, read from Stripe on demand (when a payout is
 * opened or reconciled): every page of `GET /v1/balance_transactions?payout=po_…`, the
 * transactions stored and linked to the payout in one transaction once the last page is in, so
 * that a payout is either wholly linked or not at all (a process killed part way reads it again).
 * Payouts already linked are not read again. One payout after the other; `progress` gets how
 * many are done; `done` the outcome. Neither is called once `context` is destroyed.
 */
void linkPayouts(network::StripeClient *client, Cache *cache, const QStringList &payouts,
                 QObject *context, std::function<void(int done, int total)> progress,
                 std::function<void(bool ok, const QString &error)> done);

} // namespace paydesk::models
