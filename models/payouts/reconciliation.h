#pragma once

#include "models/store/sqlitedb.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace paydesk::models::payouts {

/*
 * What a payout paid out, from the cache: every balance transaction Stripe lists for it
 * (payout_items, read by PayoutLinker), grouped as the Dashboard's payout reconciliation does.
 * Each transaction's net is its gross less its fees, so the groups' gross, fees and net add up,
 * and their net is the payout's amount exactly — or the difference is shown, never hidden.
 */
struct Group
{
    QString key; // charges, refunds, disputes, fees, adjustments
    QString label;
    qint64 count = 0;
    qint64 gross = 0;
    qint64 fees = 0;
    qint64 net = 0;
};

struct Line
{
    QString id;
    QString group; // Group::key
    QString type;
    QString source;
    QString description;
    qint64 created = 0;
    qint64 availableOn = 0;
    qint64 amount = 0;
    qint64 fee = 0;
    qint64 net = 0;
};

struct Reconciliation
{
    QString payout;
    bool found = false; // The payout is in the cache.
    bool linked = false; // Its transactions have been read from Stripe.
    QString currency;
    QString status;
    QString method;
    QString failureCode;
    QString failureMessage;
    QString destination; // "STRIPE TEST BANK ••6789", when known.
    qint64 amount = 0;
    qint64 created = 0;
    qint64 arrival = 0;
    QList<Group> groups; // Always all five, in order.
    Group total;
    qint64 ownTransaction = 0; // The payout's own balance transaction (minus its amount).
    QList<Line> lines; // Oldest first, when asked for.

    qint64 difference() const { return total.net - amount; }
    bool addsUp() const { return linked && difference() == 0 && ownTransaction == -amount; }
};

// The group a balance transaction's reporting category falls in.
QString groupOf(const QString &reportingCategory);
QString groupLabel(const QString &key);
QStringList groupKeys();

Reconciliation reconcile(sql::Database &db, const QString &payout, bool withLines = true);
// Payouts arriving in [from, to), oldest first.
QStringList payoutsArriving(sql::Database &db, qint64 from, qint64 to);
// Those of `payouts` whose transactions have not been read yet.
QStringList unlinked(sql::Database &db, const QStringList &payouts);

// The reconciliation as CSV (lines end in CRLF): one row per transaction, then a row per group
// and the total, amounts as decimals of the currency.
QString toCsv(const Reconciliation &r);

} // namespace paydesk::models::payouts
