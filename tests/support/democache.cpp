#include "tests/support/democache.h"

#include "models/store/cache.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace paydesk::testsupport {

qint64 fillDemoCache(const QString &file, qint64 charges, qint64 now, quint64 seed, bool withEvents,
                     const QStringList &only, qint64 customers)
{
    sandbox::SandboxOptions options;
    options.scale = charges;
    options.customers = customers;
    options.now = now;
    options.seed = seed;
    sandbox::StripeSandbox sandbox(options);
    sandbox.load();
    models::Cache cache;
    if (!cache.open(file) || !cache.begin())
        return -1;
    cache.deferFullText(QStringLiteral("charges"));
    cache.deferIndexes(QStringLiteral("charges"));
    cache.deferFullText(QStringLiteral("customers"));
    cache.upsert(sandbox.store().account, 1, 1);
    qint64 n = 0;
    bool ok = true;
    for (sandbox::Collection *collection : sandbox.store().all()) {
        if (collection == &sandbox.store().events && !withEvents)
            continue;
        if (!only.isEmpty() && !only.contains(collection->objectName()))
            continue;
        collection->forEach([&](const sandbox::Collection::Entry &e) {
            const QByteArray json = e.json();
            QJsonObject object = QJsonDocument::fromJson(json).object();
            // A list the object embeds only the start of is written whole, as the sync pages
            // it to the end before it stores the object.
            bool cut = false;
            for (const char *name : {"lines", "items"}) {
                const QString key = QString::fromLatin1(name);
                const auto whole = sandbox.store().fullLists.constFind(
                    object.value(QStringLiteral("id")).toString() + u':' + key);
                if (whole == sandbox.store().fullLists.cend())
                    continue;
                QJsonObject list = object.value(key).toObject();
                list.insert(QStringLiteral("data"), *whole);
                list.insert(QStringLiteral("has_more"), false);
                object.insert(key, list);
                cut = true;
            }
            cache.upsert(object, 1, 1, cut ? QByteArray() : json);
            if (++n % 5000 == 0)
                ok = ok && cache.commit() && cache.begin();
        });
    }
    ok = ok && cache.rebuildFullText(QStringLiteral("charges"))
        && cache.rebuildIndexes(QStringLiteral("charges"))
        && cache.rebuildFullText(QStringLiteral("customers")) && cache.commit() && cache.analyze();
    return ok ? n : -1;
}

} // namespace paydesk::testsupport
