#include "models/views/tablequery.h"

#include "models/modelslogging.h"

namespace paydesk::models {

int TableQuery::currencyField(int column) const
{
    if (columns.at(column).kind != TableColumn::Kind::Money)
        return -1;
    int field = int(columns.size());
    for (int c = 0; c < column; ++c)
        field += columns.at(c).kind == TableColumn::Kind::Money;
    return field;
}

QString TableQuery::where() const
{
    return filter.isEmpty() ? QStringLiteral("t.deleted = 0")
                            : QStringLiteral("t.deleted = 0 AND ") + filter;
}

QString TableQuery::selectList() const
{
    QStringList fields {QStringLiteral("t.id")};
    for (const TableColumn &c : columns)
        fields.append(c.select);
    for (const TableColumn &c : columns) {
        if (c.kind == TableColumn::Kind::Money)
            fields.append(c.currency);
    }
    return fields.join(QStringLiteral(", "));
}

qint64 TableQuery::count(sql::Database &db, qint64 upTo) const
{
    sql::Statement count
        = db.prepare(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM %1 t WHERE %2 LIMIT %3)")
                         .arg(table, where())
                         .arg(upTo));
    for (qsizetype i = 0; i < parameters.size(); ++i)
        count.bind(int(i + 1), parameters.at(i));
    return count.step() ? count.int64(0) : 0;
}

QList<TableRow> TableQuery::page(sql::Database &db, const QString &afterId, int limit) const
{
    QList<TableRow> rows;
    if (!db.isOpen())
        return rows;
    QStringList binds = parameters;
    QString condition = where();
    // The sort key of the last row seen, computed by SQLite itself so that it compares alike.
    if (!afterId.isEmpty()) {
        binds.append(afterId);
        const QString idParam = u'?' + QString::number(binds.size());
        condition
            += QStringLiteral(" AND (%1, t.id) %2 ((SELECT %3 FROM %5 t WHERE t.id = %4), %4)")
                   .arg(sortKey, descending ? QStringLiteral("<") : QStringLiteral(">"), sortKey,
                        idParam, table);
    }
    const QString order = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    sql::Statement s
        = db.prepare(QStringLiteral("SELECT %1 FROM %2 t WHERE %3 ORDER BY %4 %5, t.id %5 "
                                    "LIMIT %6")
                         .arg(selectList(), table, condition, sortKey, order)
                         .arg(limit));
    if (!s.isValid()) {
        qCWarning(lcCache) << "table query failed:" << db.lastError();
        return rows;
    }
    for (qsizetype i = 0; i < binds.size(); ++i)
        s.bind(int(i + 1), binds.at(i));
    const int fields = s.columnCount();
    while (s.step()) {
        TableRow r;
        r.id = s.text(0);
        r.values.reserve(fields - 1);
        for (int f = 1; f < fields; ++f) {
            const int column = f - 1;
            const bool numeric = column < columns.size()
                && columns.at(column).kind != TableColumn::Kind::Text
                && columns.at(column).kind != TableColumn::Kind::Status;
            if (s.isNull(f))
                r.values.append(QVariant());
            else if (numeric)
                r.values.append(s.int64(f));
            else
                r.values.append(s.text(f));
        }
        rows.append(std::move(r));
    }
    return rows;
}

} // namespace paydesk::models
