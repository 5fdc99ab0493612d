#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QVariant>

namespace paydesk::network {

/*
 * Request parameters in the order they were added, as Stripe's form encoding needs them.
 * Values are QString, bool, integers, a null QVariant or an empty string (both "unset this
 * field"), QVariantMap (nested: `metadata[plan]=gold`) and QVariantList (`expand[]=a` for
 * scalars, `items[0][price]=p` for maps).
 */
class StripeParams final
{
public:
    StripeParams() = default;
    StripeParams(std::initializer_list<QPair<QString, QVariant>> items);

    StripeParams &add(const QString &key, const QVariant &value);
    // Replaces an existing top-level key or adds it (pagination cursors).
    StripeParams &set(const QString &key, const QVariant &value);
    StripeParams &remove(const QString &key);
    QVariant value(const QString &key) const;
    bool isEmpty() const { return m_items.isEmpty(); }
    const QList<QPair<QString, QVariant>> &items() const { return m_items; }

    // `application/x-www-form-urlencoded` body (or query string) exactly as Stripe's SDKs send
    // it: brackets kept literal, every other reserved character percent-encoded, spaces as %20.
    QByteArray encode() const;

private:
    QList<QPair<QString, QVariant>> m_items;
};

// A `multipart/form-data` body (RFC 7578) of text `fields` and one file, as Stripe's file
// upload takes it; its Content-Type is multipartContentType(boundary). The boundary must not
// occur in the file (callers derive it from the file's hash).
QByteArray multipartBody(const QList<QPair<QString, QString>> &fields, const QString &fileField,
                         const QString &fileName, const QByteArray &mimeType,
                         const QByteArray &content, const QByteArray &boundary);
QByteArray multipartContentType(const QByteArray &boundary);
// The Content-Type of a body multipartBody() wrote (its first line names the boundary), or
// empty for any other body.
QByteArray multipartContentTypeOf(const QByteArray &body);

} // namespace paydesk::network
