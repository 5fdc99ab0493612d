#include "tests/support/fakenetwork.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>

namespace paydesk::tests {

FakeResponse FakeResponse::json(int status, const QByteArray &body,
                                QList<QPair<QByteArray, QByteArray>> headers)
{
    FakeResponse r;
    r.status = status;
    r.body = body;
    r.headers = std::move(headers);
    return r;
}

FakeResponse FakeResponse::networkError(QNetworkReply::NetworkError error)
{
    FakeResponse r;
    r.status = 0;
    r.body.clear();
    r.error = error;
    return r;
}

QByteArray SentRequest::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

FakeNetworkAccessManager::FakeNetworkAccessManager(QObject *parent)
    : QNetworkAccessManager(parent)
{ }

QNetworkReply *FakeNetworkAccessManager::createRequest(Operation op, const QNetworkRequest &request,
                                                       QIODevice *outgoingData)
{
    SentRequest sent;
    switch (op) {
    case GetOperation:
        sent.method = "GET";
        break;
    case PostOperation:
        sent.method = "POST";
        break;
    case DeleteOperation:
        sent.method = "DELETE";
        break;
    case PutOperation:
        sent.method = "PUT";
        break;
    case HeadOperation:
        sent.method = "HEAD";
        break;
    default:
        sent.method = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
        break;
    }
    sent.url = request.url();
    for (const QByteArray &name : request.rawHeaderList())
        sent.headers.append({name, request.rawHeader(name)});
    const QVariant type = request.header(QNetworkRequest::ContentTypeHeader);
    if (type.isValid())
        sent.headers.append({QByteArray("Content-Type"), type.toByteArray()});
    if (outgoingData)
        sent.body = outgoingData->readAll();
    sent.atMs = QDateTime::currentMSecsSinceEpoch();
    m_sent.append(sent);

    FakeResponse response;
    if (m_answerer) {
        response = m_answerer(sent);
    } else if (m_script.empty()) {
        response = FakeResponse::json(
            500, R"({"error":{"type":"api_error","message":"fake: no scripted response"}})");
    } else {
        response = m_script.front();
        m_script.pop_front();
    }
    return new FakeReply(this, request, sent.method, response);
}

FakeReply::FakeReply(FakeNetworkAccessManager *manager, const QNetworkRequest &request,
                     const QByteArray &verb, const FakeResponse &response)
    : QNetworkReply(manager)
    , m_manager(manager)
    , m_response(response)
{
    ++manager->m_open;
    setRequest(request);
    setUrl(request.url());
    setOperation(verb == "GET" ? QNetworkAccessManager::GetOperation
                               : QNetworkAccessManager::CustomOperation);
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    if (!m_response.hang)
        QTimer::singleShot(m_response.delayMs, this, &FakeReply::deliver);
}

FakeReply::~FakeReply()
{
    if (m_manager)
        --m_manager->m_open;
}

void FakeReply::deliver()
{
    if (m_done)
        return;
    if (m_response.status == 0) {
        fail(m_response.error, QStringLiteral("fake transport error"));
        return;
    }
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_response.status);
    for (const auto &[k, v] : m_response.headers)
        setRawHeader(k, v);
    const qint64 length
        = m_response.announcedLength >= 0 ? m_response.announcedLength : m_response.body.size();
    setHeader(QNetworkRequest::ContentLengthHeader, length);
    Q_EMIT metaDataChanged();
    if (m_response.stallAfterHeaders) {
        m_buffer = m_response.body.left(m_response.body.size() / 2);
        Q_EMIT readyRead();
        Q_EMIT downloadProgress(m_buffer.size(), length);
        return; // And nothing more until aborted.
    }
    m_buffer = m_response.body;
    Q_EMIT readyRead();
    Q_EMIT downloadProgress(m_buffer.size(), length);
    if (m_response.error != NoError) {
        fail(m_response.error, QStringLiteral("fake transport error after the answer"));
        return;
    }
    if (m_response.status >= 400)
        setError(ProtocolInvalidOperationError, QStringLiteral("HTTP %1").arg(m_response.status));
    m_done = true;
    setFinished(true);
    Q_EMIT finished();
}

void FakeReply::fail(NetworkError error, const QString &text)
{
    if (m_done)
        return;
    m_done = true;
    setError(error, text);
    Q_EMIT errorOccurred(error);
    setFinished(true);
    Q_EMIT finished();
}

void FakeReply::abort()
{
    fail(OperationCanceledError, QStringLiteral("Operation canceled"));
}

qint64 FakeReply::bytesAvailable() const
{
    return m_buffer.size() - m_offset + QIODevice::bytesAvailable();
}

qint64 FakeReply::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min(maxSize, qint64(m_buffer.size()) - m_offset);
    if (n <= 0)
        return m_done ? -1 : 0;
    std::memcpy(data, m_buffer.constData() + m_offset, size_t(n));
    m_offset += n;
    return n;
}

} // namespace paydesk::tests
