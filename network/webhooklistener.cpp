#include "network/webhooklistener.h"

#include "network/networklogging.h"
#include "network/webhooksignature.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTcpSocket>

namespace paydesk::network {

namespace {
constexpr qsizetype kMaxHeader = 16 * 1024;
constexpr qsizetype kMaxBody = 1024 * 1024; // Stripe events are far smaller.
constexpr size_t kRememberedEvents = 10000;
} // namespace

WebhookListener::WebhookListener(QByteArray signingSecret, QObject *parent)
    : QObject(parent)
    , m_secret(std::move(signingSecret))
    , m_clock([] { return QDateTime::currentSecsSinceEpoch(); })
{
    connect(&m_server, &QTcpServer::newConnection, this, &WebhookListener::onNewConnection);
}

WebhookListener::~WebhookListener() = default;

bool WebhookListener::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

quint16 WebhookListener::port() const
{
    return m_server.serverPort();
}

void WebhookListener::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void WebhookListener::onReadyRead(QTcpSocket *socket)
{
    if (!m_buffers.contains(socket))
        return;
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer.size() > kMaxHeader)
            respond(socket, 400, "header too large");
        return;
    }
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3) {
        respond(socket, 400, "malformed request line");
        return;
    }
    qint64 length = -1;
    QByteArray signature;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok)
                length = -2;
        } else if (name == "stripe-signature") {
            signature = value;
        } else if (name == "transfer-encoding") {
            respond(socket, 400, "chunked bodies are not accepted");
            return;
        }
    }
    if (length < 0 || length > kMaxBody) {
        respond(socket, 400, "missing or invalid Content-Length");
        return;
    }
    if (buffer.size() - headerEnd - 4 < length)
        return; // More to come.
    const QByteArray body = buffer.mid(headerEnd + 4, length);
    QByteArray path = requestLine.at(1);
    if (const qsizetype q = path.indexOf('?'); q >= 0)
        path.truncate(q);
    handle(socket, requestLine.at(0), path, signature, body);
}

void WebhookListener::handle(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                             const QByteArray &signature, const QByteArray &body)
{
    auto reject = [&](const QString &reason) {
        ++m_rejected;
        qCWarning(lcWebhook).noquote() << "webhook rejected:" << reason;
        Q_EMIT requestRejected(reason);
        respond(socket, 400, reason.toUtf8());
    };
    if (method != "POST" || path != "/webhook") {
        reject(QStringLiteral("only POST /webhook is served"));
        return;
    }
    switch (verifyWebhookSignature(body, signature, m_secret, m_clock())) {
    case WebhookVerdict::Valid:
        break;
    case WebhookVerdict::MalformedHeader:
        reject(QStringLiteral("missing or malformed Stripe-Signature"));
        return;
    case WebhookVerdict::NoMatchingSignature:
        reject(QStringLiteral("no signature matches the signing secret"));
        return;
    case WebhookVerdict::OutsideTolerance:
        reject(QStringLiteral("timestamp outside the 300 s tolerance"));
        return;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    const QJsonObject event = doc.object();
    const QString id = event.value(QStringLiteral("id")).toString();
    if (error.error != QJsonParseError::NoError || !doc.isObject() || id.isEmpty()
        || event.value(QStringLiteral("object")).toString() != QLatin1String("event")) {
        reject(QStringLiteral("the body is not a Stripe event"));
        return;
    }
    if (m_seen.contains(id)) {
        qCInfo(lcWebhook).noquote() << "webhook" << id << "replayed: ignored";
        respond(socket, 200, "{\"received\":true,\"duplicate\":true}");
        return;
    }
    m_seen.insert(id);
    m_seenOrder.push_back(id);
    if (m_seenOrder.size() > kRememberedEvents) {
        m_seen.remove(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
    ++m_accepted;
    respond(socket, 200, "{\"received\":true}");
    Q_EMIT eventReceived(event);
}

void WebhookListener::respond(QTcpSocket *socket, int status, const QByteArray &body)
{
    m_buffers.remove(socket);
    const QByteArray reason = status == 200 ? "OK" : "Bad Request";
    const QByteArray type = body.startsWith('{') ? "application/json" : "text/plain";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\nContent-Type: "
                  + type + "\r\nContent-Length: " + QByteArray::number(body.size())
                  + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

} // namespace paydesk::network
