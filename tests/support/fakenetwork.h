#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QPointer>
#include <QUrl>

#include <deque>
#include <functional>

namespace paydesk::tests {

// What a fake reply does.
struct FakeResponse
{
    int status = 200;
    QByteArray body = "{}";
    QList<QPair<QByteArray, QByteArray>> headers;
    int delayMs = 0;
    // A transport error instead of (status 0) or after (status set) the answer.
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    bool hang = false; // Never answers until aborted.
    qint64 announcedLength = -1; // Content-Length; -1: the body's size.
    bool stallAfterHeaders = false; // Sends headers and half the body, then nothing.

    static FakeResponse json(int status, const QByteArray &body,
                             QList<QPair<QByteArray, QByteArray>> headers = {});
    static FakeResponse networkError(QNetworkReply::NetworkError error);
};

// A request the client sent, as the fake saw it.
struct SentRequest
{
    QByteArray method;
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 atMs = 0;

    QByteArray header(const QByteArray &name) const;
};

/*
 * A QNetworkAccessManager that answers from a script instead of the network: replies with a
 * status and body, delayed, hanging, stalled mid-body, truncated or failing with a transport
 * error. Unit tests of the Stripe client run on it; integration tests use real HTTP.
 */
class FakeNetworkAccessManager final : public QNetworkAccessManager
{
    Q_OBJECT
public:
    explicit FakeNetworkAccessManager(QObject *parent = nullptr);

    void enqueue(const FakeResponse &response) { m_script.push_back(response); }
    // Answers every request with what `answerer` returns instead of the script (an in-process
    // server: tests/support/sandboxnetwork.h).
    using Answerer = std::function<FakeResponse(const SentRequest &)>;
    void setAnswerer(Answerer answerer) { m_answerer = std::move(answerer); }
    const QList<SentRequest> &sent() const { return m_sent; }
    int openReplies() const { return m_open; }

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override;

private:
    friend class FakeReply;
    std::deque<FakeResponse> m_script;
    Answerer m_answerer;
    QList<SentRequest> m_sent;
    int m_open = 0;
};

class FakeReply final : public QNetworkReply
{
    Q_OBJECT
public:
    FakeReply(FakeNetworkAccessManager *manager, const QNetworkRequest &request,
              const QByteArray &verb, const FakeResponse &response);
    ~FakeReply() override;

    void abort() override;
    qint64 bytesAvailable() const override;
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void deliver();
    void fail(NetworkError error, const QString &text);

    QPointer<FakeNetworkAccessManager> m_manager;
    FakeResponse m_response;
    QByteArray m_buffer;
    qint64 m_offset = 0;
    bool m_done = false;
};

} // namespace paydesk::tests
