#include "models/analytics/analytics.h"
#include "models/analytics/analyticssql.h"
#include "models/rollups/mrrstate.h"
#include "models/rollups/normalise.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

using namespace detail;
using namespace rollups;

qint64 MrrRow::arpa() const
{
    return divideHalfUp(mrr, customers);
}

QList<MrrRow> mrrFromRows(sql::Database &db, qint64 at, const QString &currency)
{
    QMap<QString, MrrRow> rows;
    QMap<QString, QSet<QString>> customers;
    for (const SubscriptionValue &sub : subscriptionValues(
             db, currency.isEmpty() ? QString() : u" AND s.currency = ?1"_s, currency)) {
        MrrRow &row = rows[sub.currency];
        row.currency = sub.currency;
        row.mrr += sub.valueAt(at);
        row.subscriptions += 1;
        customers[sub.currency].insert(sub.customer);
    }
    for (auto it = rows.begin(); it != rows.end(); ++it)
        it->customers = customers.value(it.key()).size();
    return rows.values();
}

QList<MrrRow> mrr(sql::Database &db, qint64 at, const QString &currency)
{
    // Schema 7 keeps each counted subscription's value (sub_mrr), folded in at every commit;
    // anything written since without a fold is read from the subscriptions instead.
    if (!hasMrrRollups(db) || !isClean(db, "sub_dirty"))
        return mrrFromRows(db, at, currency);
    sql::Statement s = db.prepare(
        u"SELECT currency, sum(%1), count(*), count(DISTINCT customer) FROM sub_mrr%2 GROUP BY "
        u"currency ORDER BY currency"_s.arg(
            QLatin1String(kSubMrrAt), currency.isEmpty() ? QString() : u" WHERE currency = ?2"_s));
    s.bind(1, at);
    if (!currency.isEmpty())
        s.bind(2, currency.toLower());
    QList<MrrRow> rows;
    while (s.step())
        rows.append({s.text(0), s.int64(1), s.int64(2), s.int64(3)});
    return rows;
}

} // namespace paydesk::models::analytics
