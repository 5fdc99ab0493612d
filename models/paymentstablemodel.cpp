#include "models/paymentstablemodel.h"

#include "models/modelslogging.h"
#include "models/money.h"

#include <QLocale>

namespace paydesk::models {

namespace {

// The status a merchant reads: refunds and disputes override "succeeded".
const char *const kStatusSql = "CASE WHEN c.disputed = 1 THEN 'disputed' "
                               "WHEN c.refunded = 1 THEN 'refunded' "
                               "WHEN c.amount_refunded > 0 THEN 'partially_refunded' "
                               "ELSE c.status END";

QString ftsQuery(const QString &search)
{
    // Each word becomes a quoted prefix term: user text is never FTS syntax.
    QStringList terms;
    const QStringList words = search.simplified().split(u' ', Qt::SkipEmptyParts);
    for (QString word : words) {
        // Punctuation alone is not a word the index knows: it does not filter.
        if (std::none_of(word.cbegin(), word.cend(), [](QChar c) { return c.isLetterOrNumber(); }))
            continue;
        word.replace(u'"', QStringLiteral("\"\""));
        terms.append(u'"' + word + QStringLiteral("\"*"));
    }
    return terms.join(u' ');
}

QString relative(qint64 created, const QDateTime &now)
{
    const QDateTime when = QDateTime::fromSecsSinceEpoch(created);
    const qint64 ago = when.secsTo(now);
    if (ago >= 0 && ago < 60)
        return QObject::tr("just now");
    if (ago >= 0 && ago < 3600)
        return QObject::tr("%n min ago", nullptr, int(ago / 60));
    if (ago >= 0 && ago < 86400 && when.date() == now.date())
        return QObject::tr("today, %1").arg(QLocale().toString(when.time(), QLocale::ShortFormat));
    return QLocale().toString(when, QLocale::ShortFormat);
}

} // namespace

PaymentsTableModel::PaymentsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

PaymentsTableModel::~PaymentsTableModel() = default;

bool PaymentsTableModel::open(const QString &cachePath, QString *error)
{
    beginResetModel();
    m_rows.clear();
    m_total = 0;
    const bool ok = m_db.open(cachePath, false);
    if (!ok && error)
        *error = m_db.lastError();
    if (ok)
        m_db.exec(QStringLiteral("PRAGMA query_only = 1"));
    endResetModel();
    if (ok)
        reload();
    return ok;
}

QString PaymentsTableModel::statusText(const QString &status)
{
    if (status == QLatin1String("succeeded"))
        return tr("Succeeded");
    if (status == QLatin1String("failed"))
        return tr("Failed");
    if (status == QLatin1String("pending"))
        return tr("Pending");
    if (status == QLatin1String("refunded"))
        return tr("Refunded");
    if (status == QLatin1String("partially_refunded"))
        return tr("Partially refunded");
    if (status == QLatin1String("disputed"))
        return tr("Disputed");
    return status;
}

QString PaymentsTableModel::whereClause(const PaymentFilter &f, QStringList *parameters)
{
    QStringList conditions {QStringLiteral("c.deleted = 0")};
    auto bind = [&](const QString &value) -> QString {
        parameters->append(value);
        return u'?' + QString::number(parameters->size());
    };
    switch (f.status) {
    case PaymentFilter::Status::Any:
        break;
    case PaymentFilter::Status::Succeeded:
        conditions.append(QStringLiteral("c.status = 'succeeded' AND c.refunded = 0 AND "
                                         "c.disputed = 0"));
        break;
    case PaymentFilter::Status::Refunded:
        conditions.append(QStringLiteral("c.amount_refunded > 0"));
        break;
    case PaymentFilter::Status::Disputed:
        conditions.append(QStringLiteral("c.disputed = 1"));
        break;
    case PaymentFilter::Status::Failed:
        conditions.append(QStringLiteral("c.status = 'failed'"));
        break;
    case PaymentFilter::Status::Pending:
        conditions.append(QStringLiteral("c.status = 'pending'"));
        break;
    }
    if (!f.currency.isEmpty())
        conditions.append(QStringLiteral("c.currency = ") + bind(f.currency.toLower()));
    if (f.createdFrom > 0)
        conditions.append(QStringLiteral("c.created >= ") + bind(QString::number(f.createdFrom)));
    if (f.createdTo > 0)
        conditions.append(QStringLiteral("c.created < ") + bind(QString::number(f.createdTo)));
    if (f.amountMin >= 0)
        conditions.append(QStringLiteral("c.amount >= ") + bind(QString::number(f.amountMin)));
    if (f.amountMax >= 0)
        conditions.append(QStringLiteral("c.amount <= ") + bind(QString::number(f.amountMax)));
    const QString match = ftsQuery(f.search);
    if (!match.isEmpty())
        conditions.append(QStringLiteral("c.rowid IN (SELECT rowid FROM payments_fts WHERE "
                                         "payments_fts MATCH ")
                          + bind(match) + u')');
    return conditions.join(QStringLiteral(" AND "));
}

QString PaymentsTableModel::orderColumn() const
{
    switch (m_sortColumn) {
    case Amount:
        return QStringLiteral("c.amount"); // Plain, so that the (deleted, amount) index serves it.
    case Status:
        return QString::fromLatin1(kStatusSql);
    case Description:
        return QStringLiteral("coalesce(c.description, '')");
    case Customer:
        return QStringLiteral("coalesce(c.billing_email, c.receipt_email, c.customer, '')");
    case PaymentMethod:
        return QStringLiteral("coalesce(c.card_brand, '') || coalesce(c.card_last4, '')");
    default:
        return QStringLiteral("c.created");
    }
}

QList<PaymentsTableModel::Row> PaymentsTableModel::query(const Row *after, int limit)
{
    QList<Row> rows;
    if (!m_db.isOpen())
        return rows;
    QStringList parameters;
    QString where = whereClause(m_filter, &parameters);
    const QString key = orderColumn();
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    // The sort key of the last row loaded, computed by SQLite itself so that it compares alike.
    if (after) {
        parameters.append(after->id);
        const QString idParam = u'?' + QString::number(parameters.size());
        where
            += QStringLiteral(" AND (%1, c.id) %2 ((SELECT %3 FROM charges c WHERE c.id = %4), %4)")
                   .arg(key, descending ? QStringLiteral("<") : QStringLiteral(">"), key, idParam);
    }
    const QString order = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    sql::Statement s = m_db.prepare(
        QStringLiteral("SELECT c.id, c.amount, c.amount_refunded, c.currency, %1, c.description, "
                       "coalesce(c.billing_email, c.receipt_email, c.customer), c.card_brand, "
                       "c.card_last4, c.created FROM charges c WHERE %2 ORDER BY %3 %4, c.id %4 "
                       "LIMIT %5")
            .arg(QString::fromLatin1(kStatusSql), where, key, order)
            .arg(limit));
    if (!s.isValid())
        return rows;
    for (qsizetype i = 0; i < parameters.size(); ++i)
        s.bind(int(i + 1), parameters.at(i));
    while (s.step()) {
        Row r;
        r.id = s.text(0);
        r.amount = s.int64(1);
        r.amountRefunded = s.int64(2);
        r.currency = s.text(3);
        r.status = s.text(4);
        r.description = s.text(5);
        r.customer = s.text(6);
        r.brand = s.text(7);
        r.last4 = s.text(8);
        r.created = s.int64(9);
        rows.append(r);
    }
    return rows;
}

void PaymentsTableModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_total = 0;
    m_totalExact = true;
    m_endReached = true;
    if (m_db.isOpen()) {
        QStringList parameters;
        const QString where = whereClause(m_filter, &parameters);
        sql::Statement count = m_db.prepare(
            QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM charges c WHERE %1 LIMIT %2)")
                .arg(where)
                .arg(m_countLimit + 1));
        for (qsizetype i = 0; i < parameters.size(); ++i)
            count.bind(int(i + 1), parameters.at(i));
        if (count.step())
            m_total = count.int64(0);
        m_totalExact = m_total <= m_countLimit;
        if (!m_totalExact)
            m_total = m_countLimit;
        m_rows = query(nullptr, m_pageSize);
        m_endReached = m_rows.size() < m_pageSize;
    }
    // Nothing is fetched from inside the reset notification (views and the model tester ask).
    m_fetching = true;
    endResetModel();
    m_fetching = false;
    Q_EMIT totalCountChanged(m_total);
}

void PaymentsTableModel::setFilter(const PaymentFilter &filter)
{
    m_filter = filter;
    reload();
}

void PaymentsTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    // The same rows in another order: no need to count them again.
    beginResetModel();
    m_rows = query(nullptr, m_pageSize);
    m_endReached = m_rows.size() < m_pageSize;
    m_fetching = true;
    endResetModel();
    m_fetching = false;
}

int PaymentsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PaymentsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool PaymentsTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_fetching && !m_endReached;
}

void PaymentsTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_rows.isEmpty())
        return;
    const Row last = m_rows.last();
    const QList<Row> more = query(&last, m_pageSize);
    m_endReached = more.size() < m_pageSize;
    if (more.isEmpty())
        return;
    // Views (and QAbstractItemModelTester) may ask for more from inside the insertion signals.
    m_fetching = true;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + more.size() - 1));
    m_rows += more;
    endInsertRows();
    m_fetching = false;
}

QVariant PaymentsTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == IdRole)
        return r.id;
    if (role == StatusRole)
        return r.status;
    if (role == Qt::TextAlignmentRole)
        return index.column() == Amount ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                        : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == RawRole) {
        switch (index.column()) {
        case Amount:
            return r.amount;
        case Status:
            return r.status;
        case Description:
            return r.description;
        case Customer:
            return r.customer;
        case PaymentMethod:
            return QString(r.brand + r.last4);
        case Created:
            return r.created;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Created)
        return QLocale().toString(QDateTime::fromSecsSinceEpoch(r.created), QLocale::LongFormat);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Amount:
        return Money(r.amount, r.currency).toString();
    case Status:
        return statusText(r.status);
    case Description:
        return r.description;
    case Customer:
        return r.customer;
    case PaymentMethod:
        if (r.last4.isEmpty())
            return QString();
        return QString(r.brand.left(1).toUpper() + r.brand.mid(1) + QStringLiteral(" •••• ")
                       + r.last4);
    case Created:
        return relative(r.created, m_now.isValid() ? m_now : QDateTime::currentDateTime());
    }
    return {};
}

QVariant PaymentsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Amount:
        return tr("Amount");
    case Status:
        return tr("Status");
    case Description:
        return tr("Description");
    case Customer:
        return tr("Customer");
    case PaymentMethod:
        return tr("Payment method");
    case Created:
        return tr("Date");
    }
    return {};
}

} // namespace paydesk::models
