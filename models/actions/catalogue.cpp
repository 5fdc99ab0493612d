#include "models/actions/catalogue.h"

namespace paydesk::models {

const QList<StaffActionInfo> &staffActionCatalogue()
{
    static const QList<StaffActionInfo> catalogue {
        {StaffAction::Refund, "refund", "charges", true, "refunds:write", "refund"},
        {StaffAction::CustomerCreate, "customer.create", "customers", false, "customers:write",
         "customer create"},
        {StaffAction::CustomerEdit, "customer.edit", "customers", true, "customers:write",
         "customer update"},
        {StaffAction::CustomerDelete, "customer.delete", "customers", true, "customers:write",
         "customer delete"},
        {StaffAction::SubscriptionCancel, "subscription.cancel", "subscriptions", true,
         "subscriptions:write", "subscription cancel"},
    };
    return catalogue;
}

const StaffActionInfo *staffActionInfo(StaffAction action)
{
    for (const StaffActionInfo &a : staffActionCatalogue())
        if (a.action == action)
            return &a;
    return nullptr;
}

const StaffActionInfo *staffActionNamed(const QString &name)
{
    for (const StaffActionInfo &a : staffActionCatalogue())
        if (name == QLatin1String(a.name))
            return &a;
    return nullptr;
}

namespace {

// Whether Stripe allows `action` on `object` as it is now.
bool allowed(StaffAction action, const QJsonObject &object)
{
    const QString status = object.value(QStringLiteral("status")).toString();
    switch (action) {
    case StaffAction::Refund:
        return status == QLatin1String("succeeded")
            && !object.value(QStringLiteral("refunded")).toBool();
    case StaffAction::SubscriptionCancel:
        return status != QLatin1String("canceled") && status != QLatin1String("incomplete_expired");
    case StaffAction::CustomerEdit:
    case StaffAction::CustomerDelete:
    case StaffAction::CustomerCreate:
        return true;
    }
    return false;
}

} // namespace

QList<StaffAction> staffActionsOn(const QString &table, const QJsonObject &object)
{
    QList<StaffAction> actions;
    for (const StaffActionInfo &a : staffActionCatalogue())
        if (a.onObject && table == QLatin1String(a.table) && allowed(a.action, object))
            actions.append(a.action);
    return actions;
}

QList<StaffAction> staffActionsCreating(const QString &table)
{
    QList<StaffAction> actions;
    for (const StaffActionInfo &a : staffActionCatalogue())
        if (!a.onObject && table == QLatin1String(a.table))
            actions.append(a.action);
    return actions;
}

} // namespace paydesk::models
