#pragma once

#include <QString>
#include <QStringList>

namespace paydesk::testsupport {

// Fills a cache file with every object of the sandbox's demo merchant (about `charges`
// charges, generated with `seed` at `now`), written as a sync would write them: the same
// upsert, full-text indexes rebuilt, ANALYZE at the end. Returns the objects written, -1 on
// error. Events are left out unless `withEvents`.
// `only`: write just these object types ("charge", "customer", …); empty: every type.
// `customers`: the demo merchant's customers (0: one per 25 charges).
qint64 fillDemoCache(const QString &file, qint64 charges, qint64 now, quint64 seed = 1,
                     bool withEvents = false, const QStringList &only = {}, qint64 customers = 0);

} // namespace paydesk::testsupport
