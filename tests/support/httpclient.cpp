#include "tests/support/httpclient.h"

#include <QJsonDocument>
#include <QSignalSpy>

namespace paydesk::tests {

QByteArray HttpClient::Response::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QString HttpClient::Response::errorType() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString();
}

QString HttpClient::Response::errorCode() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

HttpClient::HttpClient(QUrl baseUrl, QByteArray apiKey)
    : m_base(std::move(baseUrl))
    , m_key(std::move(apiKey))
{ }

QByteArray HttpClient::encodeForm(const QList<QPair<QString, QString>> &form)
{
    QByteArray out;
    for (const auto &[k, v] : form) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    return out;
}

HttpClient::Response HttpClient::get(const QString &pathAndQuery)
{
    return send("GET", pathAndQuery, {});
}

HttpClient::Response HttpClient::post(const QString &path,
                                      const QList<QPair<QString, QString>> &form,
                                      const QByteArray &idempotencyKey)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!idempotencyKey.isEmpty())
        headers.append({QByteArray("Idempotency-Key"), idempotencyKey});
    return send("POST", path, encodeForm(form), headers);
}

HttpClient::Response HttpClient::del(const QString &path,
                                     const QList<QPair<QString, QString>> &form)
{
    return send("DELETE", path, encodeForm(form));
}

HttpClient::Response HttpClient::send(const QByteArray &verb, const QString &path,
                                      const QByteArray &body,
                                      const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(m_base.toString() + path));
    if (!m_key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_key);
    request.setRawHeader("Stripe-Version", "2023-08-16");
    if (verb != "GET")
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
    for (const auto &[k, v] : headers)
        request.setRawHeader(k, v);
    QNetworkReply *reply = m_nam.sendCustomRequest(request, verb, body);
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(60000);
    }
    Response r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &parseError);
    r.jsonValid = parseError.error == QJsonParseError::NoError && doc.isObject();
    r.json = doc.object();
    reply->deleteLater();
    return r;
}

} // namespace paydesk::tests
