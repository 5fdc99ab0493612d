#include "models/views/globalsearch.h"

#include "models/money.h"
#include "models/views/cachetablemodel.h"
#include "models/views/objectdetail.h"
#include "models/views/paymentstablemodel.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

namespace paydesk::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("GlobalSearch", text);
}

const char *const kPaymentSql
    = "SELECT c.id, c.amount, c.currency, c.status, c.created, coalesce(c.description, ''), "
      "coalesce(c.billing_email, c.receipt_email, c.customer, '') FROM charges c";

SearchHit paymentHit(const sql::Statement &s)
{
    const QString date = QLocale().toString(QDateTime::fromSecsSinceEpoch(s.int64(4)).date(),
                                            QLocale::ShortFormat);
    QStringList detail {PaymentsTableModel::statusLabel(s.text(3)), date};
    if (!s.text(6).isEmpty())
        detail.append(s.text(6));
    if (!s.text(5).isEmpty())
        detail.append(s.text(5));
    return {QStringLiteral("charges"), s.text(0),
            tr("Payment %1").arg(Money(s.int64(1), s.text(2)).toLabelledString()),
            detail.join(QStringLiteral(" · "))};
}

} // namespace

QList<SearchHit> globalSearch(sql::Database &db, const QString &text, int limit)
{
    QList<SearchHit> hits;
    const QString query = text.trimmed();
    if (query.isEmpty() || !db.isOpen())
        return hits;
    // A pasted id: look it up directly.
    const QString table = ObjectDetail::tableForId(query);
    if (!query.contains(u' ') && (!table.isEmpty() || query.startsWith(QLatin1String("pi_")))) {
        if (query.startsWith(QLatin1String("pi_"))) {
            sql::Statement s = db.prepare(QString::fromLatin1(kPaymentSql)
                                          + QStringLiteral(" WHERE c.payment_intent = ?1 AND "
                                                           "c.deleted = 0 LIMIT ?2"));
            s.bind(1, query);
            s.bind(2, qint64(limit));
            while (s.step())
                hits.append(paymentHit(s));
        } else if (table == QLatin1String("charges")) {
            sql::Statement s = db.prepare(
                QString::fromLatin1(kPaymentSql)
                + QStringLiteral(" WHERE c.id >= ?1 AND c.id < ?2 AND c.deleted = 0 LIMIT ?3"));
            s.bind(1, query);
            s.bind(2, query + QChar(0xffff));
            s.bind(3, qint64(limit));
            while (s.step())
                hits.append(paymentHit(s));
        } else {
            sql::Statement s
                = db.prepare(QStringLiteral("SELECT id FROM %1 WHERE id >= ?1 AND id < ?2 AND "
                                            "deleted = 0 LIMIT ?3")
                                 .arg(table));
            s.bind(1, query);
            s.bind(2, query + QChar(0xffff));
            s.bind(3, qint64(limit));
            while (s.step()) {
                const ObjectDetail d = ObjectDetail::load(db, table, s.text(0));
                hits.append({table, d.id, d.title, d.subtitle});
            }
        }
        if (!hits.isEmpty())
            return hits;
    }
    const QString match = CacheTableModel::ftsQuery(query);
    if (match.isEmpty())
        return hits;
    {
        sql::Statement s = db.prepare(QStringLiteral(
            "SELECT c.id, coalesce(c.name, ''), coalesce(c.email, ''), coalesce(c.phone, '') "
            "FROM customers_fts f JOIN customers c ON c.rowid = f.rowid WHERE customers_fts "
            "MATCH ?1 AND c.deleted = 0 LIMIT ?2"));
        s.bind(1, match);
        s.bind(2, qint64(limit));
        while (s.step()) {
            const QString name = s.text(1).isEmpty() ? s.text(2) : s.text(1);
            QStringList detail {tr("Customer")};
            if (!s.text(2).isEmpty() && name != s.text(2))
                detail.append(s.text(2));
            if (!s.text(3).isEmpty())
                detail.append(s.text(3));
            hits.append({QStringLiteral("customers"), s.text(0), name.isEmpty() ? s.text(0) : name,
                         detail.join(QStringLiteral(" · "))});
        }
    }
    {
        // Newest rows of the index first: FTS5 walks its rowids backwards without sorting.
        sql::Statement s = db.prepare(QString::fromLatin1(kPaymentSql)
                                      + QStringLiteral(" JOIN (SELECT rowid AS r FROM "
                                                       "payments_fts WHERE payments_fts MATCH "
                                                       "?1 ORDER BY rowid DESC LIMIT ?2) m ON "
                                                       "c.rowid = m.r WHERE c.deleted = 0"));
        s.bind(1, match);
        s.bind(2, qint64(limit));
        while (s.step())
            hits.append(paymentHit(s));
    }
    return hits;
}

} // namespace paydesk::models
