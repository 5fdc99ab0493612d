#include "sandbox/objects.h"

#include "sandbox/jsonwriter.h"
#include "sandbox/store.h"

#include <QHash>
#include <QJsonDocument>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

quint64 Rng::next()
{
    quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double Rng::uniform()
{
    return double(next() >> 11) * (1.0 / double(1ULL << 53));
}

qint64 Rng::range(qint64 lo, qint64 hi)
{
    if (hi <= lo)
        return lo;
    return lo + qint64(next() % quint64(hi - lo + 1));
}

QString IdGenerator::next(const char *prefix)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char buffer[32];
    int n = 0;
    for (const char *p = prefix; *p && n < 8; ++p)
        buffer[n++] = *p;
    buffer[n++] = '_';
    // Eight characters from each 64-bit draw keeps every position uniformly distributed.
    quint64 bits = 0;
    for (int i = 0; i < 24; ++i) {
        if (i % 8 == 0)
            bits = m_rng.next();
        buffer[n++] = alphabet[bits % 62];
        bits /= 62;
    }
    return QString::fromLatin1(buffer, n);
}

namespace {

void writeAddress(JsonWriter &w, const QString &country)
{
    w.beginObject("address")
        .nulls({"city"})
        .strOrNull("country", country)
        .nulls({"line1", "line2", "postal_code", "state"})
        .endObject();
}

// The card of a charge's payment_method_details (network, three_d_secure, wallet) or of a
// payment method (networks, three_d_secure_usage, generated_from).
void writeCard(JsonWriter &w, const CardInfo &card, bool paymentMethod)
{
    w.beginObject("card").str("brand", card.brand);
    w.beginObject("checks")
        .nulls({"address_line1_check", "address_postal_code_check"})
        .str("cvc_check", "pass")
        .endObject();
    w.str("country", card.country)
        .num("exp_month", card.expMonth)
        .num("exp_year", card.expYear)
        .str("fingerprint", QString(QStringLiteral("fp") + card.last4 + card.brand.left(2)))
        .str("funding", card.funding)
        .str("last4", card.last4);
    if (paymentMethod) {
        w.null("generated_from");
        w.beginObject("networks")
            .beginArray("available")
            .str(card.brand)
            .endArray()
            .null("preferred")
            .endObject();
        w.beginObject("three_d_secure_usage").boolean("supported", true).endObject();
    } else {
        w.str("network", card.brand).nulls({"three_d_secure"});
    }
    w.null("wallet").endObject();
}

QString declineMessage(const QString &declineCode)
{
    static const QHash<QString, QString> messages = {
        {L("insufficient_funds"), L("Your card has insufficient funds.")},
        {L("generic_decline"), L("Your card was declined.")},
        {L("lost_card"), L("Your card was declined.")},
        {L("stolen_card"), L("Your card was declined.")},
        {L("do_not_honor"), L("Your card was declined.")},
        {L("expired_card"), L("Your card has expired.")},
        {L("incorrect_cvc"), L("Your card's security code is incorrect.")},
        {L("card_velocity_exceeded"), L("Your card has exceeded its velocity limit.")},
        {L("fraudulent"), L("Your card was declined.")},
    };
    return messages.value(declineCode, L("Your card was declined."));
}

} // namespace

QJsonObject accountObject(qint64 created)
{
    return {
        {L("id"), L("acct_1PaydeskDemo000")},
        {L("object"), L("account")},
        {L("business_profile"),
         QJsonObject {{L("name"), L("Northwind Coffee Roasters")},
                      {L("support_email"), L("support@northwind.example")},
                      {L("url"), L("https://northwind.example")},
                      {L("mcc"), L("5499")}}},
        {L("business_type"), L("company")},
        {L("capabilities"),
         QJsonObject {{L("card_payments"), L("active")}, {L("transfers"), L("active")}}},
        {L("charges_enabled"), true},
        {L("country"), L("US")},
        {L("created"), created},
        {L("default_currency"), L("usd")},
        {L("details_submitted"), true},
        {L("email"), L("owner@northwind.example")},
        {L("payouts_enabled"), true},
        // Automatic daily payouts of what became available (sandbox/payouts.h).
        {L("settings"),
         QJsonObject {
             {L("branding"), QJsonObject {{L("icon"), QJsonValue()}, {L("logo"), QJsonValue()}}},
             {L("card_payments"), QJsonObject {{L("statement_descriptor_prefix"), L("NORTHWIND")}}},
             {L("dashboard"),
              QJsonObject {{L("display_name"), L("Northwind Coffee Roasters")},
                           {L("timezone"), L("Etc/UTC")}}},
             {L("payments"), QJsonObject {{L("statement_descriptor"), L("NORTHWIND COFFEE")}}},
             {L("payouts"),
              QJsonObject {
                  {L("debit_negative_balances"), true},
                  {L("schedule"), QJsonObject {{L("delay_days"), 2}, {L("interval"), L("daily")}}},
                  {L("statement_descriptor"), QJsonValue()}}}}},
        {L("type"), L("standard")}};
}

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray customerJson(const QString &id, qint64 created, const QString &email,
                        const QString &name, const QString &phone, const QString &country,
                        const QString &defaultPaymentMethod)
{
    JsonWriter w;
    w.beginObject().str("id", id).str("object", "customer");
    writeAddress(w, country);
    w.num("balance", 0)
        .num("created", created)
        .nulls({"currency", "default_source"})
        .boolean("delinquent", false)
        .nulls({"description", "discount"})
        .strOrNull("email", email)
        .str("invoice_prefix", id.mid(4, 8).toUpper());
    w.beginObject("invoice_settings")
        .null("custom_fields")
        .strOrNull("default_payment_method", defaultPaymentMethod)
        .nulls({"footer", "rendering_options"})
        .endObject();
    w.boolean("livemode", false)
        .emptyObject("metadata")
        .strOrNull("name", name)
        .num("next_invoice_sequence", 1)
        .strOrNull("phone", phone)
        .emptyArray("preferred_locales")
        .null("shipping")
        .str("tax_exempt", "none")
        .null("test_clock")
        .endObject();
    return w.take();
}

QByteArray productJson(const QString &id, qint64 created, const QString &name,
                       const QString &description)
{
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "product")
        .boolean("active", true)
        .num("created", created)
        .null("default_price")
        .strOrNull("description", description)
        .emptyArray("features")
        .emptyArray("images")
        .boolean("livemode", false)
        .emptyObject("metadata")
        .str("name", name)
        .nulls(
            {"package_dimensions", "shippable", "statement_descriptor", "tax_code", "unit_label"})
        .num("updated", created)
        .null("url")
        .endObject();
    return w.take();
}

QByteArray priceJson(const QString &id, qint64 created, const QString &product,
                     const QString &currency, qint64 unitAmount, const QString &interval,
                     int intervalCount, const QString &nickname)
{
    const bool recurring = !interval.isEmpty();
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "price")
        .boolean("active", true)
        .str("billing_scheme", "per_unit")
        .num("created", created)
        .str("currency", currency)
        .null("custom_unit_amount")
        .boolean("livemode", false)
        .null("lookup_key")
        .emptyObject("metadata")
        .strOrNull("nickname", nickname)
        .str("product", product);
    if (recurring)
        w.beginObject("recurring")
            .null("aggregate_usage")
            .str("interval", interval)
            .num("interval_count", intervalCount)
            .str("usage_type", "licensed")
            .endObject();
    else
        w.null("recurring");
    w.str("tax_behavior", "exclusive")
        .nulls({"tiers_mode", "transform_quantity"})
        .str("type", recurring ? "recurring" : "one_time")
        .num("unit_amount", unitAmount)
        .str("unit_amount_decimal", QString::number(unitAmount))
        .endObject();
    return w.take();
}

QByteArray couponJson(const QString &id, qint64 created, const QString &name, int percentOff,
                      const QString &duration, int durationInMonths)
{
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "coupon")
        .null("amount_off")
        .num("created", created)
        .null("currency")
        .str("duration", duration)
        .numOrNull("duration_in_months", durationInMonths)
        .boolean("livemode", false)
        .null("max_redemptions")
        .emptyObject("metadata")
        .str("name", name)
        .num("percent_off", percentOff)
        .null("redeem_by")
        .num("times_redeemed", 0)
        .boolean("valid", true)
        .endObject();
    return w.take();
}

QByteArray paymentMethodJson(const QString &id, qint64 created, const QString &customer,
                             const CardInfo &card, const QString &name, const QString &email)
{
    JsonWriter w;
    w.beginObject().str("id", id).str("object", "payment_method");
    w.beginObject("billing_details");
    writeAddress(w, card.country);
    w.strOrNull("email", email).strOrNull("name", name).null("phone").endObject();
    writeCard(w, card, true);
    w.num("created", created)
        .strOrNull("customer", customer)
        .boolean("livemode", false)
        .emptyObject("metadata")
        .str("type", "card")
        .endObject();
    return w.take();
}

QByteArray chargeJson(const ChargeSpec &s)
{
    const bool blocked = !s.succeeded && s.declineCode == QLatin1String("highest_risk_level");
    const bool refunded = s.succeeded && s.amountRefunded >= s.amount;
    JsonWriter w;
    w.beginObject()
        .str("id", s.id)
        .str("object", "charge")
        .num("amount", s.amount)
        .num("amount_captured", s.succeeded ? s.amount : 0)
        .num("amount_refunded", s.amountRefunded)
        .nulls({"application", "application_fee", "application_fee_amount"})
        .strOrNull("balance_transaction", s.balanceTransaction);
    w.beginObject("billing_details");
    writeAddress(w, s.card.country);
    w.strOrNull("email", s.receiptEmail).strOrNull("name", s.billingName).null("phone").endObject();
    w.str("calculated_statement_descriptor", "NORTHWIND COFFEE")
        .boolean("captured", s.succeeded)
        .num("created", s.created)
        .str("currency", s.currency)
        .strOrNull("customer", s.customer)
        .strOrNull("description", s.description)
        .boolean("disputed", s.disputed)
        .null("failure_balance_transaction");
    if (s.succeeded)
        w.nulls({"failure_code", "failure_message"});
    else
        w.str("failure_code", s.failureCode).str("failure_message", declineMessage(s.declineCode));
    w.emptyObject("fraud_details")
        .strOrNull("invoice", s.invoice)
        .boolean("livemode", false)
        .emptyObject("metadata")
        .null("on_behalf_of");
    w.beginObject("outcome");
    if (s.succeeded) {
        w.str("network_status", "approved_by_network")
            .null("reason")
            .str("risk_level", s.riskLevel)
            .num("risk_score", s.riskScore)
            .str("seller_message", "Payment complete.")
            .str("type", "authorized");
    } else if (blocked) {
        w.str("network_status", "not_sent_to_network")
            .str("reason", "highest_risk_level")
            .str("risk_level", "highest")
            .num("risk_score", s.riskScore)
            .str("seller_message", "Stripe blocked this payment as too risky.")
            .str("type", "blocked");
    } else {
        w.str("network_status", "declined_by_network")
            .str("reason", s.declineCode)
            .str("risk_level", s.riskLevel)
            .num("risk_score", s.riskScore)
            .str("seller_message", "The bank did not return any further details with this decline.")
            .str("type", "issuer_declined");
    }
    w.endObject();
    w.boolean("paid", s.succeeded)
        .strOrNull("payment_intent", s.paymentIntent)
        .strOrNull("payment_method", s.paymentMethod);
    w.beginObject("payment_method_details");
    writeCard(w, s.card, false);
    w.str("type", "card").endObject();
    w.strOrNull("receipt_email", s.receiptEmail).null("receipt_number");
    if (s.succeeded)
        w.str("receipt_url", QString(QStringLiteral("https://pay.stripe.com/receipts/") + s.id));
    else
        w.null("receipt_url");
    w.boolean("refunded", refunded)
        .nulls({"review", "shipping", "source_transfer", "statement_descriptor",
                "statement_descriptor_suffix"})
        .str("status", s.succeeded ? "succeeded" : "failed")
        .nulls({"transfer_data", "transfer_group"})
        .endObject();
    return w.take();
}

QByteArray paymentIntentJson(const ChargeSpec &s)
{
    JsonWriter w;
    w.beginObject()
        .str("id", s.paymentIntent)
        .str("object", "payment_intent")
        .num("amount", s.amount)
        .num("amount_capturable", 0)
        .num("amount_received", s.succeeded ? s.amount : 0)
        .nulls({"application", "application_fee_amount", "automatic_payment_methods", "canceled_at",
                "cancellation_reason"})
        .str("capture_method", "automatic")
        .str("client_secret", QString(s.paymentIntent + QStringLiteral("_secret_demo")))
        .str("confirmation_method", "automatic")
        .num("created", s.created)
        .str("currency", s.currency)
        .strOrNull("customer", s.customer)
        .strOrNull("description", s.description)
        .strOrNull("invoice", s.invoice);
    if (s.succeeded) {
        w.null("last_payment_error");
    } else {
        w.beginObject("last_payment_error")
            .str("charge", s.id)
            .str("code", s.failureCode)
            .str("decline_code", s.declineCode)
            .str("message", declineMessage(s.declineCode))
            .str("type", "card_error")
            .endObject();
    }
    w.strOrNull("latest_charge", s.id)
        .boolean("livemode", false)
        .emptyObject("metadata")
        .nulls({"next_action", "on_behalf_of"})
        .strOrNull("payment_method", s.succeeded ? QStringView(s.paymentMethod) : QStringView());
    w.beginArray("payment_method_types").str("card").endArray();
    w.strOrNull("receipt_email", s.receiptEmail)
        .nulls({"review", "setup_future_usage", "shipping", "statement_descriptor",
                "statement_descriptor_suffix"})
        .str("status", s.succeeded ? "succeeded" : "requires_payment_method")
        .nulls({"transfer_data", "transfer_group"})
        .endObject();
    return w.take();
}

QByteArray refundJson(const QString &id, qint64 created, const QString &charge,
                      const QString &paymentIntent, qint64 amount, const QString &currency,
                      const QString &reason, const QString &balanceTransaction)
{
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "refund")
        .num("amount", amount)
        .strOrNull("balance_transaction", balanceTransaction)
        .str("charge", charge)
        .num("created", created)
        .str("currency", currency)
        .emptyObject("metadata")
        .strOrNull("payment_intent", paymentIntent)
        .strOrNull("reason", reason)
        .nulls({"receipt_number", "source_transfer_reversal"})
        .str("status", "succeeded")
        .null("transfer_reversal")
        .endObject();
    return w.take();
}

QByteArray disputeJson(const QString &id, qint64 created, const QString &charge,
                       const QString &paymentIntent, qint64 amount, const QString &currency,
                       const QString &reason, const QString &status,
                       const QByteArray &balanceTransactions)
{
    const bool open = status.contains(QLatin1String("needs_response"));
    const bool submitted = status.contains(QLatin1String("under_review"))
        || status == QLatin1String("won") || status == QLatin1String("lost");
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "dispute")
        .num("amount", amount)
        .raw("balance_transactions",
             balanceTransactions.isEmpty() ? QByteArray("[]") : balanceTransactions)
        .str("charge", charge)
        .num("created", created)
        .str("currency", currency);
    w.beginObject("evidence")
        .nulls({"access_activity_log",
                "billing_address",
                "cancellation_policy",
                "cancellation_policy_disclosure",
                "cancellation_rebuttal",
                "customer_communication",
                "customer_email_address",
                "customer_name",
                "customer_purchase_ip",
                "customer_signature",
                "duplicate_charge_documentation",
                "duplicate_charge_explanation",
                "duplicate_charge_id",
                "product_description",
                "receipt",
                "refund_policy",
                "refund_policy_disclosure",
                "refund_refusal_explanation",
                "service_date",
                "service_documentation",
                "shipping_address",
                "shipping_carrier",
                "shipping_date",
                "shipping_documentation",
                "shipping_tracking_number",
                "uncategorized_file",
                "uncategorized_text"})
        .endObject();
    w.beginObject("evidence_details")
        .num("due_by", created + 21 * 86400)
        .boolean("has_evidence", submitted)
        .boolean("past_due", false)
        .num("submission_count", submitted ? 1 : 0)
        .endObject();
    w.boolean("is_charge_refundable", open)
        .boolean("livemode", false)
        .emptyObject("metadata")
        .strOrNull("payment_intent", paymentIntent)
        .str("reason", reason)
        .str("status", status)
        .endObject();
    return w.take();
}

QJsonObject reviewObject(const QString &id, qint64 created, const QString &charge,
                         const QString &paymentIntent, const QString &reason,
                         const QString &ipAddress)
{
    const bool open = reason == QLatin1String("rule");
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("object"), QStringLiteral("review")},
        {QStringLiteral("billing_zip"), QJsonValue::Null},
        {QStringLiteral("charge"), charge},
        {QStringLiteral("closed_reason"), open ? QJsonValue(QJsonValue::Null) : QJsonValue(reason)},
        {QStringLiteral("created"), created},
        {QStringLiteral("ip_address"), ipAddress},
        {QStringLiteral("ip_address_location"), QJsonValue::Null},
        {QStringLiteral("livemode"), false},
        {QStringLiteral("open"), open},
        {QStringLiteral("opened_reason"), QStringLiteral("rule")},
        {QStringLiteral("payment_intent"), paymentIntent},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("session"), QJsonValue::Null},
    };
}

QByteArray balanceTransactionJson(const QString &id, qint64 created, const QString &source,
                                  const QString &type, qint64 amount, qint64 fee,
                                  const QString &currency, double exchangeRate,
                                  const QString &description)
{
    const char *category = type == QLatin1String("adjustment") ? "dispute"
        : type == QLatin1String("refund")                      ? "refund"
        : type == QLatin1String("payout")                      ? "payout"
        : type == QLatin1String("payout_failure")              ? "payout_reversal"
                                                               : "charge";
    // Funds are available 2 days after a payment (the payout schedule's delay); a payout takes
    // them at once.
    const qint64 availableOn
        = type == QLatin1String("payout") ? created : created + Store::kAvailableAfter;
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "balance_transaction")
        .num("amount", amount)
        .num("available_on", availableOn)
        .num("created", created)
        .str("currency", currency)
        .strOrNull("description", description);
    if (exchangeRate > 0)
        w.key("exchange_rate").real(exchangeRate);
    else
        w.null("exchange_rate");
    w.num("fee", fee).beginArray("fee_details");
    if (fee != 0)
        w.beginObject()
            .num("amount", fee)
            .null("application")
            .str("currency", currency)
            .str("description", "Stripe processing fees")
            .str("type", "stripe_fee")
            .endObject();
    w.endArray()
        .num("net", amount - fee)
        .str("reporting_category", category)
        .str("source", source)
        .str("status", "available")
        .str("type", type)
        .endObject();
    return w.take();
}

QByteArray lineItemJson(const LineItemSpec &s)
{
    JsonWriter w;
    w.beginObject()
        .str("id", s.id)
        .str("object", "line_item")
        .num("amount", s.amount)
        .num("amount_excluding_tax", s.amount)
        .str("currency", s.currency)
        .str("description", s.description)
        .beginArray("discount_amounts");
    if (s.discount > 0)
        w.beginObject().num("amount", s.discount).str("discount", s.discountId).endObject();
    w.endArray()
        .boolean("discountable", !s.proration)
        .emptyArray("discounts")
        .boolean("livemode", false)
        .emptyObject("metadata")
        .beginObject("period")
        .num("end", s.periodEnd)
        .num("start", s.periodStart)
        .endObject();
    if (!s.invoiceItem.isEmpty()) // Only a one-off line has one.
        w.str("invoice_item", s.invoiceItem);
    if (!s.subscriptionItem.isEmpty()) // Only a subscription's line has one.
        w.str("subscription_item", s.subscriptionItem);
    w.raw("price", s.price)
        .boolean("proration", s.proration)
        .beginObject("proration_details")
        .null("credited_items")
        .endObject()
        .num("quantity", s.quantity)
        .strOrNull("subscription", s.subscription)
        .emptyArray("tax_amounts")
        .emptyArray("tax_rates")
        .str("type", s.invoiceItem.isEmpty() ? "subscription" : "invoiceitem")
        .str("unit_amount_excluding_tax", QString::number(s.unitAmount))
        .endObject();
    return w.take();
}

QByteArray invoiceJson(const InvoiceSpec &s)
{
    const bool paid = s.status == QLatin1String("paid");
    const qint64 finalizedAt = s.created + 3600;
    JsonWriter w;
    w.beginObject()
        .str("id", s.id)
        .str("object", "invoice")
        .str("account_country", "US")
        .str("account_name", "Northwind Coffee Roasters")
        .num("amount_due", std::max<qint64>(0, s.total))
        .num("amount_paid", paid ? std::max<qint64>(0, s.total) : 0)
        .num("amount_remaining", paid ? 0 : std::max<qint64>(0, s.total))
        .num("amount_shipping", 0)
        .num("attempt_count", s.attempts)
        .boolean("attempted", s.attempts > 0 || paid)
        .boolean("auto_advance", s.status == QLatin1String("open"))
        .beginObject("automatic_tax")
        .boolean("enabled", false)
        .null("status")
        .endObject()
        .str("billing_reason", s.billingReason)
        .strOrNull("charge", s.charge)
        .str("collection_method", "charge_automatically")
        .num("created", s.created)
        .str("currency", s.currency)
        .str("customer", s.customer)
        .strOrNull("customer_email", s.customerEmail)
        .strOrNull("customer_name", s.customerName)
        .emptyArray("default_tax_rates")
        .nulls({"description", "discount"})
        .emptyArray("discounts")
        .null("due_date");
    if (s.endingBalance != 0)
        w.num("ending_balance", s.endingBalance);
    w.str("hosted_invoice_url", QString(QStringLiteral("https://invoice.stripe.com/i/") + s.id))
        .str("invoice_pdf",
             QString(QStringLiteral("https://pay.stripe.com/invoice/") + s.id + u"/pdf"))
        .raw("lines",
             listJson(QStringLiteral("/v1/invoices/%1/lines").arg(s.id), s.lines, s.moreLines))
        .boolean("livemode", false)
        .emptyObject("metadata")
        .str("number", QString(s.id.mid(3, 8).toUpper() + QStringLiteral("-0001")))
        .boolean("paid", paid)
        .boolean("paid_out_of_band", false)
        .strOrNull("payment_intent", s.paymentIntent)
        .beginObject("payment_settings")
        .nulls({"default_mandate", "payment_method_options", "payment_method_types"})
        .endObject()
        .num("period_end", s.periodEnd)
        .num("period_start", s.periodStart)
        .num("post_payment_credit_notes_amount", 0)
        .num("pre_payment_credit_notes_amount", 0)
        .num("starting_balance", 0)
        .str("status", s.status)
        .beginObject("status_transitions")
        .num("finalized_at", finalizedAt)
        .numOrNull("marked_uncollectible_at",
                   s.status == QLatin1String("uncollectible") ? finalizedAt : 0)
        .numOrNull("paid_at", paid ? finalizedAt : 0)
        .null("voided_at")
        .endObject()
        .strOrNull("subscription", s.subscription)
        .num("subtotal", s.subtotal)
        .num("subtotal_excluding_tax", s.subtotal)
        .null("tax")
        .num("total", s.total)
        .beginArray("total_discount_amounts");
    if (s.discount > 0)
        w.beginObject().num("amount", s.discount).str("discount", s.discountId).endObject();
    w.endArray().num("total_excluding_tax", s.total).emptyArray("total_tax_amounts").endObject();
    return w.take();
}

QByteArray subscriptionItemJson(const QString &id, qint64 created, const QByteArray &price,
                                qint64 quantity, const QString &subscription)
{
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "subscription_item")
        .null("billing_thresholds")
        .num("created", created)
        .emptyObject("metadata")
        .raw("price", price)
        .num("quantity", quantity)
        .str("subscription", subscription)
        .emptyArray("tax_rates")
        .endObject();
    return w.take();
}

QByteArray subscriptionJson(const SubscriptionSpec &s)
{
    JsonWriter w;
    w.beginObject()
        .str("id", s.id)
        .str("object", "subscription")
        .null("application")
        .beginObject("automatic_tax")
        .boolean("enabled", false)
        .endObject()
        .num("billing_cycle_anchor", s.billingCycleAnchor)
        .numOrNull("cancel_at", s.cancelAt)
        .boolean("cancel_at_period_end", s.cancelAtPeriodEnd)
        .numOrNull("canceled_at", s.canceledAt)
        .beginObject("cancellation_details")
        .nulls({"comment", "feedback"})
        .strOrNull("reason", s.cancellationReason)
        .endObject()
        .str("collection_method", "charge_automatically")
        .num("created", s.created)
        .str("currency", s.currency)
        .num("current_period_end", s.currentPeriodEnd)
        .num("current_period_start", s.currentPeriodStart)
        .str("customer", s.customer)
        .null("days_until_due")
        .strOrNull("default_payment_method", s.defaultPaymentMethod)
        .null("description")
        .raw("discount", s.discount)
        .numOrNull("ended_at", s.endedAt)
        .raw("items",
             listJson(QStringLiteral("/v1/subscription_items?subscription=") + s.id, s.items,
                      s.moreItems))
        .strOrNull("latest_invoice", s.latestInvoice)
        .boolean("livemode", false)
        .emptyObject("metadata")
        .null("pause_collection")
        .num("start_date", s.created)
        .str("status", s.status)
        .null("test_clock")
        .numOrNull("trial_end", s.trialEnd)
        .numOrNull("trial_start", s.trialStart)
        .endObject();
    return w.take();
}

QByteArray eventJson(const QString &id, qint64 created, const QString &type,
                     const QByteArray &object, const QByteArray &previousAttributes,
                     const QString &requestId, const QString &idempotencyKey, int pendingWebhooks)
{
    JsonWriter w;
    w.beginObject()
        .str("id", id)
        .str("object", "event")
        .str("account", "acct_1PaydeskDemo000")
        .str("api_version", "2023-08-16")
        .num("created", created)
        .beginObject("data")
        .raw("object", object);
    if (!previousAttributes.isEmpty())
        w.raw("previous_attributes", previousAttributes);
    w.endObject()
        .boolean("livemode", false)
        .num("pending_webhooks", pendingWebhooks)
        .beginObject("request")
        .strOrNull("id", requestId)
        .strOrNull("idempotency_key", idempotencyKey)
        .endObject()
        .str("type", type)
        .endObject();
    return w.take();
}

QByteArray listJson(const QString &url, const QByteArray &dataArray, bool hasMore)
{
    JsonWriter w;
    w.beginObject()
        .str("object", "list")
        .raw("data", dataArray)
        .boolean("has_more", hasMore)
        .str("url", url)
        .endObject();
    return w.take();
}

QJsonObject listObject(const QString &url, const QJsonArray &data, bool hasMore)
{
    return {{L("object"), L("list")}, {L("data"), data}, {L("has_more"), hasMore}, {L("url"), url}};
}

QJsonObject errorBody(const QString &type, const QString &message, const QString &code,
                      const QString &param, const QString &declineCode)
{
    QJsonObject error {{L("type"), type}, {L("message"), message}};
    if (!code.isEmpty())
        error.insert(L("code"), code);
    if (!param.isEmpty())
        error.insert(L("param"), param);
    if (!declineCode.isEmpty())
        error.insert(L("decline_code"), declineCode);
    return {{L("error"), error}};
}

double usdRate(const QString &currency)
{
    if (currency == QLatin1String("eur"))
        return 1.08;
    if (currency == QLatin1String("gbp"))
        return 1.27;
    if (currency == QLatin1String("jpy"))
        return 0.0067;
    return 1.0;
}

qint64 toUsdMinor(qint64 amount, const QString &currency)
{
    // Rates as integers per million so that conversion is exact integer arithmetic.
    const qint64 ratePpm = qint64(usdRate(currency) * 1'000'000.0 + 0.5);
    const qint64 scale = currency == QLatin1String("jpy") ? 100 : 1; // JPY has no minor unit.
    const qint64 numerator = amount * ratePpm * scale;
    return numerator >= 0 ? (numerator + 500'000) / 1'000'000
                          : -((-numerator + 500'000) / 1'000'000);
}

qint64 stripeFee(qint64 usdAmount, const QString &cardCountry)
{
    // 2.9 % + 30¢ domestic, +1.5 % for international cards, rounded half up.
    const qint64 basisPoints = cardCountry == QLatin1String("US") ? 290 : 440;
    return (usdAmount * basisPoints + 5000) / 10000 + 30;
}

} // namespace paydesk::sandbox
