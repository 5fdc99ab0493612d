#pragma once

#include "models/actions/catalogue.h"
#include "models/actions/outbox.h"
#include "models/actions/staffinput.h"
#include "models/store/sqlitedb.h"
#include "network/stripeclient.h"
#include "network/stripeerror.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace paydesk::models {

// What a refund may take from one charge: read from the Stripe charge object.
// A refund already made on a payment (from the cache's refunds).
struct RecentRefund
{
    QString id;
    qint64 amount = 0; // Minor units.
    qint64 created = 0;
};

// A coupon a subscription may take, as the cache has it.
struct CouponChoice
{
    QString id;
    QString label; // "Launch (25 % off, 3 months)"
};

struct RefundTarget
{
    QString chargeId;
    QString paymentIntentId;
    QString currency;
    qint64 amount = 0; // Captured amount, minor units.
    qint64 refunded = 0; // Already refunded, minor units.
    QString status;
    bool disputed = false;
    QString customerId;
    QString customerLabel; // Name or email, when known.
    QString description;
    bool livemode = false;

    // Refunds of this payment in the last 24 hours, newest first: the dialog warns before the
    // same amount is refunded again.
    QList<RecentRefund> recent;

    static RefundTarget fromCharge(const QJsonObject &charge);
    qint64 refundable() const
    {
        return status == QLatin1String("succeeded") ? amount - refunded : 0;
    }
};

// A Stripe error as a person should read it, with the form field it is about (if any).
struct StaffError
{
    QString message;
    QString field; // "amount", "email", … (empty: the form as a whole)
    QString requestId;
    QString permission; // The rak_… permission a restricted key lacks, when that was the refusal.
};

/*
 * The staff actions of Paydesk as outbox entries: the exact Stripe request each one sends and
 * the human reading of the errors Stripe answers. The checks their input passes first are in
 * staffinput.h; which actions there are, what they apply to and need, in catalogue.h.
 */
namespace staffactions {

// The refunds of `chargeId` created at or after `since`, newest first, not failed or canceled.
QList<RecentRefund> recentRefunds(sql::Database &db, const QString &chargeId, qint64 since);

// The valid cached coupons a subscription billed in `currency` may take: a percentage off, or
// an amount off in that currency; by name.
QList<CouponChoice> couponChoices(sql::Database &db, const QString &currency);

OutboxAction createCustomer(const CustomerFields &fields);
// Only what changed is sent; cleared fields and removed metadata keys are unset.
OutboxAction updateCustomer(const QString &id, const CustomerFields &before,
                            const CustomerFields &after);
OutboxAction deleteCustomer(const QString &id);
// Always sends the exact amount the user saw (a refund "of everything" that someone else
// partly refunded meanwhile fails with amount_too_large instead of refunding another sum).
OutboxAction refund(const RefundTarget &target, qint64 amount, const QString &reason,
                    const QMap<QString, QString> &metadata);
// Why a subscription is cancelled (cancellation_details): Stripe's feedback value and a free
// comment; empty fields are not sent.
struct CancellationDetails
{
    QString feedback;
    QString comment;
};
OutboxAction cancelSubscriptionNow(const QString &id, bool prorate, bool invoiceNow,
                                   const CancellationDetails &details = {});
OutboxAction setCancelAtPeriodEnd(const QString &id, bool cancel,
                                  const CancellationDetails &details = {});
// Pauses payment collection (`behavior`: keep_as_draft, mark_uncollectible or void) until
// `resumesAt` (Unix time; 0: until resumed by hand).
OutboxAction pauseCollection(const QString &id, const QString &behavior, qint64 resumesAt);
OutboxAction resumeCollection(const QString &id);
// Moves the end of a trial to `end` (Unix time), or ends it now when `end` is 0.
OutboxAction setTrialEnd(const QString &id, qint64 end);
// Applies `coupon` to the subscription, replacing its discount; an empty one removes it.
OutboxAction setCoupon(const QString &id, const QString &coupon);
// Applies the coupon of a promotion code (promo_…, as Stripe found it for the code a customer
// gave), replacing the subscription's discount.
OutboxAction setPromotionCode(const QString &id, const QString &promotionCode);
// A change of one subscription item: its new price and quantity (empty / 0: unchanged), or a new
// item, or the item removed; how
// Stripe prorates it (create_prorations, none, always_invoice) and the instant the proration is
// computed for, so that the preview and the change are the same amounts.
struct ItemChange
{
    QString subscription;
    QString item;
    QString price;
    qint64 quantity = 0;
    QString proration = QStringLiteral("create_prorations");
    qint64 prorationDate = 0;
    // No `item`: `price` (× `quantity`) is added as a new item. `remove`: `item` is deleted.
    bool remove = false;
    bool adds() const { return item.isEmpty(); }
};
OutboxAction updateSubscriptionItem(const ItemChange &change);
// GET /v1/invoices/upcoming with the proposed change: the next invoice and its prorations.
network::StripeRequest upcomingInvoice(const ItemChange &change);
// The proration of an upcoming invoice: the sum of its proration lines (minor units).
qint64 prorationTotal(const QJsonObject &upcoming);
// The active recurring prices of the cache a subscription billed in `currency` may change to,
// with their product's name: "Connoisseur · €32.00 monthly".
struct PriceChoice
{
    QString id;
    QString label;
    QString interval; // "month 1"
};
QList<PriceChoice> priceChoices(sql::Database &db, const QString &currency);
// Every cached item of a subscription (all of them, not the 10 Stripe embeds), in Stripe's
// order.
struct ItemChoice
{
    QString id;
    QString price;
    qint64 quantity = 1;
    QString label; // "Starter Roast × 2"
};
QList<ItemChoice> subscriptionItems(sql::Database &db, const QString &subscription);
// An invoice action (finalize, send, pay, void, mark uncollectible, delete a draft); `outOfBand`
// pays it as settled outside Stripe (paid_out_of_band) instead of charging the customer.
OutboxAction invoiceAction(const QString &id, StaffAction action, bool outOfBand = false);

// Evidence for a dispute (text fields by Stripe's name: product_description, …; an empty value
// clears one), saved as a draft or submitted (`submit`: it can be done once).
OutboxAction disputeEvidence(const QString &id, const QMap<QString, QString> &fields, bool submit);
// Approves a payment's open Radar review (POST /v1/reviews/ID/approve).
OutboxAction approveReview(const QString &review);
// Accepts (closes) a dispute: the merchant concedes it; the money stays withdrawn.
OutboxAction acceptDispute(const QString &id);
// Why Stripe takes no response to `dispute` now ("" when it does): closed, submitted already, or
// past its evidence due date (`now`, Unix time).
QString disputeRefusal(const QJsonObject &dispute, qint64 now);
// The evidence text fields Stripe takes (file fields take an uploaded file's id instead).
const QStringList &disputeTextFields();
// The evidence fields that take an uploaded file (receipt, shipping_documentation, …).
const QStringList &disputeFileFields();
// Stripe's limit for one dispute evidence file, and why `content` cannot be one ("" when it
// can): PDF, JPEG or PNG (told by its first bytes, not its name), at most 5 MB, not empty.
constexpr qint64 kEvidenceFileMaxBytes = 5 * 1024 * 1024;
QString evidenceFileProblem(const QByteArray &content);
// Uploads `content` as dispute evidence (POST /v1/files, multipart, purpose dispute_evidence),
// its intent naming the dispute, the field and the file's SHA-256: the same file for the same
// field is uploaded once.
OutboxAction uploadEvidenceFile(const QString &dispute, const QString &field,
                                const QString &fileName, const QByteArray &content);

StaffError readError(const network::StripeError &error);
// The kind of an action, as one restricted-key permission covers it: "refund", "customer" or
// "subscription" ("customer.edit" → "customer").
QString actionKind(const QString &action);
// The outbox entry's error, read back from its stored Stripe answer.
StaffError readError(const OutboxEntry &entry);

} // namespace staffactions

} // namespace paydesk::models
