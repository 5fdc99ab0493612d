#include "network/formencoder.h"

#include <QUrl>

namespace paydesk::network {

namespace {

QByteArray encodeComponent(const QString &text)
{
    // Unreserved characters stay; brackets stay readable in keys as in stripe-node.
    return QUrl::toPercentEncoding(text, QByteArrayLiteral("[]"));
}

QByteArray encodeValue(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

QString scalarText(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return {};
    if (value.typeId() == QMetaType::Bool)
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

void encodeInto(QByteArray &out, const QString &key, const QVariant &value)
{
    if (value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        for (auto it = map.begin(); it != map.end(); ++it)
            encodeInto(out, key + u'[' + it.key() + u']', it.value());
        return;
    }
    if (value.typeId() == QMetaType::QVariantList || value.typeId() == QMetaType::QStringList) {
        const QVariantList list = value.toList();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QVariant &item = list.at(i);
            if (item.typeId() == QMetaType::QVariantMap || item.typeId() == QMetaType::QVariantList)
                encodeInto(out, key + u'[' + QString::number(i) + u']', item);
            else
                encodeInto(out, key + QStringLiteral("[]"), item);
        }
        return;
    }
    if (!out.isEmpty())
        out += '&';
    out += encodeComponent(key);
    out += '=';
    out += encodeValue(scalarText(value));
}

} // namespace

StripeParams::StripeParams(std::initializer_list<QPair<QString, QVariant>> items)
    : m_items(items)
{ }

StripeParams &StripeParams::add(const QString &key, const QVariant &value)
{
    m_items.append({key, value});
    return *this;
}

StripeParams &StripeParams::set(const QString &key, const QVariant &value)
{
    for (auto &item : m_items) {
        if (item.first == key) {
            item.second = value;
            return *this;
        }
    }
    return add(key, value);
}

StripeParams &StripeParams::remove(const QString &key)
{
    m_items.removeIf([&](const auto &item) { return item.first == key; });
    return *this;
}

QVariant StripeParams::value(const QString &key) const
{
    for (const auto &item : m_items) {
        if (item.first == key)
            return item.second;
    }
    return {};
}

QByteArray StripeParams::encode() const
{
    QByteArray out;
    for (const auto &[key, value] : m_items)
        encodeInto(out, key, value);
    return out;
}

QByteArray multipartBody(const QList<QPair<QString, QString>> &fields, const QString &fileField,
                         const QString &fileName, const QByteArray &mimeType,
                         const QByteArray &content, const QByteArray &boundary)
{
    auto quoted = [](const QString &v) {
        QByteArray out = v.toUtf8();
        out.replace('\\', "\\\\").replace('"', "\\\"").replace('\r', ' ').replace('\n', ' ');
        return out;
    };
    QByteArray body;
    for (const auto &[name, value] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name)
            + "\"\r\n\r\n" + value.toUtf8() + "\r\n";
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(fileField)
        + "\"; filename=\"" + quoted(fileName) + "\"\r\nContent-Type: " + mimeType + "\r\n\r\n"
        + content + "\r\n--" + boundary + "--\r\n";
    return body;
}

QByteArray multipartContentType(const QByteArray &boundary)
{
    return "multipart/form-data; boundary=" + boundary;
}

QByteArray multipartContentTypeOf(const QByteArray &body)
{
    if (!body.startsWith("--"))
        return {};
    const qsizetype end = body.indexOf("\r\n");
    if (end <= 2)
        return {};
    return multipartContentType(body.mid(2, end - 2));
}

} // namespace paydesk::network
