#include "models/views/listtablemodel.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

namespace paydesk::models {

namespace {

using K = TableColumn::Kind;

const char *const kCustomerEmail = "(SELECT coalesce(cu.email, cu.name) FROM customers cu "
                                   "WHERE cu.id = t.customer)";

// Column helpers: a text column sorts with NULL as '', money is in the row's currency.
TableColumn text(const char *key, const QString &header, const QString &select)
{
    return {QString::fromLatin1(key),
            header,
            select,
            K::Text,
            {},
            QStringLiteral("coalesce(%1, '')").arg(select)};
}

TableColumn money(const char *key, const QString &header, const QString &select,
                  const QString &sort = {})
{
    return {QString::fromLatin1(key), header, select, K::Money, QStringLiteral("t.currency"), sort};
}

TableColumn date(const char *key, const QString &header, const QString &select,
                 const QString &sort = {})
{
    return {QString::fromLatin1(key), header, select, K::Date, {}, sort};
}

TableColumn status(const char *key, const QString &header)
{
    const QString select = QStringLiteral("t.") + QString::fromLatin1(key);
    return {QString::fromLatin1(key),
            header,
            select,
            K::Status,
            {},
            QStringLiteral("coalesce(%1, '')").arg(select)};
}

TableColumn created(const QString &header)
{
    return date("created", header, QStringLiteral("t.created"));
}

QList<TableColumn> columnsFor(ListTableModel::Kind kind)
{
    using T = ListTableModel;
    const QString customer = QString::fromLatin1(kCustomerEmail);
    switch (kind) {
    case ListTableModel::Kind::Customers: {
        // Lifetime spend: succeeded charges less refunds, in the customer's currency.
        const QString spend = QStringLiteral(
            "(SELECT sum(ch.amount - ch.amount_refunded) FROM charges ch WHERE ch.customer = "
            "t.id AND ch.deleted = 0 AND ch.status = 'succeeded' AND ch.currency = "
            "coalesce(t.currency, ch.currency))");
        TableColumn spendColumn = money("spend", T::tr("Total spend"), spend,
                                        QStringLiteral("coalesce(%1, 0)").arg(spend));
        spendColumn.currency = QStringLiteral("coalesce(t.currency, (SELECT ch.currency FROM "
                                              "charges ch WHERE ch.customer = t.id LIMIT 1))");
        return {text("name", T::tr("Name"), QStringLiteral("t.name")),
                text("email", T::tr("Email"), QStringLiteral("t.email")),
                text("country", T::tr("Country"), QStringLiteral("t.address_country")), spendColumn,
                created(T::tr("Created"))};
    }
    case ListTableModel::Kind::Subscriptions: {
        const QString plan = ListTableModel::planSql(QStringLiteral("t.id"));
        const QString amount = QStringLiteral("(SELECT sum(si.unit_amount * si.quantity) FROM "
                                              "subscription_items si WHERE si.subscription = "
                                              "t.id)");
        TableColumn customerColumn = text("customer", T::tr("Customer"),
                                          QStringLiteral("coalesce(%1, t.customer)").arg(customer));
        TableColumn interval = text(
            "interval", T::tr("Billing"),
            QStringLiteral("(SELECT si.recurring_interval || ' ' || "
                           "coalesce(si.recurring_interval_count, 1) FROM subscription_items si "
                           "WHERE si.subscription = t.id ORDER BY si.rowid LIMIT 1)"));
        // A live subscription whose collection is paused, or that is set to end, says so.
        TableColumn statusColumn = status("status", T::tr("Status"));
        statusColumn.select = QStringLiteral(
            "CASE WHEN t.status IN ('canceled', 'incomplete_expired') THEN t.status WHEN "
            "t.pause_behavior IS NOT NULL THEN t.status || ';paused' WHEN t.cancel_at IS NOT NULL "
            "THEN t.status || ';cancels;' || t.cancel_at ELSE t.status END");
        statusColumn.sort = QStringLiteral("coalesce(t.status, '')");
        return {
            customerColumn,
            statusColumn,
            text("plan", T::tr("Plan"), plan),
            money("amount", T::tr("Amount"), amount, QStringLiteral("coalesce(%1, 0)").arg(amount)),
            interval,
            date("current_period_end", T::tr("Renews / ends"),
                 QStringLiteral("coalesce(t.ended_at, t.cancel_at, t.current_period_end)")),
            created(T::tr("Created"))};
    }
    case ListTableModel::Kind::Disputes:
        return {money("amount", T::tr("Amount"), QStringLiteral("t.amount")),
                status("status", T::tr("Status")), status("reason", T::tr("Reason")),
                text("charge", T::tr("Payment"), QStringLiteral("t.charge")),
                // Sorted as a to-do list: those that need a response by their deadline
                // (soonest first), then the others, newest first.
                date("due_by", T::tr("Respond by"), QStringLiteral("t.due_by"),
                     QStringLiteral("CASE WHEN t.status IN ('needs_response', "
                                    "'warning_needs_response') THEN coalesce(t.due_by, 0) ELSE "
                                    "100000000000 - t.created END")),
                created(T::tr("Opened"))};
    case ListTableModel::Kind::Invoices:
        return {money("total", T::tr("Total"), QStringLiteral("t.total")),
                status("status", T::tr("Status")),
                text("number", T::tr("Number"), QStringLiteral("t.number")),
                text("customer", T::tr("Customer"),
                     QStringLiteral("coalesce(t.customer_email, t.customer)")),
                date("due_date", T::tr("Due"), QStringLiteral("t.due_date"),
                     QStringLiteral("coalesce(t.due_date, 0)")),
                created(T::tr("Created"))};
    case ListTableModel::Kind::Prices: {
        TableColumn state = status("status", T::tr("Status"));
        state.select = state.sort = ListTableModel::statusSql(kind);
        return {text("product", T::tr("Product"),
                     QStringLiteral("(SELECT coalesce(p.name, t.product) FROM products p WHERE "
                                    "p.id = t.product)")),
                text("nickname", T::tr("Price"), QStringLiteral("t.nickname")),
                money("unit_amount", T::tr("Amount"), QStringLiteral("t.unit_amount"),
                      QStringLiteral("coalesce(t.unit_amount, 0)")),
                text("interval", T::tr("Billing"),
                     QStringLiteral("coalesce(t.recurring_interval || ' ' || "
                                    "coalesce(t.recurring_interval_count, 1), 'one_time')")),
                state,
                created(T::tr("Created"))};
    }
    case ListTableModel::Kind::Coupons: {
        TableColumn state = status("status", T::tr("Status"));
        state.select = state.sort = ListTableModel::statusSql(kind);
        TableColumn redeemed {QStringLiteral("times_redeemed"),
                              T::tr("Redeemed"),
                              QStringLiteral("t.times_redeemed"),
                              K::Number,
                              {},
                              QStringLiteral("coalesce(t.times_redeemed, 0)")};
        return {text("name", T::tr("Name"), QStringLiteral("coalesce(t.name, t.id)")),
                text("percent_off", T::tr("Percent off"),
                     QStringLiteral("CASE WHEN t.percent_off IS NOT NULL THEN printf('%g %%', "
                                    "t.percent_off) END")),
                money("amount_off", T::tr("Amount off"), QStringLiteral("t.amount_off"),
                      QStringLiteral("coalesce(t.amount_off, 0)")),
                text("duration", T::tr("Duration"),
                     QStringLiteral("CASE t.duration WHEN 'repeating' THEN t.duration_in_months || "
                                    "' months' ELSE t.duration END")),
                redeemed,
                state,
                created(T::tr("Created"))};
    }
    case ListTableModel::Kind::Payouts: {
        TableColumn failure = text("failure", T::tr("Failure"),
                                   QStringLiteral("coalesce(t.failure_message, t.failure_code)"));
        return {money("amount", T::tr("Amount"), QStringLiteral("t.amount")),
                status("status", T::tr("Status")),
                date("arrival_date", T::tr("Arrives"), QStringLiteral("t.arrival_date"),
                     QStringLiteral("coalesce(t.arrival_date, 0)")),
                status("method", T::tr("Method")),
                text("destination", T::tr("Bank account"),
                     QStringLiteral("(SELECT coalesce(b.bank_name || ' ', '') || '••' || b.last4 "
                                    "FROM bank_accounts b WHERE b.id = t.destination)")),
                failure,
                created(T::tr("Initiated"))};
    }
    case ListTableModel::Kind::Refunds:
        return {money("amount", T::tr("Amount"), QStringLiteral("t.amount")),
                status("status", T::tr("Status")), status("reason", T::tr("Reason")),
                text("charge", T::tr("Payment"), QStringLiteral("t.charge")),
                created(T::tr("Date"))};
    }
    return {};
}

int defaultSortFor(ListTableModel::Kind kind)
{
    // Disputes by their deadline; every other kind by its creation date (its last column).
    if (kind == ListTableModel::Kind::Disputes)
        return int(columnsFor(kind).size() - 2);
    return int(columnsFor(kind).size() - 1);
}

} // namespace

ListTableModel::ListTableModel(Kind kind, QObject *parent)
    : CacheTableModel(tableName(kind), columnsFor(kind), defaultSortFor(kind), parent)
    , m_kind(kind)
{
    if (kind == Kind::Disputes)
        setDefaultSortOrder(Qt::AscendingOrder); // The soonest deadline first.
}

QString ListTableModel::tableName(Kind kind)
{
    switch (kind) {
    case Kind::Customers:
        return QStringLiteral("customers");
    case Kind::Subscriptions:
        return QStringLiteral("subscriptions");
    case Kind::Disputes:
        return QStringLiteral("disputes");
    case Kind::Invoices:
        return QStringLiteral("invoices");
    case Kind::Refunds:
        return QStringLiteral("refunds");
    case Kind::Prices:
        return QStringLiteral("prices");
    case Kind::Coupons:
        return QStringLiteral("coupons");
    case Kind::Payouts:
        return QStringLiteral("payouts");
    }
    return {};
}

QString ListTableModel::statusSql(Kind kind)
{
    switch (kind) {
    case Kind::Prices:
        return QStringLiteral(
            "CASE WHEN coalesce(t.active, 1) = 1 THEN 'active' ELSE 'archived' END");
    case Kind::Coupons:
        return QStringLiteral("CASE WHEN coalesce(t.valid, 1) = 1 THEN 'valid' ELSE 'expired' END");
    default:
        return QStringLiteral("t.status");
    }
}

QStringList ListTableModel::statuses(Kind kind)
{
    switch (kind) {
    case Kind::Customers:
        return {};
    case Kind::Subscriptions:
        return {QStringLiteral("active"),
                QStringLiteral("trialing"),
                QStringLiteral("past_due"),
                QStringLiteral("unpaid"),
                QStringLiteral("canceled"),
                QStringLiteral("incomplete"),
                QStringLiteral("incomplete_expired"),
                QStringLiteral("paused")};
    case Kind::Disputes:
        return {QStringLiteral("needs_response"),
                QStringLiteral("warning_needs_response"),
                QStringLiteral("under_review"),
                QStringLiteral("warning_under_review"),
                QStringLiteral("won"),
                QStringLiteral("lost"),
                QStringLiteral("warning_closed"),
                QStringLiteral("charge_refunded")};
    case Kind::Invoices:
        return {QStringLiteral("draft"), QStringLiteral("open"), QStringLiteral("paid"),
                QStringLiteral("void"), QStringLiteral("uncollectible")};
    case Kind::Refunds:
        return {QStringLiteral("succeeded"), QStringLiteral("pending"),
                QStringLiteral("requires_action"), QStringLiteral("failed"),
                QStringLiteral("canceled")};
    case Kind::Prices:
        return {QStringLiteral("active"), QStringLiteral("archived")};
    case Kind::Coupons:
        return {QStringLiteral("valid"), QStringLiteral("expired")};
    case Kind::Payouts:
        return {QStringLiteral("paid"), QStringLiteral("in_transit"), QStringLiteral("pending"),
                QStringLiteral("failed"), QStringLiteral("canceled")};
    }
    return {};
}

QString ListTableModel::planSql(const QString &subscription)
{
    // The child rows are written in the order of the subscription's `items` list.
    return QStringLiteral(
               "((SELECT coalesce(p.name, si.price) FROM subscription_items si LEFT JOIN products "
               "p ON p.id = si.product WHERE si.subscription = %1 ORDER BY si.rowid LIMIT 1) || "
               "coalesce((SELECT ' +' || (count(*) - 1) FROM subscription_items si WHERE "
               "si.subscription = %1 HAVING count(*) > 1), ''))")
        .arg(subscription);
}

QString ListTableModel::statusLabel(const QString &status)
{
    static const QHash<QString, QString> labels {
        {QStringLiteral("past_due"), tr("Past due")},
        {QStringLiteral("incomplete_expired"), tr("Incomplete, expired")},
        {QStringLiteral("needs_response"), tr("Needs response")},
        {QStringLiteral("warning_needs_response"), tr("Inquiry: needs response")},
        {QStringLiteral("under_review"), tr("Under review")},
        {QStringLiteral("warning_under_review"), tr("Inquiry: under review")},
        {QStringLiteral("warning_closed"), tr("Inquiry closed")},
        {QStringLiteral("charge_refunded"), tr("Refunded")},
        {QStringLiteral("requires_action"), tr("Requires action")},
        {QStringLiteral("requested_by_customer"), tr("Requested by customer")},
        {QStringLiteral("product_not_received"), tr("Product not received")},
        {QStringLiteral("product_unacceptable"), tr("Product unacceptable")},
        {QStringLiteral("credit_not_processed"), tr("Credit not processed")},
        {QStringLiteral("subscription_canceled"), tr("Subscription canceled")},
        {QStringLiteral("bank_cannot_process"), tr("Bank cannot process")},
        {QStringLiteral("expired_or_canceled_card"), tr("Expired or canceled card")},
        {QStringLiteral("in_transit"), tr("In transit")},
    };
    const QString known = labels.value(status);
    if (!known.isEmpty() || status.isEmpty())
        return known;
    QString text = status;
    text.replace(u'_', u' ');
    text[0] = text[0].toUpper();
    return text;
}

QString ListTableModel::whereClause(Kind kind, const ListFilter &f, QStringList *parameters)
{
    QStringList conditions;
    auto bind = [&](const QString &value) -> QString {
        parameters->append(value);
        return u'?' + QString::number(parameters->size());
    };
    const bool hasCustomer = kind == Kind::Subscriptions || kind == Kind::Invoices;
    // Objects of the account, not of a customer (their filter is ignored).
    const bool catalogue = kind == Kind::Prices || kind == Kind::Coupons || kind == Kind::Payouts;
    if (!f.status.isEmpty() && kind != Kind::Customers)
        conditions.append(statusSql(kind) + QStringLiteral(" = ") + bind(f.status));
    if (f.createdFrom > 0)
        conditions.append(QStringLiteral("t.created >= ") + bind(QString::number(f.createdFrom)));
    if (f.createdTo > 0)
        conditions.append(QStringLiteral("t.created < ") + bind(QString::number(f.createdTo)));
    if (!f.customer.isEmpty()) {
        if (kind == Kind::Customers)
            conditions.append(QStringLiteral("t.id = ") + bind(f.customer));
        else if (hasCustomer)
            conditions.append(QStringLiteral("t.customer = ") + bind(f.customer));
        else if (!catalogue)
            conditions.append(QStringLiteral("t.charge IN (SELECT id FROM charges WHERE "
                                             "customer = ")
                              + bind(f.customer) + u')');
    }
    if (!f.plan.isEmpty() && kind == Kind::Subscriptions) {
        const QString p = bind(f.plan);
        conditions.append(QStringLiteral("t.id IN (SELECT subscription FROM subscription_items "
                                         "WHERE price = %1 OR product = %1)")
                              .arg(p));
    }
    if (!f.country.isEmpty() && kind == Kind::Customers)
        conditions.append(QStringLiteral("t.address_country = ") + bind(f.country.toUpper()));
    if (f.dueBefore > 0 && kind == Kind::Disputes)
        conditions.append(QStringLiteral("t.due_by < ") + bind(QString::number(f.dueBefore)));
    const QString match = ftsQuery(f.search);
    if (!match.isEmpty()) {
        // An id typed or pasted: the primary key answers it (prefix as a key range).
        const QString word = f.search.trimmed();
        const bool looksLikeId = !word.contains(u' ') && word.contains(u'_');
        QString byId;
        if (looksLikeId) {
            const QString from = bind(word);
            const QString to = bind(word + QChar(0xffff));
            byId = QStringLiteral("(t.id >= %1 AND t.id < %2)").arg(from, to);
        }
        QString byText;
        const QString customers = QStringLiteral(
            "SELECT id FROM customers WHERE rowid IN (SELECT rowid FROM customers_fts WHERE "
            "customers_fts MATCH %1)");
        // The catalogue by its names (a few hundred rows: a scan is instant).
        const QString like = QStringLiteral("%") + word + u'%';
        if (kind == Kind::Prices)
            byText = QStringLiteral("(t.nickname LIKE %1 OR t.product IN (SELECT id FROM products "
                                    "WHERE name LIKE %1))")
                         .arg(bind(like));
        else if (kind == Kind::Coupons)
            byText = QStringLiteral("coalesce(t.name, '') LIKE %1").arg(bind(like));
        else if (kind == Kind::Payouts)
            byText = QStringLiteral("0"); // Found by id only.
        else if (kind == Kind::Customers)
            byText = QStringLiteral("t.rowid IN (SELECT rowid FROM customers_fts WHERE "
                                    "customers_fts MATCH %1)")
                         .arg(bind(match));
        else if (hasCustomer)
            byText = QStringLiteral("t.customer IN (%1)").arg(customers.arg(bind(match)));
        else
            byText = QStringLiteral("t.charge IN (SELECT id FROM charges WHERE customer IN (%1))")
                         .arg(customers.arg(bind(match)));
        // An invoice number ("A1B2C3D4-0042", or its prefix): Stripe's numbers are upper case.
        if (kind == Kind::Invoices && !word.contains(u' ')) {
            const QString number = word.toUpper();
            const QString byNumber = QStringLiteral("(t.number >= %1 AND t.number < %2)")
                                         .arg(bind(number), bind(number + QChar(0xffff)));
            byId = byId.isEmpty() ? byNumber : QStringLiteral("%1 OR %2").arg(byId, byNumber);
        }
        conditions.append(byId.isEmpty() ? byText : QStringLiteral("(%1 OR %2)").arg(byId, byText));
    }
    return conditions.join(QStringLiteral(" AND "));
}

QString ListTableModel::filterSql(QStringList *parameters) const
{
    return whereClause(m_kind, m_filter, parameters);
}

QString ListTableModel::qualifiedStatusLabel(const QString &value, const QDate &today)
{
    const QStringList parts = value.split(u';');
    if (parts.value(1) == QLatin1String("paused"))
        return tr("Paused");
    if (parts.value(1) == QLatin1String("cancels")) {
        const QDate day = QDateTime::fromSecsSinceEpoch(parts.value(2).toLongLong()).date();
        // "Cancels 28 Dec", with the year when it is not this one.
        return tr("Cancels %1")
            .arg(QLocale().toString(day,
                                    day.year() == today.year() ? QStringLiteral("d MMM")
                                                               : QStringLiteral("d MMM yyyy")));
    }
    return statusLabel(parts.value(0));
}

QVariant ListTableModel::displayValue(int column, const QVariant &value) const
{
    if (tableColumns().at(column).kind == TableColumn::Kind::Status && !value.isNull()
        && value.toString().contains(u';'))
        return qualifiedStatusLabel(value.toString(), QDate::currentDate());
    if (tableColumns().at(column).key != QLatin1String("interval") || value.isNull())
        return {};
    if (value.toString() == QLatin1String("one_time"))
        return tr("One-time");
    // "month 1" → "Monthly", "month 3" → "Every 3 months".
    const QString interval = value.toString().section(u' ', 0, 0);
    const int count = value.toString().section(u' ', 1, 1).toInt();
    if (count > 1) {
        if (interval == QLatin1String("day"))
            return tr("Every %1 days").arg(count);
        if (interval == QLatin1String("week"))
            return tr("Every %1 weeks").arg(count);
        if (interval == QLatin1String("year"))
            return tr("Every %1 years").arg(count);
        return tr("Every %1 months").arg(count);
    }
    if (interval == QLatin1String("day"))
        return tr("Daily");
    if (interval == QLatin1String("week"))
        return tr("Weekly");
    if (interval == QLatin1String("year"))
        return tr("Yearly");
    return tr("Monthly");
}

QVariant ListTableModel::data(const QModelIndex &index, int role) const
{
    // Only two columns of two kinds say more than the base model: the rest go straight there.
    if (!index.isValid() || (role != Qt::DisplayRole && role != UrgentRole)
        || (m_kind != Kind::Disputes && m_kind != Kind::Payouts))
        return role == UrgentRole ? QVariant(false) : CacheTableModel::data(index, role);
    const QString &key = tableColumns().at(index.column()).key;
    const QVariant raw = CacheTableModel::data(index, RawRole);
    if (m_kind == Kind::Payouts && key == QLatin1String("arrival_date") && !raw.isNull()
        && role == Qt::DisplayRole)
        return QLocale().toString(
            QDateTime::fromSecsSinceEpoch(raw.toLongLong(), QTimeZone::utc()).date(),
            QLocale::ShortFormat);
    if (m_kind != Kind::Disputes || key != QLatin1String("due_by") || raw.isNull())
        return role == UrgentRole ? QVariant(false) : CacheTableModel::data(index, role);
    const QString status = CacheTableModel::data(index, StatusRole).toString();
    if (status != QLatin1String("needs_response")
        && status != QLatin1String("warning_needs_response"))
        return role == UrgentRole ? QVariant(false) : CacheTableModel::data(index, role);
    const qint64 now
        = (m_clock.isValid() ? m_clock : QDateTime::currentDateTime()).toSecsSinceEpoch();
    const qint64 due = raw.toLongLong();
    if (role == UrgentRole)
        return due - now < 72 * 3600;
    return timeLeftText(due, now);
}

QString ListTableModel::timeLeftText(qint64 due, qint64 now)
{
    const QString day
        = QLocale().toString(QDateTime::fromSecsSinceEpoch(due).date(), QStringLiteral("MMM d"));
    if (due <= now)
        return tr("Overdue · %1").arg(day);
    const qint64 left = (due - now) / 86400;
    if (left == 0)
        return tr("Due today · %1").arg(day);
    return (left == 1 ? tr("1 day left · %1") : tr("%1 days left · %2").arg(left)).arg(day);
}

qint64 ListTableModel::disputesNeedingResponse(sql::Database &db)
{
    if (!db.isOpen())
        return 0;
    return db.scalar(QStringLiteral("SELECT count(*) FROM disputes WHERE deleted = 0 AND status "
                                    "IN ('needs_response', 'warning_needs_response')"),
                     0);
}

void ListTableModel::setFilter(const ListFilter &filter)
{
    m_filter = filter;
    reload();
}

} // namespace paydesk::models
