#pragma once

#include "sandbox/collection.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

namespace paydesk::sandbox {

// Every object of the sandbox's one Stripe account, by type.
struct Store
{
    QJsonObject account;
    Collection customers {QStringLiteral("customer")};
    Collection products {QStringLiteral("product")};
    Collection prices {QStringLiteral("price")};
    Collection coupons {QStringLiteral("coupon")};
    Collection subscriptions {QStringLiteral("subscription")};
    Collection invoices {QStringLiteral("invoice")};
    Collection paymentIntents {QStringLiteral("payment_intent")};
    Collection charges {QStringLiteral("charge")};
    Collection refunds {QStringLiteral("refund")};
    Collection disputes {QStringLiteral("dispute")};
    Collection balanceTransactions {QStringLiteral("balance_transaction")};
    Collection paymentMethods {QStringLiteral("payment_method")};
    Collection events {QStringLiteral("event"), true};
    // Customer-facing codes of coupons. Not among all(): Paydesk reads them from Stripe when a
    // code is typed instead of caching them.
    Collection promotionCodes {QStringLiteral("promotion_code")};
    // The whole of an embedded list that Stripe cuts at 10 entries (an invoice's lines, a
    // subscription's items), by "id:key": the object itself holds the first 10 and `has_more`.
    QHash<QString, QJsonArray> fullLists;
    // Proration lines waiting for a subscription's next invoice (proration_behavior
    // create_prorations), by subscription id.
    QHash<QString, QJsonArray> pendingProrations;
    // Subscriptions whose payment collection resumes by itself, with when (pause_collection's
    // resumes_at), by id.
    QHash<QString, qint64> scheduledResumes;

    void finish()
    {
        for (Collection *c : all())
            c->finish();
        promotionCodes.finish();
    }
    QList<Collection *> all()
    {
        return {
            &customers,      &products, &prices,  &coupons,  &subscriptions,       &invoices,
            &paymentIntents, &charges,  &refunds, &disputes, &balanceTransactions, &paymentMethods,
            &events};
    }
};

} // namespace paydesk::sandbox
