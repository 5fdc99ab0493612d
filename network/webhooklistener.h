#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTcpServer>

#include <deque>
#include <functional>

class QTcpSocket;

namespace paydesk::network {

/*
 * Receives Stripe webhooks on a loopback port, as forwarded by
 * `stripe listen --forward-to localhost:PORT/webhook`: accepts only `POST /webhook` with a
 * valid `Stripe-Signature` for the signing secret (see verifyWebhookSignature) and a JSON event,
 * answers 200 and emits the event once — a replayed event id is acknowledged but not emitted
 * again. Anything else gets a 400 and nothing is emitted.
 */
class WebhookListener final : public QObject
{
    Q_OBJECT
public:
    explicit WebhookListener(QByteArray signingSecret, QObject *parent = nullptr);
    ~WebhookListener() override;

    // Listens on 127.0.0.1; port 0 picks a free one.
    bool listen(quint16 port = 0);
    quint16 port() const;
    QString errorString() const { return m_server.errorString(); }
    // Unix time source for the tolerance check (tests pin it).
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    qint64 accepted() const { return m_accepted; }
    qint64 rejected() const { return m_rejected; }

Q_SIGNALS:
    void eventReceived(const QJsonObject &event);
    void requestRejected(const QString &reason);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, int status, const QByteArray &body);
    void handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                const QByteArray &signature, const QByteArray &body);

    QTcpServer m_server;
    QByteArray m_secret;
    std::function<qint64()> m_clock;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QSet<QString> m_seen;
    std::deque<QString> m_seenOrder;
    qint64 m_accepted = 0;
    qint64 m_rejected = 0;
};

} // namespace paydesk::network
