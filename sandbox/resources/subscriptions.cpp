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

LineItemSpec StripeSandbox::periodLine(const QJsonObject &sub, const QJsonObject &item, qint64 from,
                                       qint64 to)
{
    const QJsonObject price = item.value(L("price")).toObject();
    LineItemSpec line;
    line.id = m_ids.next("il");
    line.quantity = std::max<qint64>(1, item.value(L("quantity")).toInteger());
    line.unitAmount = price.value(L("unit_amount")).toInteger();
    line.amount = line.unitAmount * line.quantity;
    line.currency = sub.value(L("currency")).toString();
    line.description = L("%1 × %2").arg(line.quantity).arg(priceName(price));
    line.periodStart = from;
    line.periodEnd = to;
    line.price = toCompactJson(price);
    line.subscription = sub.value(L("id")).toString();
    line.subscriptionItem = item.value(L("id")).toString();
    return line;
}

QString StripeSandbox::priceName(const QJsonObject &price)
{
    return price.value(L("nickname")).toString().isEmpty() ? price.value(L("id")).toString()
                                                           : price.value(L("nickname")).toString();
}

InvoiceSpec StripeSandbox::invoiceOf(const QJsonObject &sub, const QList<LineItemSpec> &lines,
                                     const QString &billingReason)
{
    const qint64 t = now();
    InvoiceSpec spec;
    spec.id = m_ids.next("in");
    spec.created = t;
    spec.customer = sub.value(L("customer")).toString();
    spec.subscription = sub.value(L("id")).toString();
    spec.currency = sub.value(L("currency")).toString();
    spec.billingReason = billingReason;
    spec.periodStart = t;
    spec.periodEnd = t;
    QByteArrayList json;
    qint64 discountable = 0;
    for (const LineItemSpec &line : lines) {
        spec.subtotal += line.amount;
        if (!line.proration)
            discountable += line.amount;
        json.append(lineItemJson(line));
    }
    spec.lines = '[' + json.join(',') + ']';
    // The subscription's discount applies to its regular lines, not to prorations.
    const QJsonObject discount = sub.value(L("discount")).toObject();
    if (!discount.isEmpty() && discountable > 0) {
        const QJsonObject coupon = discount.value(L("coupon")).toObject();
        if (!coupon.value(L("percent_off")).isNull())
            spec.discount = qint64(std::llround(
                double(discountable) * coupon.value(L("percent_off")).toDouble() / 100.0));
        else
            spec.discount = std::min(discountable, coupon.value(L("amount_off")).toInteger());
        spec.discountId = discount.value(L("id")).toString();
    }
    spec.total = spec.subtotal - spec.discount;
    if (spec.total < 0)
        spec.endingBalance = spec.total; // A credit the customer keeps for later invoices.
    return spec;
}

bool StripeSandbox::invoiceNow(QJsonObject *sub, const QList<LineItemSpec> &lines,
                               const QString &billingReason)
{
    InvoiceSpec spec = invoiceOf(*sub, lines, billingReason);
    spec.status = spec.total > 0 ? L("open") : L("paid");
    const QJsonObject invoice = parseObject(invoiceJson(spec));
    m_store.invoices.insert(invoice, spec.customer.toLatin1(), spec.status.toLatin1());
    emitEvent(L("invoice.created"), invoice);
    sub->insert(L("latest_invoice"), spec.id);
    if (spec.total <= 0)
        return true;
    return invoiceAction(spec.id, L("pay"), FormParams {}).status == 200;
}

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

void StripeSandbox::resumeDuePauses()
{
    if (m_store.scheduledResumes.isEmpty())
        return;
    const qint64 t = now();
    for (auto it = m_store.scheduledResumes.begin(); it != m_store.scheduledResumes.end();) {
        if (it.value() > t) {
            ++it;
            continue;
        }
        const auto existing = m_store.subscriptions.get(it.key().toLatin1());
        it = m_store.scheduledResumes.erase(it);
        if (!existing || !existing->value(L("pause_collection")).isObject())
            continue;
        QJsonObject sub = *existing;
        sub.insert(L("pause_collection"), QJsonValue());
        m_store.subscriptions.replace(sub, sub.value(L("status")).toString().toLatin1());
        // Stripe announces the end of a collection pause as an update of the subscription.
        emitEvent(L("customer.subscription.updated"), sub, changedFields(*existing, sub));
    }
}

std::optional<StripeSandbox::Reply> StripeSandbox::applyPauseCollection(QJsonObject *sub,
                                                                        const QJsonValue &given)
{
    m_store.scheduledResumes.remove(sub->value(L("id")).toString());
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
    if (!resumesAt.isNull())
        m_store.scheduledResumes.insert(sub->value(L("id")).toString(), resumesAt.toInteger());
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
    const QJsonArray items = fullList(*sub, "items");
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
        QList<LineItemSpec> lines;
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            lines.append(periodLine(*sub, item, t, end));
        }
        if (!invoiceNow(sub, lines, L("subscription_update")))
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

namespace {

// amount × part ÷ whole, rounded half away from zero, in integers.
qint64 prorated(qint64 amount, qint64 part, qint64 whole)
{
    if (whole <= 0)
        return 0;
    const qint64 magnitude = (std::abs(amount) * part * 2 + whole) / (2 * whole);
    return amount < 0 ? -magnitude : magnitude;
}

QString itemParam(qsizetype i, const char *key)
{
    return QStringLiteral("items[%1][%2]").arg(i).arg(QLatin1String(key));
}

} // namespace

std::optional<StripeSandbox::Reply> StripeSandbox::applyItems(QJsonObject *sub,
                                                              const QJsonValue &given, qint64 at,
                                                              QList<LineItemSpec> *prorations,
                                                              bool *newPeriod)
{
    if (!given.isArray())
        return error(400, kInvalidRequest, L("Invalid array: items must be a list of items."), {},
                     L("items"));
    const QString subId = sub->value(L("id")).toString();
    QJsonArray items = fullList(*sub, "items");
    const QJsonArray before = items;
    const QString currency = sub->value(L("currency")).toString();
    const QJsonArray changes = given.toArray();
    for (qsizetype i = 0; i < changes.size(); ++i) {
        const QJsonObject change = changes.at(i).toObject();
        for (auto it = change.begin(); it != change.end(); ++it)
            if (!QStringList {L("id"), L("price"), L("quantity"), L("deleted")}.contains(it.key()))
                return error(400, kInvalidRequest,
                             L("Received unknown parameter: items[%1][%2]").arg(i).arg(it.key()),
                             {}, L("items[%1][%2]").arg(i).arg(it.key()));
        qsizetype index = -1;
        const QString itemId = change.value(L("id")).toString();
        if (!itemId.isEmpty()) {
            for (qsizetype j = 0; j < items.size(); ++j)
                if (items.at(j).toObject().value(L("id")).toString() == itemId)
                    index = j;
            if (index < 0)
                return error(400, kInvalidRequest, L("No such subscription item: '%1'").arg(itemId),
                             L("resource_missing"), itemParam(i, "id"));
        }
        if (isTrue(change.value(L("deleted")).toString())) {
            if (index < 0)
                return error(400, kInvalidRequest, L("An item to delete is named by its id."), {},
                             itemParam(i, "id"));
            items.removeAt(index);
            continue;
        }
        QJsonObject item = index >= 0 ? items.at(index).toObject() : QJsonObject();
        if (change.contains(L("price"))) {
            const QString priceId = change.value(L("price")).toString();
            const auto price = m_store.prices.get(priceId.toLatin1());
            if (!price)
                return error(400, kInvalidRequest, L("No such price: '%1'").arg(priceId),
                             L("resource_missing"), itemParam(i, "price"));
            if (price->value(L("type")).toString() != QLatin1String("recurring")
                || !price->value(L("recurring")).isObject())
                return error(400, kInvalidRequest,
                             L("The price specified is set to `type=one_time` but this field "
                               "only accepts prices with `type=recurring`."),
                             {}, itemParam(i, "price"));
            if (!price->value(L("active")).toBool(true))
                return error(400, kInvalidRequest,
                             L("The price specified is inactive. This field only accepts active "
                               "prices."),
                             {}, itemParam(i, "price"));
            if (price->value(L("currency")).toString() != currency)
                return error(
                    400, kInvalidRequest,
                    L("The price specified is in %1, but this subscription is billed in "
                      "%2. All items of a subscription are in one currency.")
                        .arg(price->value(L("currency")).toString().toUpper(), currency.toUpper()),
                    {}, itemParam(i, "price"));
            item.insert(L("price"), *price);
        } else if (index < 0) {
            return error(400, kInvalidRequest,
                         L("Missing required param: %1.").arg(itemParam(i, "price")),
                         L("parameter_missing"), itemParam(i, "price"));
        }
        if (change.contains(L("quantity"))) {
            const std::optional<qint64> q = parseInteger(change.value(L("quantity")).toString());
            if (!q || *q < 0)
                return error(400, kInvalidRequest,
                             L("Invalid non-negative integer: %1")
                                 .arg(change.value(L("quantity")).toString()),
                             {}, itemParam(i, "quantity"));
            item.insert(L("quantity"), *q);
        } else if (index < 0) {
            item.insert(L("quantity"), 1);
        }
        if (index < 0) {
            item.insert(L("id"), m_ids.next("si"));
            item.insert(L("object"), L("subscription_item"));
            item.insert(L("created"), at);
            item.insert(L("metadata"), QJsonObject());
            item.insert(L("subscription"), subId);
            item.insert(L("billing_thresholds"), QJsonValue());
            item.insert(L("tax_rates"), QJsonArray());
            for (const QJsonValue &other : std::as_const(items))
                if (other.toObject().value(L("price")).toObject().value(L("id"))
                    == item.value(L("price")).toObject().value(L("id")))
                    return error(400, kInvalidRequest,
                                 L("Cannot add multiple subscription items with the same price."),
                                 {}, itemParam(i, "price"));
            items.append(item);
        } else {
            items.replace(index, item);
        }
    }
    if (items.isEmpty())
        return error(400, kInvalidRequest,
                     L("A subscription needs at least one item; to end it, cancel it."), {},
                     L("items"));
    // One billing interval for all items; when it changes, the period restarts now.
    auto interval = [](const QJsonValue &item) -> QString {
        const QJsonObject r
            = item.toObject().value(L("price")).toObject().value(L("recurring")).toObject();
        return r.value(L("interval")).toString() + u' '
            + QString::number(std::max<qint64>(1, r.value(L("interval_count")).toInteger()));
    };
    for (const QJsonValue &item : std::as_const(items))
        if (interval(item) != interval(items.first()))
            return error(400, kInvalidRequest,
                         L("All items of a subscription must have the same billing interval."), {},
                         L("items"));
    *newPeriod = interval(items.first()) != interval(before.first());

    // Prorations: what each item was and is, over the rest of the period.
    const qint64 start = sub->value(L("current_period_start")).toInteger();
    const qint64 end = sub->value(L("current_period_end")).toInteger();
    auto find = [](const QJsonArray &list, const QString &id) {
        for (const QJsonValue &v : list)
            if (v.toObject().value(L("id")).toString() == id)
                return v.toObject();
        return QJsonObject();
    };
    auto amountOf = [](const QJsonObject &item) {
        return item.isEmpty()
            ? 0
            : item.value(L("price")).toObject().value(L("unit_amount")).toInteger()
                * item.value(L("quantity")).toInteger();
    };
    QStringList ids;
    for (const QJsonValue &v : before)
        ids.append(v.toObject().value(L("id")).toString());
    for (const QJsonValue &v : std::as_const(items))
        if (!ids.contains(v.toObject().value(L("id")).toString()))
            ids.append(v.toObject().value(L("id")).toString());
    const QString when = QDateTime::fromSecsSinceEpoch(at, QTimeZone::utc())
                             .toString(QStringLiteral("d MMM yyyy"));
    for (const QString &id : std::as_const(ids)) {
        const QJsonObject was = find(before, id);
        const QJsonObject is = find(items, id);
        const bool samePrice = !was.isEmpty() && !is.isEmpty()
            && was.value(L("price")).toObject().value(L("id"))
                == is.value(L("price")).toObject().value(L("id"))
            && was.value(L("quantity")) == is.value(L("quantity"));
        if (samePrice || at >= end)
            continue;
        auto line = [&](const QJsonObject &item, bool credit) {
            LineItemSpec l = periodLine(*sub, item, at, end);
            l.proration = true;
            l.amount = prorated(credit ? -amountOf(item) : amountOf(item), end - at, end - start);
            l.description = (credit ? L("Unused time on %1 × %2 after %3")
                                    : L("Remaining time on %1 × %2 after %3"))
                                .arg(item.value(L("quantity")).toInteger())
                                .arg(priceName(item.value(L("price")).toObject()), when);
            return l;
        };
        if (!was.isEmpty() && amountOf(was) != 0)
            prorations->append(line(was, true));
        // A new period bills the new items in full instead.
        if (!is.isEmpty() && amountOf(is) != 0 && !*newPeriod)
            prorations->append(line(is, false));
    }
    QJsonObject list = sub->value(L("items")).toObject();
    list.insert(L("data"), items);
    list.insert(L("has_more"), false);
    sub->insert(L("items"), list);
    m_store.fullLists.remove(subId + L(":items"));
    return {};
}

std::optional<StripeSandbox::Reply> StripeSandbox::readProration(const FormParams &params,
                                                                 const QString &prefix,
                                                                 const QJsonObject &sub,
                                                                 QString *behavior, qint64 *at)
{
    const QString behaviorKey = prefix + L("proration_behavior");
    const QString dateKey = prefix + L("proration_date");
    *behavior = params.has(behaviorKey) ? params.value(behaviorKey) : L("create_prorations");
    if (*behavior != QLatin1String("create_prorations") && *behavior != QLatin1String("none")
        && *behavior != QLatin1String("always_invoice"))
        return error(400, kInvalidRequest,
                     L("Invalid %1: must be one of always_invoice, create_prorations, or none")
                         .arg(behaviorKey),
                     {}, behaviorKey);
    *at = now();
    if (params.has(dateKey)) {
        const std::optional<qint64> t = parseInteger(params.value(dateKey));
        if (!t)
            return error(400, kInvalidRequest, L("Invalid integer: %1").arg(params.value(dateKey)),
                         {}, dateKey);
        if (*t < sub.value(L("current_period_start")).toInteger()
            || *t > sub.value(L("current_period_end")).toInteger())
            return error(400, kInvalidRequest,
                         L("The %1 must be within the subscription's current period.").arg(dateKey),
                         {}, dateKey);
        *at = *t;
    }
    return {};
}

StripeSandbox::Reply StripeSandbox::upcomingInvoice(const FormParams &params)
{
    const QString subId = params.value(L("subscription"));
    if (subId.isEmpty())
        return error(400, kInvalidRequest,
                     params.has(L("subscription_items"))
                         ? L("subscription_items needs the subscription it changes.")
                         : L("The sandbox previews a subscription's next invoice: give "
                             "subscription."),
                     L("parameter_missing"), L("subscription"));
    const auto existing = m_store.subscriptions.get(subId.toLatin1());
    if (!existing)
        return missing(L("subscription"), subId, L("subscription"));
    if (!params.value(L("customer")).isEmpty()
        && params.value(L("customer")) != existing->value(L("customer")).toString())
        return error(400, kInvalidRequest,
                     L("The subscription %1 does not belong to the customer %2.")
                         .arg(subId, params.value(L("customer"))),
                     {}, L("subscription"));
    const QString status = existing->value(L("status")).toString();
    if (status == QLatin1String("canceled") || status == QLatin1String("incomplete_expired"))
        return error(404, kInvalidRequest,
                     L("No upcoming invoices for subscription: %1").arg(subId),
                     L("invoice_upcoming_none"));
    QJsonObject sub = *existing;
    QString behavior;
    qint64 at = 0;
    if (const auto bad = readProration(params, L("subscription_"), sub, &behavior, &at))
        return *bad;
    QList<LineItemSpec> prorations;
    bool newPeriod = false;
    if (params.has(L("subscription_items"))) {
        const QJsonValue items = params.tree().value(L("subscription_items"));
        if (const auto bad = applyItems(&sub, items, at, &prorations, &newPeriod)) {
            Reply r = *bad;
            // Named as the preview's parameter.
            QJsonObject e = r.body.value(L("error")).toObject();
            if (e.value(L("param")).toString().startsWith(QLatin1String("items")))
                e.insert(L("param"), QString(L("subscription_") + e.value(L("param")).toString()));
            r.body.insert(L("error"), e);
            return r;
        }
    }
    if (behavior == QLatin1String("none"))
        prorations.clear();
    // The next invoice: what waits for it, the changes' prorations, then the next period of
    // every item (from now when the interval changed).
    QList<LineItemSpec> lines;
    for (const QJsonValue &v : m_store.pendingProrations.value(subId)) {
        const QJsonObject p = v.toObject();
        LineItemSpec l = periodLine(sub,
                                    QJsonObject {{L("price"), p.value(L("price"))},
                                                 {L("quantity"), p.value(L("quantity"))},
                                                 {L("id"), p.value(L("subscription_item"))}},
                                    p.value(L("period")).toObject().value(L("start")).toInteger(),
                                    p.value(L("period")).toObject().value(L("end")).toInteger());
        l.id = p.value(L("id")).toString();
        l.amount = p.value(L("amount")).toInteger();
        l.description = p.value(L("description")).toString();
        l.proration = true;
        lines.append(l);
    }
    lines += prorations;
    const QJsonArray items = sub.value(L("items")).toObject().value(L("data")).toArray();
    const QJsonObject recurring
        = items.first().toObject().value(L("price")).toObject().value(L("recurring")).toObject();
    const qint64 from = newPeriod ? at : sub.value(L("current_period_end")).toInteger();
    const qint64 to = periodEnd(from, recurring.value(L("interval")).toString(),
                                recurring.value(L("interval_count")).toInteger());
    for (const QJsonValue &item : items)
        lines.append(periodLine(sub, item.toObject(), from, to));
    InvoiceSpec spec = invoiceOf(sub, lines,
                                 newPeriod || behavior == QLatin1String("always_invoice")
                                     ? L("subscription_update")
                                     : L("subscription_cycle"));
    spec.created = newPeriod ? at : from;
    spec.periodStart = newPeriod ? at : sub.value(L("current_period_start")).toInteger();
    spec.periodEnd = from;
    spec.status = L("draft");
    QJsonObject invoice = parseObject(invoiceJson(spec));
    invoice.remove(L("id")); // An upcoming invoice has no id until Stripe makes it.
    invoice.insert(L("next_payment_attempt"), spec.created);
    QJsonObject lineList = invoice.value(L("lines")).toObject();
    lineList.insert(L("url"), QString(L("/v1/invoices/upcoming/lines?subscription=") + subId));
    invoice.insert(L("lines"), lineList);
    return {200, invoice, {}};
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
    static const QStringList implemented {L("cancel_at_period_end"),
                                          L("description"),
                                          L("pause_collection"),
                                          L("trial_end"),
                                          L("coupon"),
                                          L("promotion_code"),
                                          L("items"),
                                          L("proration_behavior"),
                                          L("proration_date")};
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
    if (tree.contains(L("coupon")) && tree.contains(L("promotion_code")))
        return error(400, kInvalidRequest,
                     L("You may only specify one of these parameters: coupon, promotion_code."), {},
                     L("promotion_code"));
    if (tree.contains(L("coupon")))
        if (const auto bad = applyCoupon(&sub, params.value(L("coupon"))))
            return *bad;
    std::optional<QJsonObject> redeemed; // The promotion code applied, counted once the rest holds.
    if (tree.contains(L("promotion_code"))) {
        const QString promoId = params.value(L("promotion_code"));
        const auto promo = m_store.promotionCodes.get(promoId.toLatin1());
        if (!promo)
            return error(400, kInvalidRequest, L("No such promotion code: '%1'").arg(promoId),
                         L("resource_missing"), L("promotion_code"));
        const qint64 expires = promo->value(L("expires_at")).toInteger(0);
        const qint64 max = promo->value(L("max_redemptions")).toInteger(0);
        if (!promo->value(L("active")).toBool() || (expires > 0 && expires <= now())
            || (max > 0 && promo->value(L("times_redeemed")).toInteger() >= max))
            return error(400, kInvalidRequest,
                         L("This promotion code cannot be redeemed because it is inactive, "
                           "expired or used up."),
                         {}, L("promotion_code"));
        const QString customer = promo->value(L("customer")).toString();
        if (!customer.isEmpty() && customer != sub.value(L("customer")).toString())
            return error(400, kInvalidRequest, L("This promotion code is for another customer."),
                         {}, L("promotion_code"));
        if (const auto bad
            = applyCoupon(&sub, promo->value(L("coupon")).toObject().value(L("id")).toString()))
            return *bad;
        QJsonObject discount = sub.value(L("discount")).toObject();
        discount.insert(L("promotion_code"), promoId);
        sub.insert(L("discount"), discount);
        redeemed = *promo;
    }
    if (tree.contains(L("items"))) {
        QString behavior;
        qint64 at = 0;
        if (const auto bad = readProration(params, QString(), sub, &behavior, &at))
            return *bad;
        QList<LineItemSpec> prorations;
        bool newPeriod = false;
        if (const auto bad = applyItems(&sub, tree.value(L("items")), at, &prorations, &newPeriod))
            return *bad;
        if (behavior == QLatin1String("none"))
            prorations.clear();
        if (newPeriod) {
            // A new billing interval: the period restarts now and is invoiced at once, with the
            // credit for the unused time of the old one.
            const QJsonArray items = sub.value(L("items")).toObject().value(L("data")).toArray();
            const QJsonObject recurring = items.first()
                                              .toObject()
                                              .value(L("price"))
                                              .toObject()
                                              .value(L("recurring"))
                                              .toObject();
            const qint64 end = periodEnd(at, recurring.value(L("interval")).toString(),
                                         recurring.value(L("interval_count")).toInteger());
            sub.insert(L("current_period_start"), at);
            sub.insert(L("current_period_end"), end);
            sub.insert(L("billing_cycle_anchor"), at);
            QList<LineItemSpec> lines = prorations;
            for (const QJsonValue &item : items)
                lines.append(periodLine(sub, item.toObject(), at, end));
            if (!invoiceNow(&sub, lines, L("subscription_update")))
                sub.insert(L("status"), L("past_due"));
        } else if (behavior == QLatin1String("always_invoice") && !prorations.isEmpty()) {
            if (!invoiceNow(&sub, prorations, L("subscription_update")))
                sub.insert(L("status"), L("past_due"));
        } else {
            QJsonArray &pending = m_store.pendingProrations[id];
            for (const LineItemSpec &line : std::as_const(prorations))
                pending.append(parseObject(lineItemJson(line)));
        }
    }
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
    if (redeemed) {
        redeemed->insert(L("times_redeemed"), redeemed->value(L("times_redeemed")).toInteger() + 1);
        m_store.promotionCodes.replace(*redeemed);
    }
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
