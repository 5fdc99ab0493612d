#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace paydesk::sandbox {

class JsonCodec;

/*
 * All objects of one Stripe type (charges, customers, …) in creation order, stored as compact
 * JSON compressed with zstd against a dictionary made of the collection's first object: objects
 * of one type share almost all their text, so a charge takes a few hundred bytes and a million
 * of them fit in memory, while a list page is still a concatenation of stored objects without
 * any JSON parsing. A few keys are kept beside the JSON (owner customer, a status-like key) so
 * that the common list filters do not have to decompress anything.
 */
class Collection final
{
public:
    struct Entry
    {
        QByteArray id;
        qint64 created = 0;
        QByteArray blob; // Compressed compact JSON; read it with json().
        QByteArray owner; // Customer of the object (for refunds: the charge).
        QByteArray key; // A type-specific filter key (charge: payment_intent, event: type, …).
        const JsonCodec *codec = nullptr;
        bool deleted = false;

        QByteArray json() const;
    };

    struct ListQuery
    {
        int limit = 10;
        QByteArray startingAfter;
        QByteArray endingBefore;
        std::optional<qint64> createdGt, createdGte, createdLt, createdLte;
        std::function<bool(const Entry &)> filter;
    };

    struct Page
    {
        QList<const Entry *> entries; // Newest first.
        bool hasMore = false;
        QString error; // Cursor unknown.
    };

    // With `dictionaryPerKey`, objects are compressed against a dictionary made from the first
    // object of the same filter key rather than of the collection: events embed objects of
    // every type, and an invoice event shares little text with a customer event.
    explicit Collection(QString objectName = {}, bool dictionaryPerKey = false);
    ~Collection();
    Collection(const Collection &) = delete;
    Collection &operator=(const Collection &) = delete;

    QString objectName() const { return m_objectName; }
    qsizetype size() const { return m_live; }

    // During generation objects arrive out of order; call finish() once to sort them.
    void appendUnsorted(const QJsonObject &object, const QByteArray &owner = {},
                        const QByteArray &key = {});
    // The same for an object already written as compact JSON (no parsing).
    void appendUnsorted(const QByteArray &json, const QByteArray &id, qint64 created,
                        const QByteArray &owner = {}, const QByteArray &key = {});
    void finish();

    // Adds an object at its creation time, after generation.
    void insert(const QJsonObject &object, const QByteArray &owner = {},
                const QByteArray &key = {});
    void insert(const QByteArray &json, const QByteArray &id, qint64 created,
                const QByteArray &owner = {}, const QByteArray &key = {});
    bool contains(const QByteArray &id) const;
    std::optional<QJsonObject> get(const QByteArray &id) const;
    const Entry *entry(const QByteArray &id) const;
    // Replaces a stored object by id; a non-empty key also replaces its filter key.
    bool replace(const QJsonObject &object, const QByteArray &key = {});
    bool remove(const QByteArray &id);

    Page list(const ListQuery &query) const;
    // Every live entry, oldest first (search, exports, statistics).
    void forEach(const std::function<void(const Entry &)> &visit) const;
    // Every live entry created in [from, to), oldest first.
    void forEachCreated(qint64 from, qint64 to,
                        const std::function<void(const Entry &)> &visit) const;

    // Bytes held by the stored objects (compressed) and what they would be uncompressed.
    qint64 storedBytes() const;

private:
    void reindexFrom(qsizetype first);
    Entry makeEntry(const QByteArray &json, const QByteArray &id, qint64 created,
                    const QByteArray &owner, const QByteArray &key);
    const JsonCodec *codecFor(const QByteArray &json, const QByteArray &key);

    // Made from the first object stored (of each key, with m_dictionaryPerKey).
    std::vector<std::unique_ptr<JsonCodec>> m_codecs;
    QHash<QByteArray, const JsonCodec *> m_codecByKey;
    QString m_objectName;
    bool m_dictionaryPerKey;
    std::vector<Entry> m_entries; // Ascending by created, then by insertion.
    QHash<QByteArray, qsizetype> m_index;
    qsizetype m_live = 0;
};

QByteArray toCompactJson(const QJsonObject &object);

} // namespace paydesk::sandbox
