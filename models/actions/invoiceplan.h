#pragma once

#include "models/actions/outbox.h"

#include <QList>
#include <QString>

namespace paydesk::models {

namespace sql {
class Database;
}

/*
 * A one-off invoice as staff ask for it, from the command line (`paydesk invoice create`) or the
 * window's Create invoice dialog, and the outbox steps that make it: the draft, each line,
 * then finalize and send when asked. Each step has its own intent, derived from the plan's, so a
 * run that stopped part way goes on from the first step Stripe has not confirmed and the
 * invoice is made once, each line added once, finalized once and sent once.
 */
namespace invoiceplan {

// A catalogue price with its quantity, or a custom amount with its description.
struct Line
{
    QString price;
    qint64 quantity = 1;
    QString description;
    qint64 amount = 0; // A custom line's amount (minor units).
    qint64 unitAmount = -1; // A price line's unit amount, when known (for the totals).

    bool custom() const { return price.isEmpty(); }
    // "price_1:2" or "Setup fee=5000": how the line reads in the plan's intent.
    QString text() const;
};

struct Plan
{
    QString customer;
    QString currency;
    QList<Line> lines;
    qint64 daysUntilDue = -1; // -1: charged automatically; else sent, due after that many days.
    QString memo; // The invoice's description.
    QString footer;
    bool finalize = false;
    bool send = false; // Emails it once finalized (send_invoice).
    bool pay = false; // Charges it once finalized (charge_automatically).
    QString intent; // Of the whole: "invoice create cus_1 usd [...] due=-1 memo=…".
};

// The plan's intent: what was asked for, with `distinct` ("key=K", "again 171…", a dialog's
// token) telling this request apart from an identical earlier one.
QString intentOf(const Plan &plan, const QString &distinct);

// The steps in order, each with the intent it is stored under.
OutboxAction createDraft(const Plan &plan);
OutboxAction addLine(const Plan &plan, const QString &invoiceId, qsizetype line);
// The verbs after the lines: {"finalize"}, {"finalize", "send"}, {"finalize", "pay"} or none.
QStringList laterSteps(const Plan &plan);
OutboxAction laterStep(const Plan &plan, const QString &invoiceId, const QString &verb);
// How many steps the plan takes (draft, lines, later steps).
int stepCount(const Plan &plan);

// What the invoice will total, from the lines' amounts: every price line must know its unit
// amount (-1: unknown, and the totals are not known either).
struct Totals
{
    bool known = false;
    qint64 subtotal = 0;
    qint64 total = 0;
};
Totals totals(const Plan &plan);

// The active one-time prices of the cache an invoice in `currency` may take ("" for every
// currency), with their product's name and unit amount.
struct PriceChoice
{
    QString id;
    QString currency;
    qint64 unitAmount = 0;
    QString label; // "Brewing gear · Grinder · $89.00"
};
QList<PriceChoice> oneTimePrices(sql::Database &db, const QString &currency);

} // namespace invoiceplan

} // namespace paydesk::models
