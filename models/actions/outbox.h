#pragma once

#include "network/formencoder.h"

#include <QObject>
#include <QSet>

namespace paydesk::network {
class StripeClient;
struct StripeResponse;
} // namespace paydesk::network

class QIODevice;

namespace paydesk::models {

class Cache;
namespace sql {
class Database;
}

// A staff action to send to Stripe: what it is (for the Activity page and the audit log) and
// the request that does it.
struct OutboxAction
{
    QString action; // "refund", "customer.create", "subscription.cancel", …
    QString objectId; // The object acted on (charge, customer, subscription), if any.
    QByteArray method = "POST";
    QString path; // "/v1/refunds"
    network::StripeParams params;
    // A body already written instead of `params` (a file upload: network::multipartBody()).
    QByteArray body;
    qint64 amount = -1; // Minor units, for the audit log; -1: none.
    QString currency;
    // The user's own key (--idempotency-key); empty: a fresh one.
    QString idempotencyKey;
    // What was asked for, as the user said it ("refund ch_1 amount=0.50 …"): the same intent
    // is the same action, whatever the request computed from it.
    QString intent;
};

// Where an action of the outbox is: stored and not sent, or its answer lost (Pending); sent,
// its answer not read yet (Sent); done (Succeeded); refused for good (Failed). Stored by name.
enum class OutboxState { Pending, Sent, Succeeded, Failed };
QString outboxStateName(OutboxState state); // "pending", "sent", "succeeded", "failed".
// The state a stored name means (an unknown one reads as Pending: it is sent again, with its
// key, rather than forgotten).
OutboxState outboxStateNamed(const QString &name);

struct OutboxEntry
{
    qint64 id = 0;
    QString action;
    QString objectId;
    QString idempotencyKey;
    QString state; // outboxStateName(): pending, sent, succeeded, failed
    int attempts = 0;
    int httpStatus = 0;
    QString requestId;
    QString error;
    QByteArray response;
    QString method;
    QString path;
    QByteArray params; // The exact encoded body that is (re)sent.
    qint64 amount = -1;
    QString currency;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString intent;

    OutboxState stateValue() const { return outboxStateNamed(state); }
    bool finished() const
    {
        return stateValue() == OutboxState::Succeeded || stateValue() == OutboxState::Failed;
    }
};

/*
 * Staff actions that happen exactly once. enqueue() commits the action and a fresh idempotency
 * key to the cache before anything is sent; send() posts it with that key and records the
 * outcome. An action whose answer never arrived (network down, process killed) stays pending
 * or sent and is sent again with the same key and the same bytes — by a later send() or after
 * a restart — so Stripe returns the original result instead of acting twice. A definite answer
 * (success, or an error Stripe will give again, such as charge_already_refunded) ends it; the
 * returned object is written to the cache at once, and every outcome goes to the audit log.
 */
class Outbox final : public QObject
{
    Q_OBJECT
public:
    Outbox(Cache *cache, network::StripeClient *client, QObject *parent = nullptr);
    // The client it sends with (for reads that go with an action, such as a preview).
    network::StripeClient *client() const { return m_client; }

    // Returns the new entry's id, or -1 (nothing stored, nothing will be sent).
    qint64 enqueue(const OutboxAction &action, QString *error = nullptr);
    // Sends every pending or sent entry not already in flight; returns how many it started.
    int sendPending();
    int inFlight() const { return int(m_inFlight.size()); }
    bool busy() const { return !m_inFlight.isEmpty() || !m_refreshing.isEmpty(); }
    OutboxEntry entry(qint64 id) const;
    QList<OutboxEntry> entries(const QString &state = {}) const;
    QList<OutboxEntry> entries(OutboxState state) const { return entries(outboxStateName(state)); }
    // Entries of this action on this object that have no definite answer yet (pending or
    // sent): an interrupted run of the same command finishes these instead of acting again.
    QList<OutboxEntry> unfinished(const QString &action, const QString &objectId) const;
    // The entry sent with this idempotency key (id 0 when there is none).
    OutboxEntry byKey(const QString &idempotencyKey) const;
    // The latest entry that succeeded at or after `since` (id 0 when none): of this intent, or
    // with an empty intent, of any action on this object.
    OutboxEntry lastSucceeded(const QString &intent, const QString &objectId, qint64 since) const;
    // Who acted, for the audit log.
    void setProfile(const QString &profile, bool livemode);

Q_SIGNALS:
    void entryFinished(qint64 id, bool ok, const QString &message);
    // Nothing in flight any more (some entries may still be pending after a network error).
    void idle();
    // An entry was added or changed state (for the Activity page).
    void changed();
    // The objects a finished action changed (the refunded charge) have been fetched again.
    void refreshed();

private:
    void send(const OutboxEntry &entry);
    void handle(qint64 id, const network::StripeResponse &response);
    void finish(qint64 id, const network::StripeResponse &response, bool verified);
    void refreshParent(const QString &path);
    // The Stripe time the answer's object is current at (its Date header).
    qint64 stripeTime(const network::StripeResponse &r);
    void audit(const OutboxEntry &entry, const QString &result, const QString &message);

    Cache *m_cache;
    network::StripeClient *m_client;
    QSet<qint64> m_inFlight;
    QSet<QString> m_refreshing;
    QString m_profile;
    bool m_livemode = false;
};

// One outcome of the audit log.
struct AuditEntry
{
    qint64 time = 0;
    QString osUser;
    QString profile;
    QString mode;
    QString action;
    QString objectId;
    qint64 amount = -1; // Minor units; -1: none.
    QString currency;
    QString result;
    QString requestId;
    QString message;
};

// What the Activity page lists, newest first: the last `limit` actions of the outbox (id,
// action, object, amount, state, attempts, Request-Id and error filled) and outcomes.
QList<OutboxEntry> recentActions(sql::Database &db, int limit);
QList<AuditEntry> recentAudit(sql::Database &db, int limit);
// The whole audit log, oldest first, as CSV with one header (fields a spreadsheet would run as
// a formula escaped); the rows written, or -1.
qint64 writeAuditCsv(sql::Database &db, QIODevice *out);

} // namespace paydesk::models
