#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace paydesk::sandbox {

/*
 * Stripe's application/x-www-form-urlencoded parameters, decoded the way Stripe decodes them:
 * `metadata[plan]=gold` is a nested object, `items[0][price]=p` an array of objects,
 * `expand[]=a&expand[]=b` an array of strings; '+' is a space.
 */
class FormParams final
{
public:
    FormParams() = default;
    static FormParams parse(const QByteArray &encoded);

    // The nested form as JSON (all leaves are strings, as on the wire).
    const QJsonObject &tree() const { return m_tree; }
    // Decoded key/value pairs sorted by key: the identity of a request for idempotency.
    const QList<QPair<QString, QString>> &pairs() const { return m_pairs; }

    bool has(const QString &key) const { return m_tree.contains(key); }
    QString value(const QString &key) const;
    QStringList list(const QString &key) const; // expand[] and friends.
    QJsonObject object(const QString &key) const;

    // Merges another decoded set (query string + body) into this one.
    void merge(const FormParams &other);

private:
    QJsonObject m_tree;
    QList<QPair<QString, QString>> m_pairs;
};

} // namespace paydesk::sandbox
