#pragma once

#include "models/store/sqlitedb.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace paydesk::models {

// Every staff action Paydesk can take. Adding one: an entry in staffActionCatalogue() (what it
// applies to, when, the permission and the command), its request in staffactions.h, its dialog
// in ui/actioncontroller.cpp and its command in app/staffcommand.cpp.
enum class StaffAction {
    Refund,
    CustomerCreate,
    CustomerEdit,
    CustomerDelete,
    SubscriptionCancel,
    SubscriptionPause, // Pauses payment collection, or resumes it when paused.
    SubscriptionTrial, // Extends or ends a trial.
    SubscriptionCoupon, // Applies, changes or removes a coupon.
    SubscriptionUpdate, // Changes an item's price or quantity, with prorations.
    InvoiceCreate, // A one-off invoice for a customer: the draft, its lines, then finalized.
    InvoiceFinalize,
    InvoiceSend,
    InvoicePay,
    InvoiceVoid,
    InvoiceMarkUncollectible,
    InvoiceDelete,
    DisputeEvidence, // Evidence (text and files) saved as a draft or submitted once.
    DisputeAccept, // Concedes the dispute: the money stays withdrawn.
    // On a payment reported as fraud (an actionable early fraud warning, an open review): a
    // full refund with the reason "fraudulent", which also closes its review.
    RefundFraudulent,
    ReviewApprove, // Closes the payment's open Radar review as approved.
};

struct StaffActionInfo
{
    StaffAction action;
    const char *name; // The outbox's action and the buttons' names: "refund", "customer.edit".
    const char *table; // The cache table of the objects it applies to (or creates).
    bool onObject; // Acts on one object (the detail panel's buttons) or makes one (the page's).
    const char *permission; // What a restricted key needs for it ("refunds:write").
    const char *command; // Its command line: "refund", "customer create".
};

// In the order the window shows them.
const QList<StaffActionInfo> &staffActionCatalogue();
const StaffActionInfo *staffActionInfo(StaffAction action);
const StaffActionInfo *staffActionNamed(const QString &name);
// A payment as the actions read it: the cached charge with its Radar review expanded (as
// expand[]=review gives it) and its newest early fraud warning under Paydesk's own key
// "early_fraud_warning" (a charge does not carry one at Stripe).
QJsonObject withFraudSignals(sql::Database &db, QJsonObject charge);
// The actions Stripe allows on `object` (a cached object of `table`) in its state: a payment
// that succeeded and is not wholly refunded is refunded, a subscription not ended is cancelled.
QList<StaffAction> staffActionsOn(const QString &table, const QJsonObject &object);
// Why Stripe refuses `action` on `object` in its state ("" when it is allowed): an invoice's
// actions depend on its status (draft → finalize, delete; open → send, pay, void, mark
// uncollectible; uncollectible → pay, void; paid and void → none) and sending on its collection
// method.
QString staffActionRefusal(StaffAction action, const QJsonObject &object);
// The actions that make a new object of `table` (a page's buttons).
QList<StaffAction> staffActionsCreating(const QString &table);

} // namespace paydesk::models
