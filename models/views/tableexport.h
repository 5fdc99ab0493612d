#pragma once

#include "models/views/tablequery.h"

#include <QCoreApplication>

#include <functional>

class QIODevice;

namespace paydesk::models {

class CacheTableModel;

/*
 * Writes every row of a table view's query, not only the rows a window has loaded: CSV with a
 * header (id, each column's key, and `<key>_currency` after a money column; money as a decimal
 * in its currency's unit, dates in ISO 8601 UTC, every field through csv::field() so that a
 * spreadsheet never runs one as a formula) or a JSON array of the cached Stripe objects.
 * `progress` gets the rows written so far and may return false to stop. Returns the number of
 * rows written, -1 on error (`error` says why). The window's Export and `paydesk export` both
 * write through it.
 */
enum class ExportFormat { Csv, Json };

qint64 exportTable(sql::Database &db, const TableQuery &query, QIODevice *out, ExportFormat format,
                   QString *error = nullptr, const std::function<bool(qint64)> &progress = {});
// What `model` shows now: its filter and sort, through its connection.
qint64 exportTable(const CacheTableModel &model, QIODevice *out, ExportFormat format,
                   QString *error = nullptr, const std::function<bool(qint64)> &progress = {});

} // namespace paydesk::models
