#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonDocument>
#include <QRegularExpression>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

// Customers and their payment methods.
void StripeSandbox::customerRoutes(QList<Route> &r)
{
    r << endpoint("GET", "/v1/customers", [](StripeSandbox &sb, const Call &c) {
        const QString email = c.params.value(L("email"));
        if (email.isEmpty())
            return sb.list(sb.m_store.customers, c.url(), c.params);
        // The email as it appears in the stored JSON: {"e":"…"} minus the wrapper.
        const QByteArray encoded
            = QJsonDocument(QJsonObject {{L("e"), email}}).toJson(QJsonDocument::Compact);
        const QByteArray needle = QByteArray("\"email\":") + encoded.mid(5, encoded.size() - 6);
        return sb.list(sb.m_store.customers, c.url(), c.params,
                       [needle](const Collection::Entry &e) { return e.json().contains(needle); });
    });
    r << endpoint("POST", "/v1/customers",
                  [](StripeSandbox &sb, const Call &c) { return sb.createCustomer(c.params); });
    r << searchRoute("/v1/customers/search", &Store::customers);
    r << retrieveRoute("/v1/customers/:id", &Store::customers);
    r << endpoint("POST", "/v1/customers/:id", [](StripeSandbox &sb, const Call &c) {
        return sb.updateCustomer(c.id(), c.params);
    });
    r << endpoint("DELETE", "/v1/customers/:id",
                  [](StripeSandbox &sb, const Call &c) { return sb.deleteCustomer(c.id()); });
    r << endpoint("GET", "/v1/customers/:id/payment_methods", [](StripeSandbox &sb, const Call &c) {
        if (!sb.m_store.customers.contains(c.id().toLatin1()))
            return missing(L("customer"), c.id());
        const QByteArray owner = c.id().toLatin1();
        return sb.list(sb.m_store.paymentMethods, c.url() + u'/' + c.id() + L("/payment_methods"),
                       c.params, [owner](const Collection::Entry &e) { return e.owner == owner; });
    });
    r << endpoint("GET", "/v1/payment_methods", [](StripeSandbox &sb, const Call &c) {
        if (c.params.value(L("customer")).isEmpty())
            return error(400, kInvalidRequest, L("Missing required param: customer."),
                         L("parameter_missing"), L("customer"));
        return sb.list(sb.m_store.paymentMethods, c.url(), c.params,
                       byOwner(c.params, L("customer")));
    });
    r << retrieveRoute("/v1/payment_methods/:id", &Store::paymentMethods);
}

StripeSandbox::Reply StripeSandbox::createCustomer(const FormParams &params)
{
    const QString email = params.value(L("email"));
    static const QRegularExpression emailRe(L(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)"));
    if (params.has(L("email")) && !email.isEmpty() && !emailRe.match(email).hasMatch())
        return error(400, kInvalidRequest, L("Invalid email address: %1").arg(email),
                     L("email_invalid"), L("email"));
    const QString id = m_ids.next("cus");
    QJsonObject c = parseObject(
        customerJson(id, now(), email, params.value(L("name")), params.value(L("phone")), {}, {}));
    if (params.has(L("description")))
        c.insert(L("description"), params.value(L("description")));
    c.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    if (params.has(L("address"))) {
        QJsonObject address = c.value(L("address")).toObject();
        const QJsonObject given = params.object(L("address"));
        for (auto it = given.begin(); it != given.end(); ++it)
            address.insert(it.key(), it.value());
        c.insert(L("address"), address);
    }
    m_store.customers.insert(c, id.toLatin1());
    ++m_counters[L("customers_created")];
    emitEvent(L("customer.created"), c);
    return {200, c, {}};
}

StripeSandbox::Reply StripeSandbox::updateCustomer(const QString &id, const FormParams &params)
{
    const auto existing = m_store.customers.get(id.toLatin1());
    if (!existing)
        return missing(L("customer"), id);
    QJsonObject c = *existing;
    const QJsonObject tree = params.tree();
    static const char *const plain[] = {"name", "email", "phone", "description"};
    for (const char *field : plain) {
        const QString key = QString::fromLatin1(field);
        if (!tree.contains(key))
            continue;
        const QString v = tree.value(key).toString();
        if (key == QLatin1String("email") && !v.isEmpty() && !v.contains(u'@'))
            return error(400, kInvalidRequest, L("Invalid email address: %1").arg(v),
                         L("email_invalid"), key);
        c.insert(key, v.isEmpty() ? QJsonValue() : QJsonValue(v)); // Empty unsets.
    }
    if (tree.contains(L("metadata")))
        c.insert(L("metadata"),
                 mergedMetadata(c.value(L("metadata")).toObject(), tree.value(L("metadata"))));
    if (tree.contains(L("address"))) {
        QJsonObject address = c.value(L("address")).toObject();
        const QJsonObject given = tree.value(L("address")).toObject();
        for (auto it = given.begin(); it != given.end(); ++it)
            address.insert(it.key(), it.value().toString().isEmpty() ? QJsonValue() : it.value());
        c.insert(L("address"), address);
    }
    const QJsonObject previous = changedFields(*existing, c);
    m_store.customers.replace(c);
    if (!previous.isEmpty())
        emitEvent(L("customer.updated"), c, previous);
    return {200, c, {}};
}

StripeSandbox::Reply StripeSandbox::deleteCustomer(const QString &id)
{
    const auto existing = m_store.customers.get(id.toLatin1());
    if (!existing)
        return missing(L("customer"), id);
    m_store.customers.remove(id.toLatin1());
    emitEvent(L("customer.deleted"), *existing);
    return {
        200, QJsonObject {{L("id"), id}, {L("object"), L("customer")}, {L("deleted"), true}}, {}};
}

} // namespace paydesk::sandbox
