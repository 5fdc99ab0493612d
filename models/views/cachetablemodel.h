#pragma once

#include "models/store/sqlitedb.h"
#include "models/views/tableexport.h"
#include "models/views/tablequery.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

#include <functional>

class QIODevice;

namespace paydesk::models {

/*
 * A table of the cache (payments, customers, subscriptions, …) read from SQLite page by page
 * with keyset pagination: a page is one indexed query for the rows after the last row of the
 * page before, in `(sort key, id)` order. fetchMore() appends pages as the view scrolls, and
 * only a window of pages keeps its rows: pages far from where the user looks are dropped and
 * read again (one query per page, never per cell) when the view comes back, so scrolling
 * through a million rows does not keep a million rows in memory. Filters and sort run in SQL
 * with bound parameters, built by TableQuery; exportTable() writes every row of the same query.
 * Subclasses give the columns and the filter's SQL condition.
 */
class CacheTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // UrgentRole: true for a value that needs attention now (a dispute's evidence due within 72
    // hours or overdue), shown in red.
    enum Role { RawRole = Qt::UserRole + 1, IdRole, StatusRole, ExportRole, UrgentRole };

    ~CacheTableModel() override;

    // Opens the cache read-only (its own connection; WAL lets it read while a sync writes).
    bool open(const QString &cachePath, QString *error = nullptr);
    // Reads through `db`, a connection shared with the rest of the window (CacheReader) that
    // outlives this model, opened on `cachePath`; a closed one shows nothing.
    bool open(sql::Database *db, const QString &cachePath);
    bool isOpen() const { return m_db->isOpen(); }
    QString cachePath() const { return m_path; }
    // The cache table shown ("charges", "customers", …) and the columns.
    QString table() const { return m_table; }
    const QList<TableColumn> &tableColumns() const { return m_columns; }

    // How many rows match the filter, counted up to countLimit(): beyond it the count stops
    // (a short search on a million rows would otherwise read them all) and isTotalExact() is
    // false; scrolling still reaches every row.
    qint64 totalCount() const { return m_total; }
    bool isTotalExact() const { return m_totalExact; }
    void setCountLimit(qint64 limit) { m_countLimit = std::max<qint64>(1, limit); }
    qint64 countLimit() const { return m_countLimit; }
    // Reads the cache again (after a sync), keeping filter and sort.
    void reload();
    // The cache tables its rows are read from: its own and those its columns and current
    // filter name (a customer's spend reads the charges); a commit to one of them changes it.
    QStringList tablesRead() const;
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }
    int pageSize() const { return m_pageSize; }
    // How many pages keep their rows in memory; the others are read again when shown.
    void setWindowPages(int pages) { m_windowPages = std::max(2, pages); }
    int loadedPageCount() const;
    // A clock for the relative dates of recent rows ("5 min ago"), pinned by tests.
    void setNow(const QDateTime &now) { m_now = now; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QString idAt(int row) const;
    // The raw Stripe JSON of one object of this table.
    QByteArray rawJson(const QString &id) const;

    // The query of what the model shows now (filter and sort), and the connection it reads
    // through: models::exportTable() writes every row of it, not only the loaded ones.
    TableQuery currentQuery() const;
    sql::Database &connection() const { return *m_db; }
    using Format = ExportFormat;
    // The display text of a row as tab-separated values (for the clipboard).
    QString rowText(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Human text of a status value of this table ("past_due" → "Past due").
    virtual QString statusText(const QString &status) const;
    static QString relativeTime(qint64 unixTime, const QDateTime &now);
    // An FTS5 query of prefix terms for what the user typed: user text is never FTS syntax.
    // Words of one character are left out: as a prefix they match nearly everything, and the
    // index has no one-letter prefixes to answer them fast.
    static QString ftsQuery(const QString &search);

Q_SIGNALS:
    void totalCountChanged(qint64 total);

protected:
    CacheTableModel(const QString &table, const QList<TableColumn> &columns, int defaultSort,
                    QObject *parent);
    // The SQL condition of the current filter over alias `t` (parameters appended, numbered
    // ?1, ?2, … in order); "" for none. Deleted rows are excluded by the base.
    virtual QString filterSql(QStringList *parameters) const = 0;
    // The order of the default sort (descending unless set; before the first reload).
    void setDefaultSortOrder(Qt::SortOrder order) { m_sortOrder = order; }
    // A display text a subclass formats itself; a null QVariant falls back to the kind.
    virtual QVariant displayValue(int column, const QVariant &value) const;
    // Where counting stops for the current filter (searches may stop earlier).
    virtual qint64 effectiveCountLimit() const { return m_countLimit; }
    // A subclass that already knows the count (or that it exceeds `limit`) sets it and returns
    // true; the count query is then skipped.
    virtual bool countShortcut(qint64 limit, qint64 *count) const
    {
        Q_UNUSED(limit);
        Q_UNUSED(count);
        return false;
    }
    sql::Database &database() const { return *m_db; }
    // What rows are ordered by when sorted by `column`: its `sort`, else its `select`.
    virtual QString sortExpression(int column) const;

private:
    using Row = TableRow;
    struct Page
    {
        QString lastId; // Keyset position after this page, kept when the rows are dropped.
        QList<Row> rows;
        int size = 0;
        quint64 used = 0;
    };
    QList<Row> query(const QString &afterId, int limit) const;
    void reset(bool recount);
    QString sortKey() const;
    const Row *rowAt(int row) const;
    void dropFarPages(int keep) const;
    QVariant formatted(int column, const Row &r) const;

    QString m_table;
    QList<TableColumn> m_columns;
    QList<int> m_currencyField; // Index in Row::values of each column's currency, or -1.
    QString m_path;
    mutable sql::Database m_ownDb; // When opened from a path.
    sql::Database *m_db = &m_ownDb;
    mutable QList<Page> m_pages;
    mutable quint64 m_useClock = 0;
    int m_rows = 0;
    qint64 m_total = 0;
    bool m_totalExact = true;
    bool m_endReached = true;
    qint64 m_countLimit = 10000;
    int m_pageSize = 200;
    int m_windowPages = 40;
    bool m_fetching = false;
    int m_sortColumn = 0;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QDateTime m_now;
};

} // namespace paydesk::models
