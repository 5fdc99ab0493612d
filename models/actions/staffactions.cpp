#include "models/actions/staffactions.h"

#include "models/money.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>
#include <QVariantMap>

namespace paydesk::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StaffActions", text);
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

CustomerFields CustomerFields::fromJson(const QJsonObject &c)
{
    CustomerFields f;
    f.name = str(c, "name");
    f.email = str(c, "email");
    f.phone = str(c, "phone");
    f.description = str(c, "description");
    const QJsonObject a = c.value(QLatin1String("address")).toObject();
    f.line1 = str(a, "line1");
    f.line2 = str(a, "line2");
    f.city = str(a, "city");
    f.postalCode = str(a, "postal_code");
    f.state = str(a, "state");
    f.country = str(a, "country");
    const QJsonObject m = c.value(QLatin1String("metadata")).toObject();
    for (auto it = m.begin(); it != m.end(); ++it)
        f.metadata.insert(it.key(), it.value().toString());
    return f;
}

RefundTarget RefundTarget::fromCharge(const QJsonObject &c)
{
    RefundTarget t;
    t.chargeId = str(c, "id");
    const QJsonValue pi = c.value(QLatin1String("payment_intent"));
    t.paymentIntentId = pi.isObject() ? str(pi.toObject(), "id") : pi.toString();
    t.currency = str(c, "currency");
    t.amount = c.value(QLatin1String("amount_captured")).toInteger(-1);
    if (t.amount < 0 || (t.amount == 0 && c.value(QLatin1String("captured")).toBool(true)))
        t.amount = c.value(QLatin1String("amount")).toInteger();
    t.refunded = c.value(QLatin1String("amount_refunded")).toInteger();
    t.status = str(c, "status");
    t.disputed = c.value(QLatin1String("disputed")).toBool();
    const QJsonValue customer = c.value(QLatin1String("customer"));
    t.customerId = customer.isObject() ? str(customer.toObject(), "id") : customer.toString();
    const QJsonObject billing = c.value(QLatin1String("billing_details")).toObject();
    t.customerLabel = str(billing, "name");
    if (t.customerLabel.isEmpty())
        t.customerLabel = str(billing, "email");
    if (t.customerLabel.isEmpty())
        t.customerLabel = str(c, "receipt_email");
    t.description = str(c, "description");
    t.livemode = c.value(QLatin1String("livemode")).toBool();
    return t;
}

namespace staffactions {

QList<RecentRefund> recentRefunds(sql::Database &db, const QString &chargeId, qint64 since)
{
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT id, amount, created FROM refunds WHERE charge = ?1 AND created >= ?2 AND deleted = "
        "0 AND coalesce(status, '') NOT IN ('failed', 'canceled') ORDER BY created DESC"));
    s.bind(1, chargeId);
    s.bind(2, since);
    QList<RecentRefund> out;
    while (s.step())
        out.append({s.text(0), s.int64(1), s.int64(2)});
    return out;
}

QList<CouponChoice> couponChoices(sql::Database &db, const QString &currency)
{
    QList<CouponChoice> out;
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT id, coalesce(name, id), percent_off, amount_off, currency, duration, "
        "duration_in_months FROM coupons WHERE deleted = 0 AND coalesce(valid, 1) = 1 AND "
        "(amount_off IS NULL OR currency = ?1) ORDER BY coalesce(name, id), id"));
    s.bind(1, currency);
    while (s.step()) {
        const QString off = s.isNull(2) ? Money(s.int64(3), s.text(4)).toString(QLocale())
                                        : QLocale().toString(s.real(2)) + u'%';
        const qint64 months = s.int64(6);
        const QString duration = s.text(5) != QLatin1String("repeating") ? s.text(5)
            : months == 1                                                ? tr("1 month")
                          : tr("%1 months").arg(months);
        out.append({s.text(0), tr("%1 (%2 off, %3)").arg(s.text(1), off, duration)});
    }
    return out;
}

namespace {

void addIfSet(network::StripeParams &p, const char *key, const QString &value)
{
    if (!value.isEmpty())
        p.add(QString::fromLatin1(key), value);
}

QVariantMap metadataMap(const QMap<QString, QString> &m)
{
    QVariantMap map;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        map.insert(it.key(), it.value());
    return map;
}

} // namespace

OutboxAction createCustomer(const CustomerFields &f)
{
    OutboxAction a;
    a.action = QStringLiteral("customer.create");
    a.path = QStringLiteral("/v1/customers");
    addIfSet(a.params, "email", f.email.trimmed());
    addIfSet(a.params, "name", f.name);
    addIfSet(a.params, "phone", f.phone.trimmed());
    addIfSet(a.params, "description", f.description);
    QVariantMap address;
    const std::pair<const char *, QString> parts[] = {
        {"line1", f.line1}, {"line2", f.line2},    {"city", f.city}, {"postal_code", f.postalCode},
        {"state", f.state}, {"country", f.country}};
    for (const auto &[k, v] : parts)
        if (!v.isEmpty())
            address.insert(QString::fromLatin1(k), v);
    if (!address.isEmpty())
        a.params.add(QStringLiteral("address"), address);
    if (!f.metadata.isEmpty())
        a.params.add(QStringLiteral("metadata"), metadataMap(f.metadata));
    return a;
}

OutboxAction updateCustomer(const QString &id, const CustomerFields &before,
                            const CustomerFields &after)
{
    OutboxAction a;
    a.action = QStringLiteral("customer.update");
    a.objectId = id;
    a.path = QStringLiteral("/v1/customers/") + id;
    // An empty string unsets a field at Stripe.
    const std::tuple<const char *, QString, QString> plain[]
        = {{"email", before.email, after.email.trimmed()},
           {"name", before.name, after.name},
           {"phone", before.phone, after.phone.trimmed()},
           {"description", before.description, after.description}};
    for (const auto &[k, was, now] : plain)
        if (was != now)
            a.params.add(QString::fromLatin1(k), now);
    QVariantMap address;
    const std::tuple<const char *, QString, QString> parts[] = {
        {"line1", before.line1, after.line1}, {"line2", before.line2, after.line2},
        {"city", before.city, after.city},    {"postal_code", before.postalCode, after.postalCode},
        {"state", before.state, after.state}, {"country", before.country, after.country}};
    for (const auto &[k, was, now] : parts)
        if (was != now)
            address.insert(QString::fromLatin1(k), now);
    if (!address.isEmpty())
        a.params.add(QStringLiteral("address"), address);
    QVariantMap metadata;
    for (auto it = before.metadata.cbegin(); it != before.metadata.cend(); ++it)
        if (!after.metadata.contains(it.key()))
            metadata.insert(it.key(), QString());
    for (auto it = after.metadata.cbegin(); it != after.metadata.cend(); ++it)
        if (before.metadata.value(it.key()) != it.value() || !before.metadata.contains(it.key()))
            metadata.insert(it.key(), it.value());
    if (!metadata.isEmpty())
        a.params.add(QStringLiteral("metadata"), metadata);
    return a;
}

OutboxAction deleteCustomer(const QString &id)
{
    OutboxAction a;
    a.action = QStringLiteral("customer.delete");
    a.objectId = id;
    a.method = "DELETE";
    a.path = QStringLiteral("/v1/customers/") + id;
    return a;
}

OutboxAction refund(const RefundTarget &t, qint64 amount, const QString &reason,
                    const QMap<QString, QString> &metadata)
{
    OutboxAction a;
    a.action = QStringLiteral("refund");
    a.objectId = t.chargeId;
    a.path = QStringLiteral("/v1/refunds");
    a.params.add(QStringLiteral("charge"), t.chargeId);
    a.params.add(QStringLiteral("amount"), amount);
    addIfSet(a.params, "reason", reason);
    if (!metadata.isEmpty())
        a.params.add(QStringLiteral("metadata"), metadataMap(metadata));
    a.amount = amount;
    a.currency = t.currency;
    return a;
}

namespace {

void addCancellationDetails(network::StripeParams &p, const CancellationDetails &d)
{
    QVariantMap details;
    if (!d.comment.trimmed().isEmpty())
        details.insert(QStringLiteral("comment"), d.comment.trimmed());
    if (!d.feedback.isEmpty())
        details.insert(QStringLiteral("feedback"), d.feedback);
    if (!details.isEmpty())
        p.add(QStringLiteral("cancellation_details"), details);
}

OutboxAction subscriptionUpdate(const char *action, const QString &id)
{
    OutboxAction a;
    a.action = QString::fromLatin1(action);
    a.objectId = id;
    a.path = QStringLiteral("/v1/subscriptions/") + id;
    return a;
}

} // namespace

OutboxAction pauseCollection(const QString &id, const QString &behavior, qint64 resumesAt)
{
    OutboxAction a = subscriptionUpdate("subscription.pause", id);
    QVariantMap pause {{QStringLiteral("behavior"), behavior}};
    if (resumesAt > 0)
        pause.insert(QStringLiteral("resumes_at"), resumesAt);
    a.params.add(QStringLiteral("pause_collection"), pause);
    return a;
}

OutboxAction resumeCollection(const QString &id)
{
    OutboxAction a = subscriptionUpdate("subscription.unpause", id);
    a.params.add(QStringLiteral("pause_collection"), QString()); // "" unsets it.
    return a;
}

OutboxAction setTrialEnd(const QString &id, qint64 end)
{
    OutboxAction a = subscriptionUpdate("subscription.trial", id);
    if (end > 0)
        a.params.add(QStringLiteral("trial_end"), end);
    else
        a.params.add(QStringLiteral("trial_end"), QStringLiteral("now"));
    return a;
}

OutboxAction setCoupon(const QString &id, const QString &coupon)
{
    OutboxAction a = subscriptionUpdate("subscription.coupon", id);
    a.params.add(QStringLiteral("coupon"), coupon); // "" removes the discount.
    return a;
}

OutboxAction setPromotionCode(const QString &id, const QString &promotionCode)
{
    OutboxAction a = subscriptionUpdate("subscription.coupon", id);
    a.params.add(QStringLiteral("promotion_code"), promotionCode);
    return a;
}

namespace {

void addItemChange(network::StripeParams &p, const ItemChange &c, const QString &prefix)
{
    QVariantMap item;
    if (!c.item.isEmpty())
        item.insert(QStringLiteral("id"), c.item);
    if (c.remove)
        item.insert(QStringLiteral("deleted"), true);
    else if (!c.price.isEmpty())
        item.insert(QStringLiteral("price"), c.price);
    if (c.quantity > 0 && !c.remove)
        item.insert(QStringLiteral("quantity"), c.quantity);
    p.add(prefix + QStringLiteral("items"), QVariantList {item});
    p.add(prefix + QStringLiteral("proration_behavior"), c.proration);
    if (c.prorationDate > 0)
        p.add(prefix + QStringLiteral("proration_date"), c.prorationDate);
}

} // namespace

OutboxAction updateSubscriptionItem(const ItemChange &c)
{
    OutboxAction a = subscriptionUpdate("subscription.update", c.subscription);
    addItemChange(a.params, c, QString());
    return a;
}

network::StripeRequest upcomingInvoice(const ItemChange &c)
{
    network::StripeRequest r;
    r.path = QStringLiteral("/v1/invoices/upcoming");
    r.params.add(QStringLiteral("subscription"), c.subscription);
    // The same change, under the names the preview gives them (subscription_items, …).
    addItemChange(r.params, c, QStringLiteral("subscription_"));
    return r;
}

qint64 prorationTotal(const QJsonObject &upcoming)
{
    qint64 total = 0;
    for (const QJsonValue &line :
         upcoming.value(QLatin1String("lines")).toObject().value(QLatin1String("data")).toArray())
        if (line.toObject().value(QLatin1String("proration")).toBool())
            total += line.toObject().value(QLatin1String("amount")).toInteger();
    return total;
}

QList<PriceChoice> priceChoices(sql::Database &db, const QString &currency)
{
    QList<PriceChoice> out;
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT p.id, coalesce(pr.name, p.product, p.id), p.unit_amount, p.recurring_interval, "
        "coalesce(p.recurring_interval_count, 1) FROM prices p LEFT JOIN products pr ON pr.id = "
        "p.product WHERE p.deleted = 0 AND coalesce(p.active, 1) = 1 AND p.type = 'recurring' AND "
        "p.currency = ?1 AND p.unit_amount IS NOT NULL ORDER BY 2, p.recurring_interval, "
        "p.unit_amount, p.id"));
    s.bind(1, currency);
    while (s.step()) {
        const QString every = s.int64(4) > 1
            ? tr("every %1 %2s").arg(s.int64(4)).arg(s.text(3))
            : (s.text(3) == QLatin1String("day")        ? tr("daily")
                   : s.text(3) == QLatin1String("week") ? tr("weekly")
                   : s.text(3) == QLatin1String("year") ? tr("yearly")
                                                        : tr("monthly"));
        out.append({s.text(0),
                    tr("%1 · %2 %3")
                        .arg(s.text(1), Money(s.int64(2), currency).toString(QLocale()), every),
                    s.text(3) + u' ' + QString::number(s.int64(4))});
    }
    return out;
}

QList<ItemChoice> subscriptionItems(sql::Database &db, const QString &subscription)
{
    QList<ItemChoice> out;
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT si.id, si.price, coalesce(si.quantity, 1), coalesce(pr.name, si.product, "
        "si.price) FROM subscription_items si LEFT JOIN products pr ON pr.id = si.product WHERE "
        "si.subscription = ?1 ORDER BY si.rowid"));
    s.bind(1, subscription);
    while (s.step())
        out.append(
            {s.text(0), s.text(1), s.int64(2), tr("%1 × %2").arg(s.text(3)).arg(s.int64(2))});
    return out;
}

OutboxAction cancelSubscriptionNow(const QString &id, bool prorate, bool invoiceNow,
                                   const CancellationDetails &details)
{
    OutboxAction a;
    a.action = QStringLiteral("subscription.cancel");
    a.objectId = id;
    a.method = "DELETE";
    a.path = QStringLiteral("/v1/subscriptions/") + id;
    if (prorate)
        a.params.add(QStringLiteral("prorate"), true);
    if (invoiceNow)
        a.params.add(QStringLiteral("invoice_now"), true);
    addCancellationDetails(a.params, details);
    return a;
}

OutboxAction invoiceAction(const QString &id, StaffAction action, bool outOfBand)
{
    OutboxAction a;
    a.action = QString::fromLatin1(staffActionInfo(action)->name);
    a.objectId = id;
    a.path = QStringLiteral("/v1/invoices/") + id;
    switch (action) {
    case StaffAction::InvoiceDelete:
        a.method = "DELETE";
        break;
    case StaffAction::InvoicePay:
        a.path += QStringLiteral("/pay");
        if (outOfBand)
            a.params.add(QStringLiteral("paid_out_of_band"), true);
        break;
    default:
        // "invoice.mark_uncollectible" → /v1/invoices/ID/mark_uncollectible.
        a.path += u'/' + a.action.section(u'.', 1);
        break;
    }
    return a;
}

OutboxAction setCancelAtPeriodEnd(const QString &id, bool cancel,
                                  const CancellationDetails &details)
{
    OutboxAction a;
    a.action = cancel ? QStringLiteral("subscription.cancel_at_period_end")
                      : QStringLiteral("subscription.resume");
    a.objectId = id;
    a.path = QStringLiteral("/v1/subscriptions/") + id;
    a.params.add(QStringLiteral("cancel_at_period_end"), cancel);
    if (cancel)
        addCancellationDetails(a.params, details);
    return a;
}

OutboxAction disputeEvidence(const QString &id, const QMap<QString, QString> &fields, bool submit)
{
    OutboxAction a;
    a.action = submit ? QStringLiteral("dispute.submit") : QStringLiteral("dispute.evidence");
    a.objectId = id;
    a.path = QStringLiteral("/v1/disputes/") + id;
    QVariantMap evidence;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        evidence.insert(it.key(), it.value());
    a.params.add(QStringLiteral("evidence"), evidence);
    a.params.add(QStringLiteral("submit"), submit);
    return a;
}

const QStringList &disputeFileFields()
{
    static const QStringList fields {QStringLiteral("cancellation_policy"),
                                     QStringLiteral("customer_communication"),
                                     QStringLiteral("customer_signature"),
                                     QStringLiteral("duplicate_charge_documentation"),
                                     QStringLiteral("receipt"),
                                     QStringLiteral("refund_policy"),
                                     QStringLiteral("service_documentation"),
                                     QStringLiteral("shipping_documentation"),
                                     QStringLiteral("uncategorized_file")};
    return fields;
}

namespace {

QByteArray evidenceMimeType(const QByteArray &c)
{
    if (c.startsWith("%PDF-"))
        return QByteArrayLiteral("application/pdf");
    if (c.startsWith("\x89PNG\r\n\x1a\n"))
        return QByteArrayLiteral("image/png");
    if (c.startsWith("\xff\xd8\xff"))
        return QByteArrayLiteral("image/jpeg");
    return {};
}

} // namespace

QString evidenceFileProblem(const QByteArray &content)
{
    if (content.isEmpty())
        return QStringLiteral("the file is empty");
    if (evidenceMimeType(content).isEmpty())
        return QStringLiteral("Stripe takes PDF, JPEG or PNG files as dispute evidence; this is "
                              "none of them");
    if (content.size() > kEvidenceFileMaxBytes)
        return QStringLiteral("the file is %1 MB; Stripe takes dispute evidence files of at most "
                              "5 MB")
            .arg(QString::number(double(content.size()) / (1024.0 * 1024.0), 'f', 1));
    return {};
}

OutboxAction uploadEvidenceFile(const QString &dispute, const QString &field,
                                const QString &fileName, const QByteArray &content)
{
    const QByteArray hash = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
    OutboxAction a;
    a.action = QStringLiteral("file.upload");
    a.objectId = dispute;
    a.path = QStringLiteral("/v1/files");
    // The boundary comes from the file's hash: the same file is the same body, byte for byte.
    a.body = network::multipartBody(
        {{QStringLiteral("purpose"), QStringLiteral("dispute_evidence")}}, QStringLiteral("file"),
        fileName, evidenceMimeType(content), content, "paydesk-" + hash.left(40));
    a.intent = QStringLiteral("dispute %1 file %2 sha256=%3")
                   .arg(dispute, field, QString::fromLatin1(hash));
    return a;
}

OutboxAction approveReview(const QString &review)
{
    OutboxAction a;
    a.action = QStringLiteral("review.approve");
    a.objectId = review;
    a.path = QStringLiteral("/v1/reviews/") + review + QStringLiteral("/approve");
    a.intent = QStringLiteral("review approve ") + review;
    return a;
}

OutboxAction acceptDispute(const QString &id)
{
    OutboxAction a;
    a.action = QStringLiteral("dispute.accept");
    a.objectId = id;
    a.path = QStringLiteral("/v1/disputes/") + id + QStringLiteral("/close");
    return a;
}

QString disputeRefusal(const QJsonObject &dispute, qint64 now)
{
    const QString status = str(dispute, "status");
    if (status == QLatin1String("won") || status == QLatin1String("lost")
        || status == QLatin1String("warning_closed") || status == QLatin1String("charge_refunded"))
        return tr("The dispute is closed (%1).").arg(status);
    if (status != QLatin1String("needs_response")
        && status != QLatin1String("warning_needs_response"))
        return tr("The dispute's evidence was submitted already (%1); the bank decides it now.")
            .arg(status);
    const qint64 due = dispute.value(QLatin1String("evidence_details"))
                           .toObject()
                           .value(QLatin1String("due_by"))
                           .toInteger();
    if (due > 0 && now > due)
        return tr("The deadline for a response passed on %1.")
            .arg(QDateTime::fromSecsSinceEpoch(due, QTimeZone::utc())
                     .toString(QStringLiteral("d MMM yyyy HH:mm 'UTC'")));
    return {};
}

const QStringList &disputeTextFields()
{
    static const QStringList fields {QStringLiteral("access_activity_log"),
                                     QStringLiteral("billing_address"),
                                     QStringLiteral("cancellation_policy_disclosure"),
                                     QStringLiteral("cancellation_rebuttal"),
                                     QStringLiteral("customer_email_address"),
                                     QStringLiteral("customer_name"),
                                     QStringLiteral("customer_purchase_ip"),
                                     QStringLiteral("duplicate_charge_explanation"),
                                     QStringLiteral("duplicate_charge_id"),
                                     QStringLiteral("product_description"),
                                     QStringLiteral("refund_policy_disclosure"),
                                     QStringLiteral("refund_refusal_explanation"),
                                     QStringLiteral("service_date"),
                                     QStringLiteral("shipping_address"),
                                     QStringLiteral("shipping_carrier"),
                                     QStringLiteral("shipping_date"),
                                     QStringLiteral("shipping_tracking_number"),
                                     QStringLiteral("uncategorized_text")};
    return fields;
}

StaffError readError(const network::StripeError &e)
{
    StaffError out;
    out.requestId = e.requestId;
    out.field = e.param.section(u'[', 0, 0);
    const QString &code = e.code;
    const QString stripe = e.message;
    using Kind = network::StripeError::Kind;
    if (e.kind == Kind::Network || e.kind == Kind::Timeout || e.kind == Kind::Truncated
        || e.kind == Kind::InvalidResponse) {
        out.message = tr("Stripe's answer did not arrive (%1). The action is kept with its "
                         "idempotency key and is sent again, so it cannot happen twice.")
                          .arg(e.userMessage());
        return out;
    }
    if (e.kind == Kind::Tls) {
        out.message = tr("The connection to Stripe is not secure: %1").arg(e.message);
        return out;
    }
    if (e.httpStatus == 401) {
        out.message = tr("Stripe did not accept the API key: %1").arg(stripe);
    } else if (e.httpStatus == 403 || code == QLatin1String("secret_key_required")
               || network::isPermissionRefusal(stripe)) {
        out.permission = network::missingPermission(stripe);
        out.message = !out.permission.isEmpty()
            ? tr("This API key may not do this: it needs the %1 permission. Use a key "
                 "with that permission, or a secret key.")
                  .arg(out.permission)
            : tr("This API key may not do this: %1").arg(stripe);
        out.field.clear();
    } else if (code == QLatin1String("charge_already_refunded")) {
        out.message = tr("This payment has already been refunded in full.");
        out.field = QStringLiteral("amount");
    } else if (code == QLatin1String("amount_too_large")) {
        out.message = tr("The amount is more than what is left to refund (Stripe: %1)").arg(stripe);
        out.field = QStringLiteral("amount");
    } else if (code == QLatin1String("charge_disputed")) {
        out.message = tr("This payment is disputed, so it cannot be refunded; respond to the "
                         "dispute instead.");
    } else if (code == QLatin1String("charge_not_refundable")) {
        out.message = tr("This payment cannot be refunded: %1").arg(stripe);
    } else if (code == QLatin1String("email_invalid")) {
        out.message = tr("Stripe refused the email address: %1").arg(stripe);
        out.field = QStringLiteral("email");
    } else if (code == QLatin1String("resource_missing")) {
        out.message = tr("Stripe has no such object: %1").arg(stripe);
    } else if (e.type == QLatin1String("card_error")) {
        out.message = e.declineCode.isEmpty()
            ? tr("The card was declined: %1").arg(stripe)
            : tr("The card was declined (%1): %2").arg(e.declineCode, stripe);
    } else if (e.type == QLatin1String("idempotency_error")) {
        out.message = tr("Stripe saw this idempotency key with other parameters: %1").arg(stripe);
    } else if (e.httpStatus == 429) {
        out.message = tr("Stripe is limiting the request rate; the action is sent again "
                         "shortly with the same idempotency key.");
    } else if (e.httpStatus >= 500) {
        out.message = tr("Stripe had a problem (HTTP %1); the action is sent again with the same "
                         "idempotency key.")
                          .arg(e.httpStatus);
    } else {
        out.message = stripe.isEmpty() ? e.userMessage() : stripe;
    }
    return out;
}

QString actionKind(const QString &action)
{
    return action.section(u'.', 0, 0);
}

StaffError readError(const OutboxEntry &entry)
{
    if (entry.response.isEmpty()) {
        StaffError e;
        e.message = entry.error;
        e.requestId = entry.requestId;
        return e;
    }
    network::StripeResponse r = network::parseStripeResponse(entry.httpStatus, entry.response, {});
    r.error.requestId = entry.requestId;
    return readError(r.error);
}

} // namespace staffactions

} // namespace paydesk::models
