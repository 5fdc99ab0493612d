#include "sandbox/collection.h"

#include <QJsonDocument>

#include <algorithm>

namespace paydesk::sandbox {

QByteArray toCompactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

namespace {
// Objects are kept zlib-compressed (fastest level): Stripe JSON is repetitive, so a million
// charges with their payment intents and balance transactions fit in memory.
QByteArray compress(const QByteArray &json)
{
    return qCompress(json, 1);
}

Collection::Entry makeEntry(const QJsonObject &object, const QByteArray &owner,
                            const QByteArray &key)
{
    Collection::Entry e;
    e.id = object.value(QLatin1String("id")).toString().toLatin1();
    e.created = object.value(QLatin1String("created")).toInteger();
    e.blob = compress(toCompactJson(object));
    e.owner = owner;
    e.key = key;
    return e;
}
} // namespace

QByteArray Collection::Entry::json() const
{
    return blob.isEmpty() ? QByteArray() : qUncompress(blob);
}

Collection::Collection(QString objectName)
    : m_objectName(std::move(objectName))
{ }

void Collection::appendUnsorted(const QJsonObject &object, const QByteArray &owner,
                                const QByteArray &key)
{
    m_entries.push_back(makeEntry(object, owner, key));
    ++m_live;
}

void Collection::finish()
{
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const Entry &a, const Entry &b) { return a.created < b.created; });
    m_index.clear();
    m_index.reserve(qsizetype(m_entries.size()));
    reindexFrom(0);
}

void Collection::reindexFrom(qsizetype first)
{
    for (qsizetype i = first; i < qsizetype(m_entries.size()); ++i) {
        if (!m_entries[size_t(i)].deleted)
            m_index.insert(m_entries[size_t(i)].id, i);
    }
}

void Collection::insert(const QJsonObject &object, const QByteArray &owner, const QByteArray &key)
{
    Entry e = makeEntry(object, owner, key);
    const auto at
        = std::upper_bound(m_entries.begin(), m_entries.end(), e.created,
                           [](qint64 created, const Entry &x) { return created < x.created; });
    const qsizetype pos = at - m_entries.begin();
    m_entries.insert(at, std::move(e));
    ++m_live;
    reindexFrom(pos);
}

bool Collection::contains(const QByteArray &id) const
{
    return m_index.contains(id);
}

const Collection::Entry *Collection::entry(const QByteArray &id) const
{
    const auto it = m_index.constFind(id);
    return it == m_index.cend() ? nullptr : &m_entries[size_t(*it)];
}

std::optional<QJsonObject> Collection::get(const QByteArray &id) const
{
    const Entry *e = entry(id);
    if (!e)
        return std::nullopt;
    return QJsonDocument::fromJson(e->json()).object();
}

bool Collection::replace(const QJsonObject &object, const QByteArray &key)
{
    const QByteArray id = object.value(QLatin1String("id")).toString().toLatin1();
    const auto it = m_index.constFind(id);
    if (it == m_index.cend())
        return false;
    Entry &e = m_entries[size_t(*it)];
    e.blob = compress(toCompactJson(object));
    const QJsonValue customer = object.value(QLatin1String("customer"));
    if (customer.isString())
        e.owner = customer.toString().toLatin1();
    if (!key.isEmpty())
        e.key = key;
    return true;
}

bool Collection::remove(const QByteArray &id)
{
    const auto it = m_index.constFind(id);
    if (it == m_index.cend())
        return false;
    m_entries[size_t(*it)].deleted = true;
    m_entries[size_t(*it)].blob.clear();
    m_index.erase(it);
    --m_live;
    return true;
}

Collection::Page Collection::list(const ListQuery &query) const
{
    Page page;
    const int limit = std::clamp(query.limit, 1, 100);
    const auto n = qsizetype(m_entries.size());

    // The created[...] window as an index range [lo, hi).
    auto lowerIndex = [this](qint64 created) {
        return qsizetype(std::lower_bound(m_entries.begin(), m_entries.end(), created,
                                          [](const Entry &x, qint64 c) { return x.created < c; })
                         - m_entries.begin());
    };
    qsizetype lo = 0, hi = n;
    if (query.createdGte)
        lo = std::max(lo, lowerIndex(*query.createdGte));
    if (query.createdGt)
        lo = std::max(lo, lowerIndex(*query.createdGt + 1));
    if (query.createdLt)
        hi = std::min(hi, lowerIndex(*query.createdLt));
    if (query.createdLte)
        hi = std::min(hi, lowerIndex(*query.createdLte + 1));

    auto accepts = [&](const Entry &e) {
        return !e.deleted && (!query.filter || query.filter(e));
    };

    if (!query.endingBefore.isEmpty()) {
        const auto it = m_index.constFind(query.endingBefore);
        if (it == m_index.cend()) {
            page.error = QString::fromLatin1(query.endingBefore);
            return page;
        }
        QList<const Entry *> older; // Closest to the cursor first.
        for (qsizetype i = std::max(*it + 1, lo); i < hi; ++i) {
            if (!accepts(m_entries[size_t(i)]))
                continue;
            if (older.size() == limit) {
                page.hasMore = true;
                break;
            }
            older.append(&m_entries[size_t(i)]);
        }
        std::reverse(older.begin(), older.end());
        page.entries = older;
        return page;
    }

    qsizetype start = hi - 1;
    if (!query.startingAfter.isEmpty()) {
        const auto it = m_index.constFind(query.startingAfter);
        if (it == m_index.cend()) {
            page.error = QString::fromLatin1(query.startingAfter);
            return page;
        }
        start = std::min(start, *it - 1);
    }
    for (qsizetype i = start; i >= lo; --i) {
        if (!accepts(m_entries[size_t(i)]))
            continue;
        if (page.entries.size() == limit) {
            page.hasMore = true;
            break;
        }
        page.entries.append(&m_entries[size_t(i)]);
    }
    return page;
}

void Collection::forEach(const std::function<void(const Entry &)> &visit) const
{
    for (const Entry &e : m_entries) {
        if (!e.deleted)
            visit(e);
    }
}

} // namespace paydesk::sandbox
