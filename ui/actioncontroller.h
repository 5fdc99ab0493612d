#pragma once

#include "models/actions/catalogue.h"
#include "models/actions/outbox.h"
#include "models/store/cachereader.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

class QWidget;

namespace paydesk::models {
class Cache;
} // namespace paydesk::models

namespace paydesk::ui {

class ActionDialog;

/*
 * Decides whether staff actions are possible now (an account with an outbox, online, not a
 * read-only profile) and opens the dialog of an action on a cached object: refund a payment,
 * create, edit or delete a customer, cancel a subscription or undo its cancellation. After an
 * action the views are told what changed.
 */
class ActionController final : public QObject
{
    Q_OBJECT
public:
    explicit ActionController(QWidget *window, QObject *parent = nullptr);

    // What the button of an action reads on this object ("Refund…", "Keep subscription…").
    static QString label(models::StaffAction action, const QJsonObject &object = {});

    // The outbox of the account shown, on a cache connection of the window's thread (null: no
    // account).
    // The window's reader: told what the outbox's cache commits (set before setOutbox()).
    void setReader(models::CacheReader *reader) { m_reader = reader; }
    void setOutbox(models::Outbox *outbox, models::Cache *cache);
    models::Outbox *outbox() const { return m_outbox; }
    void setOnline(bool online);
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    void setLiveMode(bool live);
    // Refunds of this many major units of the payment's currency or more need the amount
    // typed twice (0: never).
    void setRefundThreshold(qint64 major);
    qint64 refundThreshold() const { return m_threshold; }
    // Why actions are off now ("" when they are possible).
    QString disabledReason() const;
    // Why one action is off ("refund", "customer.edit", …): the reason of them all, or the
    // permission the restricted key was found to lack.
    QString disabledReason(const QString &action) const;
    // What the key may not do, as learned from Stripe's refusals (kept per profile and mode by
    // the session); actions that need those permissions are off.
    void setDeniedPermissions(const QStringList &permissions);
    // disabledReason(action) of every action there is, those possible left out.
    QHash<QString, QString> actionReasons() const;

    // Opens the dialog of `action` ("refund", "customer.create", "customer.edit",
    // "customer.delete", "subscription.cancel") on the object `id` of the cache. Returns the
    // dialog (deleted when closed), or null if the object is not cached.
    ActionDialog *request(const QString &action, const QString &id);

Q_SIGNALS:
    void availabilityChanged(const QString &disabledReason);
    // A refusal showed the key lacks a permission (the list now).
    void deniedPermissionsChanged(const QStringList &permissions);

private:
    QJsonObject cached(const QString &table, const QString &id) const;
    QString customerLabel(const QString &customerId) const;
    QString disputeCustomer(const QJsonObject &dispute) const;
    void emitAvailability();

    QWidget *m_window;
    QPointer<models::Outbox> m_outbox;
    models::Cache *m_cache = nullptr;
    QPointer<models::CacheReader> m_reader;
    bool m_online = false;
    bool m_readOnly = false;
    bool m_live = false;
    qint64 m_threshold = 500;
    QStringList m_denied;
    QMetaObject::Connection m_finished;
};

} // namespace paydesk::ui
