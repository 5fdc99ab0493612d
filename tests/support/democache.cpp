#include "tests/support/democache.h"

#include "models/cache.h"
#include "sandbox/stripesandbox.h"

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
            cache.upsert(QJsonDocument::fromJson(json).object(), 1, 1, json);
            if (++n % 5000 == 0)
                ok = ok && cache.commit() && cache.begin();
        });
    }
    ok = ok && cache.rebuildFullText(QStringLiteral("charges"))
        && cache.rebuildFullText(QStringLiteral("customers")) && cache.commit() && cache.analyze();
    return ok ? n : -1;
}

} // namespace paydesk::testsupport
