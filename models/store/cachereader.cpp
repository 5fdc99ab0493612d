#include "models/store/cachereader.h"

#include "models/store/cacheschema.h"

#include <QPointer>

namespace paydesk::models {

CacheReader::CacheReader(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CacheReader::announce);
}

CacheReader::~CacheReader() = default;

bool CacheReader::open(const QString &path)
{
    m_timer.stop();
    m_pending.clear();
    m_db.close();
    m_path.clear();
    bool ok = path.isEmpty();
    if (!path.isEmpty() && m_db.open(path, false)) {
        m_db.exec(QStringLiteral("PRAGMA query_only = 1"));
        m_path = path;
        ok = true;
    }
    Q_EMIT reopened();
    return ok;
}

QHash<QString, QString> CacheReader::deniedTables()
{
    QHash<QString, QString> denied;
    if (!m_db.isOpen())
        return denied;
    sql::Statement s = m_db.prepare(QStringLiteral(
        "SELECT substr(key, 8), value FROM sync_state WHERE key >= 'denied:' AND key < "
        "'denied;'"));
    while (s.step())
        denied.insert(s.text(0), s.text(1));
    return denied;
}

QByteArray liveObjectJson(sql::Database &db, const QString &table, const QString &id)
{
    // Only a table of the schema is named in the SQL, never what a caller passed through.
    const CacheTable *t = cacheTableByName(table);
    if (!db.isOpen() || !t)
        return {};
    sql::Statement s = db.prepare(QStringLiteral("SELECT raw FROM %1 WHERE id = ?1 AND deleted = 0")
                                      .arg(QString::fromLatin1(t->name)));
    s.bind(1, id);
    return s.step() ? s.bytes(0) : QByteArray();
}

QList<CacheReader::FilterChoice> CacheReader::filterChoices(Choice which)
{
    QList<FilterChoice> choices;
    if (!m_db.isOpen())
        return choices;
    QString column;
    switch (which) {
    case Choice::PaymentCurrency:
        column = QStringLiteral("currency");
        break;
    case Choice::PaymentCardBrand:
        column = QStringLiteral("card_brand");
        break;
    case Choice::PaymentCardCountry:
        column = QStringLiteral("card_country");
        break;
    case Choice::SubscriptionProduct:
    case Choice::CustomerCountry: {
        sql::Statement s = m_db.prepare(
            which == Choice::SubscriptionProduct
                ? QStringLiteral("SELECT si.product, coalesce(p.name, si.product) FROM "
                                 "subscription_items si LEFT JOIN products p ON p.id = si.product "
                                 "WHERE si.product IS NOT NULL GROUP BY si.product ORDER BY "
                                 "count(*) DESC")
                : QStringLiteral("SELECT address_country, address_country FROM customers WHERE "
                                 "address_country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC"));
        while (s.step())
            choices.append({s.text(0), s.text(1)});
        return choices;
    }
    }
    // Each value is one seek in the column's (deleted, column, created) index, so a million
    // payments cost a dozen lookups, not a scan.
    sql::Statement s = m_db.prepare(
        QStringLiteral("SELECT min(%1) FROM charges WHERE deleted = 0 AND %1 > ?1").arg(column));
    QString value = QStringLiteral("");
    for (int guard = 0; guard < 500; ++guard) {
        s.reset();
        s.bind(1, value);
        if (!s.step() || s.isNull(0))
            break;
        value = s.text(0);
        choices.append({value, value});
    }
    return choices;
}

void CacheReader::noteCommitted(const QStringList &tables)
{
    if (tables.isEmpty() || !m_db.isOpen())
        return;
    for (const QString &t : tables)
        m_pending.insert(t);
    if (m_timer.isActive())
        return;
    const qint64 since = m_sinceAnnounced.isValid() ? m_sinceAnnounced.elapsed() : qint64(1) << 40;
    m_timer.start(int(std::max<qint64>(0, m_minimumInterval - since)));
}

void CacheReader::observe(sql::Database &db)
{
    QPointer<CacheReader> self(this);
    db.setCommitObserver([self](const QStringList &tables) {
        if (self)
            self->noteCommitted(tables);
    });
}

void CacheReader::announce()
{
    if (m_pending.isEmpty())
        return;
    QStringList tables(m_pending.cbegin(), m_pending.cend());
    m_pending.clear();
    tables.sort();
    // No statement of this connection may keep the snapshot from before the commits.
    m_db.resetCached();
    m_sinceAnnounced.start();
    Q_EMIT changed(tables);
}

bool touches(const QStringList &changed, const QStringList &watched)
{
    for (const QString &t : watched)
        if (changed.contains(t))
            return true;
    return false;
}

} // namespace paydesk::models
