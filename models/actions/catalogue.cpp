#include "models/actions/catalogue.h"

#include "models/actions/staffactions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

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
        {StaffAction::SubscriptionUpdate, "subscription.update", "subscriptions", true,
         "subscriptions:write", "subscription update"},
        {StaffAction::SubscriptionPause, "subscription.pause", "subscriptions", true,
         "subscriptions:write", "subscription pause"},
        {StaffAction::SubscriptionTrial, "subscription.trial", "subscriptions", true,
         "subscriptions:write", "subscription trial"},
        {StaffAction::SubscriptionCoupon, "subscription.coupon", "subscriptions", true,
         "subscriptions:write", "subscription coupon"},
        // On a customer: the detail panel of a customer offers it.
        {StaffAction::InvoiceCreate, "invoice.create", "customers", true, "invoices:write",
         "invoice create"},
        {StaffAction::InvoiceFinalize, "invoice.finalize", "invoices", true, "invoices:write",
         "invoice finalize"},
        {StaffAction::InvoiceSend, "invoice.send", "invoices", true, "invoices:write",
         "invoice send"},
        {StaffAction::InvoicePay, "invoice.pay", "invoices", true, "invoices:write", "invoice pay"},
        {StaffAction::InvoiceVoid, "invoice.void", "invoices", true, "invoices:write",
         "invoice void"},
        {StaffAction::InvoiceMarkUncollectible, "invoice.mark_uncollectible", "invoices", true,
         "invoices:write", "invoice mark-uncollectible"},
        {StaffAction::InvoiceDelete, "invoice.delete", "invoices", true, "invoices:write",
         "invoice delete"},
        {StaffAction::DisputeEvidence, "dispute.evidence", "disputes", true, "disputes:write",
         "dispute evidence"},
        {StaffAction::DisputeAccept, "dispute.accept", "disputes", true, "disputes:write",
         "dispute accept"},
        {StaffAction::RefundFraudulent, "refund.fraudulent", "charges", true, "refunds:write",
         "refund --reason fraudulent"},
        {StaffAction::ReviewApprove, "review.approve", "charges", true, "reviews:write",
         "review approve"},
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

QString staffActionRefusal(StaffAction action, const QJsonObject &object)
{
    const QString status = object.value(QStringLiteral("status")).toString();
    const auto invoice = [&status](std::initializer_list<const char *> from) {
        for (const char *s : from)
            if (status == QLatin1String(s))
                return QString();
        return QCoreApplication::translate("StaffActions",
                                           "Not possible for an invoice that is %1.")
            .arg(status.isEmpty() ? QStringLiteral("unknown") : status);
    };
    switch (action) {
    case StaffAction::Refund:
        return status == QLatin1String("succeeded")
                && !object.value(QStringLiteral("refunded")).toBool()
            ? QString()
            : QCoreApplication::translate("StaffActions",
                                          "Only a succeeded payment that is not "
                                          "wholly refunded can be refunded.");
    case StaffAction::SubscriptionCancel:
    case StaffAction::SubscriptionPause:
    case StaffAction::SubscriptionCoupon:
    case StaffAction::SubscriptionUpdate:
        return status != QLatin1String("canceled") && status != QLatin1String("incomplete_expired")
            ? QString()
            : QCoreApplication::translate("StaffActions", "The subscription has ended.");
    case StaffAction::SubscriptionTrial:
        return status == QLatin1String("trialing")
            ? QString()
            : QCoreApplication::translate("StaffActions",
                                          "Only a subscription in its trial has a trial to "
                                          "extend or end (this one is %1).")
                  .arg(status.isEmpty() ? QStringLiteral("unknown") : status);
    case StaffAction::CustomerEdit:
    case StaffAction::CustomerDelete:
    case StaffAction::CustomerCreate:
        return {};
    case StaffAction::InvoiceCreate:
        return object.value(QStringLiteral("deleted")).toBool()
            ? QCoreApplication::translate("StaffActions", "The customer is deleted.")
            : QString();
    case StaffAction::InvoiceFinalize:
    case StaffAction::InvoiceDelete:
        return invoice({"draft"});
    case StaffAction::InvoiceSend:
        if (object.value(QStringLiteral("collection_method")).toString()
            != QLatin1String("send_invoice"))
            return QCoreApplication::translate("StaffActions",
                                               "Stripe charges this invoice automatically; only "
                                               "an invoice collected by sending it is sent.");
        return invoice({"draft", "open"});
    case StaffAction::InvoicePay:
    case StaffAction::InvoiceVoid:
        return invoice({"open", "uncollectible"});
    case StaffAction::InvoiceMarkUncollectible:
        return invoice({"open"});
    case StaffAction::DisputeEvidence:
        // Closed, submitted already, or past its deadline.
        return staffactions::disputeRefusal(object, QDateTime::currentSecsSinceEpoch());
    case StaffAction::DisputeAccept:
        // Closed or submitted already; the deadline does not stop a merchant conceding.
        return staffactions::disputeRefusal(object, 0);
    case StaffAction::RefundFraudulent: {
        if (const QString r = staffActionRefusal(StaffAction::Refund, object); !r.isEmpty())
            return r;
        const bool warned = object.value(QStringLiteral("early_fraud_warning"))
                                .toObject()
                                .value(QStringLiteral("actionable"))
                                .toBool();
        const bool held = object.value(QStringLiteral("review"))
                              .toObject()
                              .value(QStringLiteral("open"))
                              .toBool();
        return warned || held ? QString()
                              : QCoreApplication::translate(
                                  "StaffActions",
                                  "Nothing reported this payment as fraud (no actionable early "
                                  "fraud warning, no open review).");
    }
    case StaffAction::ReviewApprove:
        return object.value(QStringLiteral("review"))
                   .toObject()
                   .value(QStringLiteral("open"))
                   .toBool()
            ? QString()
            : QCoreApplication::translate("StaffActions", "This payment has no open review.");
    }
    return QStringLiteral("unknown action");
}

namespace {

// Whether Stripe allows `action` on `object` as it is now.
bool allowed(StaffAction action, const QJsonObject &object)
{
    return staffActionRefusal(action, object).isEmpty();
}

} // namespace

QJsonObject withFraudSignals(sql::Database &db, QJsonObject charge)
{
    if (!db.isOpen())
        return charge;
    const QString id = charge.value(QStringLiteral("id")).toString();
    {
        sql::Statement s = db.prepare(
            QStringLiteral("SELECT raw FROM reviews WHERE charge = ?1 AND deleted = 0 ORDER BY "
                           "created DESC LIMIT 1"));
        s.bind(1, id);
        if (s.isValid() && s.step())
            charge.insert(QStringLiteral("review"), QJsonDocument::fromJson(s.bytes(0)).object());
    }
    sql::Statement s = db.prepare(
        QStringLiteral("SELECT raw FROM early_fraud_warnings WHERE charge = ?1 AND deleted = 0 "
                       "ORDER BY created DESC LIMIT 1"));
    s.bind(1, id);
    if (s.isValid() && s.step())
        charge.insert(QStringLiteral("early_fraud_warning"),
                      QJsonDocument::fromJson(s.bytes(0)).object());
    return charge;
}

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
