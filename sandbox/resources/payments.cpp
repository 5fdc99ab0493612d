#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>
#include <QJsonDocument>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

namespace {

// Test payment methods of Stripe's docs: what each does when a PaymentIntent is confirmed.
struct TestCard
{
    const char *id;
    const char *brand;
    const char *last4;
    const char *declineCode; // Empty: succeeds.
    const char *risk;
};
const TestCard kTestCards[] = {
    {"pm_card_visa", "visa", "4242", "", "normal"},
    {"pm_card_mastercard", "mastercard", "4444", "", "normal"},
    {"pm_card_amex", "amex", "8431", "", "normal"},
    {"pm_card_visa_debit", "visa", "5556", "", "normal"},
    {"pm_card_chargeDeclined", "visa", "0002", "generic_decline", "normal"},
    {"pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", "insufficient_funds", "normal"},
    {"pm_card_chargeDeclinedLostCard", "visa", "9987", "lost_card", "normal"},
    {"pm_card_chargeDeclinedStolenCard", "visa", "9979", "stolen_card", "normal"},
    {"pm_card_chargeDeclinedExpiredCard", "visa", "0069", "expired_card", "normal"},
    {"pm_card_chargeDeclinedIncorrectCvc", "visa", "0127", "incorrect_cvc", "normal"},
    {"pm_card_riskLevelElevated", "visa", "9235", "", "elevated"},
    {"pm_card_radarBlock", "visa", "0100", "highest_risk_level", "highest"},
    // Succeeds, then the cardholder disputes it at once (reason fraudulent), as in test mode.
    {"pm_card_createDispute", "visa", "0259", "", "normal"},
};

} // namespace

// Payment intents, charges, refunds, disputes, the balance and its transactions.
void StripeSandbox::paymentRoutes(QList<Route> &r)
{
    r << endpoint("GET", "/v1/disputes", [](StripeSandbox &sb, const Call &c) {
        const QByteArray charge = c.params.value(L("charge")).toLatin1();
        const QByteArray needle = QByteArray("\"charge\":\"") + charge + '"';
        std::function<bool(const Collection::Entry &)> filter;
        if (!charge.isEmpty())
            filter = [needle](const Collection::Entry &e) {
                return e.json().contains(needle);
            };
        return sb.list(sb.m_store.disputes, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/disputes/:id", &Store::disputes);
    r << endpoint("POST", "/v1/files",
                  [](StripeSandbox &sb, const Call &c) { return sb.createFile(c.params); });
    r << retrieveRoute("/v1/files/:id", &Store::files);
    r << endpoint("POST", "/v1/disputes/:id", [](StripeSandbox &sb, const Call &c) {
        return sb.updateDispute(c.id(), c.params);
    });
    r << endpoint("POST", "/v1/disputes/:id/close", [](StripeSandbox &sb, const Call &c) {
        return sb.closeDispute(c.id(), c.params);
    });
    r << endpoint("GET", "/v1/charges", [](StripeSandbox &sb, const Call &c) {
        const QByteArray pi = c.params.value(L("payment_intent")).toLatin1();
        auto owner = byOwner(c.params, L("customer"));
        std::function<bool(const Collection::Entry &)> filter = owner;
        if (!pi.isEmpty())
            filter = [pi, owner](const Collection::Entry &e) {
                return e.key == pi && (!owner || owner(e));
            };
        return sb.list(sb.m_store.charges, c.url(), c.params, filter);
    });
    r << searchRoute("/v1/charges/search", &Store::charges);
    r << retrieveRoute("/v1/charges/:id", &Store::charges);
    r << endpoint("GET", "/v1/payment_intents", [](StripeSandbox &sb, const Call &c) {
        return sb.list(sb.m_store.paymentIntents, c.url(), c.params,
                       byOwner(c.params, L("customer")));
    });
    r << endpoint("POST", "/v1/payment_intents", [](StripeSandbox &sb, const Call &c) {
        return sb.createPaymentIntent(c.params);
    });
    r << searchRoute("/v1/payment_intents/search", &Store::paymentIntents);
    r << retrieveRoute("/v1/payment_intents/:id", &Store::paymentIntents);
    r << endpoint("POST", "/v1/payment_intents/:id/confirm", [](StripeSandbox &sb, const Call &c) {
        return sb.confirmPaymentIntent(c.id(), c.params);
    });
    r << endpoint("GET", "/v1/refunds", [](StripeSandbox &sb, const Call &c) {
        const QByteArray charge = c.params.value(L("charge")).toLatin1();
        const QByteArray pi = c.params.value(L("payment_intent")).toLatin1();
        std::function<bool(const Collection::Entry &)> filter;
        if (!charge.isEmpty() || !pi.isEmpty())
            filter = [charge, pi](const Collection::Entry &e) {
                return (charge.isEmpty() || e.owner == charge) && (pi.isEmpty() || e.key == pi);
            };
        return sb.list(sb.m_store.refunds, c.url(), c.params, filter);
    });
    r << endpoint("POST", "/v1/refunds",
                  [](StripeSandbox &sb, const Call &c) { return sb.createRefund(c.params); });
    r << retrieveRoute("/v1/refunds/:id", &Store::refunds);
}

StripeSandbox::Reply StripeSandbox::createPaymentIntent(const FormParams &params)
{
    const auto amount = parseInteger(params.value(L("amount")));
    if (!params.has(L("amount")))
        return error(400, kInvalidRequest, L("Missing required param: amount."),
                     L("parameter_missing"), L("amount"));
    if (!amount || *amount < 1)
        return error(400, kInvalidRequest, L("Invalid positive integer"),
                     L("parameter_invalid_integer"), L("amount"));
    const QString currency = params.value(L("currency")).toLower();
    if (currency.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: currency."),
                     L("parameter_missing"), L("currency"));
    if (currency.size() != 3)
        return error(400, kInvalidRequest, L("Invalid currency: %1.").arg(currency),
                     L("parameter_invalid_string"), L("currency"));
    if (*amount < 50 && currency == QLatin1String("usd"))
        return error(400, kInvalidRequest, L("Amount must be at least $0.50 usd"),
                     L("amount_too_small"), L("amount"));
    const QString customer = params.value(L("customer"));
    if (!customer.isEmpty() && !m_store.customers.contains(customer.toLatin1()))
        return missing(L("customer"), customer, L("customer"));

    ChargeSpec spec;
    spec.paymentIntent = m_ids.next("pi");
    spec.created = now();
    spec.amount = *amount;
    spec.currency = currency;
    spec.customer = customer;
    spec.description = params.value(L("description"));
    spec.receiptEmail = params.value(L("receipt_email"));
    spec.paymentMethod = params.value(L("payment_method"));
    QJsonObject pi = parseObject(paymentIntentJson(spec));
    pi.insert(L("latest_charge"), QJsonValue());
    pi.insert(L("amount_received"), 0);
    pi.insert(L("payment_method"),
              spec.paymentMethod.isEmpty() ? QJsonValue() : QJsonValue(spec.paymentMethod));
    pi.insert(L("status"),
              spec.paymentMethod.isEmpty() ? L("requires_payment_method")
                                           : L("requires_confirmation"));
    pi.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    m_store.paymentIntents.insert(pi, customer.toLatin1(),
                                  pi.value(L("status")).toString().toLatin1());
    ++m_counters[L("payment_intents_created")];
    emitEvent(L("payment_intent.created"), pi);
    if (isTrue(params.value(L("confirm"))))
        return confirmPaymentIntent(spec.paymentIntent, FormParams());
    return {200, pi, {}};
}

StripeSandbox::Reply StripeSandbox::confirmPaymentIntent(const QString &id,
                                                         const FormParams &params)
{
    auto existing = m_store.paymentIntents.get(id.toLatin1());
    if (!existing)
        return missing(L("payment_intent"), id);
    QJsonObject pi = *existing;
    if (params.has(L("payment_method")))
        pi.insert(L("payment_method"), params.value(L("payment_method")));
    const QString status = pi.value(L("status")).toString();
    if (status == QLatin1String("succeeded"))
        return error(
            400, kInvalidRequest,
            L("This PaymentIntent's payment_method could not be updated because it has a status of "
              "succeeded. You may only update the payment_method of a PaymentIntent with one of "
              "the "
              "following statuses: requires_payment_method, requires_confirmation, "
              "requires_action."),
            L("payment_intent_unexpected_state"));
    const QString pmId = pi.value(L("payment_method")).toString();
    if (pmId.isEmpty())
        return error(
            400, kInvalidRequest,
            L("You cannot confirm this PaymentIntent because it's missing a payment method."),
            L("payment_intent_unexpected_state"), L("payment_method"));
    const TestCard *card = nullptr;
    for (const TestCard &t : kTestCards) {
        if (pmId == QLatin1String(t.id))
            card = &t;
    }
    std::optional<QJsonObject> savedMethod;
    if (!card) {
        savedMethod = m_store.paymentMethods.get(pmId.toLatin1());
        if (!savedMethod)
            return missing(L("payment_method"), pmId, L("payment_method"));
    }
    ChargeSpec spec;
    spec.id = m_ids.next("ch");
    spec.paymentIntent = id;
    spec.created = now();
    spec.amount = pi.value(L("amount")).toInteger();
    spec.currency = pi.value(L("currency")).toString();
    spec.customer = pi.value(L("customer")).toString();
    spec.description = pi.value(L("description")).toString();
    spec.receiptEmail = pi.value(L("receipt_email")).toString();
    spec.paymentMethod = pmId;
    if (card) {
        spec.card = {QString::fromLatin1(card->brand),
                     QString::fromLatin1(card->last4),
                     L("US"),
                     L("credit"),
                     12,
                     2034};
        spec.riskLevel = QString::fromLatin1(card->risk);
        spec.riskScore = spec.riskLevel == QLatin1String("highest") ? 85
            : spec.riskLevel == QLatin1String("elevated")           ? 70
                                                                    : 20;
        spec.succeeded = QByteArray(card->declineCode).isEmpty();
        spec.declineCode = QString::fromLatin1(card->declineCode);
        spec.failureCode = spec.declineCode == QLatin1String("expired_card") ? L("expired_card")
            : spec.declineCode == QLatin1String("incorrect_cvc")             ? L("incorrect_cvc")
                                                                             : L("card_declined");
    } else {
        const QJsonObject c = savedMethod->value(L("card")).toObject();
        spec.card
            = {c.value(L("brand")).toString(),           c.value(L("last4")).toString(),
               c.value(L("country")).toString(),         c.value(L("funding")).toString(),
               int(c.value(L("exp_month")).toInteger()), int(c.value(L("exp_year")).toInteger())};
        spec.succeeded = true;
    }
    if (spec.succeeded) {
        spec.balanceTransaction = m_ids.next("txn");
        const qint64 usd = toUsdMinor(spec.amount, spec.currency);
        const qint64 fee = stripeFee(usd, spec.card.country);
        m_store.addBalanceTransaction(
            balanceTransactionJson(
                spec.balanceTransaction, spec.created, spec.id, L("charge"), usd, fee, L("usd"),
                spec.currency == QLatin1String("usd") ? 0.0 : usdRate(spec.currency),
                spec.description),
            spec.balanceTransaction.toLatin1(), spec.created, QByteArrayLiteral("charge"),
            usd - fee);
    }
    const QByteArray chargeBytes = chargeJson(spec);
    m_store.charges.insert(chargeBytes, spec.id.toLatin1(), spec.created, spec.customer.toLatin1(),
                           id.toLatin1());
    const QJsonObject charge = parseObject(chargeBytes);
    QJsonObject updated = parseObject(paymentIntentJson(spec));
    updated.insert(L("metadata"), pi.value(L("metadata")));
    if (!spec.succeeded)
        updated.insert(L("payment_method"), QJsonValue());
    m_store.paymentIntents.replace(updated, updated.value(L("status")).toString().toLatin1());
    if (spec.succeeded) {
        emitEvent(L("charge.succeeded"), charge);
        emitEvent(L("payment_intent.succeeded"), updated);
        if (pmId == QLatin1String("pm_card_createDispute"))
            openDispute(charge, L("fraudulent"));
        // The account's Radar rule "Review payments with an elevated risk level" holds it.
        if (spec.riskLevel == QLatin1String("elevated"))
            openReview(charge);
        return {200, updated, {}};
    }
    emitEvent(L("charge.failed"), charge);
    emitEvent(L("payment_intent.payment_failed"), updated);
    QJsonObject body = errorBody(L("card_error"), charge.value(L("failure_message")).toString(),
                                 spec.failureCode, {}, spec.declineCode);
    QJsonObject err = body.value(L("error")).toObject();
    err.insert(L("charge"), spec.id);
    err.insert(L("payment_intent"), updated);
    body.insert(L("error"), err);
    return {402, body, {}};
}

void StripeSandbox::openDispute(const QJsonObject &charge, const QString &reason)
{
    const qint64 t = now();
    const QString chargeId = charge.value(L("id")).toString();
    const QString currency = charge.value(L("currency")).toString();
    const qint64 amount = charge.value(L("amount")).toInteger();
    const QString disputeId = m_ids.next("dp");
    // The amount and Stripe's dispute fee are withdrawn from the balance at once.
    const QString txn = m_ids.next("txn");
    const qint64 usd = toUsdMinor(amount, currency);
    const QByteArray withdrawal
        = balanceTransactionJson(txn, t, disputeId, L("adjustment"), -usd, 1500, L("usd"),
                                 currency == QLatin1String("usd") ? 0.0 : usdRate(currency),
                                 L("Chargeback withdrawal for %1").arg(chargeId));
    m_store.addBalanceTransaction(withdrawal, txn.toLatin1(), t, QByteArrayLiteral("adjustment"),
                                  -usd - 1500);
    const QByteArray dispute
        = disputeJson(disputeId, t, chargeId, charge.value(L("payment_intent")).toString(), amount,
                      currency, reason, L("needs_response"), '[' + withdrawal + ']');
    m_store.disputes.insert(dispute, disputeId.toLatin1(), t,
                            charge.value(L("customer")).toString().toLatin1(),
                            QByteArrayLiteral("needs_response"));
    QJsonObject disputed = charge;
    disputed.insert(L("disputed"), true);
    m_store.charges.replace(disputed);
    emitEvent(L("charge.dispute.created"), parseObject(dispute));
    emitEvent(L("charge.dispute.funds_withdrawn"), parseObject(dispute));
    fraudSignalsAfter(disputed, L("disputed"));
}

StripeSandbox::Reply StripeSandbox::createRefund(const FormParams &params)
{
    QString chargeId = params.value(L("charge"));
    const QString piId = params.value(L("payment_intent"));
    if (chargeId.isEmpty() && piId.isEmpty())
        return error(400, kInvalidRequest,
                     L("One of the following params should be provided for this request: "
                       "payment_intent or charge."),
                     L("parameter_missing"));
    if (!piId.isEmpty()) {
        const auto pi = m_store.paymentIntents.get(piId.toLatin1());
        if (!pi)
            return missing(L("payment_intent"), piId, L("payment_intent"));
        const QString latest = pi->value(L("latest_charge")).toString();
        if (!chargeId.isEmpty() && chargeId != latest)
            return error(
                400, kInvalidRequest,
                L("The charge %1 does not belong to payment_intent %2.").arg(chargeId, piId), {},
                L("charge"));
        if (pi->value(L("status")).toString() != QLatin1String("succeeded") || latest.isEmpty())
            return error(400, kInvalidRequest,
                         L("This PaymentIntent does not have a successful charge to refund."),
                         L("charge_not_refundable"), L("payment_intent"));
        chargeId = latest;
    }
    const auto existing = m_store.charges.get(chargeId.toLatin1());
    if (!existing)
        return missing(L("charge"), chargeId, L("charge"));
    QJsonObject charge = *existing;
    const QString currency = charge.value(L("currency")).toString();
    if (charge.value(L("status")).toString() != QLatin1String("succeeded"))
        return error(400, kInvalidRequest,
                     L("Charge %1 has not been captured and cannot be refunded.").arg(chargeId),
                     L("charge_not_refundable"), L("charge"));
    const qint64 amount = charge.value(L("amount")).toInteger();
    const qint64 already = charge.value(L("amount_refunded")).toInteger();
    if (charge.value(L("refunded")).toBool() || already >= amount)
        return error(400, kInvalidRequest, L("Charge %1 has already been refunded.").arg(chargeId),
                     L("charge_already_refunded"));
    if (charge.value(L("disputed")).toBool())
        return error(400, kInvalidRequest,
                     L("Charge %1 has been charged back; cannot issue a refund.").arg(chargeId),
                     L("charge_disputed"));
    qint64 refundAmount = amount - already;
    if (params.has(L("amount"))) {
        const auto requested = parseInteger(params.value(L("amount")));
        if (!requested || *requested < 1)
            return error(400, kInvalidRequest, L("Invalid positive integer"),
                         L("parameter_invalid_integer"), L("amount"));
        if (*requested > amount - already)
            return error(400, kInvalidRequest,
                         L("Refund amount (%1) is greater than unrefunded amount on charge (%2)")
                             .arg(formatAmount(*requested, currency),
                                  formatAmount(amount - already, currency)),
                         L("amount_too_large"), L("amount"));
        refundAmount = *requested;
    }
    const QString reason = params.value(L("reason"));
    if (!reason.isEmpty() && reason != QLatin1String("duplicate")
        && reason != QLatin1String("fraudulent")
        && reason != QLatin1String("requested_by_customer"))
        return error(
            400, kInvalidRequest,
            L("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer"),
            L("parameter_invalid_string"), L("reason"));

    const QString refundId = m_ids.next("re");
    const QString txn = m_ids.next("txn");
    const qint64 t = now();
    const qint64 usdRefund = toUsdMinor(refundAmount, currency);
    m_store.addBalanceTransaction(
        balanceTransactionJson(txn, t, refundId, L("refund"), -usdRefund, 0, L("usd"),
                               currency == QLatin1String("usd") ? 0.0 : usdRate(currency),
                               L("REFUND FOR CHARGE")),
        txn.toLatin1(), t, QByteArrayLiteral("refund"), -usdRefund);
    const QString paymentIntent = charge.value(L("payment_intent")).toString();
    QJsonObject refund = parseObject(
        refundJson(refundId, t, chargeId, paymentIntent, refundAmount, currency, reason, txn));
    refund.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    m_store.refunds.insert(refund, chargeId.toLatin1(), paymentIntent.toLatin1());

    const QJsonObject before = charge;
    charge.insert(L("amount_refunded"), already + refundAmount);
    charge.insert(L("refunded"), already + refundAmount >= amount);
    m_store.charges.replace(charge);
    ++m_counters[L("refunds_created")];
    emitEvent(L("refund.created"), refund);
    emitEvent(L("charge.refunded"), charge, changedFields(before, charge));
    fraudSignalsAfter(
        charge, reason == QLatin1String("fraudulent") ? L("refunded_as_fraud") : L("refunded"));
    return {200, refund, {}};
}

} // namespace paydesk::sandbox
