#pragma once

#include "models/sqlitedb.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace paydesk::models {

// What the Payments table shows; empty fields do not filter.
struct PaymentFilter
{
    enum class Status { Any, Succeeded, Refunded, Disputed, Failed, Pending };
    Status status = Status::Any;
    QString currency; // ISO code, any case.
    qint64 createdFrom = 0; // Unix time, inclusive; 0: open.
    qint64 createdTo = 0; // Exclusive; 0: open.
    qint64 amountMin = -1; // Minor units; -1: open.
    qint64 amountMax = -1;
    QString search; // Words matched as prefixes in id, description, email, name, last4.
    bool operator==(const PaymentFilter &) const = default;
};

/*
 * The charges of a cache as a table, read from SQLite page by page with keyset pagination
 * (`(sort key, id) < (last seen)`): the first page is one indexed query, fetchMore() adds the
 * next one, and only the rows scrolled past are in memory — never a million. Filters and sort
 * run in SQL with bound parameters; data() never queries. Money is formatted per currency,
 * and sorts by minor units (RawRole).
 */
class PaymentsTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Amount, Status, Description, Customer, PaymentMethod, Created, ColumnCount };
    Q_ENUM(Column)
    enum Role { RawRole = Qt::UserRole + 1, IdRole, StatusRole };

    explicit PaymentsTableModel(QObject *parent = nullptr);
    ~PaymentsTableModel() override;

    // Opens the cache read-only (its own connection; WAL lets it read while a sync writes).
    bool open(const QString &cachePath, QString *error = nullptr);
    void setFilter(const PaymentFilter &filter);
    const PaymentFilter &filter() const { return m_filter; }
    // How many rows match the filter, counted up to countLimit(): beyond it the count stops
    // (a short search on a million payments would otherwise read them all) and
    // isTotalExact() is false; scrolling still reaches every row.
    qint64 totalCount() const { return m_total; }
    bool isTotalExact() const { return m_totalExact; }
    void setCountLimit(qint64 limit) { m_countLimit = std::max<qint64>(1, limit); }
    qint64 countLimit() const { return m_countLimit; }
    // Reads the cache again (after a sync), keeping filter and sort.
    void reload();
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }
    // A clock for the relative dates of recent payments ("5 min ago"), pinned by tests.
    void setNow(const QDateTime &now) { m_now = now; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString statusText(const QString &status);
    // The SQL condition and its parameters for a filter (shared with export and tests).
    static QString whereClause(const PaymentFilter &filter, QStringList *parameters);

Q_SIGNALS:
    void totalCountChanged(qint64 total);

private:
    struct Row
    {
        QString id;
        qint64 amount = 0;
        qint64 amountRefunded = 0;
        QString currency;
        QString status; // succeeded, failed, pending, refunded, partially_refunded, disputed.
        QString description;
        QString customer;
        QString brand;
        QString last4;
        qint64 created = 0;
    };
    QList<Row> query(const Row *after, int limit);
    QString orderColumn() const;

    sql::Database m_db;
    PaymentFilter m_filter;
    QList<Row> m_rows;
    qint64 m_total = 0;
    bool m_totalExact = true;
    bool m_endReached = false;
    qint64 m_countLimit = 10000;
    int m_pageSize = 200;
    bool m_fetching = false;
    int m_sortColumn = Created;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QDateTime m_now;
};

} // namespace paydesk::models
