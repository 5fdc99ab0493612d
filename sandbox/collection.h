#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace paydesk::sandbox {

/*
 * All objects of one Stripe type (charges, customers, …) in creation order, stored as
 * compressed compact JSON so that a million charges fit in memory and a list page is a
 * concatenation of stored objects without any JSON parsing. A few keys are kept beside the JSON
 * (owner customer, a status-like key) so that the common list filters do not have to parse
 * anything.
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

    explicit Collection(QString objectName = {});

    QString objectName() const { return m_objectName; }
    qsizetype size() const { return m_live; }

    // During generation objects arrive out of order; call finish() once to sort them.
    void appendUnsorted(const QJsonObject &object, const QByteArray &owner = {},
                        const QByteArray &key = {});
    void finish();

    // Adds an object at its creation time, after generation.
    void insert(const QJsonObject &object, const QByteArray &owner = {},
                const QByteArray &key = {});
    bool contains(const QByteArray &id) const;
    std::optional<QJsonObject> get(const QByteArray &id) const;
    const Entry *entry(const QByteArray &id) const;
    // Replaces a stored object by id; a non-empty key also replaces its filter key.
    bool replace(const QJsonObject &object, const QByteArray &key = {});
    bool remove(const QByteArray &id);

    Page list(const ListQuery &query) const;
    // Every live entry, oldest first (search, exports, statistics).
    void forEach(const std::function<void(const Entry &)> &visit) const;

private:
    void reindexFrom(qsizetype first);

    QString m_objectName;
    std::vector<Entry> m_entries; // Ascending by created, then by insertion.
    QHash<QByteArray, qsizetype> m_index;
    qsizetype m_live = 0;
};

QByteArray toCompactJson(const QJsonObject &object);

} // namespace paydesk::sandbox
