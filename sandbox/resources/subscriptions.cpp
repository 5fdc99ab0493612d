#include "sandbox/formparams.h"
#include "sandbox/objects.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

namespace {

// The end of a billing period that starts at `start`, as Stripe counts calendar intervals.
qint64 periodEnd(qint64 start, const QString &interval, qint64 count)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(start, QTimeZone::utc());
    const int n = int(std::max<qint64>(1, count));
    if (interval == QLatin1String("day"))
        return t.addDays(n).toSecsSinceEpoch();
    if (interval == QLatin1String("week"))
        return t.addDays(7 * n).toSecsSinceEpoch();
    if (interval == QLatin1String("year"))
        return t.addYears(n).toSecsSinceEpoch();
    return t.addMonths(n).toSecsSinceEpoch();
}

const QStringList &feedbackValues()
{
    static const QStringList values {
        L("customer_service"), L("low_quality"), L("missing_features"), L("other"),
        L("switched_service"), L("too_complex"), L("too_expensive"),    L("unused")};
    return values;
}

} // namespace

std::optional<StripeSandbox::Reply> StripeSandbox::applyCancellationDetails(QJsonObject *sub,
                                                                            const QJsonValue &given)
{
    if (given.isUndefined())
        return {};
    if (!given.isObject())
        return error(400, kInvalidRequest,
                     L("Invalid cancellation_details: must be an object with comment and "
                       "feedback."),
                     L("parameter_invalid_empty"), L("cancellation_details"));
    const QJsonObject in = given.toObject();
    QJsonObject details = sub->value(L("cancellation_details")).toObject();
    for (auto it = in.begin(); it != in.end(); ++it) {
        const QString value = it.value().toString();
        if (it.key() == QLatin1String("comment")) {
            if (value.size() > 5000)
                return error(400, kInvalidRequest,
                             L("Invalid cancellation_details[comment]: must be at most 5000 "
                               "characters."),
                             {}, L("cancellation_details[comment]"));
            details.insert(L("comment"), value.isEmpty() ? QJsonValue() : QJsonValue(value));
        } else if (it.key() == QLatin1String("feedback")) {
            if (!value.isEmpty() && !feedbackValues().contains(value))
                return error(400, kInvalidRequest,
                             L("Invalid cancellation_details[feedback]: must be one of %1")
                                 .arg(feedbackValues().join(L(", "))),
                             {}, L("cancellation_details[feedback]"));
            details.insert(L("feedback"), value.isEmpty() ? QJsonValue() : QJsonValue(value));
        } else {
            return error(400, kInvalidRequest,
                         L("Received unknown parameter: cancellation_details[%1]").arg(it.key()),
                         {}, L("cancellation_details[%1]").arg(it.key()));
        }
    }
    for (const char *k : {"comment", "feedback", "reason"})
        if (!details.contains(QLatin1String(k)))
            details.insert(QLatin1String(k), QJsonValue());
    sub->insert(L("cancellation_details"), details);
    return {};
}

std::optional<StripeSandbox::Reply> StripeSandbox::applyPauseCollection(QJsonObject *sub,
                                                                        const QJsonValue &given)
{
    if (given.isString()) {
        if (!given.toString().isEmpty())
            return error(400, kInvalidRequest,
                         L("Invalid pause_collection: must be an object or an empty string."), {},
                         L("pause_collection"));
        sub->insert(L("pause_collection"), QJsonValue());
        return {};
    }
    const QJsonObject in = given.toObject();
    for (auto it = in.begin(); it != in.end(); ++it)
        if (it.key() != QLatin1String("behavior") && it.key() != QLatin1String("resumes_at"))
            return error(400, kInvalidRequest,
                         L("Received unknown parameter: pause_collection[%1]").arg(it.key()), {},
                         L("pause_collection[%1]").arg(it.key()));
    const QString behavior = in.value(L("behavior")).toString();
    if (behavior.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: pause_collection[behavior]."),
                     L("parameter_missing"), L("pause_collection[behavior]"));
    if (behavior != QLatin1String("keep_as_draft")
        && behavior != QLatin1String("mark_uncollectible") && behavior != QLatin1String("void"))
        return error(400, kInvalidRequest,
                     L("Invalid pause_collection[behavior]: must be one of keep_as_draft, "
                       "mark_uncollectible, or void"),
                     {}, L("pause_collection[behavior]"));
    QJsonValue resumesAt;
    if (in.contains(L("resumes_at"))) {
        const std::optional<qint64> at = parseInteger(in.value(L("resumes_at")).toString());
        if (!at)
            return error(400, kInvalidRequest,
                         L("Invalid integer: %1").arg(in.value(L("resumes_at")).toString()), {},
                         L("pause_collection[resumes_at]"));
        if (*at <= now())
            return error(400, kInvalidRequest,
                         L("Invalid pause_collection[resumes_at]: must be a timestamp in the "
                           "future."),
                         {}, L("pause_collection[resumes_at]"));
        resumesAt = *at;
    }
    sub->insert(L("pause_collection"),
                QJsonObject {{L("behavior"), behavior}, {L("resumes_at"), resumesAt}});
    return {};
}

std::optional<StripeSandbox::Reply> StripeSandbox::applyCoupon(QJsonObject *sub,
                                                               const QString &couponId)
{
    if (couponId.isEmpty()) {
        sub->insert(L("discount"), QJsonValue());
        return {};
    }
    const auto coupon = m_store.coupons.get(couponId.toLatin1());
    if (!coupon)
        return error(400, kInvalidRequest, L("No such coupon: '%1'").arg(couponId),
                     L("resource_missing"), L("coupon"));
    if (!coupon->value(L("valid")).toBool(true))
        return error(400, kInvalidRequest, L("Coupon expired: %1").arg(couponId),
                     L("coupon_expired"), L("coupon"));
    const QString couponCurrency = coupon->value(L("currency")).toString();
    if (!coupon->value(L("amount_off")).isNull() && !couponCurrency.isEmpty()
        && couponCurrency != sub->value(L("currency")).toString())
        return error(400, kInvalidRequest,
                     L("The coupon %1 is in %2, but the subscription is in %3.")
                         .arg(couponId, couponCurrency.toUpper(),
                              sub->value(L("currency")).toString().toUpper()),
                     {}, L("coupon"));
    const qint64 t = now();
    QJsonValue end;
    if (coupon->value(L("duration")).toString() == QLatin1String("repeating"))
        end = QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc())
                  .addMonths(int(coupon->value(L("duration_in_months")).toInteger()))
                  .toSecsSinceEpoch();
    sub->insert(L("discount"),
                QJsonObject {{L("id"), m_ids.next("di")},
                             {L("object"), L("discount")},
                             {L("checkout_session"), QJsonValue()},
                             {L("coupon"), *coupon},
                             {L("customer"), sub->value(L("customer"))},
                             {L("end"), end},
                             {L("invoice"), QJsonValue()},
                             {L("invoice_item"), QJsonValue()},
                             {L("promotion_code"), QJsonValue()},
                             {L("start"), t},
                             {L("subscription"), sub->value(L("id"))}});
    return {};
}

std::optional<StripeSandbox::Reply> StripeSandbox::applyTrialEnd(QJsonObject *sub,
                                                                 const QString &given)
{
    const qint64 t = now();
    const QString status = sub->value(L("status")).toString();
    const QJsonArray items
        = m_store.fullLists.value(sub->value(L("id")).toString() + L(":items"),
                                  sub->value(L("items")).toObject().value(L("data")).toArray());
    const QJsonObject recurring
        = items.first().toObject().value(L("price")).toObject().value(L("recurring")).toObject();
    if (given == QLatin1String("now")) {
        if (status != QLatin1String("trialing"))
            return {}; // No trial to end: Stripe leaves the subscription as it is.
        // The trial ends now: a new period starts and its first invoice is charged.
        const qint64 end = periodEnd(t, recurring.value(L("interval")).toString(),
                                     recurring.value(L("interval_count")).toInteger());
        sub->insert(L("trial_end"), t);
        sub->insert(L("status"), L("active"));
        sub->insert(L("current_period_start"), t);
        sub->insert(L("current_period_end"), end);
        sub->insert(L("billing_cycle_anchor"), t);
        InvoiceSpec spec;
        spec.id = m_ids.next("in");
        spec.created = t;
        spec.customer = sub->value(L("customer")).toString();
        spec.subscription = sub->value(L("id")).toString();
        spec.currency = sub->value(L("currency")).toString();
        spec.billingReason = L("subscription_update");
        spec.periodStart = t;
        spec.periodEnd = t;
        QByteArrayList lines;
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            const QJsonObject price = item.value(L("price")).toObject();
            LineItemSpec line;
            line.id = m_ids.next("il");
            line.quantity = std::max<qint64>(1, item.value(L("quantity")).toInteger());
            line.unitAmount = price.value(L("unit_amount")).toInteger();
            line.amount = line.unitAmount * line.quantity;
            line.currency = spec.currency;
            line.description = L("%1 × %2")
                                   .arg(line.quantity)
                                   .arg(price.value(L("nickname")).toString().isEmpty()
                                            ? price.value(L("id")).toString()
                                            : price.value(L("nickname")).toString());
            line.periodStart = t;
            line.periodEnd = end;
            line.price = toCompactJson(price);
            line.subscription = spec.subscription;
            line.subscriptionItem = item.value(L("id")).toString();
            spec.subtotal += line.amount;
            lines.append(lineItemJson(line));
        }
        spec.lines = '[' + lines.join(',') + ']';
        const QJsonObject discount = sub->value(L("discount")).toObject();
        if (!discount.isEmpty()) {
            const QJsonObject coupon = discount.value(L("coupon")).toObject();
            if (!coupon.value(L("percent_off")).isNull())
                spec.discount = qint64(std::llround(
                    double(spec.subtotal) * coupon.value(L("percent_off")).toDouble() / 100.0));
            else
                spec.discount = std::min(spec.subtotal, coupon.value(L("amount_off")).toInteger());
            spec.discountId = discount.value(L("id")).toString();
        }
        spec.total = spec.subtotal - spec.discount;
        spec.status = L("open");
        const QJsonObject invoice = parseObject(invoiceJson(spec));
        m_store.invoices.insert(invoice, spec.customer.toLatin1(), QByteArrayLiteral("open"));
        emitEvent(L("invoice.created"), invoice);
        sub->insert(L("latest_invoice"), spec.id);
        const Reply paid = invoiceAction(spec.id, L("pay"), FormParams {});
        if (paid.status != 200)
            sub->insert(L("status"), L("past_due"));
        return {};
    }
    const std::optional<qint64> at = parseInteger(given);
    if (!at)
        return error(400, kInvalidRequest,
                     L("Invalid trial_end: must be 'now' or an integer Unix timestamp."), {},
                     L("trial_end"));
    if (*at <= t)
        return error(400, kInvalidRequest,
                     L("Invalid timestamp: must be an integer Unix timestamp in the future."), {},
                     L("trial_end"));
    const qint64 anchor = std::max(t, sub->value(L("billing_cycle_anchor")).toInteger());
    if (*at
        > QDateTime::fromSecsSinceEpoch(anchor, QTimeZone::utc()).addYears(2).toSecsSinceEpoch())
        return error(400, kInvalidRequest,
                     L("Invalid trial_end: can be at most two years from billing_cycle_anchor."),
                     {}, L("trial_end"));
    // A trial set or extended: the current period runs to its end, and billing starts then.
    // (Stripe would also credit the unused part of a period already paid for, by the
    // subscription's proration_behavior; the sandbox does not.)
    if (status != QLatin1String("trialing"))
        sub->insert(L("trial_start"), t);
    sub->insert(L("status"), L("trialing"));
    sub->insert(L("trial_end"), *at);
    sub->insert(L("current_period_end"), *at);
    sub->insert(L("billing_cycle_anchor"), *at);
    return {};
}

StripeSandbox::Reply StripeSandbox::updateSubscription(const QString &id, const FormParams &params)
{
    const auto existing = m_store.subscriptions.get(id.toLatin1());
    if (!existing)
        return missing(L("subscription"), id);
    QJsonObject sub = *existing;
    const QString status = sub.value(L("status")).toString();
    const bool canceled
        = status == QLatin1String("canceled") || status == QLatin1String("incomplete_expired");
    const QJsonObject tree = params.tree();
    static const QStringList implemented {L("cancel_at_period_end"), L("description"),
                                          L("pause_collection"), L("trial_end"), L("coupon")};
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString &k = it.key();
        if (k == QLatin1String("metadata") || k == QLatin1String("cancellation_details")
            || k == QLatin1String("expand"))
            continue;
        if (canceled)
            return error(400, kInvalidRequest,
                         L("A canceled subscription can only update its cancellation_details and "
                           "metadata."));
        if (!implemented.contains(k))
            return error(
                400, kInvalidRequest,
                L("The sandbox does not implement the parameter %1 of this endpoint.").arg(k), {},
                k);
    }
    if (tree.contains(L("cancel_at_period_end"))) {
        const QString v = params.value(L("cancel_at_period_end"));
        if (v != QLatin1String("true") && v != QLatin1String("false"))
            return error(400, kInvalidRequest, L("Invalid boolean: %1").arg(v),
                         L("parameter_invalid_boolean"), L("cancel_at_period_end"));
        const bool atEnd = isTrue(v);
        sub.insert(L("cancel_at_period_end"), atEnd);
        sub.insert(L("cancel_at"), atEnd ? sub.value(L("current_period_end")) : QJsonValue());
        sub.insert(L("canceled_at"), atEnd ? QJsonValue(now()) : QJsonValue());
        QJsonObject details = sub.value(L("cancellation_details")).toObject();
        details.insert(L("reason"), atEnd ? QJsonValue(L("cancellation_requested")) : QJsonValue());
        sub.insert(L("cancellation_details"), details);
    }
    if (const auto bad = applyCancellationDetails(&sub, tree.value(L("cancellation_details"))))
        return *bad;
    if (tree.contains(L("pause_collection")))
        if (const auto bad = applyPauseCollection(&sub, tree.value(L("pause_collection"))))
            return *bad;
    if (tree.contains(L("coupon")))
        if (const auto bad = applyCoupon(&sub, params.value(L("coupon"))))
            return *bad;
    // Last: ending a trial invoices the subscription as the other changes left it.
    if (tree.contains(L("trial_end")))
        if (const auto bad = applyTrialEnd(&sub, params.value(L("trial_end"))))
            return *bad;
    if (tree.contains(L("description")))
        sub.insert(L("description"),
                   params.value(L("description")).isEmpty()
                       ? QJsonValue()
                       : QJsonValue(params.value(L("description"))));
    if (tree.contains(L("metadata")))
        sub.insert(L("metadata"),
                   mergedMetadata(sub.value(L("metadata")).toObject(), tree.value(L("metadata"))));
    sub = embedLists(sub); // Stored, announced and answered as Stripe embeds it.
    const QJsonObject previous = changedFields(*existing, sub);
    m_store.subscriptions.replace(sub, sub.value(L("status")).toString().toLatin1());
    if (!previous.isEmpty()) {
        const QJsonObject before = existing->value(L("discount")).toObject();
        const QJsonObject after = sub.value(L("discount")).toObject();
        if (!before.isEmpty() && before.value(L("id")) != after.value(L("id")))
            emitEvent(L("customer.discount.deleted"), before);
        if (!after.isEmpty() && before.value(L("id")) != after.value(L("id")))
            emitEvent(L("customer.discount.created"), after);
        emitEvent(L("customer.subscription.updated"), sub, previous);
    }
    return {
        200, params.list(L("expand")).isEmpty() ? sub : expand(sub, params.list(L("expand"))), {}};
}

StripeSandbox::Reply StripeSandbox::cancelSubscription(const QString &id, const FormParams &params)
{
    const auto existing = m_store.subscriptions.get(id.toLatin1());
    if (!existing)
        return missing(L("subscription"), id);
    QJsonObject sub = *existing;
    if (sub.value(L("status")).toString() == QLatin1String("canceled"))
        return missing(L("subscription"),
                       id); // Stripe: a canceled subscription cannot be canceled again.
    const qint64 t = now();
    sub.insert(L("status"), L("canceled"));
    sub.insert(L("canceled_at"), t);
    sub.insert(L("ended_at"), t);
    sub.insert(L("cancel_at_period_end"), false);
    QJsonObject details = sub.value(L("cancellation_details")).toObject();
    details.insert(L("reason"), L("cancellation_requested"));
    sub.insert(L("cancellation_details"), details);
    if (const auto bad
        = applyCancellationDetails(&sub, params.tree().value(L("cancellation_details"))))
        return *bad;

    // With prorate and invoice_now, the unused part of the period is credited on a final invoice.
    if (isTrue(params.value(L("prorate"))) && isTrue(params.value(L("invoice_now")))) {
        const qint64 start = sub.value(L("current_period_start")).toInteger();
        const qint64 end = sub.value(L("current_period_end")).toInteger();
        const QJsonObject item
            = sub.value(L("items")).toObject().value(L("data")).toArray().first().toObject();
        const QJsonObject price = item.value(L("price")).toObject();
        const qint64 full = price.value(L("unit_amount")).toInteger()
            * std::max<qint64>(1, item.value(L("quantity")).toInteger());
        const qint64 credit = end > start && t < end ? -(full * (end - t) / (end - start)) : 0;
        const QString invoiceId = m_ids.next("in");
        LineItemSpec line;
        line.id = m_ids.next("il");
        line.amount = credit;
        line.currency = sub.value(L("currency")).toString();
        line.description = L("Unused time after cancellation");
        line.proration = true;
        line.periodStart = t;
        line.periodEnd = end;
        line.price = toCompactJson(price);
        line.unitAmount = price.value(L("unit_amount")).toInteger();
        line.quantity = std::max<qint64>(1, item.value(L("quantity")).toInteger());
        line.subscription = id;
        line.subscriptionItem = item.value(L("id")).toString();
        InvoiceSpec spec;
        spec.id = invoiceId;
        spec.created = t;
        spec.customer = sub.value(L("customer")).toString();
        spec.subscription = id;
        spec.currency = line.currency;
        spec.billingReason = L("subscription_update");
        spec.lines = '[' + lineItemJson(line) + ']';
        spec.subtotal = spec.total = spec.endingBalance = credit;
        spec.status = L("paid");
        spec.periodStart = start;
        spec.periodEnd = t;
        const QJsonObject invoice = parseObject(invoiceJson(spec));
        m_store.invoices.insert(invoice, sub.value(L("customer")).toString().toLatin1(),
                                QByteArrayLiteral("paid"));
        sub.insert(L("latest_invoice"), invoiceId);
        emitEvent(L("invoice.created"), invoice);
    }
    sub = embedLists(sub);
    m_store.subscriptions.replace(sub, QByteArrayLiteral("canceled"));
    ++m_counters[L("subscriptions_canceled")];
    emitEvent(L("customer.subscription.deleted"), sub);
    return {200, sub, {}};
}

} // namespace paydesk::sandbox
