#pragma once

#include "models/store/sqlitedb.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace paydesk::models {

// One column of a cache table view: where its value comes from in SQL and how it reads.
struct TableColumn
{
    enum class Kind { Text, Money, Date, Status, Number };
    QString key; // Stable name: settings, CSV header.
    QString header; // Translated title.
    QString select; // SQL expression over the table aliased `t`.
    Kind kind = Kind::Text;
    QString currency; // Money: SQL expression of the ISO currency.
    QString sort; // SQL expression to order by; empty: `select`.

    // A Status value may carry a qualifier after ';' ("active;paused", "active;cancels;<unix
    // time>"): the list shows it, exports and filters keep Stripe's status before it.
    static QString stripeStatus(const QString &value) { return value.section(u';', 0, 0); }
};

// One row as read: its id, then one value per column, then the currency of each money column.
struct TableRow
{
    QString id;
    QVariantList values;
};

/*
 * The SQL of a cache table view: the rows of `table` that are not deleted and match `filter`
 * (over alias `t`, with `parameters` bound as ?1, ?2, … in order), in (sort key, id) order,
 * read with keyset pagination — a page is one indexed query for the rows after the last one of
 * the page before. The table models page through it for the window; the exporter writes every
 * page of it.
 */
struct TableQuery
{
    QString table;
    QList<TableColumn> columns;
    QString filter; // "" for none.
    QStringList parameters;
    QString sortKey; // SQL expression.
    bool descending = true;

    // Up to `limit` rows after the row `afterId` ("" from the start).
    QList<TableRow> page(sql::Database &db, const QString &afterId, int limit) const;
    // How many rows match, counted up to `upTo` (one more tells that there are more).
    qint64 count(sql::Database &db, qint64 upTo) const;
    // Index in TableRow::values of column `column`'s currency; -1 when it is not money.
    int currencyField(int column) const;
    // The WHERE condition (deleted rows excluded).
    QString where() const;
    QString selectList() const;
};

} // namespace paydesk::models
