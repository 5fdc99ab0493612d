#include "sandbox/collection.h"

#include <QJsonDocument>

#include <algorithm>
#include <zstd.h>

namespace paydesk::sandbox {

QByteArray toCompactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A zstd dictionary for one object type, with the contexts to use it. A raw-content
// dictionary (the text of one typical object) needs no training and already gives most of the
// gain on objects that share their keys and most of their values.
class JsonCodec final
{
public:
    explicit JsonCodec(const QByteArray &sample)
        : m_cdict(ZSTD_createCDict(sample.constData(), size_t(sample.size()), 1))
        , m_ddict(ZSTD_createDDict(sample.constData(), size_t(sample.size())))
    { }
    ~JsonCodec()
    {
        ZSTD_freeCDict(m_cdict);
        ZSTD_freeDDict(m_ddict);
    }
    JsonCodec(const JsonCodec &) = delete;
    JsonCodec &operator=(const JsonCodec &) = delete;

    QByteArray compress(const QByteArray &json) const
    {
        QByteArray out(qsizetype(ZSTD_compressBound(size_t(json.size()))), Qt::Uninitialized);
        const size_t n
            = ZSTD_compress_usingCDict(compressionContext(), out.data(), size_t(out.size()),
                                       json.constData(), size_t(json.size()), m_cdict);
        if (ZSTD_isError(n))
            qFatal("zstd compression failed: %s", ZSTD_getErrorName(n));
        out.truncate(qsizetype(n));
        out.squeeze();
        return out;
    }

    QByteArray decompress(const QByteArray &blob) const
    {
        const unsigned long long size
            = ZSTD_getFrameContentSize(blob.constData(), size_t(blob.size()));
        if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
            return {};
        QByteArray out(qsizetype(size), Qt::Uninitialized);
        const size_t n
            = ZSTD_decompress_usingDDict(decompressionContext(), out.data(), size_t(out.size()),
                                         blob.constData(), size_t(blob.size()), m_ddict);
        if (ZSTD_isError(n))
            return {};
        return out;
    }

private:
    // One context per thread: the sandbox may run on a worker thread (demo mode) while a
    // test or benchmark reads from another.
    static ZSTD_CCtx *compressionContext()
    {
        thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> ctx(ZSTD_createCCtx(),
                                                                             ZSTD_freeCCtx);
        return ctx.get();
    }
    static ZSTD_DCtx *decompressionContext()
    {
        thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> ctx(ZSTD_createDCtx(),
                                                                             ZSTD_freeDCtx);
        return ctx.get();
    }

    ZSTD_CDict *m_cdict;
    ZSTD_DDict *m_ddict;
};

QByteArray Collection::Entry::json() const
{
    return blob.isEmpty() || !codec ? QByteArray() : codec->decompress(blob);
}

const JsonCodec *Collection::codecFor(const QByteArray &json, const QByteArray &key)
{
    const QByteArray dictionaryKey = m_dictionaryPerKey ? key : QByteArray();
    if (const JsonCodec *codec = m_codecByKey.value(dictionaryKey))
        return codec;
    m_codecs.push_back(std::make_unique<JsonCodec>(json));
    m_codecByKey.insert(dictionaryKey, m_codecs.back().get());
    return m_codecs.back().get();
}

Collection::Entry Collection::makeEntry(const QByteArray &json, const QByteArray &id,
                                        qint64 created, const QByteArray &owner,
                                        const QByteArray &key)
{
    Entry e;
    e.id = id;
    e.created = created;
    e.codec = codecFor(json, key);
    e.blob = e.codec->compress(json);
    e.owner = owner;
    e.key = key;
    return e;
}

qint64 Collection::storedBytes() const
{
    qint64 total = 0;
    for (const Entry &e : m_entries)
        total += e.blob.size();
    return total;
}

Collection::Collection(QString objectName, bool dictionaryPerKey)
    : m_objectName(std::move(objectName))
    , m_dictionaryPerKey(dictionaryPerKey)
{ }

Collection::~Collection() = default;

void Collection::appendUnsorted(const QJsonObject &object, const QByteArray &owner,
                                const QByteArray &key)
{
    appendUnsorted(toCompactJson(object), object.value(QLatin1String("id")).toString().toLatin1(),
                   object.value(QLatin1String("created")).toInteger(), owner, key);
}

void Collection::appendUnsorted(const QByteArray &json, const QByteArray &id, qint64 created,
                                const QByteArray &owner, const QByteArray &key)
{
    m_entries.push_back(makeEntry(json, id, created, owner, key));
    ++m_live;
}

void Collection::finish()
{
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const Entry &a, const Entry &b) { return a.created < b.created; });
    m_entries.shrink_to_fit(); // Growth by doubling leaves up to half of the array unused.
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
    insert(toCompactJson(object), object.value(QLatin1String("id")).toString().toLatin1(),
           object.value(QLatin1String("created")).toInteger(), owner, key);
}

void Collection::insert(const QByteArray &json, const QByteArray &id, qint64 created,
                        const QByteArray &owner, const QByteArray &key)
{
    Entry e = makeEntry(json, id, created, owner, key);
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
    const QByteArray json = toCompactJson(object);
    e.codec = codecFor(json, key.isEmpty() ? e.key : key);
    e.blob = e.codec->compress(json);
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

void Collection::forEachCreated(qint64 from, qint64 to,
                                const std::function<void(const Entry &)> &visit) const
{
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), from,
                               [](const Entry &x, qint64 c) { return x.created < c; });
    for (; it != m_entries.end() && it->created < to; ++it) {
        if (!it->deleted)
            visit(*it);
    }
}

} // namespace paydesk::sandbox
