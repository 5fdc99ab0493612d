#include "models/views/cachetablemodel.h"

#include "models/csv.h"
#include "models/modelslogging.h"
#include "models/money.h"
#include "models/store/cacheschema.h"

#include <QIODevice>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>

namespace paydesk::models {

CacheTableModel::CacheTableModel(const QString &table, const QList<TableColumn> &columns,
                                 int defaultSort, QObject *parent)
    : QAbstractTableModel(parent)
    , m_table(table)
    , m_columns(columns)
    , m_sortColumn(defaultSort)
{
    // Where each money column's currency is in a row: the query's layout, not a second copy.
    const TableQuery layout {table, columns, {}, {}, {}, true};
    for (int c = 0; c < int(columns.size()); ++c)
        m_currencyField.append(layout.currencyField(c));
}

CacheTableModel::~CacheTableModel() = default;

bool CacheTableModel::open(const QString &cachePath, QString *error)
{
    beginResetModel();
    m_pages.clear();
    m_rows = 0;
    m_total = 0;
    m_path = cachePath;
    m_db = &m_ownDb;
    const bool ok = m_ownDb.open(cachePath, false);
    if (!ok && error)
        *error = m_ownDb.lastError();
    if (ok)
        m_ownDb.exec(QStringLiteral("PRAGMA query_only = 1"));
    else
        m_path.clear();
    endResetModel();
    if (ok)
        reload();
    return ok;
}

bool CacheTableModel::open(sql::Database *db, const QString &cachePath)
{
    beginResetModel();
    m_pages.clear();
    m_rows = 0;
    m_total = 0;
    m_ownDb.close();
    m_db = db;
    const bool ok = db->isOpen();
    m_path = ok ? cachePath : QString();
    endResetModel();
    if (ok)
        reload();
    return ok;
}

QStringList CacheTableModel::tablesRead() const
{
    QStringList parameters;
    QString sql = filterSql(&parameters);
    for (const TableColumn &c : m_columns)
        sql += u' ' + c.select + u' ' + c.currency + u' ' + c.sort;
    QStringList tables {m_table};
    for (const CacheTable &t : cacheTables()) {
        const QString name = QString::fromLatin1(t.name);
        if (name != m_table
            && sql.contains(QRegularExpression(QStringLiteral("\\b%1\\b").arg(name))))
            tables.append(name);
    }
    return tables;
}

QString CacheTableModel::ftsQuery(const QString &search)
{
    QStringList terms;
    const QStringList words = search.simplified().split(u' ', Qt::SkipEmptyParts);
    for (QString word : words) {
        // Punctuation alone is not a word the index knows: it does not filter.
        if (std::count_if(word.cbegin(), word.cend(), [](QChar c) { return c.isLetterOrNumber(); })
            < 2)
            continue;
        word.replace(u'"', QStringLiteral("\"\""));
        terms.append(u'"' + word + QStringLiteral("\"*"));
    }
    return terms.join(u' ');
}

QString CacheTableModel::relativeTime(qint64 unixTime, const QDateTime &now)
{
    const QDateTime when = QDateTime::fromSecsSinceEpoch(unixTime);
    const qint64 ago = when.secsTo(now);
    if (ago >= 0 && ago < 60)
        return tr("just now");
    if (ago >= 0 && ago < 3600)
        return tr("%n min ago", nullptr, int(ago / 60));
    if (ago >= 0 && ago < 86400 && when.date() == now.date())
        return tr("today, %1").arg(QLocale().toString(when.time(), QLocale::ShortFormat));
    return QLocale().toString(when, QLocale::ShortFormat);
}

QString CacheTableModel::statusText(const QString &status) const
{
    if (status.isEmpty())
        return status;
    QString text = status;
    text.replace(u'_', u' ');
    text[0] = text[0].toUpper();
    return text;
}

QVariant CacheTableModel::displayValue(int, const QVariant &) const
{
    return {};
}

QString CacheTableModel::sortExpression(int column) const
{
    const TableColumn &c = m_columns.at(column);
    return c.sort.isEmpty() ? c.select : c.sort;
}

QString CacheTableModel::sortKey() const
{
    return sortExpression(m_sortColumn);
}

TableQuery CacheTableModel::currentQuery() const
{
    TableQuery q {m_table, m_columns, {}, {}, sortKey(), m_sortOrder == Qt::DescendingOrder};
    q.filter = filterSql(&q.parameters);
    return q;
}

QList<CacheTableModel::Row> CacheTableModel::query(const QString &afterId, int limit) const
{
    return currentQuery().page(*m_db, afterId, limit);
}

void CacheTableModel::reload()
{
    reset(true);
}

void CacheTableModel::reset(bool recount)
{
    beginResetModel();
    m_pages.clear();
    m_rows = 0;
    m_endReached = true;
    if (recount) {
        m_total = 0;
        m_totalExact = true;
    }
    if (m_db->isOpen()) {
        const qint64 limit = effectiveCountLimit();
        if (recount && !countShortcut(limit, &m_total)) {
            m_total = currentQuery().count(*m_db, limit + 1);
        }
        if (recount) {
            m_totalExact = m_total <= limit;
            if (!m_totalExact)
                m_total = limit;
        }
        QList<Row> first = query({}, m_pageSize);
        m_endReached = first.size() < m_pageSize;
        if (!first.isEmpty()) {
            Page page;
            page.size = int(first.size());
            page.lastId = first.last().id;
            page.rows = std::move(first);
            page.used = ++m_useClock;
            m_pages.append(std::move(page));
            m_rows = m_pages.first().size;
        }
    }
    // Nothing is fetched from inside the reset notification (views and the model tester ask).
    m_fetching = true;
    endResetModel();
    m_fetching = false;
    if (recount)
        Q_EMIT totalCountChanged(m_total);
}

void CacheTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= m_columns.size())
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    // The same rows in another order: the count stays.
    reset(false);
}

int CacheTableModel::loadedPageCount() const
{
    return int(std::count_if(m_pages.cbegin(), m_pages.cend(),
                             [](const Page &p) { return !p.rows.isEmpty(); }));
}

void CacheTableModel::dropFarPages(int keep) const
{
    // Least recently used first; the page in use (`keep`) stays.
    while (loadedPageCount() > m_windowPages) {
        int oldest = -1;
        for (int i = 0; i < m_pages.size(); ++i) {
            if (i == keep || m_pages.at(i).rows.isEmpty())
                continue;
            if (oldest < 0 || m_pages.at(i).used < m_pages.at(oldest).used)
                oldest = i;
        }
        if (oldest < 0)
            return;
        m_pages[oldest].rows = QList<Row>();
    }
}

const CacheTableModel::Row *CacheTableModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rows)
        return nullptr;
    const int pageIndex = row / m_pageSize;
    Page &page = m_pages[pageIndex];
    if (page.rows.isEmpty() && page.size > 0) {
        // Read a dropped page again: one query for its rows, from the page before's position.
        page.rows = query(pageIndex == 0 ? QString() : m_pages.at(pageIndex - 1).lastId, page.size);
        dropFarPages(pageIndex);
    }
    page.used = ++m_useClock;
    const int offset = row % m_pageSize;
    return offset < page.rows.size() ? &page.rows.at(offset) : nullptr;
}

int CacheTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int CacheTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

bool CacheTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_fetching && !m_endReached;
}

void CacheTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_pages.isEmpty())
        return;
    QList<Row> more = query(m_pages.last().lastId, m_pageSize);
    m_endReached = more.size() < m_pageSize;
    if (more.isEmpty())
        return;
    // Views (and QAbstractItemModelTester) may ask for more from inside the insertion signals.
    m_fetching = true;
    beginInsertRows({}, m_rows, int(m_rows + more.size() - 1));
    Page page;
    page.size = int(more.size());
    page.lastId = more.last().id;
    page.rows = std::move(more);
    page.used = ++m_useClock;
    m_pages.append(std::move(page));
    m_rows += m_pages.last().size;
    dropFarPages(int(m_pages.size() - 1));
    endInsertRows();
    m_fetching = false;
}

QString CacheTableModel::idAt(int row) const
{
    const Row *r = rowAt(row);
    return r ? r->id : QString();
}

QByteArray CacheTableModel::rawJson(const QString &id) const
{
    if (!m_db->isOpen())
        return {};
    sql::Statement &s
        = m_db->cached(QStringLiteral("SELECT raw FROM %1 WHERE id = ?1").arg(m_table));
    if (!s.isValid())
        return {};
    s.bind(1, id);
    const QByteArray raw = s.step() ? s.bytes(0) : QByteArray();
    s.reset(); // No read snapshot stays open.
    return raw;
}

QVariant CacheTableModel::formatted(int column, const Row &r) const
{
    const TableColumn &c = m_columns.at(column);
    const QVariant &value = r.values.at(column);
    const QVariant custom = displayValue(column, value);
    if (!custom.isNull())
        return custom;
    if (value.isNull())
        return QString();
    switch (c.kind) {
    case TableColumn::Kind::Money:
        return Money(value.toLongLong(), r.values.at(m_currencyField.at(column)).toString())
            .toLabelledString();
    case TableColumn::Kind::Date:
        return relativeTime(value.toLongLong(),
                            m_now.isValid() ? m_now : QDateTime::currentDateTime());
    case TableColumn::Kind::Status:
        return statusText(value.toString());
    case TableColumn::Kind::Number:
        return QLocale().toString(value.toLongLong());
    case TableColumn::Kind::Text:
        break;
    }
    return value.toString();
}

QVariant CacheTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row *r = rowAt(index.row());
    if (!r)
        return {};
    const TableColumn &c = m_columns.at(index.column());
    const QVariant &value = r->values.at(index.column());
    switch (role) {
    case IdRole:
        return r->id;
    case StatusRole: {
        for (int i = 0; i < m_columns.size(); ++i) {
            if (m_columns.at(i).kind == TableColumn::Kind::Status)
                return TableColumn::stripeStatus(r->values.at(i).toString());
        }
        return {};
    }
    case RawRole:
        return value;
    case ExportRole:
        if (value.isNull())
            return QString();
        if (c.kind == TableColumn::Kind::Money)
            return Money(value.toLongLong(),
                         r->values.at(m_currencyField.at(index.column())).toString())
                .toDecimalString();
        if (c.kind == TableColumn::Kind::Date)
            return QDateTime::fromSecsSinceEpoch(value.toLongLong(), QTimeZone::utc())
                .toString(Qt::ISODate);
        if (c.kind == TableColumn::Kind::Status)
            return TableColumn::stripeStatus(value.toString());
        return value.toString();
    case Qt::TextAlignmentRole:
        return c.kind == TableColumn::Kind::Money || c.kind == TableColumn::Kind::Number
            ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
            : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (c.kind == TableColumn::Kind::Date && !value.isNull())
            return QLocale().toString(QDateTime::fromSecsSinceEpoch(value.toLongLong()),
                                      QLocale::LongFormat);
        return {};
    case Qt::DisplayRole:
        return formatted(index.column(), *r);
    }
    return {};
}

QVariant CacheTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section >= 0 && section < m_columns.size()) {
        if (role == Qt::DisplayRole)
            return m_columns.at(section).header;
        if (role == Qt::TextAlignmentRole) {
            const auto kind = m_columns.at(section).kind;
            return kind == TableColumn::Kind::Money || kind == TableColumn::Kind::Number
                ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QString CacheTableModel::rowText(int row) const
{
    QStringList cells;
    for (int c = 0; c < m_columns.size(); ++c)
        cells.append(index(row, c).data().toString());
    return cells.join(u'\t');
}

} // namespace paydesk::models
