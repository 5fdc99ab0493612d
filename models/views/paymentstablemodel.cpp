#include "models/views/paymentstablemodel.h"

#include "models/store/cacheschema.h"

namespace paydesk::models {

namespace {

QList<TableColumn> paymentColumns()
{
    using K = TableColumn::Kind;
    return {
        {QStringLiteral("amount"),
         PaymentsTableModel::tr("Amount"),
         QStringLiteral("t.amount"),
         K::Money,
         QStringLiteral("t.currency"),
         {}},
        {QStringLiteral("status"),
         PaymentsTableModel::tr("Status"),
         paymentStatusSql(QStringLiteral("t")),
         K::Status,
         {},
         {}},
        {QStringLiteral("description"),
         PaymentsTableModel::tr("Description"),
         QStringLiteral("t.description"),
         K::Text,
         {},
         QStringLiteral("coalesce(t.description, '')")},
        {QStringLiteral("customer"),
         PaymentsTableModel::tr("Customer"),
         QStringLiteral("coalesce(t.billing_email, t.receipt_email, t.customer)"),
         K::Text,
         {},
         QStringLiteral("coalesce(t.billing_email, t.receipt_email, t.customer, '')")},
        {QStringLiteral("payment_method"),
         PaymentsTableModel::tr("Payment method"),
         QStringLiteral("CASE WHEN t.card_last4 IS NULL THEN NULL ELSE "
                        "upper(substr(t.card_brand, 1, 1)) || substr(t.card_brand, 2) || "
                        "' •••• ' || t.card_last4 END"),
         K::Text,
         {},
         QStringLiteral("coalesce(t.card_brand, '') || coalesce(t.card_last4, '')")},
        {QStringLiteral("created"),
         PaymentsTableModel::tr("Date"),
         QStringLiteral("t.created"),
         K::Date,
         {},
         {}},
    };
}

} // namespace

PaymentsTableModel::PaymentsTableModel(QObject *parent)
    : CacheTableModel(QStringLiteral("charges"), paymentColumns(), Created, parent)
{ }

QString PaymentsTableModel::sortExpression(int column) const
{
    if (column == Amount && m_filter.currency.isEmpty())
        return QStringLiteral("t.settled_amount");
    return CacheTableModel::sortExpression(column);
}

QString PaymentsTableModel::statusLabel(const QString &status)
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

QString PaymentsTableModel::whereClause(const PaymentFilter &f, QStringList *parameters,
                                        bool denseSearch)
{
    QStringList conditions;
    auto bind = [&](const QString &value) -> QString {
        parameters->append(value);
        return u'?' + QString::number(parameters->size());
    };
    switch (f.status) {
    case PaymentFilter::Status::Any:
        break;
    case PaymentFilter::Status::Succeeded:
        conditions.append(QStringLiteral("t.status = 'succeeded' AND t.refunded = 0 AND "
                                         "t.disputed = 0"));
        break;
    case PaymentFilter::Status::Refunded:
        conditions.append(QStringLiteral("t.amount_refunded > 0"));
        break;
    case PaymentFilter::Status::Disputed:
        conditions.append(QStringLiteral("t.disputed = 1"));
        break;
    case PaymentFilter::Status::Failed:
        conditions.append(QStringLiteral("t.status = 'failed'"));
        break;
    case PaymentFilter::Status::Pending:
        conditions.append(QStringLiteral("t.status = 'pending'"));
        break;
    }
    if (!f.currency.isEmpty())
        conditions.append(QStringLiteral("t.currency = ") + bind(f.currency.toLower()));
    if (f.createdFrom > 0)
        conditions.append(QStringLiteral("t.created >= ") + bind(QString::number(f.createdFrom)));
    if (f.createdTo > 0)
        conditions.append(QStringLiteral("t.created < ") + bind(QString::number(f.createdTo)));
    if (f.amountMin >= 0)
        conditions.append(QStringLiteral("t.amount >= ") + bind(QString::number(f.amountMin)));
    if (f.amountMax >= 0)
        conditions.append(QStringLiteral("t.amount <= ") + bind(QString::number(f.amountMax)));
    if (!f.cardBrand.isEmpty())
        conditions.append(QStringLiteral("t.card_brand = ") + bind(f.cardBrand.toLower()));
    if (!f.country.isEmpty())
        conditions.append(QStringLiteral("t.card_country = ") + bind(f.country.toUpper()));
    if (!f.riskLevel.isEmpty())
        conditions.append(QStringLiteral("t.risk_level = ") + bind(f.riskLevel));
    if (!f.customer.isEmpty())
        conditions.append(QStringLiteral("t.customer = ") + bind(f.customer));
    const QString match = ftsQuery(f.search);
    // Dense: `+` keeps the planner from driving the query by the matches (reading a row for
    // each of them and sorting); it walks the sort order and tests each row against them.
    if (!match.isEmpty())
        conditions.append((denseSearch ? QStringLiteral("+t.rowid") : QStringLiteral("t.rowid"))
                          + QStringLiteral(" IN (SELECT rowid FROM payments_fts WHERE "
                                           "payments_fts MATCH ")
                          + bind(match) + u')');
    return conditions.join(QStringLiteral(" AND "));
}

bool PaymentsTableModel::countShortcut(qint64 limit, qint64 *count) const
{
    if (!m_countKnown)
        return false;
    *count = limit + 1;
    return true;
}

QString PaymentsTableModel::filterSql(QStringList *parameters) const
{
    return whereClause(m_filter, parameters, m_denseSearch);
}

qint64 PaymentsTableModel::effectiveCountLimit() const
{
    return ftsQuery(m_filter.search).isEmpty() ? countLimit()
                                               : std::min(countLimit(), kSearchCountLimit);
}

void PaymentsTableModel::setFilter(const PaymentFilter &filter)
{
    m_filter = filter;
    m_denseSearch = false;
    m_countKnown = false;
    const QString match = ftsQuery(filter.search);
    if (!match.isEmpty() && isOpen()) {
        // How common the words are decides how to search (see whereClause): reading up to a
        // few thousand entries of the index is cheap either way.
        constexpr qint64 kDense = 4000;
        sql::Statement &probe = database().cached(
            QStringLiteral(
                "SELECT count(*) FROM (SELECT 1 FROM payments_fts WHERE payments_fts MATCH ?1 "
                "LIMIT %1)")
                .arg(kDense));
        if (probe.isValid()) {
            probe.bind(1, match);
            m_denseSearch = probe.step() && probe.int64(0) >= kDense;
            probe.reset();
        }
        // A search alone, matching thousands in the index: more than the count limit are live
        // unless that many payments were deleted, which one index lookup tells.
        PaymentFilter searchOnly;
        searchOnly.search = filter.search;
        m_countKnown = false;
        if (m_denseSearch && filter == searchOnly) {
            const qint64 deleted = database().scalar(
                QStringLiteral("SELECT count(*) FROM charges WHERE deleted = 1"), kDense);
            m_countKnown = kDense - deleted > effectiveCountLimit();
        }
    }
    reload();
}

} // namespace paydesk::models
