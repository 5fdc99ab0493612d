#include "sandbox/formparams.h"

#include <QJsonArray>
#include <QVariantMap>

#include <algorithm>

namespace paydesk::sandbox {

namespace {

QString decodeComponent(QByteArray raw)
{
    raw.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(raw));
}

// "items[0][price]" -> {"items", "0", "price"}; "expand[]" -> {"expand", ""}.
QStringList splitKey(const QString &key)
{
    QStringList parts;
    const qsizetype bracket = key.indexOf(u'[');
    if (bracket < 0)
        return {key};
    parts.append(key.left(bracket));
    qsizetype i = bracket;
    while (i < key.size() && key.at(i) == u'[') {
        const qsizetype close = key.indexOf(u']', i);
        if (close < 0)
            break;
        parts.append(key.mid(i + 1, close - i - 1));
        i = close + 1;
    }
    return parts;
}

void insert(QVariantMap &map, const QStringList &path, qsizetype at, const QString &value)
{
    const QString &head = path.at(at);
    const bool last = at == path.size() - 1;
    if (last) {
        map.insert(head, value);
        return;
    }
    if (path.at(at + 1).isEmpty()) {
        // key[] = value: append to a list.
        QVariantList list = map.value(head).toList();
        list.append(value);
        map.insert(head, list);
        return;
    }
    QVariantMap child = map.value(head).toMap();
    insert(child, path, at + 1, value);
    map.insert(head, child);
}

// Objects whose keys are all indices become arrays, in index order.
QJsonValue normalize(const QVariant &v)
{
    if (v.typeId() == QMetaType::QVariantMap) {
        const QVariantMap m = v.toMap();
        bool allIndices = !m.isEmpty();
        for (auto it = m.begin(); it != m.end() && allIndices; ++it) {
            bool ok = false;
            it.key().toUInt(&ok);
            allIndices = ok;
        }
        if (allIndices) {
            QList<QPair<uint, QVariant>> items;
            for (auto it = m.begin(); it != m.end(); ++it)
                items.append({it.key().toUInt(), it.value()});
            std::sort(items.begin(), items.end(),
                      [](const auto &a, const auto &b) { return a.first < b.first; });
            QJsonArray arr;
            for (const auto &item : items)
                arr.append(normalize(item.second));
            return arr;
        }
        QJsonObject o;
        for (auto it = m.begin(); it != m.end(); ++it)
            o.insert(it.key(), normalize(it.value()));
        return o;
    }
    if (v.typeId() == QMetaType::QVariantList) {
        QJsonArray arr;
        for (const QVariant &item : v.toList())
            arr.append(normalize(item));
        return arr;
    }
    return QJsonValue(v.toString());
}

} // namespace

FormParams FormParams::parse(const QByteArray &encoded)
{
    FormParams params;
    QVariantMap root;
    for (const QByteArray &part : encoded.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QString key = decodeComponent(eq < 0 ? part : part.left(eq));
        const QString value = eq < 0 ? QString() : decodeComponent(part.mid(eq + 1));
        params.m_pairs.append({key, value});
        insert(root, splitKey(key), 0, value);
    }
    std::stable_sort(params.m_pairs.begin(), params.m_pairs.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    params.m_tree = normalize(root).toObject();
    return params;
}

QString FormParams::value(const QString &key) const
{
    return m_tree.value(key).toString();
}

QStringList FormParams::list(const QString &key) const
{
    QStringList out;
    const QJsonValue v = m_tree.value(key);
    if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            out.append(item.toString());
    } else if (v.isString()) {
        out.append(v.toString());
    }
    return out;
}

QJsonObject FormParams::object(const QString &key) const
{
    return m_tree.value(key).toObject();
}

void FormParams::merge(const FormParams &other)
{
    for (auto it = other.m_tree.begin(); it != other.m_tree.end(); ++it)
        m_tree.insert(it.key(), it.value());
    m_pairs += other.m_pairs;
    std::stable_sort(m_pairs.begin(), m_pairs.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
}

} // namespace paydesk::sandbox
