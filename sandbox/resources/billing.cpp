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
        // Stripe's filters of the list; the two the sandbox does not apply are refused rather
        // than ignored (a test would otherwise read every price as matching).
        for (const char *unsupported : {"lookup_keys", "recurring"})
            if (c.params.has(QLatin1String(unsupported)))
                return sb.error(
                    400, kInvalidRequest,
                    L("The sandbox does not filter prices by %1.").arg(QLatin1String(unsupported)),
                    {}, QLatin1String(unsupported));
        const QString product = c.params.value(L("product"));
        const QString currency = c.params.value(L("currency"));
        const QString type = c.params.value(L("type"));
        const QString active = c.params.value(L("active"));
        if (!type.isEmpty() && type != QLatin1String("one_time")
            && type != QLatin1String("recurring"))
            return sb.error(400, kInvalidRequest,
                            L("Invalid type: must be one of one_time or recurring"), {}, L("type"));
        std::function<bool(const Collection::Entry &)> filter;
        if (!product.isEmpty() || !currency.isEmpty() || !type.isEmpty() || !active.isEmpty())
            filter = [product, currency, type, active](const Collection::Entry &e) {
                const QJsonObject p = QJsonDocument::fromJson(e.json()).object();
                return (product.isEmpty() || p.value(L("product")).toString() == product)
                    && (currency.isEmpty() || p.value(L("currency")).toString() == currency)
                    && (type.isEmpty() || p.value(L("type")).toString() == type)
                    && (active.isEmpty() || p.value(L("active")).toBool(true) == isTrue(active));
            };
        return sb.list(sb.m_store.prices, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/prices/:id", &Store::prices);
    r << endpoint("GET", "/v1/promotion_codes", [](StripeSandbox &sb, const Call &c) {
        const QString code = c.params.value(L("code"));
        const QString coupon = c.params.value(L("coupon"));
        const QString customer = c.params.value(L("customer"));
        const QString active = c.params.value(L("active"));
        std::function<bool(const Collection::Entry &)> filter;
        if (!code.isEmpty() || !coupon.isEmpty() || !customer.isEmpty() || !active.isEmpty())
            filter = [code, coupon, customer, active](const Collection::Entry &e) {
                const QJsonObject p = QJsonDocument::fromJson(e.json()).object();
                // Stripe matches codes without regard to case.
                return (code.isEmpty()
                        || p.value(L("code")).toString().compare(code, Qt::CaseInsensitive) == 0)
                    && (coupon.isEmpty()
                        || p.value(L("coupon")).toObject().value(L("id")).toString() == coupon)
                    && (customer.isEmpty() || p.value(L("customer")).toString() == customer)
                    && (active.isEmpty() || p.value(L("active")).toBool() == isTrue(active));
            };
        return sb.list(sb.m_store.promotionCodes, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/promotion_codes/:id", &Store::promotionCodes);
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
    r << endpoint("GET", "/v1/invoices/upcoming",
                  [](StripeSandbox &sb, const Call &c) { return sb.upcomingInvoice(c.params); });
    r << retrieveRoute("/v1/invoices/:id", &Store::invoices);
    r << endpoint("GET", "/v1/invoices/:id/lines", [](StripeSandbox &sb, const Call &c) {
        const auto invoice = sb.m_store.invoices.get(c.id().toLatin1());
        if (!invoice)
            return missing(L("invoice"), c.id());
        return sb.embeddedList(c.id(), "lines", *invoice, L("/v1/invoices/%1/lines").arg(c.id()),
                               c.params);
    });
    r << endpoint("POST", "/v1/invoices",
                  [](StripeSandbox &sb, const Call &c) { return sb.createInvoice(c.params); });
    r << endpoint("POST", "/v1/invoiceitems",
                  [](StripeSandbox &sb, const Call &c) { return sb.createInvoiceItem(c.params); });
    r << endpoint("DELETE", "/v1/invoices/:id",
                  [](StripeSandbox &sb, const Call &c) { return sb.deleteInvoice(c.id()); });
    for (const char *action : {"finalize", "send", "pay", "void", "mark_uncollectible"}) {
        const QString name = QString::fromLatin1(action);
        r << endpoint("POST", QByteArray("/v1/invoices/:id/") + action,
                      [name](StripeSandbox &sb, const Call &c) {
                          return sb.invoiceAction(c.id(), name, c.params);
                      });
    }
}

namespace {

// Stripe's invoice state machine: what each action may start from.
bool allowedFrom(const QString &action, const QString &status)
{
    if (action == QLatin1String("finalize"))
        return status == QLatin1String("draft");
    if (action == QLatin1String("send"))
        return status == QLatin1String("draft") || status == QLatin1String("open");
    if (action == QLatin1String("pay") || action == QLatin1String("void"))
        return status == QLatin1String("open") || status == QLatin1String("uncollectible");
    if (action == QLatin1String("mark_uncollectible"))
        return status == QLatin1String("open");
    return false;
}

} // namespace

StripeSandbox::Reply StripeSandbox::deleteInvoice(const QString &id)
{
    const auto existing = m_store.invoices.get(id.toLatin1());
    if (!existing)
        return missing(L("invoice"), id);
    const QString status = existing->value(L("status")).toString();
    if (status != QLatin1String("draft"))
        return error(400, kInvalidRequest,
                     L("You can only delete draft invoices. This invoice has a status of %1; void "
                       "it instead.")
                         .arg(status),
                     L("invoice_not_editable"));
    m_store.invoices.remove(id.toLatin1());
    emitEvent(L("invoice.deleted"), *existing);
    return {
        200, QJsonObject {{L("id"), id}, {L("object"), L("invoice")}, {L("deleted"), true}}, {}};
}

StripeSandbox::Reply StripeSandbox::invoiceAction(const QString &id, const QString &action,
                                                  const FormParams &params)
{
    const auto existing = m_store.invoices.get(id.toLatin1());
    if (!existing)
        return missing(L("invoice"), id);
    QJsonObject inv = *existing;
    const QString status = inv.value(L("status")).toString();
    if (!allowedFrom(action, status)) {
        if (action == QLatin1String("finalize"))
            return error(400, kInvalidRequest,
                         L("This invoice is already finalized, you can't re-finalize a non-draft "
                           "invoice."),
                         L("invoice_not_editable"));
        return error(400, kInvalidRequest,
                     L("You can't %1 an invoice with a status of %2.")
                         .arg(QString(action).replace(u'_', u' '), status),
                     L("invoice_not_editable"));
    }
    QJsonObject transitions = inv.value(L("status_transitions")).toObject();
    QStringList events;
    const qint64 t = now();
    auto finalize = [&] {
        inv.insert(L("status"), L("open"));
        transitions.insert(L("finalized_at"), t);
        if (params.has(L("auto_advance")))
            inv.insert(L("auto_advance"), isTrue(params.value(L("auto_advance"))));
        const QString acct = m_store.account.value(L("id")).toString();
        if (inv.value(L("number")).isNull())
            inv.insert(L("number"),
                       L("%1-%2").arg(id.mid(3, 8).toUpper()).arg(1, 4, 10, QLatin1Char('0')));
        inv.insert(L("hosted_invoice_url"),
                   L("https://invoice.stripe.com/i/%1/test_%2").arg(acct, id));
        inv.insert(L("invoice_pdf"),
                   L("https://pay.stripe.com/invoice/%1/test_%2/pdf").arg(acct, id));
        events << L("invoice.finalized");
    };
    auto markPaid = [&](bool outOfBand) {
        const qint64 due = inv.value(L("amount_due")).toInteger();
        inv.insert(L("status"), L("paid"));
        inv.insert(L("paid"), true);
        inv.insert(L("paid_out_of_band"), outOfBand);
        inv.insert(L("amount_paid"), due);
        inv.insert(L("amount_remaining"), 0);
        transitions.insert(L("paid_at"), t);
        events << L("invoice.paid");
    };
    if (action == QLatin1String("finalize")) {
        finalize();
        // Nothing to collect: Stripe marks it paid at once.
        if (inv.value(L("amount_due")).toInteger() == 0)
            markPaid(false);
    } else if (action == QLatin1String("send")) {
        if (inv.value(L("collection_method")).toString() != QLatin1String("send_invoice"))
            return error(400, kInvalidRequest,
                         L("You can only manually send an invoice if its collection method is "
                           "'send_invoice'."));
        if (status == QLatin1String("draft"))
            finalize();
        events << L("invoice.sent");
    } else if (action == QLatin1String("void")) {
        inv.insert(L("status"), L("void"));
        inv.insert(L("amount_remaining"), 0);
        transitions.insert(L("voided_at"), t);
        events << L("invoice.voided");
    } else if (action == QLatin1String("mark_uncollectible")) {
        inv.insert(L("status"), L("uncollectible"));
        transitions.insert(L("marked_uncollectible_at"), t);
        events << L("invoice.marked_uncollectible");
    } else if (isTrue(params.value(L("paid_out_of_band")))) {
        markPaid(true);
    } else {
        // Charged to the payment method given, else the invoice's default, else the
        // customer's invoice default, else the customer's first saved one.
        const QString customer = inv.value(L("customer")).toString();
        QString method = params.value(L("payment_method"));
        if (method.isEmpty())
            method = inv.value(L("default_payment_method")).toString();
        if (method.isEmpty())
            if (const auto c = m_store.customers.get(customer.toLatin1()))
                method = c->value(L("invoice_settings"))
                             .toObject()
                             .value(L("default_payment_method"))
                             .toString();
        if (method.isEmpty())
            m_store.paymentMethods.forEach([&](const Collection::Entry &e) {
                if (method.isEmpty() && e.owner == customer.toLatin1())
                    method = QString::fromLatin1(e.id);
            });
        if (method.isEmpty())
            return error(400, kInvalidRequest,
                         L("This customer has no attached payment source or default payment "
                           "method. Please consider adding a default payment method."),
                         L("invoice_no_payment_method_types"));
        const qint64 due = inv.value(L("amount_due")).toInteger();
        if (due > 0) {
            const QByteArray form = "amount=" + QByteArray::number(due)
                + "&currency=" + inv.value(L("currency")).toString().toLatin1()
                + "&customer=" + customer.toLatin1() + "&payment_method=" + method.toLatin1()
                + "&confirm=true&description="
                + QByteArray("Payment for Invoice").toPercentEncoding();
            const Reply paid = createPaymentIntent(FormParams::parse(form));
            inv.insert(L("attempted"), true);
            inv.insert(L("attempt_count"), inv.value(L("attempt_count")).toInteger() + 1);
            if (paid.status != 200
                || paid.body.value(L("status")).toString() != QLatin1String("succeeded")) {
                inv.insert(L("status_transitions"), transitions);
                m_store.invoices.replace(inv);
                emitEvent(L("invoice.payment_failed"), inv, changedFields(*existing, inv));
                return paid.status != 200
                    ? paid
                    : error(402, L("card_error"), L("Your card was declined."), L("card_declined"));
            }
            inv.insert(L("payment_intent"), paid.body.value(L("id")));
            inv.insert(L("charge"), paid.body.value(L("latest_charge")));
        }
        markPaid(false);
        events.insert(0, L("invoice.payment_succeeded"));
    }
    inv.insert(L("status_transitions"), transitions);
    m_store.invoices.replace(inv, inv.value(L("status")).toString().toLatin1());
    const QJsonObject previous = changedFields(*existing, inv);
    for (const QString &type : std::as_const(events))
        emitEvent(type, inv, previous);
    emitEvent(L("invoice.updated"), inv, previous);
    return {
        200, params.list(L("expand")).isEmpty() ? inv : expand(inv, params.list(L("expand"))), {}};
}

} // namespace paydesk::sandbox
