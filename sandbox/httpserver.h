#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace paydesk::sandbox {

struct HttpRequest
{
    QByteArray method; // Upper case: GET, POST, DELETE.
    QByteArray path; // Without the query string, still percent-encoded.
    QByteArray query; // Raw query string without '?'.
    QHash<QByteArray, QByteArray> headers; // Names lower-cased.
    QByteArray body;

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
};

struct HttpResponse
{
    // How the bytes reach the client: whole, cut off after half the body with the connection
    // closed (a dropped connection), or with a body that is not the JSON it claims to be.
    enum class Delivery { Normal, DropMidBody };

    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    Delivery delivery = Delivery::Normal;
};

/*
 * A small HTTP/1.1 server on QTcpServer for the sandbox: keep-alive, Content-Length bodies,
 * and transport-level fault injection (delays, connections dropped mid-body) that a
 * higher-level HTTP library would hide. One handler answers every request; it runs on the
 * thread that owns the server.
 */
class HttpServer final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    // Listens on 127.0.0.1 (port 0 picks a free one). Returns false with errorString() set.
    bool listen(quint16 port = 0);
    quint16 port() const;
    QString errorString() const;
    void close();

private:
    struct Connection
    {
        QByteArray buffer;
        bool busy = false; // An answer is being delayed; later requests wait.
    };
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void write(QTcpSocket *socket, const HttpResponse &response, bool keepAlive);

    Handler m_handler;
    QTcpServer m_server;
    QHash<QTcpSocket *, Connection> m_connections;
};

QByteArray reasonPhrase(int status);

} // namespace paydesk::sandbox
