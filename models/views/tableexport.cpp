#include "models/views/tableexport.h"

#include "models/csv.h"
#include "models/money.h"
#include "models/views/cachetablemodel.h"

#include <QDateTime>
#include <QIODevice>
#include <QTimeZone>

namespace paydesk::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("paydesk::models::CacheTableModel", text);
}

} // namespace

qint64 exportTable(sql::Database &db, const TableQuery &query, QIODevice *out, ExportFormat format,
                   QString *error, const std::function<bool(qint64)> &progress)
{
    if (!db.isOpen()) {
        if (error)
            *error = tr("No cache is open.");
        return -1;
    }
    auto write = [&](const QByteArray &bytes) {
        if (out->write(bytes) == bytes.size())
            return true;
        if (error)
            *error = out->errorString();
        return false;
    };
    const QList<TableColumn> &columns = query.columns;
    if (format == ExportFormat::Csv) {
        QStringList header {QStringLiteral("id")};
        for (const TableColumn &c : columns) {
            header.append(c.key);
            if (c.kind == TableColumn::Kind::Money)
                header.append(c.key + QStringLiteral("_currency"));
        }
        if (!write(csv::row(header).toUtf8() + "\r\n"))
            return -1;
    } else if (!write("[")) {
        return -1;
    }
    QList<int> currencyField;
    for (int c = 0; c < columns.size(); ++c)
        currencyField.append(query.currencyField(c));
    sql::Statement raw
        = db.prepare(QStringLiteral("SELECT raw FROM %1 WHERE id = ?1").arg(query.table));
    qint64 written = 0;
    QString after;
    constexpr int kChunk = 1000;
    for (;;) {
        const QList<TableRow> rows = query.page(db, after, kChunk);
        QByteArray chunk;
        for (const TableRow &r : rows) {
            if (format == ExportFormat::Csv) {
                QStringList cells {r.id};
                for (int c = 0; c < columns.size(); ++c) {
                    const TableColumn &column = columns.at(c);
                    const QVariant &value = r.values.at(c);
                    QString text;
                    if (value.isNull())
                        text.clear();
                    else if (column.kind == TableColumn::Kind::Money)
                        text
                            = Money(value.toLongLong(), r.values.at(currencyField.at(c)).toString())
                                  .toDecimalString();
                    else if (column.kind == TableColumn::Kind::Date)
                        text = QDateTime::fromSecsSinceEpoch(value.toLongLong(), QTimeZone::utc())
                                   .toString(Qt::ISODate);
                    else if (column.kind == TableColumn::Kind::Status)
                        text = TableColumn::stripeStatus(value.toString());
                    else
                        text = value.toString();
                    cells.append(text);
                    if (column.kind == TableColumn::Kind::Money)
                        cells.append(r.values.at(currencyField.at(c)).toString().toUpper());
                }
                chunk += csv::row(cells).toUtf8() + "\r\n";
            } else {
                if (written > 0 || !chunk.isEmpty())
                    chunk += ",";
                raw.reset();
                raw.bind(1, r.id);
                chunk += "\n" + (raw.step() ? raw.bytes(0) : QByteArray());
            }
            ++written;
        }
        raw.reset(); // No read snapshot stays open between chunks.
        if (!chunk.isEmpty() && !write(chunk))
            return -1;
        if (progress && !progress(written)) {
            if (error)
                *error = tr("Export cancelled.");
            return -1;
        }
        if (rows.size() < kChunk)
            break;
        after = rows.last().id;
    }
    if (format == ExportFormat::Json && !write("\n]\n"))
        return -1;
    return written;
}

qint64 exportTable(const CacheTableModel &model, QIODevice *out, ExportFormat format,
                   QString *error, const std::function<bool(qint64)> &progress)
{
    return exportTable(model.connection(), model.currentQuery(), out, format, error, progress);
}

} // namespace paydesk::models
