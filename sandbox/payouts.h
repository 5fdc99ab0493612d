#pragma once

#include "sandbox/store.h"

#include <functional>

namespace paydesk::sandbox {

class IdGenerator;

// How the payout schedule tells of what it did: events at the time they happen, and whether
// the objects are stored while the demo is generated (before Store::finish()).
struct PayoutAnnounce
{
    std::function<void(const QString &type, const QJsonObject &payout, qint64 at)> event;
    bool generating = false;
};

// Stripe's automatic daily payouts, run up to `now`: at each midnight (UTC) whatever became
// available since the last payout is paid out to the bank account, if it is positive; a payout
// arrives the next day. The payout made on day `failDay` (days since the epoch) fails and its
// funds come back to the balance.
void runPayoutSchedule(Store &store, IdGenerator &ids, qint64 now, const PayoutAnnounce &announce,
                       qint64 failDay);
// The balance at `now`: available (payouts taken off), and what is still pending.
qint64 availableBalance(const Store &store, qint64 now, qint64 *pending);
QJsonObject demoBankAccount(const QString &id);

} // namespace paydesk::sandbox
