#include "sandbox/formparams.h"
#include "sandbox/objects.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

namespace {

// Stripe's limit on how far ahead an invoice may fall due (five years).
constexpr qint64 kMaxDaysUntilDue = 5 * 365;

} // namespace

std::optional<StripeSandbox::Reply> StripeSandbox::onlyImplemented(const QJsonObject &tree,
                                                                   const QStringList &implemented)
{
    for (auto it = tree.begin(); it != tree.end(); ++it)
        if (!implemented.contains(it.key()))
            return error(400, kInvalidRequest,
                         L("The sandbox does not implement the parameter %1 of this endpoint.")
                             .arg(it.key()),
                         {}, it.key());
    return {};
}

StripeSandbox::Reply StripeSandbox::createInvoice(const FormParams &params)
{
    const QString customerId = params.value(L("customer"));
    if (customerId.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: customer."),
                     L("parameter_missing"), L("customer"));
    const auto customer = m_store.customers.get(customerId.toLatin1());
    if (!customer)
        return missing(L("customer"), customerId, L("customer"));
    const QJsonObject tree = params.tree();
    static const QStringList implemented {
        L("customer"),          L("currency"),
        L("collection_method"), L("days_until_due"),
        L("description"),       L("footer"),
        L("auto_advance"),      L("pending_invoice_items_behavior"),
        L("metadata"),          L("expand")};
    if (const auto bad = onlyImplemented(tree, implemented))
        return *bad;
    QString currency = params.value(L("currency")).toLower();
    if (currency.isEmpty())
        currency = customer->value(L("currency")).toString();
    if (currency.isEmpty())
        currency = m_store.account.value(L("default_currency")).toString(L("usd"));
    if (currency.size() != 3)
        return error(400, kInvalidRequest, L("Invalid currency: %1.").arg(currency),
                     L("parameter_invalid_string"), L("currency"));
    const QString method = params.has(L("collection_method")) ? params.value(L("collection_method"))
                                                              : L("charge_automatically");
    if (method != QLatin1String("charge_automatically") && method != QLatin1String("send_invoice"))
        return error(400, kInvalidRequest,
                     L("Invalid collection_method: must be one of charge_automatically or "
                       "send_invoice"),
                     {}, L("collection_method"));
    QJsonValue daysUntilDue;
    if (params.has(L("days_until_due"))) {
        if (method != QLatin1String("send_invoice"))
            return error(400, kInvalidRequest,
                         L("You can only set `days_until_due` if `collection_method` is "
                           "`send_invoice`."),
                         {}, L("days_until_due"));
        const std::optional<qint64> days = parseInteger(params.value(L("days_until_due")));
        if (!days || *days < 0)
            return error(
                400, kInvalidRequest,
                L("Invalid non-negative integer: %1").arg(params.value(L("days_until_due"))), {},
                L("days_until_due"));
        if (*days > kMaxDaysUntilDue)
            return error(400, kInvalidRequest,
                         L("An invoice may fall due at most five years (%1 days) from now.")
                             .arg(kMaxDaysUntilDue),
                         {}, L("days_until_due"));
        daysUntilDue = *days;
    } else if (method == QLatin1String("send_invoice")) {
        return error(400, kInvalidRequest,
                     L("Missing required param: days_until_due (an invoice sent to the customer "
                       "needs a due date)."),
                     L("parameter_missing"), L("days_until_due"));
    }
    const QString pending = params.has(L("pending_invoice_items_behavior"))
        ? params.value(L("pending_invoice_items_behavior"))
        : L("exclude");
    if (pending != QLatin1String("exclude") && pending != QLatin1String("include"))
        return error(400, kInvalidRequest,
                     L("Invalid pending_invoice_items_behavior: must be one of exclude or include"),
                     {}, L("pending_invoice_items_behavior"));
    const qint64 t = now();
    InvoiceSpec spec;
    spec.id = m_ids.next("in");
    spec.created = t;
    spec.customer = customerId;
    spec.customerEmail = customer->value(L("email")).toString();
    spec.customerName = customer->value(L("name")).toString();
    spec.subscription = QString();
    spec.currency = currency;
    spec.billingReason = L("manual");
    spec.lines = "[]";
    spec.status = L("draft");
    spec.periodStart = t;
    spec.periodEnd = t;
    QJsonObject invoice = parseObject(invoiceJson(spec));
    invoice.insert(L("subscription"), QJsonValue());
    invoice.insert(L("number"), QJsonValue()); // Given when it is finalized.
    invoice.insert(L("collection_method"), method);
    invoice.insert(L("due_date"),
                   daysUntilDue.isNull() ? QJsonValue()
                                         : QJsonValue(t + daysUntilDue.toInteger() * 86400));
    invoice.insert(L("auto_advance"), isTrue(params.value(L("auto_advance"))));
    invoice.insert(L("description"),
                   params.value(L("description")).isEmpty()
                       ? QJsonValue()
                       : QJsonValue(params.value(L("description"))));
    invoice.insert(L("footer"),
                   params.value(L("footer")).isEmpty() ? QJsonValue()
                                                       : QJsonValue(params.value(L("footer"))));
    invoice.insert(L("metadata"), mergedMetadata({}, tree.value(L("metadata"))));
    invoice.insert(L("hosted_invoice_url"), QJsonValue());
    invoice.insert(L("invoice_pdf"), QJsonValue());
    invoice = embedLists(invoice);
    m_store.invoices.insert(invoice, customerId.toLatin1(), QByteArrayLiteral("draft"));
    emitEvent(L("invoice.created"), invoice);
    return {200, invoice, {}};
}

StripeSandbox::Reply StripeSandbox::createInvoiceItem(const FormParams &params)
{
    const QString customerId = params.value(L("customer"));
    if (customerId.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: customer."),
                     L("parameter_missing"), L("customer"));
    if (!m_store.customers.get(customerId.toLatin1()))
        return missing(L("customer"), customerId, L("customer"));
    const QJsonObject tree = params.tree();
    static const QStringList implemented {
        L("customer"),    L("invoice"),  L("price"),       L("quantity"), L("amount"),
        L("unit_amount"), L("currency"), L("description"), L("metadata"), L("expand")};
    if (const auto bad = onlyImplemented(tree, implemented))
        return *bad;
    const QString invoiceId = params.value(L("invoice"));
    if (invoiceId.isEmpty())
        return error(400, kInvalidRequest,
                     L("The sandbox adds invoice items to a draft invoice: give invoice."),
                     L("parameter_missing"), L("invoice"));
    const auto existing = m_store.invoices.get(invoiceId.toLatin1());
    if (!existing)
        return missing(L("invoice"), invoiceId, L("invoice"));
    QJsonObject invoice = *existing;
    if (invoice.value(L("customer")).toString() != customerId)
        return error(400, kInvalidRequest,
                     L("The invoice %1 belongs to another customer.").arg(invoiceId), {},
                     L("invoice"));
    if (invoice.value(L("status")).toString() != QLatin1String("draft"))
        return error(400, kInvalidRequest,
                     L("You can only add invoice items to draft invoices; %1 is %2.")
                         .arg(invoiceId, invoice.value(L("status")).toString()),
                     L("invoice_not_editable"), L("invoice"));
    const QString currency = invoice.value(L("currency")).toString();
    qint64 quantity = 1;
    if (params.has(L("quantity"))) {
        const std::optional<qint64> q = parseInteger(params.value(L("quantity")));
        if (!q || *q <= 0)
            return error(400, kInvalidRequest,
                         L("Invalid positive integer: %1").arg(params.value(L("quantity"))), {},
                         L("quantity"));
        quantity = *q;
    }
    const qint64 t = now();
    LineItemSpec line;
    line.id = m_ids.next("il");
    line.invoiceItem = m_ids.next("ii");
    line.currency = currency;
    line.quantity = quantity;
    line.periodStart = line.periodEnd = t;
    QJsonObject priceObject;
    if (params.has(L("price"))) {
        if (params.has(L("amount")) || params.has(L("unit_amount")))
            return error(400, kInvalidRequest,
                         L("You may only specify one of these parameters: amount, price."), {},
                         L("price"));
        const QString priceId = params.value(L("price"));
        const auto price = m_store.prices.get(priceId.toLatin1());
        if (!price)
            return error(400, kInvalidRequest, L("No such price: '%1'").arg(priceId),
                         L("resource_missing"), L("price"));
        if (price->value(L("type")).toString() != QLatin1String("one_time"))
            return error(400, kInvalidRequest,
                         L("The price specified is set to `type=recurring` but this field only "
                           "accepts prices with `type=one_time`."),
                         {}, L("price"));
        if (!price->value(L("active")).toBool(true))
            return error(400, kInvalidRequest,
                         L("The price specified is inactive. This field only accepts active "
                           "prices."),
                         {}, L("price"));
        if (price->value(L("currency")).toString() != currency)
            return error(
                400, kInvalidRequest,
                L("The price is in %1, but the invoice is in %2.")
                    .arg(price->value(L("currency")).toString().toUpper(), currency.toUpper()),
                {}, L("price"));
        priceObject = *price;
        line.unitAmount = price->value(L("unit_amount")).toInteger();
        line.amount = line.unitAmount * quantity;
        line.description = params.value(L("description")).isEmpty()
            ? priceName(*price)
            : params.value(L("description"));
    } else {
        const bool total = params.has(L("amount"));
        const QString text = params.value(total ? L("amount") : L("unit_amount"));
        const std::optional<qint64> amount = parseInteger(text);
        if (text.isEmpty())
            return error(400, kInvalidRequest,
                         L("Missing required param: amount (or price, or unit_amount)."),
                         L("parameter_missing"), L("amount"));
        if (!amount)
            return error(400, kInvalidRequest, L("Invalid integer: %1").arg(text), {},
                         total ? L("amount") : L("unit_amount"));
        if (params.value(L("currency")).toLower() != currency)
            return error(400, kInvalidRequest,
                         params.value(L("currency")).isEmpty()
                             ? L("Missing required param: currency.")
                             : L("The invoice item is in %1, but the invoice is in %2.")
                                   .arg(params.value(L("currency")).toUpper(), currency.toUpper()),
                         params.value(L("currency")).isEmpty() ? L("parameter_missing") : QString(),
                         L("currency"));
        if (total && quantity != 1)
            return error(400, kInvalidRequest,
                         L("amount is the whole item: give unit_amount with a quantity."), {},
                         L("quantity"));
        line.unitAmount = *amount;
        line.amount = total ? *amount : *amount * quantity;
        line.description = params.value(L("description"));
        const QString priceId = m_ids.next("price");
        // As Stripe does for an amount without a price: a one-time price of a product of its
        // own.
        priceObject = parseObject(
            priceJson(priceId, t, m_ids.next("prod"), currency, line.unitAmount, {}, 0, {}));
        priceObject.insert(L("active"), false);
    }
    line.price = toCompactJson(priceObject);
    const QJsonObject lineObject = parseObject(lineItemJson(line));
    // The invoice gains the line; its totals follow.
    QJsonObject lines = invoice.value(L("lines")).toObject();
    QJsonArray data = fullList(invoice, "lines");
    data.append(lineObject);
    lines.insert(L("data"), data);
    lines.insert(L("has_more"), false);
    invoice.insert(L("lines"), lines);
    qint64 subtotal = 0;
    for (const QJsonValue &l : std::as_const(data))
        subtotal += l.toObject().value(L("amount")).toInteger();
    for (const char *k : {"subtotal", "subtotal_excluding_tax", "total", "total_excluding_tax"})
        invoice.insert(QLatin1String(k), subtotal);
    invoice.insert(L("amount_due"), std::max<qint64>(0, subtotal));
    invoice.insert(L("amount_remaining"), std::max<qint64>(0, subtotal));
    invoice = embedLists(invoice);
    m_store.invoices.replace(invoice, QByteArrayLiteral("draft"));
    const QJsonObject item {{L("id"), line.invoiceItem},
                            {L("object"), L("invoiceitem")},
                            {L("amount"), line.amount},
                            {L("currency"), currency},
                            {L("customer"), customerId},
                            {L("date"), t},
                            {L("description"), line.description},
                            {L("discountable"), true},
                            {L("invoice"), invoiceId},
                            {L("livemode"), false},
                            {L("metadata"), mergedMetadata({}, tree.value(L("metadata")))},
                            {L("period"), QJsonObject {{L("start"), t}, {L("end"), t}}},
                            {L("price"), priceObject},
                            {L("proration"), false},
                            {L("quantity"), quantity},
                            {L("subscription"), QJsonValue()},
                            {L("unit_amount"), line.unitAmount},
                            {L("unit_amount_decimal"), QString::number(line.unitAmount)}};
    emitEvent(L("invoiceitem.created"), item);
    emitEvent(L("invoice.updated"), invoice, changedFields(*existing, invoice));
    return {200, item, {}};
}

} // namespace paydesk::sandbox
