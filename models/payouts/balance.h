#pragma once

#include "models/store/sqlitedb.h"

#include <QList>
#include <QString>

namespace paydesk::models::payouts {

// One currency of the balance, as Stripe's GET /v1/balance said when the sync last read it.
struct BalanceAmount
{
    QString currency;
    qint64 available = 0;
    qint64 pending = 0;
    qint64 instantAvailable = 0;
    bool hasInstant = false;
};

struct RecentPayout
{
    QString id;
    qint64 amount = 0;
    QString currency;
    QString status;
    qint64 arrival = 0;
};

/*
 * The Balance page's figures, from the cache: the balance as last read, the payout schedule of
 * the account, and the next automatic payout expected — what is available at the schedule's
 * next payout time, i.e. the available balance plus the cached balance transactions that become
 * available before then (the amount Stripe's Dashboard shows as the next payout's estimate).
 */
struct BalanceView
{
    bool known = false; // The balance has been read.
    qint64 fetchedAt = 0;
    QString denied; // The permission the key lacks to read it, if so.
    QList<BalanceAmount> amounts;
    QString interval; // daily, weekly, monthly, manual; empty: not known.
    int delayDays = 0;
    qint64 nextPayoutAt = 0; // 0: none expected (manual payouts, not known, or nothing due).
    qint64 nextPayoutAmount = 0;
    QString nextPayoutCurrency;
    QList<RecentPayout> recent; // The latest payouts, newest first.
};

// `now`: the time the next payout is expected after.
BalanceView readBalance(sql::Database &db, qint64 now, int recentPayouts = 8);
// When the schedule pays out next after `after` (UTC midnights, as Stripe's automatic payouts);
// 0 for manual payouts or an unknown interval.
qint64 nextPayoutTime(const QString &interval, const QString &weeklyAnchor, int monthlyAnchor,
                      qint64 after);

} // namespace paydesk::models::payouts
