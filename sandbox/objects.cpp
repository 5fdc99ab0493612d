#include "sandbox/objects.h"

#include <QHash>

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

QJsonValue nullable(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject address(const QString &country)
{
    return {{L("city"), QJsonValue::Null},        {L("country"), nullable(country)},
            {L("line1"), QJsonValue::Null},       {L("line2"), QJsonValue::Null},
            {L("postal_code"), QJsonValue::Null}, {L("state"), QJsonValue::Null}};
}

QJsonObject cardDetails(const CardInfo &card)
{
    return {{L("brand"), card.brand},
            {L("checks"),
             QJsonObject {{L("address_line1_check"), QJsonValue::Null},
                          {L("address_postal_code_check"), QJsonValue::Null},
                          {L("cvc_check"), L("pass")}}},
            {L("country"), card.country},
            {L("exp_month"), card.expMonth},
            {L("exp_year"), card.expYear},
            {L("fingerprint"), QString(L("fp") + card.last4 + card.brand.left(2))},
            {L("funding"), card.funding},
            {L("last4"), card.last4},
            {L("network"), card.brand},
            {L("three_d_secure"), QJsonValue::Null},
            {L("wallet"), QJsonValue::Null}};
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
    return {{L("id"), L("acct_1PaydeskDemo000")},
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
            {L("type"), L("standard")}};
}

QJsonObject customerObject(const QString &id, qint64 created, const QString &email,
                           const QString &name, const QString &phone, const QString &country,
                           const QString &defaultPaymentMethod)
{
    return {{L("id"), id},
            {L("object"), L("customer")},
            {L("address"), address(country)},
            {L("balance"), 0},
            {L("created"), created},
            {L("currency"), QJsonValue::Null},
            {L("default_source"), QJsonValue::Null},
            {L("delinquent"), false},
            {L("description"), QJsonValue::Null},
            {L("discount"), QJsonValue::Null},
            {L("email"), nullable(email)},
            {L("invoice_prefix"), id.mid(4, 8).toUpper()},
            {L("invoice_settings"),
             QJsonObject {{L("custom_fields"), QJsonValue::Null},
                          {L("default_payment_method"), nullable(defaultPaymentMethod)},
                          {L("footer"), QJsonValue::Null},
                          {L("rendering_options"), QJsonValue::Null}}},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("name"), nullable(name)},
            {L("next_invoice_sequence"), 1},
            {L("phone"), nullable(phone)},
            {L("preferred_locales"), QJsonArray()},
            {L("shipping"), QJsonValue::Null},
            {L("tax_exempt"), L("none")},
            {L("test_clock"), QJsonValue::Null}};
}

QJsonObject productObject(const QString &id, qint64 created, const QString &name,
                          const QString &description)
{
    return {{L("id"), id},
            {L("object"), L("product")},
            {L("active"), true},
            {L("created"), created},
            {L("default_price"), QJsonValue::Null},
            {L("description"), nullable(description)},
            {L("features"), QJsonArray()},
            {L("images"), QJsonArray()},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("name"), name},
            {L("package_dimensions"), QJsonValue::Null},
            {L("shippable"), QJsonValue::Null},
            {L("statement_descriptor"), QJsonValue::Null},
            {L("tax_code"), QJsonValue::Null},
            {L("unit_label"), QJsonValue::Null},
            {L("updated"), created},
            {L("url"), QJsonValue::Null}};
}

QJsonObject priceObject(const QString &id, qint64 created, const QString &product,
                        const QString &currency, qint64 unitAmount, const QString &interval,
                        int intervalCount, const QString &nickname)
{
    const bool recurring = !interval.isEmpty();
    return {{L("id"), id},
            {L("object"), L("price")},
            {L("active"), true},
            {L("billing_scheme"), L("per_unit")},
            {L("created"), created},
            {L("currency"), currency},
            {L("custom_unit_amount"), QJsonValue::Null},
            {L("livemode"), false},
            {L("lookup_key"), QJsonValue::Null},
            {L("metadata"), QJsonObject()},
            {L("nickname"), nullable(nickname)},
            {L("product"), product},
            {L("recurring"),
             recurring ? QJsonValue(QJsonObject {{L("aggregate_usage"), QJsonValue::Null},
                                                 {L("interval"), interval},
                                                 {L("interval_count"), intervalCount},
                                                 {L("usage_type"), L("licensed")}})
                       : QJsonValue(QJsonValue::Null)},
            {L("tax_behavior"), L("exclusive")},
            {L("tiers_mode"), QJsonValue::Null},
            {L("transform_quantity"), QJsonValue::Null},
            {L("type"), recurring ? L("recurring") : L("one_time")},
            {L("unit_amount"), unitAmount},
            {L("unit_amount_decimal"), QString::number(unitAmount)}};
}

QJsonObject couponObject(const QString &id, qint64 created, const QString &name, int percentOff,
                         const QString &duration, int durationInMonths)
{
    return {{L("id"), id},
            {L("object"), L("coupon")},
            {L("amount_off"), QJsonValue::Null},
            {L("created"), created},
            {L("currency"), QJsonValue::Null},
            {L("duration"), duration},
            {L("duration_in_months"),
             durationInMonths > 0 ? QJsonValue(durationInMonths) : QJsonValue()},
            {L("livemode"), false},
            {L("max_redemptions"), QJsonValue::Null},
            {L("metadata"), QJsonObject()},
            {L("name"), name},
            {L("percent_off"), percentOff},
            {L("redeem_by"), QJsonValue::Null},
            {L("times_redeemed"), 0},
            {L("valid"), true}};
}

QJsonObject paymentMethodObject(const QString &id, qint64 created, const QString &customer,
                                const CardInfo &card, const QString &name, const QString &email)
{
    QJsonObject c = cardDetails(card);
    c.remove(L("network"));
    c.insert(L("networks"),
             QJsonObject {{L("available"), QJsonArray {card.brand}},
                          {L("preferred"), QJsonValue::Null}});
    c.insert(L("generated_from"), QJsonValue::Null);
    c.insert(L("three_d_secure_usage"), QJsonObject {{L("supported"), true}});
    c.remove(L("three_d_secure"));
    return {{L("id"), id},
            {L("object"), L("payment_method")},
            {L("billing_details"),
             QJsonObject {{L("address"), address(card.country)},
                          {L("email"), nullable(email)},
                          {L("name"), nullable(name)},
                          {L("phone"), QJsonValue::Null}}},
            {L("card"), c},
            {L("created"), created},
            {L("customer"), nullable(customer)},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("type"), L("card")}};
}

QJsonObject chargeObject(const ChargeSpec &s)
{
    QJsonObject outcome;
    if (s.succeeded) {
        outcome = {{L("network_status"), L("approved_by_network")},
                   {L("reason"), QJsonValue::Null},
                   {L("risk_level"), s.riskLevel},
                   {L("risk_score"), s.riskScore},
                   {L("seller_message"), L("Payment complete.")},
                   {L("type"), L("authorized")}};
    } else if (s.declineCode == QLatin1String("highest_risk_level")) {
        outcome = {{L("network_status"), L("not_sent_to_network")},
                   {L("reason"), L("highest_risk_level")},
                   {L("risk_level"), L("highest")},
                   {L("risk_score"), s.riskScore},
                   {L("seller_message"), L("Stripe blocked this payment as too risky.")},
                   {L("type"), L("blocked")}};
    } else {
        outcome = {{L("network_status"), L("declined_by_network")},
                   {L("reason"), s.declineCode},
                   {L("risk_level"), s.riskLevel},
                   {L("risk_score"), s.riskScore},
                   {L("seller_message"),
                    L("The bank did not return any further details with this decline.")},
                   {L("type"), L("issuer_declined")}};
    }
    const bool refunded = s.succeeded && s.amountRefunded >= s.amount;
    return {{L("id"), s.id},
            {L("object"), L("charge")},
            {L("amount"), s.amount},
            {L("amount_captured"), s.succeeded ? s.amount : 0},
            {L("amount_refunded"), s.amountRefunded},
            {L("application"), QJsonValue::Null},
            {L("application_fee"), QJsonValue::Null},
            {L("application_fee_amount"), QJsonValue::Null},
            {L("balance_transaction"), nullable(s.balanceTransaction)},
            {L("billing_details"),
             QJsonObject {{L("address"), address(s.card.country)},
                          {L("email"), nullable(s.receiptEmail)},
                          {L("name"), nullable(s.billingName)},
                          {L("phone"), QJsonValue::Null}}},
            {L("calculated_statement_descriptor"), L("NORTHWIND COFFEE")},
            {L("captured"), s.succeeded},
            {L("created"), s.created},
            {L("currency"), s.currency},
            {L("customer"), nullable(s.customer)},
            {L("description"), nullable(s.description)},
            {L("disputed"), s.disputed},
            {L("failure_balance_transaction"), QJsonValue::Null},
            {L("failure_code"), s.succeeded ? QJsonValue() : QJsonValue(s.failureCode)},
            {L("failure_message"),
             s.succeeded ? QJsonValue() : QJsonValue(declineMessage(s.declineCode))},
            {L("fraud_details"), QJsonObject()},
            {L("invoice"), nullable(s.invoice)},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("on_behalf_of"), QJsonValue::Null},
            {L("outcome"), outcome},
            {L("paid"), s.succeeded},
            {L("payment_intent"), nullable(s.paymentIntent)},
            {L("payment_method"), nullable(s.paymentMethod)},
            {L("payment_method_details"),
             QJsonObject {{L("card"), cardDetails(s.card)}, {L("type"), L("card")}}},
            {L("receipt_email"), nullable(s.receiptEmail)},
            {L("receipt_number"), QJsonValue::Null},
            {L("receipt_url"),
             s.succeeded ? QJsonValue(L("https://pay.stripe.com/receipts/") + s.id) : QJsonValue()},
            {L("refunded"), refunded},
            {L("review"), QJsonValue::Null},
            {L("shipping"), QJsonValue::Null},
            {L("source_transfer"), QJsonValue::Null},
            {L("statement_descriptor"), QJsonValue::Null},
            {L("statement_descriptor_suffix"), QJsonValue::Null},
            {L("status"), s.succeeded ? L("succeeded") : L("failed")},
            {L("transfer_data"), QJsonValue::Null},
            {L("transfer_group"), QJsonValue::Null}};
}

QJsonObject paymentIntentObject(const ChargeSpec &s)
{
    QJsonValue lastError;
    if (!s.succeeded) {
        lastError = QJsonObject {{L("charge"), s.id},
                                 {L("code"), s.failureCode},
                                 {L("decline_code"), s.declineCode},
                                 {L("message"), declineMessage(s.declineCode)},
                                 {L("type"), L("card_error")}};
    }
    return {{L("id"), s.paymentIntent},
            {L("object"), L("payment_intent")},
            {L("amount"), s.amount},
            {L("amount_capturable"), 0},
            {L("amount_received"), s.succeeded ? s.amount : 0},
            {L("application"), QJsonValue::Null},
            {L("application_fee_amount"), QJsonValue::Null},
            {L("automatic_payment_methods"), QJsonValue::Null},
            {L("canceled_at"), QJsonValue::Null},
            {L("cancellation_reason"), QJsonValue::Null},
            {L("capture_method"), L("automatic")},
            {L("client_secret"), QString(s.paymentIntent + L("_secret_demo"))},
            {L("confirmation_method"), L("automatic")},
            {L("created"), s.created},
            {L("currency"), s.currency},
            {L("customer"), nullable(s.customer)},
            {L("description"), nullable(s.description)},
            {L("invoice"), nullable(s.invoice)},
            {L("last_payment_error"), lastError},
            {L("latest_charge"), s.id},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("next_action"), QJsonValue::Null},
            {L("on_behalf_of"), QJsonValue::Null},
            {L("payment_method"), s.succeeded ? nullable(s.paymentMethod) : QJsonValue()},
            {L("payment_method_types"), QJsonArray {L("card")}},
            {L("receipt_email"), nullable(s.receiptEmail)},
            {L("review"), QJsonValue::Null},
            {L("setup_future_usage"), QJsonValue::Null},
            {L("shipping"), QJsonValue::Null},
            {L("statement_descriptor"), QJsonValue::Null},
            {L("statement_descriptor_suffix"), QJsonValue::Null},
            {L("status"), s.succeeded ? L("succeeded") : L("requires_payment_method")},
            {L("transfer_data"), QJsonValue::Null},
            {L("transfer_group"), QJsonValue::Null}};
}

QJsonObject refundObject(const QString &id, qint64 created, const QString &charge,
                         const QString &paymentIntent, qint64 amount, const QString &currency,
                         const QString &reason, const QString &balanceTransaction)
{
    return {{L("id"), id},
            {L("object"), L("refund")},
            {L("amount"), amount},
            {L("balance_transaction"), nullable(balanceTransaction)},
            {L("charge"), charge},
            {L("created"), created},
            {L("currency"), currency},
            {L("metadata"), QJsonObject()},
            {L("payment_intent"), nullable(paymentIntent)},
            {L("reason"), nullable(reason)},
            {L("receipt_number"), QJsonValue::Null},
            {L("source_transfer_reversal"), QJsonValue::Null},
            {L("status"), L("succeeded")},
            {L("transfer_reversal"), QJsonValue::Null}};
}

QJsonObject disputeObject(const QString &id, qint64 created, const QString &charge,
                          const QString &paymentIntent, qint64 amount, const QString &currency,
                          const QString &reason, const QString &status,
                          const QJsonArray &balanceTransactions)
{
    static const char *const evidenceFields[] = {"access_activity_log",
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
                                                 "uncategorized_text"};
    QJsonObject evidence;
    for (const char *f : evidenceFields)
        evidence.insert(QLatin1String(f), QJsonValue::Null);
    const bool open = status.contains(QLatin1String("needs_response"));
    const bool submitted = status.contains(QLatin1String("under_review"))
        || status == QLatin1String("won") || status == QLatin1String("lost");
    return {{L("id"), id},
            {L("object"), L("dispute")},
            {L("amount"), amount},
            {L("balance_transactions"), balanceTransactions},
            {L("charge"), charge},
            {L("created"), created},
            {L("currency"), currency},
            {L("evidence"), evidence},
            {L("evidence_details"),
             QJsonObject {{L("due_by"), created + 21 * 86400},
                          {L("has_evidence"), submitted},
                          {L("past_due"), false},
                          {L("submission_count"), submitted ? 1 : 0}}},
            {L("is_charge_refundable"), open},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("payment_intent"), nullable(paymentIntent)},
            {L("reason"), reason},
            {L("status"), status}};
}

QJsonObject balanceTransactionObject(const QString &id, qint64 created, const QString &source,
                                     const QString &type, qint64 amount, qint64 fee,
                                     const QString &currency, double exchangeRate,
                                     const QString &description)
{
    static const QHash<QString, QString> categories = {{L("charge"), L("charge")},
                                                       {L("refund"), L("refund")},
                                                       {L("adjustment"), L("dispute")},
                                                       {L("payment"), L("charge")}};
    QJsonArray feeDetails;
    if (fee != 0)
        feeDetails.append(QJsonObject {{L("amount"), fee},
                                       {L("application"), QJsonValue::Null},
                                       {L("currency"), currency},
                                       {L("description"), L("Stripe processing fees")},
                                       {L("type"), L("stripe_fee")}});
    return {{L("id"), id},
            {L("object"), L("balance_transaction")},
            {L("amount"), amount},
            {L("available_on"), created + 2 * 86400},
            {L("created"), created},
            {L("currency"), currency},
            {L("description"), nullable(description)},
            {L("exchange_rate"), exchangeRate > 0 ? QJsonValue(exchangeRate) : QJsonValue()},
            {L("fee"), fee},
            {L("fee_details"), feeDetails},
            {L("net"), amount - fee},
            {L("reporting_category"), categories.value(type, type)},
            {L("source"), source},
            {L("status"), L("available")},
            {L("type"), type}};
}

QJsonObject eventObject(const QString &id, qint64 created, const QString &type,
                        const QJsonObject &object, const QJsonObject &previousAttributes)
{
    QJsonObject data {{L("object"), object}};
    if (!previousAttributes.isEmpty())
        data.insert(L("previous_attributes"), previousAttributes);
    return {{L("id"), id},
            {L("object"), L("event")},
            {L("account"), L("acct_1PaydeskDemo000")},
            {L("api_version"), L("2023-08-16")},
            {L("created"), created},
            {L("data"), data},
            {L("livemode"), false},
            {L("pending_webhooks"), 0},
            {L("request"),
             QJsonObject {{L("id"), QJsonValue::Null}, {L("idempotency_key"), QJsonValue::Null}}},
            {L("type"), type}};
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
