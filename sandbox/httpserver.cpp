#include "sandbox/httpserver.h"

#include "sandbox/sandboxlogging.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace paydesk::sandbox {

namespace {
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
// A file upload of up to Stripe's largest limit, with its multipart framing.
constexpr qsizetype kMaxBodyBytes = 16 * 1024 * 1024;
} // namespace

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

HttpServer::HttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{
    connect(&m_server, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
}

HttpServer::~HttpServer()
{
    close();
}

bool HttpServer::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

quint16 HttpServer::port() const
{
    return m_server.serverPort();
}

QString HttpServer::errorString() const
{
    return m_server.errorString();
}

void HttpServer::close()
{
    m_server.close();
    const auto sockets = m_connections.keys();
    for (QTcpSocket *s : sockets)
        s->abort();
}

void HttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        // As Stripe's servers: no Nagle delay (a 37 KB page would wait 40 ms for an ACK).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_connections.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_connections.remove(socket);
            socket->deleteLater();
        });
    }
}

void HttpServer::onReadyRead(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->buffer += socket->readAll();
    // Requests are answered one at a time per connection; a pipelined request waits in the
    // buffer while an earlier answer is delayed.
    while (!it->busy) {
        QByteArray &buffer = it->buffer;
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (buffer.size() > kMaxHeaderBytes) {
                HttpResponse r;
                r.status = 413;
                write(socket, r, false);
            }
            return;
        }
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        HttpRequest request;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3) {
            HttpResponse r;
            r.status = 400;
            write(socket, r, false);
            return;
        }
        request.method = requestLine.at(0).toUpper();
        const QByteArray target = requestLine.at(1);
        const qsizetype q = target.indexOf('?');
        request.path = q < 0 ? target : target.left(q);
        request.query = q < 0 ? QByteArray() : target.mid(q + 1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers.insert(line.left(colon).trimmed().toLower(),
                                       line.mid(colon + 1).trimmed());
        }
        bool ok = true;
        const qsizetype length = request.headers.value("content-length", "0").toLongLong(&ok);
        if (!ok || length < 0 || length > kMaxBodyBytes) {
            HttpResponse r;
            r.status = 413;
            write(socket, r, false);
            return;
        }
        if (buffer.size() < headerEnd + 4 + length)
            return; // Wait for the rest of the body.
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.remove(0, headerEnd + 4 + length);

        const bool keepAlive = request.header("connection").toLower() != "close";
        HttpResponse response = m_handler(request);
        if (response.delayMs > 0) {
            it->busy = true;
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(response.delayMs, this, [this, guard, response, keepAlive] {
                if (!guard)
                    return;
                auto again = m_connections.find(guard.data());
                if (again == m_connections.end())
                    return;
                again->busy = false;
                write(guard, response, keepAlive);
                if (guard && m_connections.contains(guard.data()))
                    onReadyRead(guard);
            });
            return;
        }
        write(socket, response, keepAlive);
        it = m_connections.find(socket);
        if (it == m_connections.end() || !keepAlive
            || response.delivery != HttpResponse::Delivery::Normal)
            return;
    }
}

void HttpServer::write(QTcpSocket *socket, const HttpResponse &response, bool keepAlive)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' '
        + reasonPhrase(response.status) + "\r\n";
    bool hasType = false;
    for (const auto &[name, value] : response.headers) {
        head += name + ": " + value + "\r\n";
        hasType = hasType || name.compare("content-type", Qt::CaseInsensitive) == 0;
    }
    if (!hasType)
        head += "Content-Type: application/json\r\n";
    head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    head += keepAlive && response.delivery == HttpResponse::Delivery::Normal
        ? "Connection: keep-alive\r\n"
        : "Connection: close\r\n";
    head += "\r\n";
    socket->write(head);
    if (response.delivery == HttpResponse::Delivery::DropMidBody) {
        socket->write(response.body.left(response.body.size() / 2));
        socket->flush();
        socket->abort();
        return;
    }
    socket->write(response.body);
    if (!keepAlive)
        socket->disconnectFromHost();
}

} // namespace paydesk::sandbox
