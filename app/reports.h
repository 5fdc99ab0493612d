#pragma once

#include "models/analytics/analytics.h"
#include "models/store/sqlitedb.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariant>

namespace paydesk::app::reports {

/*
 * `paydesk report`: one renderer per report computes its rows once; CSV and JSON are two
 * writings of the same rows. A cell says what it holds, and each format writes it its way:
 * money as a decimal in the currency's unit in CSV and as integer minor units in JSON, a ratio
 * as a percent in CSV (empty when undefined) and as numerator, denominator and percent in JSON,
 * a currency upper-case in CSV as Stripe's exports do and lower-case in JSON as Stripe's API.
 */

struct Cell
{
    enum class Kind { Text, Currency, Count, Money, Ratio, Counts };
    Kind kind = Kind::Text;
    QString text; // Text; the currency of Currency and Money.
    qint64 number = 0; // Count; Money in minor units.
    models::analytics::Ratio ratio;
    QList<qint64> counts; // Counts (JSON only).

    static Cell of(const QString &t) { return {Kind::Text, t, 0, {}, {}}; }
    static Cell currency(const QString &c) { return {Kind::Currency, c, 0, {}, {}}; }
    static Cell count(qint64 n) { return {Kind::Count, {}, n, {}, {}}; }
    static Cell money(qint64 minor, const QString &c) { return {Kind::Money, c, minor, {}, {}}; }
    static Cell rate(const models::analytics::Ratio &r) { return {Kind::Ratio, {}, 0, r, {}}; }
    static Cell list(const QList<qint64> &v) { return {Kind::Counts, {}, 0, {}, v}; }
};

// A column's name in each format; empty: the format leaves the column out.
struct Column
{
    const char *csv;
    const char *json;
};

struct Table
{
    QString key; // The JSON member holding the rows.
    QList<Column> columns;
    QList<QList<Cell>> rows;
};

struct Report
{
    QJsonObject meta; // report, from, to, … (JSON only).
    QList<Table> tables;
    int csvTable = 0; // Which table the CSV form is.
};

struct Options
{
    QString kind; // revenue, settlement, payments, mrr, churn
    bool json = false;
    bool history = false; // mrr: month by month
    bool summary = false; // churn: one row per currency
    models::analytics::Range range;
    qint64 at = 0; // mrr: the instant the subscriptions are read at
};

// The report `options` asks for, computed from `db`.
Report render(models::sql::Database &db, const Options &options);

QString toCsv(const Report &report); // Lines end in CRLF.
QJsonObject toJson(const Report &report);

} // namespace paydesk::app::reports
