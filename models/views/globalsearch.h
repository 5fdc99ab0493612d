#pragma once

#include "models/store/sqlitedb.h"

#include <QList>
#include <QString>

namespace paydesk::models {

// One answer of the global search: which object, and how it reads in the result list.
struct SearchHit
{
    QString table; // "customers", "charges", …
    QString id;
    QString title;
    QString detail;
};

/*
 * The window's Ctrl+K search over the cache: customers by email, name or phone and payments by
 * id, last 4, receipt email or description (FTS5 prefix terms), and any object by a pasted id
 * (cus_, ch_, py_, pi_, sub_, in_, dp_, re_). At most `limit` hits of each kind; ids first.
 */
QList<SearchHit> globalSearch(sql::Database &db, const QString &text, int limit = 6);

} // namespace paydesk::models
