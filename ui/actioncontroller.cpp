#include "ui/actioncontroller.h"

#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/store/cache.h"
#include "ui/cancelsubscriptiondialog.h"
#include "ui/customerdialog.h"
#include "ui/disputedialog.h"
#include "ui/invoicecreatedialog.h"
#include "ui/invoicedialog.h"
#include "ui/refunddialog.h"
#include "ui/subscriptiondialogs.h"
#include "ui/uilogging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QWidget>

namespace paydesk::ui {

ActionController::ActionController(QWidget *window, QObject *parent)
    : QObject(parent)
    , m_window(window)
{ }

void ActionController::setOutbox(models::Outbox *outbox, models::Cache *cache)
{
    if (m_outbox)
        disconnect(m_finished);
    m_outbox = outbox;
    m_cache = cache;
    // What the outbox commits (the action, its result, the audit entry, the object fetched
    // again after it) reaches the pages that show those tables, through the window's reader.
    if (cache && m_reader)
        m_reader->observe(cache->database());
    if (outbox) {
        // A refusal for a missing permission is remembered: that kind of action goes grey.
        m_finished
            = connect(outbox, &models::Outbox::entryFinished, this,
                      [this](qint64 id, bool ok, const QString &) {
                          if (ok || !m_outbox)
                              return;
                          const models::OutboxEntry e = m_outbox->entry(id);
                          const QString permission = models::staffactions::readError(e).permission;
                          const QString denied
                              = models::staffactions::actionKind(e.action) + u'=' + permission;
                          if (permission.isEmpty() || m_denied.contains(denied))
                              return;
                          m_denied.append(denied);
                          Q_EMIT deniedPermissionsChanged(m_denied);
                          emitAvailability();
                      });
    }
    emitAvailability();
}

void ActionController::setOnline(bool online)
{
    m_online = online;
    emitAvailability();
}

void ActionController::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    emitAvailability();
}

void ActionController::setLiveMode(bool live)
{
    m_live = live;
}

void ActionController::setRefundThreshold(qint64 major)
{
    m_threshold = std::max<qint64>(0, major);
}

QString ActionController::disabledReason() const
{
    if (m_readOnly)
        return tr("Read-only profile: staff actions are turned off on this computer (Activity "
                  "page).");
    if (!m_outbox || !m_cache || !m_cache->isOpen())
        return tr("Actions need a connected account with a synced cache.");
    if (!m_online)
        return tr("Offline: refunds, cancellations and customer changes need a connection to "
                  "Stripe.");
    return {};
}

QString ActionController::disabledReason(const QString &action) const
{
    if (const QString all = disabledReason(); !all.isEmpty())
        return all;
    const QString kind = models::staffactions::actionKind(action) + u'=';
    for (const QString &d : m_denied)
        if (d.startsWith(kind))
            return tr("This API key may not do this: it lacks the %1 permission (Stripe "
                      "refused it before). Connect with a key that has it, or a secret key.")
                .arg(d.mid(kind.size()));
    return {};
}

QHash<QString, QString> ActionController::actionReasons() const
{
    QHash<QString, QString> reasons;
    for (const models::StaffActionInfo &a : models::staffActionCatalogue())
        if (const QString r = disabledReason(QLatin1String(a.name)); !r.isEmpty())
            reasons.insert(QLatin1String(a.name), r);
    return reasons;
}

QString ActionController::label(models::StaffAction action, const QJsonObject &object)
{
    switch (action) {
    case models::StaffAction::Refund:
        return tr("Refund…");
    case models::StaffAction::CustomerCreate:
        return tr("New customer…");
    case models::StaffAction::CustomerEdit:
        return tr("Edit…");
    case models::StaffAction::CustomerDelete:
        return tr("Delete…");
    case models::StaffAction::SubscriptionCancel:
        return object.value(QStringLiteral("cancel_at_period_end")).toBool()
            ? tr("Keep subscription…")
            : tr("Cancel subscription…");
    case models::StaffAction::SubscriptionPause:
        return object.value(QStringLiteral("pause_collection")).isObject()
            ? tr("Resume collection…")
            : tr("Pause collection…");
    case models::StaffAction::SubscriptionTrial:
        return tr("Change trial…");
    case models::StaffAction::SubscriptionUpdate:
        return tr("Change plan…");
    case models::StaffAction::SubscriptionCoupon:
        return object.value(QStringLiteral("discount")).isObject() ? tr("Change coupon…")
                                                                   : tr("Apply coupon…");
    case models::StaffAction::InvoiceCreate:
        return tr("Create invoice…");
    case models::StaffAction::InvoiceFinalize:
        return tr("Finalize…");
    case models::StaffAction::InvoiceSend:
        return tr("Send…");
    case models::StaffAction::InvoicePay:
        return tr("Pay…");
    case models::StaffAction::InvoiceVoid:
        return tr("Void…");
    case models::StaffAction::InvoiceMarkUncollectible:
        return tr("Mark uncollectible…");
    case models::StaffAction::InvoiceDelete:
        return tr("Delete draft…");
    case models::StaffAction::DisputeEvidence:
        return tr("Respond…");
    case models::StaffAction::DisputeAccept:
        return tr("Accept dispute…");
    case models::StaffAction::RefundFraudulent:
        return tr("Refund as fraudulent…");
    case models::StaffAction::ReviewApprove:
        return tr("Approve review…");
    }
    return {};
}

void ActionController::setDeniedPermissions(const QStringList &permissions)
{
    if (permissions == m_denied)
        return;
    m_denied = permissions;
    emitAvailability();
}

void ActionController::emitAvailability()
{
    Q_EMIT availabilityChanged(disabledReason());
}

QJsonObject ActionController::cached(const QString &table, const QString &id) const
{
    if (!m_cache || !m_cache->isOpen())
        return {};
    return QJsonDocument::fromJson(models::liveObjectJson(m_cache->database(), table, id)).object();
}

QString ActionController::customerLabel(const QString &customerId) const
{
    const QJsonObject c = cached(QStringLiteral("customers"), customerId);
    const QString name = c.value(QStringLiteral("name")).toString();
    const QString email = c.value(QStringLiteral("email")).toString();
    if (!name.isEmpty() && !email.isEmpty())
        return QStringLiteral("%1 <%2>").arg(name, email);
    return name.isEmpty() ? (email.isEmpty() ? customerId : email) : name;
}

QString ActionController::disputeCustomer(const QJsonObject &dispute) const
{
    // A dispute names its charge; the charge names the customer.
    const QString charge = dispute.value(QStringLiteral("charge")).toString();
    const QString customer
        = cached(QStringLiteral("charges"), charge).value(QStringLiteral("customer")).toString();
    return customer.isEmpty() ? charge : customerLabel(customer);
}

ActionDialog *ActionController::request(const QString &action, const QString &id)
{
    ActionDialog::Options options;
    options.livemode = m_live;
    options.disabledReason = disabledReason(action);
    const models::StaffActionInfo *info = models::staffActionNamed(action);
    if (!info) {
        qCWarning(lcUi) << "unknown action" << action;
        return nullptr;
    }
    const QString table = QString::fromLatin1(info->table);
    // The object acted on, as cached: no dialog for one the cache does not have.
    QJsonObject object = info->onObject ? cached(table, id) : QJsonObject();
    if (info->onObject && object.isEmpty())
        return nullptr;
    if (table == QLatin1String("charges"))
        object = models::withFraudSignals(m_cache->database(), object);
    ActionDialog *dialog = nullptr;
    switch (info->action) {
    case models::StaffAction::Refund:
    case models::StaffAction::RefundFraudulent: {
        models::RefundTarget target = models::RefundTarget::fromCharge(object);
        if (!target.customerId.isEmpty())
            target.customerLabel = customerLabel(target.customerId);
        target.livemode = m_live;
        target.recent = models::staffactions::recentRefunds(
            m_cache->database(), target.chargeId, QDateTime::currentSecsSinceEpoch() - 24 * 3600);
        auto *refund = new RefundDialog(target, m_threshold, options, m_window);
        // Reported as fraud: the whole payment back, with the reason that closes its review
        // and tells Radar.
        if (info->action == models::StaffAction::RefundFraudulent)
            refund->presetReason(QStringLiteral("fraudulent"));
        dialog = refund;
        break;
    }
    case models::StaffAction::ReviewApprove:
        dialog = new ApproveReviewDialog(
            object, customerLabel(object.value(QStringLiteral("customer")).toString()), options,
            m_window);
        break;
    case models::StaffAction::CustomerCreate:
        dialog = new CustomerDialog({}, {}, options, m_window);
        break;
    case models::StaffAction::CustomerEdit:
        dialog
            = new CustomerDialog(id, models::CustomerFields::fromJson(object), options, m_window);
        break;
    case models::StaffAction::CustomerDelete:
        dialog = new DeleteCustomerDialog(id, object.value(QStringLiteral("email")).toString(),
                                          object.value(QStringLiteral("name")).toString(), options,
                                          m_window);
        break;
    case models::StaffAction::SubscriptionCancel:
        dialog = new CancelSubscriptionDialog(
            object, customerLabel(object.value(QStringLiteral("customer")).toString()), options,
            m_window);
        break;
    case models::StaffAction::SubscriptionPause:
        dialog = new PauseCollectionDialog(
            object, customerLabel(object.value(QStringLiteral("customer")).toString()), options,
            m_window);
        break;
    case models::StaffAction::SubscriptionUpdate:
        dialog = new ChangePlanDialog(
            object, customerLabel(object.value(QStringLiteral("customer")).toString()),
            models::staffactions::subscriptionItems(m_cache->database(), id),
            models::staffactions::priceChoices(m_cache->database(),
                                               object.value(QStringLiteral("currency")).toString()),
            options, m_window);
        break;
    case models::StaffAction::SubscriptionTrial:
        dialog = new TrialDialog(object,
                                 customerLabel(object.value(QStringLiteral("customer")).toString()),
                                 options, m_window);
        break;
    case models::StaffAction::SubscriptionCoupon:
        dialog = new CouponDialog(
            object, customerLabel(object.value(QStringLiteral("customer")).toString()),
            models::staffactions::couponChoices(
                m_cache->database(), object.value(QStringLiteral("currency")).toString()),
            options, m_window);
        break;
    case models::StaffAction::InvoiceCreate:
        dialog = new CreateInvoiceDialog(
            object, customerLabel(id),
            models::invoiceplan::oneTimePrices(m_cache->database(), QString()), options, m_window);
        break;
    case models::StaffAction::InvoiceFinalize:
    case models::StaffAction::InvoiceSend:
    case models::StaffAction::InvoicePay:
    case models::StaffAction::InvoiceVoid:
    case models::StaffAction::InvoiceMarkUncollectible:
    case models::StaffAction::InvoiceDelete:
        dialog = new InvoiceActionDialog(
            info->action, object,
            customerLabel(object.value(QStringLiteral("customer")).toString()), options, m_window);
        break;
    case models::StaffAction::DisputeEvidence:
        dialog = new DisputeResponseDialog(object, disputeCustomer(object), options, m_window);
        break;
    case models::StaffAction::DisputeAccept:
        dialog = new AcceptDisputeDialog(object, disputeCustomer(object), options, m_window);
        break;
    }
    dialog->setOutbox(m_outbox);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

} // namespace paydesk::ui
