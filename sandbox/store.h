#pragma once

#include "sandbox/collection.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <map>

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
    Collection payouts {QStringLiteral("payout")};
    // Radar: the card networks' early fraud warnings (owner: the charge, key: its payment
    // intent) and reviews of payments Radar held (owner: the charge, key: "open" or "closed").
    Collection earlyFraudWarnings {QStringLiteral("radar.early_fraud_warning")};
    Collection reviews {QStringLiteral("review")};
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
    // The merchant's bank account, where payouts go (read by expanding a payout's destination).
    Collection bankAccounts {QStringLiteral("bank_account")};
    // Uploaded files (their metadata; the bytes are not kept). Not synced.
    Collection files {QStringLiteral("file")};

    // The automatic payout schedule (daily, 2 days after a payment; sandbox/payouts.cpp).
    // Every balance transaction but a payout's own is counted in the bucket of the day its
    // funds become available: day d holds available_on in ((d-1)*86400, d*86400], which is
    // what the payout made at d*86400 pays out. Balance transactions are available 2 days
    // after they are created, so a payout's transactions are those created in its window.
    struct PayoutWindow
    {
        qint64 from = 0; // Paid out: available_on in (from, to].
        qint64 to = 0;
        QByteArray txn; // The payout's own balance transaction.
    };
    struct PayoutBook
    {
        std::map<qint64, qint64> netByDay;
        qint64 paidOut = 0; // Sum of the payouts' own balance transactions (negative).
        qint64 carry = 0; // Available and not paid out yet (a negative day is carried).
        qint64 lastDay = 0; // The last day the schedule has run for; 0: not started.
        qint64 lastCut = 0; // The end of the last payout's window.
        QHash<QByteArray, PayoutWindow> windows; // By payout id.
        QHash<QByteArray, qint64> inTransit; // Payouts that have not arrived yet: arrival.
    } payoutBook;
    static qint64 payoutDayOf(qint64 availableOn) { return (availableOn + 86399) / 86400; }
    // The payout schedule's delay: a balance transaction's funds are available this long after
    // it is created (a payout's own at once).
    static constexpr qint64 kAvailableAfter = 2 * 86400;
    // Stores a balance transaction and counts it in the balance. `generating`: before finish().
    void addBalanceTransaction(const QByteArray &json, const QByteArray &id, qint64 created,
                               const QByteArray &type, qint64 net, bool generating = false)
    {
        if (generating)
            balanceTransactions.appendUnsorted(json, id, created, {}, type);
        else
            balanceTransactions.insert(json, id, created, {}, type);
        if (type == "payout")
            payoutBook.paidOut += net;
        else
            payoutBook.netByDay[payoutDayOf(created + kAvailableAfter)] += net;
    }

    void finish()
    {
        for (Collection *c : all())
            c->finish();
        promotionCodes.finish();
        bankAccounts.finish();
        files.finish();
    }
    QList<Collection *> all()
    {
        return {&customers,
                &products,
                &prices,
                &coupons,
                &subscriptions,
                &invoices,
                &paymentIntents,
                &charges,
                &refunds,
                &disputes,
                &balanceTransactions,
                &paymentMethods,
                &payouts,
                &earlyFraudWarnings,
                &reviews,
                &events};
    }
};

} // namespace paydesk::sandbox
