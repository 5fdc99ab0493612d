#include "models/actions/outbox.h"

#include "models/csv.h"
#include "models/modelslogging.h"
#include "models/money.h"
#include "models/store/cache.h"
#include "models/store/cacheschema.h"
#include "network/stripeclient.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace paydesk::models {

namespace {

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

const char *const kEntrySql
    = "SELECT id, action, object_id, idempotency_key, state, attempts, coalesce(http_status, 0), "
      "coalesce(request_id, ''), coalesce(error, ''), response, method, path, params, amount, "
      "currency, created_at, updated_at, coalesce(intent, '') FROM outbox";

OutboxEntry readEntry(const sql::Statement &s)
{
    OutboxEntry e;
    e.id = s.int64(0);
    e.action = s.text(1);
    e.objectId = s.text(2);
    e.idempotencyKey = s.text(3);
    e.state = s.text(4);
    e.attempts = int(s.int64(5));
    e.httpStatus = int(s.int64(6));
    e.requestId = s.text(7);
    e.error = s.text(8);
    e.response = s.bytes(9);
    e.method = s.text(10);
    e.path = s.text(11);
    e.params = s.bytes(12);
    e.amount = s.isNull(13) ? -1 : s.int64(13);
    e.currency = s.text(14);
    e.createdAt = s.int64(15);
    e.updatedAt = s.int64(16);
    e.intent = s.text(17);
    return e;
}

} // namespace

Outbox::Outbox(Cache *cache, network::StripeClient *client, QObject *parent)
    : QObject(parent)
    , m_cache(cache)
    , m_client(client)
{ }

void Outbox::setProfile(const QString &profile, bool livemode)
{
    m_profile = profile;
    m_livemode = livemode;
}

qint64 Outbox::enqueue(const OutboxAction &action, QString *error)
{
    // The key and the exact bytes to send are committed before anything goes out.
    const QString key = action.idempotencyKey.isEmpty()
        ? QUuid::createUuid().toString(QUuid::WithoutBraces)
        : action.idempotencyKey;
    sql::Database &db = m_cache->database();
    sql::Statement s = db.prepare(QStringLiteral(
        "INSERT INTO outbox (created_at, updated_at, action, object_id, idempotency_key, method, "
        "path, params, amount, currency, state, intent) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, "
        "?9, 'pending', ?10)"));
    s.bind(1, now());
    s.bind(2, action.action);
    s.bind(3, action.objectId.isEmpty() ? QString() : action.objectId);
    s.bind(4, key);
    s.bind(5, QString::fromLatin1(action.method));
    s.bind(6, action.path);
    QByteArray body = action.body.isEmpty() ? action.params.encode() : action.body;
    if (body.isNull())
        body = QByteArray(""); // No parameters (a DELETE): an empty body, not NULL.
    s.bindText(7, body);
    if (action.amount >= 0)
        s.bind(8, action.amount);
    else
        s.bindNull(8);
    s.bind(9, action.currency.isEmpty() ? QString() : action.currency.toLower());
    if (action.intent.isEmpty())
        s.bindNull(10);
    else
        s.bind(10, action.intent);
    if (!s.exec()) {
        if (error)
            *error = db.lastError();
        return -1;
    }
    const qint64 id = db.scalar(QStringLiteral("SELECT last_insert_rowid()"));
    qCInfo(lcOutbox) << "outbox" << id << action.action << action.objectId << "committed";
    Q_EMIT changed();
    return id;
}

QList<OutboxEntry> Outbox::unfinished(const QString &action, const QString &objectId) const
{
    sql::Statement s = m_cache->database().prepare(
        QString::fromLatin1(kEntrySql)
        + QStringLiteral(" WHERE state IN ('pending', 'sent') AND action = ?1 AND "
                         "coalesce(object_id, '') = ?2 ORDER BY id"));
    s.bind(1, action);
    s.bind(2, objectId);
    QList<OutboxEntry> list;
    while (s.step())
        list.append(readEntry(s));
    return list;
}

OutboxEntry Outbox::byKey(const QString &idempotencyKey) const
{
    sql::Statement s = m_cache->database().prepare(QString::fromLatin1(kEntrySql)
                                                   + QStringLiteral(" WHERE idempotency_key = ?1"));
    s.bind(1, idempotencyKey);
    return s.step() ? readEntry(s) : OutboxEntry();
}

OutboxEntry Outbox::lastSucceeded(const QString &intent, const QString &objectId,
                                  qint64 since) const
{
    // Only the condition given, so that the intent's index answers an intent.
    sql::Statement s = m_cache->database().prepare(
        QString::fromLatin1(kEntrySql)
        + (intent.isEmpty() ? QStringLiteral(" WHERE object_id = ?1")
                            : QStringLiteral(" WHERE intent = ?1"))
        + QStringLiteral(" AND state = 'succeeded' AND updated_at >= ?2 ORDER BY id DESC LIMIT 1"));
    s.bind(1, intent.isEmpty() ? objectId : intent);
    s.bind(2, since);
    return s.step() ? readEntry(s) : OutboxEntry();
}

OutboxEntry Outbox::entry(qint64 id) const
{
    sql::Statement s = m_cache->database().prepare(QString::fromLatin1(kEntrySql)
                                                   + QStringLiteral(" WHERE id = ?1"));
    s.bind(1, id);
    return s.step() ? readEntry(s) : OutboxEntry();
}

QList<OutboxEntry> Outbox::entries(const QString &state) const
{
    sql::Statement s = m_cache->database().prepare(
        QString::fromLatin1(kEntrySql)
        + (state.isEmpty() ? QString() : QStringLiteral(" WHERE state = ?1"))
        + QStringLiteral(" ORDER BY id"));
    if (!state.isEmpty())
        s.bind(1, state);
    QList<OutboxEntry> list;
    while (s.step())
        list.append(readEntry(s));
    return list;
}

int Outbox::sendPending()
{
    sql::Statement s = m_cache->database().prepare(
        QString::fromLatin1(kEntrySql)
        + QStringLiteral(" WHERE state IN ('pending', 'sent') ORDER BY id"));
    QList<OutboxEntry> toSend;
    while (s.step()) {
        OutboxEntry e = readEntry(s);
        if (!m_inFlight.contains(e.id))
            toSend.append(e);
    }
    s = sql::Statement();
    for (const OutboxEntry &e : std::as_const(toSend))
        send(e);
    return int(toSend.size());
}

void Outbox::send(const OutboxEntry &e)
{
    sql::Statement row = m_cache->database().prepare(
        QStringLiteral("SELECT method, path, params FROM outbox WHERE id = ?1"));
    row.bind(1, e.id);
    if (!row.step())
        return;
    network::StripeRequest request;
    request.method = row.text(0).toLatin1();
    request.path = row.text(1);
    request.encodedBody = row.bytes(2);
    request.contentType = network::multipartContentTypeOf(request.encodedBody);
    request.idempotencyKey = e.idempotencyKey.toLatin1();
    row = sql::Statement();
    // Marked sent before the request leaves: a crash from here on resends with the same key.
    sql::Statement mark = m_cache->database().prepare(
        QStringLiteral("UPDATE outbox SET state = 'sent', attempts = attempts + 1, updated_at = "
                       "?2 WHERE id = ?1"));
    mark.bind(1, e.id);
    mark.bind(2, now());
    if (!mark.exec())
        return;
    m_inFlight.insert(e.id);
    Q_EMIT changed();
    m_client->send(request, this,
                   [this, id = e.id](const network::StripeResponse &r) { handle(id, r); });
}

void Outbox::handle(qint64 id, const network::StripeResponse &r)
{
    // Stripe ignores idempotency keys on DELETE: a resend after a lost answer finds the
    // customer deleted or the subscription canceled already. What is true now decides.
    if (!r.ok() && (r.httpStatus == 404 || r.httpStatus == 400)) {
        const OutboxEntry e = entry(id);
        if (e.method == QLatin1String("DELETE") && e.attempts > 1) {
            network::StripeRequest get;
            get.path = e.path;
            m_client->send(get, this, [this, id, r](const network::StripeResponse &now) {
                const bool done = now.ok()
                    && (now.json.value(QStringLiteral("deleted")).toBool()
                        || now.json.value(QStringLiteral("status")).toString()
                            == QLatin1String("canceled"));
                if (!done && !now.ok() && now.httpStatus != 404 && now.httpStatus != 400) {
                    // Could not tell: stays unfinished, checked again on the next send.
                    network::StripeResponse unknown = now;
                    finish(id, unknown, false);
                    return;
                }
                finish(id, done ? now : r, done);
            });
            return;
        }
    }
    finish(id, r, false);
}

void Outbox::finish(qint64 id, const network::StripeResponse &r, bool verified)
{
    m_inFlight.remove(id);
    const bool ok = r.ok();
    // A definite answer ends the entry; a lost one (network, timeout, 5xx, 429 after the
    // client's own retries) leaves it to be sent again with the same key.
    const bool definite = ok
        || (r.error.kind == network::StripeError::Kind::Api && r.httpStatus >= 400
            && r.httpStatus < 500 && r.httpStatus != 429 && r.httpStatus != 409);
    const QString state = outboxStateName(ok             ? OutboxState::Succeeded
                                              : definite ? OutboxState::Failed
                                                         : OutboxState::Pending);
    const QString message = ok
        ? (verified ? tr("Done by an earlier attempt whose answer was lost.") : QString())
        : r.error.userMessage();
    sql::Database &db = m_cache->database();
    m_cache->begin();
    sql::Statement s = db.prepare(QStringLiteral(
        "UPDATE outbox SET state = ?2, updated_at = ?3, http_status = ?4, request_id = ?5, "
        "error = ?6, response = ?7 WHERE id = ?1"));
    s.bind(1, id);
    s.bind(2, state);
    s.bind(3, now());
    s.bind(4, qint64(r.httpStatus));
    s.bind(5, r.requestId.isEmpty() ? QString() : r.requestId);
    s.bind(6, message.isEmpty() ? QString() : message);
    if (r.body.isEmpty())
        s.bindNull(7);
    else
        s.bindText(7, r.body);
    s.exec();
    QString parent;
    if (ok) {
        const QString object = r.json.value(QStringLiteral("object")).toString();
        const CacheTable *table = cacheTableForObject(object);
        // The views show the result at once, without waiting for the next sync.
        const qint64 asOf = stripeTime(r);
        if (r.json.value(QStringLiteral("deleted")).toBool() && table)
            m_cache->markDeleted(QString::fromLatin1(table->name),
                                 r.json.value(QStringLiteral("id")).toString(), asOf);
        else if (table)
            m_cache->upsert(r.json, asOf, 0, r.body);
        const QString invoice = r.json.value(QStringLiteral("invoice")).toString();
        if (object == QLatin1String("invoiceitem") && !invoice.isEmpty()) {
            // An item is not cached on its own: the invoice it joined changed.
            m_cache->enqueueRefetch(QStringLiteral("invoices"), invoice, asOf);
            parent = QStringLiteral("/v1/invoices/") + invoice;
        }
        const QString charge = r.json.value(QStringLiteral("charge")).toString();
        if (object == QLatin1String("refund") && !charge.isEmpty()) {
            // The refunded charge changed too: fetched at once, and queued for the next sync
            // in case that fetch fails.
            m_cache->enqueueRefetch(QStringLiteral("charges"), charge, asOf);
            parent = QStringLiteral("/v1/charges/") + charge;
        }
    }
    const OutboxEntry e = entry(id);
    if (definite)
        audit(e, outboxStateName(ok ? OutboxState::Succeeded : OutboxState::Failed), message);
    m_cache->commit();
    qCInfo(lcOutbox) << "outbox" << id << e.action << e.objectId << state
                     << (r.requestId.isEmpty() ? QString() : r.requestId);
    if (!parent.isEmpty())
        refreshParent(parent);
    Q_EMIT changed();
    if (definite)
        Q_EMIT entryFinished(id, ok, message);
    if (m_inFlight.isEmpty())
        Q_EMIT idle();
}

qint64 Outbox::stripeTime(const network::StripeResponse &r)
{
    // Cached rows carry Stripe's clock (which may differ from ours): what Stripe answered
    // now is as of its Date header. Without one, the answer is still newer than anything
    // cached before the request was made.
    if (r.serverTime > 0)
        return r.serverTime;
    const CacheTable *table
        = cacheTableForObject(r.json.value(QStringLiteral("object")).toString());
    const std::optional<qint64> cached = table
        ? m_cache->asOf(QString::fromLatin1(table->name),
                        r.json.value(QStringLiteral("id")).toString())
        : std::nullopt;
    return std::max(now(), cached.value_or(0));
}

void Outbox::refreshParent(const QString &path)
{
    network::StripeRequest get;
    get.path = path;
    m_refreshing.insert(path);
    m_client->send(get, this, [this, path](const network::StripeResponse &r) {
        m_refreshing.remove(path);
        if (r.ok() && m_cache->isOpen()) {
            m_cache->begin();
            m_cache->upsert(r.json, stripeTime(r), 0, r.body);
            if (const CacheTable *table
                = cacheTableForObject(r.json.value(QStringLiteral("object")).toString()))
                m_cache->removeRefetch(QString::fromLatin1(table->name),
                                       r.json.value(QStringLiteral("id")).toString());
            m_cache->commit();
            Q_EMIT changed();
        }
        if (m_refreshing.isEmpty() && m_inFlight.isEmpty())
            Q_EMIT refreshed();
    });
}

void Outbox::audit(const OutboxEntry &e, const QString &result, const QString &message)
{
    sql::Statement s = m_cache->database().prepare(QStringLiteral(
        "INSERT INTO audit_log (time, os_user, profile, mode, action, object_id, amount, "
        "currency, result, request_id, message) SELECT ?1, ?2, ?3, ?4, action, object_id, "
        "amount, currency, ?5, request_id, ?6 FROM outbox WHERE id = ?7"));
    s.bind(1, now());
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
#ifdef Q_OS_UNIX
    if (user.isEmpty()) {
        if (const passwd *pw = ::getpwuid(::getuid()))
            user = QString::fromLocal8Bit(pw->pw_name);
    }
#endif
    s.bind(2, user);
    s.bind(3, m_profile);
    s.bind(4, m_livemode ? QStringLiteral("live") : QStringLiteral("test"));
    s.bind(5, result);
    s.bind(6, message);
    s.bind(7, e.id);
    s.exec();
}

QString outboxStateName(OutboxState state)
{
    switch (state) {
    case OutboxState::Pending:
        return QStringLiteral("pending");
    case OutboxState::Sent:
        return QStringLiteral("sent");
    case OutboxState::Succeeded:
        return QStringLiteral("succeeded");
    case OutboxState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

OutboxState outboxStateNamed(const QString &name)
{
    for (OutboxState s :
         {OutboxState::Pending, OutboxState::Sent, OutboxState::Succeeded, OutboxState::Failed})
        if (name == outboxStateName(s))
            return s;
    return OutboxState::Pending;
}

QList<OutboxEntry> recentActions(sql::Database &db, int limit)
{
    QList<OutboxEntry> entries;
    sql::Statement s
        = db.prepare(QString::fromLatin1(kEntrySql) + QStringLiteral(" ORDER BY id DESC LIMIT ?1"));
    s.bind(1, qint64(limit));
    while (s.step())
        entries.append(readEntry(s));
    return entries;
}

namespace {

QList<AuditEntry> auditEntries(sql::Database &db, const QString &order, qint64 limit)
{
    QList<AuditEntry> entries;
    sql::Statement s = db.prepare(
        QStringLiteral("SELECT time, coalesce(os_user, ''), coalesce(profile, ''), coalesce(mode, "
                       "''), action, coalesce(object_id, ''), amount, coalesce(currency, ''), "
                       "result, coalesce(request_id, ''), coalesce(message, '') FROM audit_log "
                       "ORDER BY id %1 LIMIT ?1")
            .arg(order));
    s.bind(1, limit);
    while (s.step()) {
        AuditEntry e;
        e.time = s.int64(0);
        e.osUser = s.text(1);
        e.profile = s.text(2);
        e.mode = s.text(3);
        e.action = s.text(4);
        e.objectId = s.text(5);
        e.amount = s.isNull(6) ? -1 : s.int64(6);
        e.currency = s.text(7);
        e.result = s.text(8);
        e.requestId = s.text(9);
        e.message = s.text(10);
        entries.append(e);
    }
    return entries;
}

} // namespace

QList<AuditEntry> recentAudit(sql::Database &db, int limit)
{
    return auditEntries(db, QStringLiteral("DESC"), limit);
}

qint64 writeAuditCsv(sql::Database &db, QIODevice *out)
{
    out->write("time,os_user,profile,mode,action,object_id,amount,currency,result,request_id,"
               "message\r\n");
    qint64 rows = 0;
    for (const AuditEntry &e : auditEntries(db, QStringLiteral("ASC"), -1)) {
        QStringList fields;
        fields.append(QDateTime::fromSecsSinceEpoch(e.time, Qt::UTC).toString(Qt::ISODate));
        for (const QString &f : {e.osUser, e.profile, e.mode, e.action, e.objectId})
            fields.append(csv::field(f));
        fields.append(e.amount < 0 || e.currency.isEmpty()
                          ? QString()
                          : Money(e.amount, e.currency).toDecimalString());
        fields.append(e.currency.toUpper());
        for (const QString &f : {e.result, e.requestId, e.message})
            fields.append(csv::field(f));
        if (out->write(fields.join(u',').toUtf8() + "\r\n") < 0)
            return -1;
        ++rows;
    }
    return rows;
}

} // namespace paydesk::models
