#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>
#include <QJsonDocument>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

// The catalogue (products, prices, coupons), subscriptions and their items, invoices and their
// lines.
void StripeSandbox::billingRoutes(QList<Route> &r)
{
    r << listRoute("/v1/products", &Store::products);
    r << retrieveRoute("/v1/products/:id", &Store::products);
    r << endpoint("GET", "/v1/prices", [](StripeSandbox &sb, const Call &c) {
        std::function<bool(const Collection::Entry &)> filter;
        if (!c.params.value(L("product")).isEmpty()) {
            const QByteArray needle
                = QByteArray("\"product\":\"") + c.params.value(L("product")).toLatin1() + '"';
            filter = [needle](const Collection::Entry &e) {
                return e.json().contains(needle);
            };
        }
        return sb.list(sb.m_store.prices, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/prices/:id", &Store::prices);
    r << listRoute("/v1/coupons", &Store::coupons);
    r << retrieveRoute("/v1/coupons/:id", &Store::coupons);
    r << endpoint("GET", "/v1/subscriptions", [](StripeSandbox &sb, const Call &c) {
        const QString status = c.params.value(L("status"));
        const QByteArray customer = c.params.value(L("customer")).toLatin1();
        const QByteArray price = c.params.value(L("price")).toLatin1();
        const QByteArray priceNeedle = QByteArray("\"id\":\"") + price + '"';
        // Stripe lists every status but canceled unless asked.
        const QByteArray wanted = status.isEmpty() ? QByteArray() : status.toLatin1();
        return sb.list(sb.m_store.subscriptions, c.url(), c.params,
                       [=](const Collection::Entry &e) {
                           if (!customer.isEmpty() && e.owner != customer)
                               return false;
                           if (!price.isEmpty() && !e.json().contains(priceNeedle))
                               return false;
                           if (wanted.isEmpty())
                               return e.key != "canceled";
                           if (wanted == "all")
                               return true;
                           if (wanted == "ended")
                               return e.key == "canceled" || e.key == "incomplete_expired";
                           return e.key == wanted;
                       });
    });
    r << searchRoute("/v1/subscriptions/search", &Store::subscriptions);
    r << retrieveRoute("/v1/subscriptions/:id", &Store::subscriptions);
    r << endpoint("POST", "/v1/subscriptions/:id", [](StripeSandbox &sb, const Call &c) {
        return sb.updateSubscription(c.id(), c.params);
    });
    r << endpoint("DELETE", "/v1/subscriptions/:id", [](StripeSandbox &sb, const Call &c) {
        return sb.cancelSubscription(c.id(), c.params);
    });
    r << endpoint("GET", "/v1/subscription_items", [](StripeSandbox &sb, const Call &c) {
        const QString sub = c.params.value(L("subscription"));
        if (sub.isEmpty())
            return error(400, kInvalidRequest, L("Missing required param: subscription."),
                         L("parameter_missing"), L("subscription"));
        const auto object = sb.m_store.subscriptions.get(sub.toLatin1());
        if (!object)
            return missing(L("subscription"), sub, L("subscription"));
        return sb.embeddedList(sub, "items", *object, L("/v1/subscription_items"), c.params);
    });
    r << endpoint("GET", "/v1/subscription_items/:id", [](StripeSandbox &sb, const Call &c) {
        const QString id = c.id();
        std::optional<QJsonObject> found;
        sb.m_store.subscriptions.forEach([&](const Collection::Entry &e) {
            if (found || !e.json().contains(id.toLatin1()))
                return;
            const QJsonObject sub = QJsonDocument::fromJson(e.json()).object();
            for (const QJsonValue &item :
                 sub.value(L("items")).toObject().value(L("data")).toArray()) {
                if (item.toObject().value(L("id")).toString() == id)
                    found = item.toObject();
            }
        });
        return found ? Reply {200, *found, {}} : missing(L("subscription_item"), id);
    });
    r << endpoint("GET", "/v1/invoices", [](StripeSandbox &sb, const Call &c) {
        const QByteArray customer = c.params.value(L("customer")).toLatin1();
        const QByteArray sub = c.params.value(L("subscription")).toLatin1();
        const QByteArray status = c.params.value(L("status")).toLatin1();
        const QByteArray subNeedle = QByteArray("\"subscription\":\"") + sub + '"';
        std::function<bool(const Collection::Entry &)> filter;
        if (!customer.isEmpty() || !sub.isEmpty() || !status.isEmpty())
            filter = [=](const Collection::Entry &e) {
                return (customer.isEmpty() || e.owner == customer)
                    && (status.isEmpty() || e.key == status)
                    && (sub.isEmpty() || e.json().contains(subNeedle));
            };
        return sb.list(sb.m_store.invoices, c.url(), c.params, filter);
    });
    r << searchRoute("/v1/invoices/search", &Store::invoices);
    r << retrieveRoute("/v1/invoices/:id", &Store::invoices);
    r << endpoint("GET", "/v1/invoices/:id/lines", [](StripeSandbox &sb, const Call &c) {
        const auto invoice = sb.m_store.invoices.get(c.id().toLatin1());
        if (!invoice)
            return missing(L("invoice"), c.id());
        return sb.embeddedList(c.id(), "lines", *invoice, L("/v1/invoices/%1/lines").arg(c.id()),
                               c.params);
    });
}

StripeSandbox::Reply StripeSandbox::updateSubscription(const QString &id, const FormParams &params)
{
    const auto existing = m_store.subscriptions.get(id.toLatin1());
    if (!existing)
        return missing(L("subscription"), id);
    QJsonObject sub = *existing;
    const bool canceled = sub.value(L("status")).toString() == QLatin1String("canceled");
    const QJsonObject tree = params.tree();
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString &k = it.key();
        if (k == QLatin1String("metadata") || k == QLatin1String("cancellation_details")
            || k == QLatin1String("expand"))
            continue;
        if (canceled)
            return error(400, kInvalidRequest,
                         L("A canceled subscription can only update its cancellation_details and "
                           "metadata."));
        if (k != QLatin1String("cancel_at_period_end") && k != QLatin1String("description"))
            return error(400, kInvalidRequest, L("Received unknown parameter: %1").arg(k), {}, k);
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
    m_store.subscriptions.replace(sub);
    if (!previous.isEmpty())
        emitEvent(L("customer.subscription.updated"), sub, previous);
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
