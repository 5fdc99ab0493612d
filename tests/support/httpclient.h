#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QUrl>

namespace paydesk::tests {

/*
 * A bare HTTP client for black-box tests of Stripe-compatible servers: form-encoded requests,
 * raw access to status, headers and body. Deliberately not Paydesk's Stripe client, so that
 * the servers are tested independently of it.
 */
class HttpClient final
{
public:
    struct Response
    {
        int status = 0;
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        QByteArray body;
        QJsonObject json;
        bool jsonValid = false;
        QList<QPair<QByteArray, QByteArray>> headers;

        QByteArray header(const QByteArray &name) const;
        QString errorType() const;
        QString errorCode() const;
    };

    explicit HttpClient(QUrl baseUrl, QByteArray apiKey = {});

    void setApiKey(const QByteArray &key) { m_key = key; }
    Response get(const QString &pathAndQuery);
    Response post(const QString &path, const QList<QPair<QString, QString>> &form,
                  const QByteArray &idempotencyKey = {});
    Response del(const QString &path, const QList<QPair<QString, QString>> &form = {});
    Response send(const QByteArray &verb, const QString &path, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});

    static QByteArray encodeForm(const QList<QPair<QString, QString>> &form);

private:
    QUrl m_base;
    QByteArray m_key;
    QNetworkAccessManager m_nam;
};

} // namespace paydesk::tests
