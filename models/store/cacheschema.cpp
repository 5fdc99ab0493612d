#include "models/store/cacheschema.h"

#include "models/modelslogging.h"
#include "models/store/sqlitedb.h"

namespace paydesk::models {

namespace {

using T = CacheColumn::Type;

QString sqlType(T type)
{
    switch (type) {
    case T::Int:
    case T::Bool:
        return QStringLiteral("INTEGER");
    case T::Real:
        return QStringLiteral("REAL");
    case T::Text:
    case T::Parent:
        return QStringLiteral("TEXT");
    }
    return {};
}

QList<CacheTable> buildTables()
{
    return {
        {"account",
         "account",
         "",
         "/v1/account",
         "",
         "",
         false,
         {{"business_name", "business_profile.name", T::Text},
          {"country", "country", T::Text},
          {"default_currency", "default_currency", T::Text},
          {"email", "email", T::Text}}},
        {"customers",
         "customer",
         "/v1/customers",
         "/v1/customers/",
         "",
         "",
         true,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"email", "email", T::Text},
          {"name", "name", T::Text},
          {"phone", "phone", T::Text},
          {"description", "description", T::Text},
          {"currency", "currency", T::Text},
          {"balance", "balance", T::Int},
          {"delinquent", "delinquent", T::Bool},
          {"default_payment_method", "invoice_settings.default_payment_method", T::Text},
          {"address_country", "address.country", T::Text},
          {"tax_exempt", "tax_exempt", T::Text, 4}}},
        {"products",
         "product",
         "/v1/products",
         "/v1/products/",
         "",
         "",
         true,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"name", "name", T::Text},
          {"active", "active", T::Bool},
          {"description", "description", T::Text},
          {"default_price", "default_price", T::Text}}},
        {"prices",
         "price",
         "/v1/prices",
         "/v1/prices/",
         "",
         "",
         true,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"product", "product", T::Text},
          {"active", "active", T::Bool},
          {"currency", "currency", T::Text},
          {"unit_amount", "unit_amount", T::Int},
          {"type", "type", T::Text},
          {"billing_scheme", "billing_scheme", T::Text},
          {"recurring_interval", "recurring.interval", T::Text},
          {"recurring_interval_count", "recurring.interval_count", T::Int},
          {"recurring_usage_type", "recurring.usage_type", T::Text},
          {"nickname", "nickname", T::Text},
          {"tax_behavior", "tax_behavior", T::Text}}},
        {"coupons",
         "coupon",
         "/v1/coupons",
         "/v1/coupons/",
         "",
         "",
         true,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"name", "name", T::Text},
          {"percent_off", "percent_off", T::Real},
          {"amount_off", "amount_off", T::Int},
          {"currency", "currency", T::Text},
          {"duration", "duration", T::Text},
          {"duration_in_months", "duration_in_months", T::Int},
          {"valid", "valid", T::Bool},
          {"times_redeemed", "times_redeemed", T::Int}}},
        {"subscriptions",
         "subscription",
         "/v1/subscriptions",
         "/v1/subscriptions/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"customer", "customer", T::Text},
          {"status", "status", T::Text},
          {"currency", "currency", T::Text},
          {"current_period_start", "current_period_start", T::Int},
          {"current_period_end", "current_period_end", T::Int},
          {"cancel_at_period_end", "cancel_at_period_end", T::Bool},
          {"cancel_at", "cancel_at", T::Int},
          {"canceled_at", "canceled_at", T::Int},
          {"ended_at", "ended_at", T::Int},
          {"trial_start", "trial_start", T::Int},
          {"trial_end", "trial_end", T::Int},
          {"start_date", "start_date", T::Int},
          {"collection_method", "collection_method", T::Text},
          {"latest_invoice", "latest_invoice", T::Text},
          {"default_payment_method", "default_payment_method", T::Text},
          {"discount_coupon", "discount.coupon.id", T::Text},
          {"discount_start", "discount.start", T::Int},
          {"discount_end", "discount.end", T::Int},
          {"pause_behavior", "pause_collection.behavior", T::Text},
          {"cancellation_reason", "cancellation_details.reason", T::Text}}},
        {"subscription_items",
         "subscription_item",
         "",
         "",
         "subscriptions",
         "items.data",
         false,
         {{"subscription", "", T::Parent},
          {"created", "created", T::Int},
          {"price", "price.id", T::Text},
          {"product", "price.product", T::Text},
          {"quantity", "quantity", T::Int},
          {"unit_amount", "price.unit_amount", T::Int},
          {"currency", "price.currency", T::Text},
          {"recurring_interval", "price.recurring.interval", T::Text},
          {"recurring_interval_count", "price.recurring.interval_count", T::Int},
          {"usage_type", "price.recurring.usage_type", T::Text}}},
        {"invoices",
         "invoice",
         "/v1/invoices",
         "/v1/invoices/",
         "",
         "",
         true,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"customer", "customer", T::Text},
          {"subscription", "subscription", T::Text},
          {"status", "status", T::Text},
          {"currency", "currency", T::Text},
          {"amount_due", "amount_due", T::Int},
          {"amount_paid", "amount_paid", T::Int},
          {"amount_remaining", "amount_remaining", T::Int},
          {"subtotal", "subtotal", T::Int},
          {"total", "total", T::Int},
          {"tax", "tax", T::Int},
          {"period_start", "period_start", T::Int},
          {"period_end", "period_end", T::Int},
          {"number", "number", T::Text},
          {"billing_reason", "billing_reason", T::Text},
          {"charge", "charge", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"paid", "paid", T::Bool},
          {"attempt_count", "attempt_count", T::Int},
          {"collection_method", "collection_method", T::Text},
          {"due_date", "due_date", T::Int},
          {"customer_email", "customer_email", T::Text},
          {"paid_at", "status_transitions.paid_at", T::Int},
          {"discount_coupon", "discount.coupon.id", T::Text}}},
        {"invoice_lines",
         "line_item",
         "",
         "",
         "invoices",
         "lines.data",
         false,
         {{"invoice", "", T::Parent},
          {"subscription", "subscription", T::Text},
          {"subscription_item", "subscription_item", T::Text},
          {"price", "price.id", T::Text},
          {"amount", "amount", T::Int},
          {"currency", "currency", T::Text},
          {"quantity", "quantity", T::Int},
          {"period_start", "period.start", T::Int},
          {"period_end", "period.end", T::Int},
          {"proration", "proration", T::Bool},
          {"type", "type", T::Text},
          {"description", "description", T::Text}}},
        {"payment_intents",
         "payment_intent",
         "/v1/payment_intents",
         "/v1/payment_intents/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"customer", "customer", T::Text},
          {"status", "status", T::Text},
          {"amount", "amount", T::Int},
          {"amount_received", "amount_received", T::Int},
          {"currency", "currency", T::Text},
          {"latest_charge", "latest_charge", T::Text},
          {"description", "description", T::Text},
          {"payment_method", "payment_method", T::Text},
          {"invoice", "invoice", T::Text},
          {"capture_method", "capture_method", T::Text},
          {"receipt_email", "receipt_email", T::Text},
          {"cancellation_reason", "cancellation_reason", T::Text},
          {"last_error_code", "last_payment_error.code", T::Text},
          {"last_error_decline_code", "last_payment_error.decline_code", T::Text}}},
        {"charges",
         "charge",
         "/v1/charges",
         "/v1/charges/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"customer", "customer", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"invoice", "invoice", T::Text},
          {"status", "status", T::Text},
          {"amount", "amount", T::Int},
          {"amount_captured", "amount_captured", T::Int},
          {"amount_refunded", "amount_refunded", T::Int},
          {"currency", "currency", T::Text},
          {"paid", "paid", T::Bool},
          {"captured", "captured", T::Bool},
          {"refunded", "refunded", T::Bool},
          {"disputed", "disputed", T::Bool},
          {"failure_code", "failure_code", T::Text},
          {"failure_message", "failure_message", T::Text},
          {"outcome_type", "outcome.type", T::Text},
          {"outcome_reason", "outcome.reason", T::Text},
          {"risk_level", "outcome.risk_level", T::Text},
          {"network_status", "outcome.network_status", T::Text},
          {"seller_message", "outcome.seller_message", T::Text},
          {"balance_transaction", "balance_transaction", T::Text},
          {"description", "description", T::Text},
          {"receipt_email", "receipt_email", T::Text},
          {"billing_name", "billing_details.name", T::Text},
          {"billing_email", "billing_details.email", T::Text},
          {"billing_country", "billing_details.address.country", T::Text},
          {"payment_method", "payment_method", T::Text},
          {"pm_type", "payment_method_details.type", T::Text},
          {"card_brand", "payment_method_details.card.brand", T::Text},
          {"card_last4", "payment_method_details.card.last4", T::Text},
          {"card_exp_month", "payment_method_details.card.exp_month", T::Int},
          {"card_exp_year", "payment_method_details.card.exp_year", T::Int},
          {"card_country", "payment_method_details.card.country", T::Text},
          {"statement_descriptor", "statement_descriptor", T::Text},
          {"card_funding", "payment_method_details.card.funding", T::Text, 4},
          {"card_wallet", "payment_method_details.card.wallet.type", T::Text, 4},
          {"risk_score", "outcome.risk_score", T::Int, 4}}},
        {"refunds",
         "refund",
         "/v1/refunds",
         "/v1/refunds/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"charge", "charge", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"amount", "amount", T::Int},
          {"currency", "currency", T::Text},
          {"status", "status", T::Text},
          {"reason", "reason", T::Text},
          {"balance_transaction", "balance_transaction", T::Text},
          {"failure_reason", "failure_reason", T::Text}}},
        {"disputes",
         "dispute",
         "/v1/disputes",
         "/v1/disputes/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"charge", "charge", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"amount", "amount", T::Int},
          {"currency", "currency", T::Text},
          {"status", "status", T::Text},
          {"reason", "reason", T::Text},
          {"due_by", "evidence_details.due_by", T::Int},
          {"is_charge_refundable", "is_charge_refundable", T::Bool}}},
        {"balance_transactions",
         "balance_transaction",
         "/v1/balance_transactions",
         "/v1/balance_transactions/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"available_on", "available_on", T::Int},
          {"type", "type", T::Text},
          {"amount", "amount", T::Int},
          {"fee", "fee", T::Int},
          {"net", "net", T::Int},
          {"currency", "currency", T::Text},
          {"exchange_rate", "exchange_rate", T::Real},
          {"source", "source", T::Text},
          {"reporting_category", "reporting_category", T::Text},
          {"status", "status", T::Text}}},
        {"payment_methods",
         "payment_method",
         "",
         "/v1/payment_methods/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"customer", "customer", T::Text},
          {"type", "type", T::Text},
          {"card_brand", "card.brand", T::Text},
          {"card_last4", "card.last4", T::Text},
          {"card_exp_month", "card.exp_month", T::Int},
          {"card_exp_year", "card.exp_year", T::Int},
          {"card_country", "card.country", T::Text},
          {"card_funding", "card.funding", T::Text},
          {"card_wallet", "card.wallet.type", T::Text},
          {"billing_name", "billing_details.name", T::Text},
          {"billing_email", "billing_details.email", T::Text}}},
        {"events",
         "event",
         "/v1/events",
         "/v1/events/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"type", "type", T::Text},
          {"api_version", "api_version", T::Text},
          {"object_id", "data.object.id", T::Text},
          {"object_type", "data.object.object", T::Text},
          {"request_id", "request.id", T::Text}}},
    };
}

QString createTableSql(const CacheTable &t, int version)
{
    QStringList defs {QStringLiteral("id TEXT PRIMARY KEY NOT NULL"),
                      QStringLiteral("as_of INTEGER NOT NULL DEFAULT 0"),
                      QStringLiteral("deleted INTEGER NOT NULL DEFAULT 0"),
                      QStringLiteral("gen INTEGER NOT NULL DEFAULT 0"), QStringLiteral("raw TEXT")};
    for (const CacheColumn &c : t.columns) {
        if (c.since <= version)
            defs.append(QString::fromLatin1(c.name) + u' ' + sqlType(c.type));
    }
    return QStringLiteral("CREATE TABLE %1 (%2);\n")
        .arg(QString::fromLatin1(t.name), defs.join(QStringLiteral(", ")));
}

QString jsonPath(const char *path)
{
    return QStringLiteral("'$.") + QString::fromLatin1(path) + u'\'';
}

const char *const kV1Indexes[] = {
    "customers(created)",
    "customers(email)",
    "products(created)",
    "prices(product)",
    "coupons(created)",
    "subscriptions(created)",
    "subscriptions(customer)",
    "subscriptions(status, created)",
    "subscription_items(subscription)",
    "subscription_items(price)",
    "invoices(created)",
    "invoices(customer)",
    "invoices(subscription)",
    "invoices(status, created)",
    "invoice_lines(invoice)",
    "invoice_lines(subscription, period_start)",
    "payment_intents(created)",
    "payment_intents(customer)",
    "charges(deleted, created)", // Counting and listing live payments.
    "charges(deleted, amount)",

    "charges(customer, created)",
    "charges(payment_intent)",
    "charges(status, created)",
    "refunds(created)",
    "refunds(charge)",
    "disputes(created)",
    "disputes(charge)",
    "disputes(status, due_by)",
    "balance_transactions(created)",
    "balance_transactions(source)",
    "balance_transactions(type, created)",
    "payment_methods(customer)",
    "events(created)",
    "events(object_id)",
};

// The name version 1 gave an index of kV1Indexes ("idx_charges_31"): numbered in list order.
QString v1IndexName(const char *definition)
{
    int n = 0;
    for (const char *index : kV1Indexes) {
        ++n;
        if (qstrcmp(index, definition) == 0)
            return QStringLiteral("idx_%1_%2")
                .arg(QString::fromLatin1(definition).section(u'(', 0, 0))
                .arg(n);
    }
    return {};
}

// Version 1: one table per object type, their indexes, the sync state.
QString migration1()
{
    QString sql;
    for (const CacheTable &t : cacheTables())
        sql += createTableSql(t, 1);
    int n = 0;
    for (const char *index : kV1Indexes) {
        const QString def = QString::fromLatin1(index);
        const QString table = def.section(u'(', 0, 0);
        sql += QStringLiteral("CREATE INDEX idx_%1_%2 ON %3;\n").arg(table).arg(++n).arg(def);
    }
    sql += QStringLiteral("CREATE TABLE sync_state (key TEXT PRIMARY KEY NOT NULL, "
                          "value TEXT NOT NULL);\n");
    return sql;
}

// Version 2: the queues that make sync and staff actions survive a crash — objects to fetch
// again, customers whose payment methods are still to list, the outbox and the audit log.
QString migration2()
{
    return QStringLiteral(
        "CREATE TABLE refetch_queue (object TEXT NOT NULL, id TEXT NOT NULL, "
        "as_of INTEGER NOT NULL, PRIMARY KEY (object, id));\n"
        "CREATE TABLE pm_pending (customer TEXT PRIMARY KEY NOT NULL);\n"
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, "
        "updated_at INTEGER NOT NULL, action TEXT NOT NULL, object_id TEXT, "
        "idempotency_key TEXT NOT NULL UNIQUE, method TEXT NOT NULL, path TEXT NOT NULL, "
        "params TEXT NOT NULL, amount INTEGER, currency TEXT, state TEXT NOT NULL, "
        "attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER, response TEXT, "
        "request_id TEXT, error TEXT);\n"
        "CREATE INDEX idx_outbox_state ON outbox(state);\n"
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, "
        "os_user TEXT, profile TEXT, mode TEXT, action TEXT NOT NULL, object_id TEXT, "
        "amount INTEGER, currency TEXT, result TEXT NOT NULL, request_id TEXT, message TEXT);\n"
        "CREATE INDEX idx_audit_time ON audit_log(time);\n");
}

// The statements that take a row out of and into a full-text index.
std::pair<QString, QString> ftsStatements(const QString &fts, const QStringList &columns)
{
    const QString cols = columns.join(QStringLiteral(", "));
    QStringList oldCols, newCols;
    for (const QString &c : columns) {
        oldCols.append(QStringLiteral("old.") + c);
        newCols.append(QStringLiteral("new.") + c);
    }
    return {QStringLiteral("INSERT INTO %1(%1, rowid, %2) VALUES ('delete', old.rowid, %3);")
                .arg(fts, cols, oldCols.join(QStringLiteral(", "))),
            QStringLiteral("INSERT INTO %1(rowid, %2) VALUES (new.rowid, %3);")
                .arg(fts, cols, newCols.join(QStringLiteral(", ")))};
}

// While a backfill loads the table the index is not kept row by row (that costs more than the
// rest of the write): it is rebuilt in one pass when the table is complete.
QString ftsWhen(const QString &table)
{
    return QStringLiteral("NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'fts_deferred:%1')")
        .arg(table);
}

const QStringList &paymentsFtsColumns()
{
    static const QStringList columns {QStringLiteral("id"), QStringLiteral("description"),
                                      QStringLiteral("receipt_email"),
                                      QStringLiteral("billing_name"), QStringLiteral("card_last4")};
    return columns;
}

QString ftsSql(const QString &fts, const QString &table, const QStringList &columns)
{
    const QString cols = columns.join(QStringLiteral(", "));
    const auto [del, ins] = ftsStatements(fts, columns);
    const QString when = ftsWhen(table);
    return QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5(%2, content='%3', "
                          "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', "
                          "prefix='2 3');\n")
               .arg(fts, cols, table)
        + QStringLiteral("CREATE TRIGGER %1_ai AFTER INSERT ON %2 WHEN %4 BEGIN %3 END;\n")
              .arg(fts, table, ins, when)
        + QStringLiteral("CREATE TRIGGER %1_ad AFTER DELETE ON %2 WHEN %4 BEGIN %3 END;\n")
              .arg(fts, table, del, when)
        + QStringLiteral("CREATE TRIGGER %1_au AFTER UPDATE ON %2 WHEN %5 BEGIN %3 %4 END;\n")
              .arg(fts, table, del, ins, when)
        + QStringLiteral("INSERT INTO %1(%1) VALUES ('rebuild');\n").arg(fts);
}

// Version 3: full-text search over customers and payments, filled from the rows already there.
QString migration3()
{
    return ftsSql(QStringLiteral("customers_fts"), QStringLiteral("customers"),
                  {QStringLiteral("email"), QStringLiteral("name"), QStringLiteral("phone"),
                   QStringLiteral("description")})
        + ftsSql(QStringLiteral("payments_fts"), QStringLiteral("charges"), paymentsFtsColumns());
}

// Columns added after version 1, filled from the raw JSON of the rows already cached.
QString addedColumns(int version)
{
    QString sql;
    for (const CacheTable &t : cacheTables()) {
        for (const CacheColumn &c : t.columns) {
            if (c.since != version)
                continue;
            const QString table = QString::fromLatin1(t.name), name = QString::fromLatin1(c.name);
            sql += QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3;\n")
                       .arg(table, name, sqlType(c.type));
            sql += QStringLiteral(
                       "UPDATE %1 SET %2 = json_extract(raw, %3) WHERE raw IS NOT NULL;\n")
                       .arg(table, name, jsonPath(c.path));
        }
    }
    return sql;
}

// Version 4: card funding and wallet, Radar score on charges, tax exemption on customers.
QString migration4()
{
    return addedColumns(4);
}

// Version 5: indexes of the live rows (`deleted` first, as every view asks for `deleted = 0`):
// counting the matches of a status, currency, card brand, card country or Radar risk filter
// reads the index alone, never the rows, and every sort key of the Payments table has its
// index; the plain status and amount indexes they replace are dropped.
#define FILTER_COLUMNS                                                                             \
    "status, currency, card_brand, card_country, risk_level, refunded, disputed, "                 \
    "amount_refunded, amount"

QString migration5()
{
    QString sql = QStringLiteral("DROP INDEX IF EXISTS %1;\nDROP INDEX IF EXISTS %2;\n")
                      .arg(v1IndexName("charges(status, created)"),
                           v1IndexName("charges(deleted, amount)"));
    const char *const indexes[][2] = {
        // One per filter attribute, in date order, carrying every other filter column: any
        // combination of filters is answered from the most selective attribute's index alone.
        {"status", "deleted, status, created, " FILTER_COLUMNS},
        {"currency", "deleted, currency, created, " FILTER_COLUMNS},
        {"brand", "deleted, card_brand, created, " FILTER_COLUMNS},
        {"risk", "deleted, risk_level, created, " FILTER_COLUMNS},
        {"country", "deleted, card_country, created, " FILTER_COLUMNS},
        // A customer's lifetime spend from the index alone (the Customers table's column).
        {"spend", "deleted, customer, status, currency, amount, amount_refunded"},
        // The Payments table sorted by its text columns: the same expressions as its sort keys
        // (PaymentsTableModel), the id breaking ties, so a page is a range of the index.
        {"sort_status", nullptr}, // (deleted, paymentStatusSql(), id)
        {"sort_description", "deleted, coalesce(description, ''), id"},
        {"sort_customer", "deleted, coalesce(billing_email, receipt_email, customer, ''), id"},
        {"sort_method", "deleted, coalesce(card_brand, '') || coalesce(card_last4, ''), id"},
        // Also the index of amount ranges, so it carries the filter columns too.
        {"sort_amount", "deleted, amount, id, created, " FILTER_COLUMNS},
    };
    for (const auto &[name, columns] : indexes)
        sql += QStringLiteral("CREATE INDEX idx_charges_live_%1 ON charges(%2);\n")
                   .arg(QString::fromLatin1(name),
                        columns ? QString::fromLatin1(columns)
                                : QStringLiteral("deleted, (%1), id").arg(paymentStatusSql()));
    // Statistics for the new indexes: with the old ones' alone the planner takes a new index
    // for `deleted = 0` and sorts a million rows instead of walking (deleted, created).
    return sql + QStringLiteral("ANALYZE charges;\n");
}
#undef FILTER_COLUMNS

// Version 6: rollups of the analytics, kept exact by triggers as rows are inserted, updated or
// deleted (a sync's upserts fire them), so that the Home and Analytics pages add up thousands of
// rollup rows instead of a million charges: charges per hour, currency and status (count,
// captured amount, refunded count); succeeded and failed charges per day, currency and card
// brand, country, funding, method, Radar risk and decline reason; balance transactions per day,
// currency and reporting category; each paying customer's first and last succeeded charge.
namespace v6 {

// The rollup rows of one charge row `r` ("new" or "old") with sign `s`, if `when` holds.
QString chargeStats(const char *r, const char *s, const char *when)
{
    const QString R = QString::fromLatin1(r), S = QString::fromLatin1(s),
                  W = QString::fromLatin1(when);
    QString dims;
    const char *const keys[][2] = {
        {"brand", "coalesce(%1.card_brand, %1.pm_type, 'unknown')"},
        {"country", "coalesce(%1.card_country, 'unknown')"},
        {"funding", "coalesce(%1.card_funding, 'unknown')"},
        {"method", "coalesce(%1.pm_type, 'unknown')"},
        {"risk", "coalesce(%1.risk_level, 'unknown')"},
    };
    for (const auto &[dim, key] : keys)
        dims += QStringLiteral("SELECT '%1' AS dim, %2 AS key UNION ALL ")
                    .arg(QString::fromLatin1(dim), QString::fromLatin1(key).arg(R));
    dims += QStringLiteral("SELECT 'decline', coalesce(nullif(%1.outcome_reason, ''), "
                           "%1.failure_code, 'unknown') WHERE %1.status = 'failed'")
                .arg(R);
    return QStringLiteral(
               "INSERT INTO charge_hours (hour, currency, status, n, amount, refunded) SELECT "
               "coalesce(%1.created, 0) / 3600, coalesce(%1.currency, ''), coalesce(%1.status, "
               "''), %2, "
               "%2 * coalesce(%1.amount_captured, %1.amount, 0), %2 * "
               "(coalesce(%1.amount_refunded, "
               "0) > 0) WHERE %3 ON CONFLICT DO UPDATE SET n = n + excluded.n, amount = amount + "
               "excluded.amount, refunded = refunded + excluded.refunded;\n"
               "INSERT INTO charge_dims (day, currency, dim, key, succeeded, failed) SELECT "
               "coalesce(%1.created, 0) / 86400, coalesce(%1.currency, ''), d.dim, d.key, %2 * "
               "(%1.status = "
               "'succeeded'), %2 * (%1.status = 'failed') FROM (%4) d WHERE %3 AND %1.status IN "
               "('succeeded', 'failed') ON CONFLICT DO UPDATE SET succeeded = succeeded + "
               "excluded.succeeded, failed = failed + excluded.failed;\n")
        .arg(R, S, W, dims);
}

QString btStats(const char *r, const char *s, const char *when)
{
    return QStringLiteral(
               "INSERT INTO bt_days (day, currency, category, amount, fee, net) SELECT "
               "coalesce(%1.created, 0) / 86400, coalesce(%1.currency, ''), "
               "coalesce(%1.reporting_category, "
               "%1.type, ''), %2 * coalesce(%1.amount, 0), %2 * coalesce(%1.fee, 0), %2 * "
               "coalesce(%1.net, 0) WHERE %3 ON CONFLICT DO UPDATE SET amount = amount + "
               "excluded.amount, fee = fee + excluded.fee, net = net + excluded.net;\n")
        .arg(QString::fromLatin1(r), QString::fromLatin1(s), QString::fromLatin1(when));
}

// A customer's first and last succeeded charge in a currency, read again from the charges.
QString payersOf(const char *r)
{
    return QStringLiteral(
               "DELETE FROM customer_payers WHERE customer = %1.customer AND currency = "
               "%1.currency;\n"
               "INSERT INTO customer_payers (customer, currency, first, last) SELECT customer, "
               "currency, min(coalesce(created, 0)), max(coalesce(created, 0)) FROM charges WHERE "
               "deleted = 0 AND customer = "
               "%1.customer AND status = 'succeeded' AND currency = %1.currency GROUP BY "
               "customer, currency;\n")
        .arg(QString::fromLatin1(r));
}

} // namespace v6

namespace v6 {

// The monthly MRR of one invoice line `r` as the MRR history counts it (docs/metrics.md):
// subscription lines that are not prorations, net of their discounts and without tax,
// normalised to a month by the price's interval and rounded half up; metered usage is 0.
QString lineMrr(const char *r)
{
    const QString R = QString::fromLatin1(r);
    const QString net
        = QStringLiteral("(coalesce(json_extract(%1.raw, '$.amount_excluding_tax'), %1.amount, "
                         "0) - coalesce((SELECT sum(json_extract(d.value, '$.amount')) FROM "
                         "json_each(%1.raw, '$.discount_amounts') d), 0))")
              .arg(R);
    const QString interval
        = QStringLiteral("json_extract(%1.raw, '$.price.recurring.interval')").arg(R);
    const QString count = QStringLiteral("max(1, coalesce(json_extract(%1.raw, "
                                         "'$.price.recurring.interval_count'), 1))")
                              .arg(R);
    const QString num
        = QStringLiteral("(CASE %1 WHEN 'day' THEN 365 WHEN 'week' THEN 52 ELSE 1 END)")
              .arg(interval);
    const QString den = QStringLiteral("(CASE WHEN %1 IN ('day', 'week', 'year') THEN 12 * %2 ELSE "
                                       "%2 END)")
                            .arg(interval, count);
    return QStringLiteral(
               "INSERT OR REPLACE INTO line_mrr (id, invoice, subscription, customer, live, "
               "currency, start, end, monthly) SELECT %1.id, %1.invoice, %1.subscription, "
               "inv.customer, coalesce(inv.deleted = 0 AND inv.status IN ('paid', 'open') AND "
               "inv.customer IS NOT NULL, 0), %1.currency, %1.period_start, %1.period_end, CASE "
               "WHEN coalesce(json_extract(%1.raw, "
               "'$.price.recurring.usage_type'), 'licensed') = 'metered' OR %2 <= 0 THEN 0 ELSE "
               "(%2 * %3 * 2 + %4) / (2 * %4) END FROM (SELECT 1) LEFT JOIN invoices inv ON inv.id "
               "= "
               "%1.invoice WHERE %1.deleted = 0 AND %1.type = "
               "'subscription' AND coalesce(%1.proration, 0) = 0;\n")
        .arg(R, net, num, den);
}

} // namespace v6

QString migration6()
{
    QString sql = QStringLiteral(
        "CREATE TABLE charge_hours (hour INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT "
        "NOT NULL, n INTEGER NOT NULL DEFAULT 0, amount INTEGER NOT NULL DEFAULT 0, refunded "
        "INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (hour, currency, status)) WITHOUT ROWID;\n"
        "CREATE TABLE charge_dims (day INTEGER NOT NULL, currency TEXT NOT NULL, dim TEXT NOT "
        "NULL, key TEXT NOT NULL, succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL "
        "DEFAULT 0, PRIMARY KEY (day, currency, dim, key)) WITHOUT ROWID;\n"
        "CREATE TABLE bt_days (day INTEGER NOT NULL, currency TEXT NOT NULL, category TEXT NOT "
        "NULL, amount INTEGER NOT NULL DEFAULT 0, fee INTEGER NOT NULL DEFAULT 0, net INTEGER "
        "NOT NULL DEFAULT 0, PRIMARY KEY (day, currency, category)) WITHOUT ROWID;\n"
        "CREATE TABLE customer_payers (customer TEXT NOT NULL, currency TEXT NOT NULL, first "
        "INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (customer, currency)) WITHOUT "
        "ROWID;\n"
        "CREATE INDEX idx_customer_payers_first ON customer_payers(currency, first, last);\n"
        // Each line's monthly amount, with its invoice's customer and whether that invoice
        // counts (paid or open, not deleted), kept by triggers on both tables; read in customer
        // order, the history needs no join but the subscription's end.
        "CREATE TABLE line_mrr (id TEXT PRIMARY KEY NOT NULL, invoice TEXT, subscription TEXT, "
        "customer TEXT, live INTEGER NOT NULL, currency TEXT, start INTEGER, end INTEGER, monthly "
        "INTEGER NOT NULL);\n"
        "CREATE INDEX idx_line_mrr_invoice ON line_mrr(invoice);\n"
        "CREATE INDEX idx_line_mrr_history ON line_mrr(live, currency, customer, start, end, "
        "monthly, subscription);\n"
        // The MRR history joins every line to its invoice and subscription: these answer the
        // join from the index alone, without reading the rows' JSON.
        "CREATE INDEX idx_invoices_mrr ON invoices(id, deleted, status, customer);\n"
        "CREATE INDEX idx_subscriptions_ended ON subscriptions(id, ended_at);\n"
        // MRR now: the counted subscriptions and their items from indexes alone.
        "CREATE INDEX idx_subscriptions_mrr ON subscriptions(status, deleted, pause_behavior, "
        "id, customer, currency, discount_coupon, discount_end);\n"
        "CREATE INDEX idx_subscription_items_mrr ON subscription_items(subscription, "
        "unit_amount, quantity, recurring_interval, recurring_interval_count, usage_type);\n");
    {
        // The lines cached already: the same computation as the trigger's, over the table.
        QString fill = v6::lineMrr("l");
        fill.replace(QStringLiteral(" FROM (SELECT 1) LEFT JOIN"),
                     QStringLiteral(" FROM invoice_lines l LEFT JOIN"));
        sql += fill;
    }
    // What is cached already.
    sql += QStringLiteral(
        "INSERT INTO charge_hours (hour, currency, status, n, amount, refunded) SELECT "
        "coalesce(created, 0) / 3600, coalesce(currency, ''), coalesce(status, ''), count(*), "
        "sum(coalesce(amount_captured, "
        "amount, 0)), sum(coalesce(amount_refunded, 0) > 0) FROM charges WHERE deleted = 0 GROUP "
        "BY 1, 2, 3;\n");
    const char *const keys[][2] = {
        {"brand", "coalesce(card_brand, pm_type, 'unknown')"},
        {"country", "coalesce(card_country, 'unknown')"},
        {"funding", "coalesce(card_funding, 'unknown')"},
        {"method", "coalesce(pm_type, 'unknown')"},
        {"risk", "coalesce(risk_level, 'unknown')"},
        {"decline", "coalesce(nullif(outcome_reason, ''), failure_code, 'unknown')"},
    };
    for (const auto &[dim, key] : keys)
        sql += QStringLiteral(
                   "INSERT INTO charge_dims (day, currency, dim, key, succeeded, failed) SELECT "
                   "coalesce(created, 0) / 86400, coalesce(currency, ''), '%1', %2, sum(status = "
                   "'succeeded'), "
                   "sum(status = 'failed') FROM charges WHERE deleted = 0 AND status IN "
                   "('succeeded', 'failed')%3 GROUP BY 1, 2, 4;\n")
                   .arg(QString::fromLatin1(dim), QString::fromLatin1(key),
                        QLatin1String(dim) == QLatin1String("decline")
                            ? QStringLiteral(" AND status = 'failed'")
                            : QString());
    sql += QStringLiteral(
        "INSERT INTO bt_days (day, currency, category, amount, fee, net) SELECT coalesce(created, "
        "0) / "
        "86400, coalesce(currency, ''), coalesce(reporting_category, type, ''), "
        "sum(coalesce(amount, 0)), "
        "sum(coalesce(fee, 0)), sum(coalesce(net, 0)) FROM balance_transactions WHERE deleted = "
        "0 GROUP BY 1, 2, 3;\n"
        "INSERT INTO customer_payers (customer, currency, first, last) SELECT customer, "
        "currency, min(coalesce(created, 0)), max(coalesce(created, 0)) FROM charges WHERE deleted "
        "= 0 AND status = "
        "'succeeded' AND customer IS NOT NULL AND currency IS NOT NULL GROUP BY customer, "
        "currency;\n");
    // Kept up to date from here on.
    sql += QStringLiteral("CREATE TRIGGER charges_stats_ins AFTER INSERT ON charges BEGIN\n")
        + v6::chargeStats("new", "1", "new.deleted = 0")
        + QStringLiteral("INSERT INTO customer_payers (customer, currency, first, last) SELECT "
                         "new.customer, new.currency, coalesce(new.created, 0), "
                         "coalesce(new.created, 0) WHERE new.deleted "
                         "= 0 AND new.status = 'succeeded' AND new.customer IS NOT NULL AND "
                         "new.currency IS NOT NULL ON CONFLICT DO UPDATE SET first = min(first, "
                         "excluded.first), last = max(last, excluded.last);\nEND;\n")
        + QStringLiteral("CREATE TRIGGER charges_stats_del AFTER DELETE ON charges BEGIN\n")
        + v6::chargeStats("old", "-1", "old.deleted = 0") + v6::payersOf("old")
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER charges_stats_upd AFTER UPDATE ON charges BEGIN\n")
        + v6::chargeStats("old", "-1", "old.deleted = 0")
        + v6::chargeStats("new", "1", "new.deleted = 0") + v6::payersOf("old") + v6::payersOf("new")
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_ins AFTER INSERT ON invoice_lines BEGIN\n")
        + v6::lineMrr("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_upd AFTER UPDATE ON invoice_lines BEGIN\n"
                         "DELETE FROM line_mrr WHERE id = old.id;\n")
        + v6::lineMrr("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_del AFTER DELETE ON invoice_lines BEGIN\n"
                         "DELETE FROM line_mrr WHERE id = old.id;\nEND;\n"
                         "CREATE TRIGGER invoices_line_mrr_upd AFTER UPDATE ON invoices BEGIN\n"
                         "UPDATE line_mrr SET customer = new.customer, live = coalesce(new.deleted "
                         "= 0 AND new.status IN ('paid', 'open') AND new.customer IS NOT NULL, 0) "
                         "WHERE invoice = new.id;\nEND;\n"
                         "CREATE TRIGGER invoices_line_mrr_del AFTER DELETE ON invoices BEGIN\n"
                         "UPDATE line_mrr SET live = 0 WHERE invoice = old.id;\nEND;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_ins AFTER INSERT ON balance_transactions BEGIN\n")
        + v6::btStats("new", "1", "new.deleted = 0") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_del AFTER DELETE ON balance_transactions BEGIN\n")
        + v6::btStats("old", "-1", "old.deleted = 0") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_upd AFTER UPDATE ON balance_transactions BEGIN\n")
        + v6::btStats("old", "-1", "old.deleted = 0") + v6::btStats("new", "1", "new.deleted = 0")
        + QStringLiteral("END;\n");
    return sql;
}

// Schema 7: what MRR now and the MRR history need, kept as the cache is written. Triggers only
// note what changed (a subscription, or a customer's lines in a currency); the writer folds
// those in before it commits (models::analytics::foldRollups()), because the values are computed
// in C++ with the same code as the reference.
QString migration7()
{
    QString sql = QStringLiteral(
        "CREATE TABLE sub_dirty (subscription TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;\n"
        "CREATE TABLE sub_mrr (subscription TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL, "
        "currency TEXT, base INTEGER NOT NULL, discounted INTEGER, until INTEGER) WITHOUT "
        "ROWID;\n"
        "CREATE INDEX idx_sub_mrr ON sub_mrr(currency, customer, base, discounted, until);\n"
        "CREATE TABLE mrr_dirty (customer TEXT NOT NULL, currency TEXT NOT NULL, PRIMARY KEY "
        "(customer, currency)) WITHOUT ROWID;\n"
        "CREATE TABLE customer_mrr (customer TEXT NOT NULL, currency TEXT NOT NULL, first "
        "INTEGER NOT NULL, series TEXT NOT NULL, PRIMARY KEY (customer, currency)) WITHOUT "
        "ROWID;\n"
        "CREATE TABLE mrr_months (currency TEXT NOT NULL, month INTEGER NOT NULL, start_mrr "
        "INTEGER NOT NULL DEFAULT 0, mrr INTEGER NOT NULL DEFAULT 0, start_customers INTEGER NOT "
        "NULL DEFAULT 0, customers INTEGER NOT NULL DEFAULT 0, new_mrr INTEGER NOT NULL DEFAULT "
        "0, new_customers INTEGER NOT NULL DEFAULT 0, expansion INTEGER NOT NULL DEFAULT 0, "
        "contraction INTEGER NOT NULL DEFAULT 0, churn INTEGER NOT NULL DEFAULT 0, "
        "churned_customers INTEGER NOT NULL DEFAULT 0, reactivation INTEGER NOT NULL DEFAULT 0, "
        "reactivated_customers INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (currency, month)) "
        "WITHOUT ROWID;\n"
        "CREATE TABLE mrr_cohorts (currency TEXT NOT NULL, cohort INTEGER NOT NULL, month "
        "INTEGER NOT NULL, paying INTEGER NOT NULL DEFAULT 0, mrr INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (currency, cohort, month)) WITHOUT ROWID;\n"
        "CREATE INDEX idx_line_mrr_subscription ON line_mrr(subscription);\n"
        "CREATE INDEX idx_line_mrr_start ON line_mrr(live, start);\n"
        "CREATE INDEX idx_subscriptions_coupon ON subscriptions(discount_coupon);\n"
        // The charts' other reads from indexes alone: a currency's hours of charges, refunds
        // and disputes by date, subscriptions by currency and status.
        "CREATE INDEX idx_charge_hours_currency ON charge_hours(currency, status, hour, n, "
        "amount, refunded);\n"
        "CREATE INDEX idx_refunds_revenue ON refunds(created, currency, status, amount, "
        "deleted);\n"
        "CREATE INDEX idx_disputes_revenue ON disputes(created, currency, status, amount, "
        "deleted);\n"
        "CREATE INDEX idx_subscriptions_statuses ON subscriptions(currency, status, deleted);\n");
    const auto linesOf = [](const char *r) {
        return QStringLiteral("INSERT INTO mrr_dirty (customer, currency) SELECT "
                              "DISTINCT customer, currency FROM line_mrr WHERE subscription = "
                              "%1.id AND customer IS NOT NULL AND currency IS NOT NULL ON CONFLICT "
                              "DO NOTHING;\n")
            .arg(QLatin1String(r));
    };
    const auto line = [](const char *r) {
        return QStringLiteral("INSERT INTO mrr_dirty (customer, currency) SELECT "
                              "%1.customer, %1.currency WHERE %1.customer IS NOT NULL AND "
                              "%1.currency IS NOT NULL ON CONFLICT DO NOTHING;\n")
            .arg(QLatin1String(r));
    };
    const auto sub = [](const QString &id) {
        return QStringLiteral("INSERT INTO sub_dirty (subscription) SELECT %1 WHERE %1 "
                              "IS NOT NULL ON CONFLICT DO NOTHING;\n")
            .arg(id);
    };
    const auto couponSubs = [](const char *r) {
        return QStringLiteral(
                   "INSERT INTO sub_dirty (subscription) SELECT id FROM "
                   "subscriptions WHERE discount_coupon = %1.id ON CONFLICT DO NOTHING;\n")
            .arg(QLatin1String(r));
    };
    sql += QStringLiteral("CREATE TRIGGER line_mrr_dirty_ins AFTER INSERT ON line_mrr BEGIN\n")
        + line("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_dirty_del AFTER DELETE ON line_mrr BEGIN\n")
        + line("old") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_dirty_upd AFTER UPDATE ON line_mrr BEGIN\n")
        + line("old") + line("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER subs_mrr_ins AFTER INSERT ON subscriptions BEGIN\n")
        + sub(QStringLiteral("new.id")) + linesOf("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER subs_mrr_del AFTER DELETE ON subscriptions BEGIN\n")
        + sub(QStringLiteral("old.id")) + linesOf("old") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER subs_mrr_upd AFTER UPDATE ON subscriptions BEGIN\n")
        + sub(QStringLiteral("old.id")) + sub(QStringLiteral("new.id"))
        + QStringLiteral("END;\n")
        // A subscription's end cuts its lines short.
        + QStringLiteral("CREATE TRIGGER subs_ended_upd AFTER UPDATE ON subscriptions WHEN "
                         "old.ended_at IS NOT new.ended_at OR old.id IS NOT new.id BEGIN\n")
        + linesOf("old") + linesOf("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER items_mrr_ins AFTER INSERT ON subscription_items "
                         "BEGIN\n")
        + sub(QStringLiteral("new.subscription")) + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER items_mrr_del AFTER DELETE ON subscription_items "
                         "BEGIN\n")
        + sub(QStringLiteral("old.subscription")) + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER items_mrr_upd AFTER UPDATE ON subscription_items "
                         "BEGIN\n")
        + sub(QStringLiteral("old.subscription")) + sub(QStringLiteral("new.subscription"))
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER coupons_mrr_ins AFTER INSERT ON coupons BEGIN\n")
        + couponSubs("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER coupons_mrr_del AFTER DELETE ON coupons BEGIN\n")
        + couponSubs("old") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER coupons_mrr_upd AFTER UPDATE ON coupons BEGIN\n")
        + couponSubs("old") + couponSubs("new") + QStringLiteral("END;\n");
    // Everything cached already is folded in by the first commit (Cache::open() makes one).
    sql += QStringLiteral("INSERT INTO sub_dirty (subscription) SELECT id FROM subscriptions;\n"
                          "INSERT INTO mrr_dirty (customer, currency) SELECT DISTINCT customer, "
                          "currency FROM line_mrr WHERE customer IS NOT NULL AND currency IS NOT "
                          "NULL;\n");
    return sql;
}

// Version 8: each staff action's intent (the command and the parameters as the user gave them),
// so that the same action is recognised when it is asked for again, with or without a key.
QString migration8()
{
    return QStringLiteral("ALTER TABLE outbox ADD COLUMN intent TEXT;\n"
                          "CREATE INDEX idx_outbox_intent ON outbox(intent, state, updated_at);\n");
}

// Version 9: each customer's MRR as the current month began and now, with their cohort, kept
// by the fold (models::analytics::foldRollups()) so that the MRR history's current month is a
// sum, not a pass over every customer. Filled by the first commit.
QString migration9()
{
    return QStringLiteral(
        "CREATE TABLE customer_now (customer TEXT NOT NULL, currency TEXT NOT NULL, prev INTEGER "
        "NOT NULL, now INTEGER NOT NULL, cohort INTEGER NOT NULL, PRIMARY KEY (customer, "
        "currency)) WITHOUT ROWID;\n"
        "CREATE INDEX idx_customer_now ON customer_now(currency, cohort, prev, now);\n"
        "CREATE INDEX idx_sub_mrr_until ON sub_mrr(until) WHERE until IS NOT NULL;\n"
        "DELETE FROM sync_state WHERE key = 'mrr_now_at';\n");
}

QString settledSql(const char *r)
{
    const QString row = QString::fromLatin1(r);
    return settledAmountSql(
        [&row](const char *column) -> QString { return row + u'.' + QString::fromLatin1(column); });
}

// Notes the latest rate of a currency from a charge `c` and its balance transaction `b`.
QString settleRateSql(const QString &select)
{
    return QStringLiteral("INSERT INTO settle_rates (currency, amount, settled, at) %1 ON "
                          "CONFLICT(currency) DO UPDATE SET amount = excluded.amount, settled = "
                          "excluded.settled, at = excluded.at WHERE excluded.at >= "
                          "settle_rates.at;\n")
        .arg(select);
}

// Version 10: every charge's settled amount (`settled_amount`, in the account's currency, as
// its balance transaction says), so that a list of payments in several currencies sorts by
// what each is worth (¥34,190 below $340.00), indexed like the amount. Kept by triggers; the
// triggers of the statistics and of full-text search skip the updates that only set it.
QString migration10()
{
    const QString charges = QStringLiteral("charges");
    const auto [ftsDel, ftsIns]
        = ftsStatements(QStringLiteral("payments_fts"), paymentsFtsColumns());
    const QString onlySettled = QStringLiteral("old.settled_amount IS new.settled_amount");
    return QStringLiteral(
               "CREATE TABLE settle_rates (currency TEXT PRIMARY KEY NOT NULL, amount INTEGER NOT "
               "NULL, settled INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;\n"
               "ALTER TABLE charges ADD COLUMN settled_amount INTEGER;\n"
               "INSERT INTO settle_rates (currency, amount, settled, at) SELECT c.currency, "
               "c.amount, b.amount, max(coalesce(b.created, 0)) FROM charges c JOIN "
               "balance_transactions b ON b.id = c.balance_transaction WHERE c.deleted = 0 AND "
               "b.deleted = 0 AND c.amount > 0 AND c.currency IS NOT NULL GROUP BY c.currency;\n"
               "DROP TRIGGER charges_stats_upd;\nDROP TRIGGER payments_fts_au;\n")
        + QStringLiteral("CREATE TRIGGER charges_stats_upd AFTER UPDATE ON charges WHEN %1 BEGIN\n")
              .arg(onlySettled)
        + v6::chargeStats("old", "-1", "old.deleted = 0")
        + v6::chargeStats("new", "1", "new.deleted = 0") + v6::payersOf("old") + v6::payersOf("new")
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER payments_fts_au AFTER UPDATE ON charges WHEN %1 AND %2 "
                         "BEGIN %3 %4 END;\n")
              .arg(ftsWhen(charges), onlySettled, ftsDel, ftsIns)
        + QStringLiteral("UPDATE charges SET settled_amount = %1 WHERE %1 IS NOT NULL;\n")
              .arg(settledSql("charges"))
        + QStringLiteral("CREATE INDEX idx_charges_settled ON charges(deleted, settled_amount);\n")
        // A new charge is written with it (models::Cache computes it in the upsert); one whose
        // amount, currency or balance transaction changed gets it again.
        // The first one settled in a currency tells its rate (the later ones are not written
        // twice for it; a balance transaction arriving after its charge updates it).
        + QStringLiteral("CREATE TRIGGER charges_settled_ins AFTER INSERT ON charges WHEN "
                         "new.balance_transaction IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                         "settle_rates WHERE currency = new.currency) BEGIN\n")
        + settleRateSql(QStringLiteral(
            "SELECT new.currency, new.amount, b.amount, coalesce(b.created, 0) FROM "
            "balance_transactions b WHERE b.id = new.balance_transaction AND b.deleted = 0 AND "
            "new.amount > 0 AND new.currency IS NOT NULL AND new.deleted = 0"))
        + QStringLiteral("END;\n")
        + QStringLiteral(
              "CREATE TRIGGER charges_settled_upd AFTER UPDATE OF amount, currency, "
              "balance_transaction ON charges WHEN old.amount IS NOT new.amount OR old.currency "
              "IS NOT new.currency OR old.balance_transaction IS NOT new.balance_transaction "
              "BEGIN\nUPDATE charges SET settled_amount = %1 WHERE rowid = new.rowid AND "
              "settled_amount IS NOT %1;\nEND;\n")
              .arg(settledSql("new"))
        // A balance transaction of a charge, arriving after it or changed.
        + QStringLiteral("CREATE TRIGGER bt_settled_ins AFTER INSERT ON balance_transactions WHEN "
                         "new.deleted = 0 AND new.source IS NOT NULL BEGIN\n"
                         "UPDATE charges SET settled_amount = new.amount WHERE id = new.source AND "
                         "balance_transaction = new.id AND settled_amount IS NOT new.amount;\n")
        + settleRateSql(QStringLiteral(
            "SELECT c.currency, c.amount, new.amount, coalesce(new.created, 0) FROM charges c "
            "WHERE c.id = new.source AND c.balance_transaction = new.id AND c.amount > 0 AND "
            "c.currency IS NOT NULL AND c.deleted = 0"))
        + QStringLiteral("END;\n")
        + QStringLiteral(
               "CREATE TRIGGER bt_settled_upd AFTER UPDATE OF amount ON balance_transactions WHEN "
               "old.amount IS NOT new.amount AND new.source IS NOT NULL BEGIN\nUPDATE charges SET "
               "settled_amount = new.amount WHERE id = new.source AND balance_transaction = new.id "
               "AND settled_amount IS NOT new.amount;\nEND;\n")
        // The first rate known for a currency values the payments of it that never settled.
        + QStringLiteral(
               "CREATE TRIGGER settle_rates_ins AFTER INSERT ON settle_rates BEGIN\nUPDATE charges "
               "SET settled_amount = amount * new.settled / new.amount WHERE currency = "
               "new.currency AND balance_transaction IS NULL AND settled_amount IS NOT amount * "
               "new.settled / new.amount;\nEND;\n");
}

} // namespace

QString paymentStatusSql(const QString &alias)
{
    const QString t = alias.isEmpty() ? QString() : alias + u'.';
    return QStringLiteral("CASE WHEN %1disputed = 1 THEN 'disputed' WHEN %1refunded = 1 THEN "
                          "'refunded' WHEN %1amount_refunded > 0 THEN 'partially_refunded' ELSE "
                          "%1status END")
        .arg(t);
}

QString settledAmountSql(const std::function<QString(const char *column)> &column)
{
    // The amount of its balance transaction; before that exists (failed, pending, not synced
    // yet), its amount at the latest rate its currency settled at; else its own amount.
    return QStringLiteral("coalesce((SELECT b.amount FROM balance_transactions b WHERE b.id = "
                          "%1 AND b.deleted = 0), (SELECT %2 * x.settled / x.amount FROM "
                          "settle_rates x WHERE x.currency = %3), %2)")
        .arg(column("balance_transaction"), column("amount"), column("currency"));
}

namespace {

using Migration = QString (*)();
const Migration kMigrations[] = {migration1, migration2, migration3, migration4, migration5,
                                 migration6, migration7, migration8, migration9, migration10};

} // namespace

const QList<CacheTable> &cacheTables()
{
    static const QList<CacheTable> tables = buildTables();
    return tables;
}

const CacheTable *cacheTableForObject(const QString &object)
{
    for (const CacheTable &t : cacheTables()) {
        if (object == QLatin1String(t.object))
            return &t;
    }
    return nullptr;
}

QStringList deferrableIndexes(const QString &table)
{
    if (table != QLatin1String("charges"))
        return {};
    // migration5()'s sort keys, and migration10()'s settled amount (the amount sort of a list
    // that mixes currencies).
    return {QStringLiteral("idx_charges_live_sort_status"),
            QStringLiteral("idx_charges_live_sort_description"),
            QStringLiteral("idx_charges_live_sort_customer"),
            QStringLiteral("idx_charges_live_sort_method"),
            QStringLiteral("idx_charges_live_sort_amount"),
            QStringLiteral("idx_charges_settled")};
}

QString ftsTableFor(const QString &table)
{
    if (table == QLatin1String("customers"))
        return QStringLiteral("customers_fts");
    if (table == QLatin1String("charges"))
        return QStringLiteral("payments_fts");
    return {};
}

const CacheTable *cacheTableByName(const QString &name)
{
    for (const CacheTable &t : cacheTables()) {
        if (name == QLatin1String(t.name))
            return &t;
    }
    return nullptr;
}

int latestCacheVersion()
{
    return int(std::size(kMigrations));
}

bool migrateCache(sql::Database &db, int targetVersion, QString *error)
{
    if (targetVersion < 0)
        targetVersion = latestCacheVersion();
    const qint64 current = db.scalar(QStringLiteral("PRAGMA user_version"), 0);
    if (current > latestCacheVersion()) {
        if (error)
            *error = QStringLiteral("the cache was written by a newer Paydesk (schema %1, this "
                                    "version knows up to %2)")
                         .arg(current)
                         .arg(latestCacheVersion());
        return false;
    }
    for (int v = int(current) + 1; v <= targetVersion; ++v) {
        const QString sql = QStringLiteral("BEGIN IMMEDIATE;\n") + kMigrations[v - 1]()
            + QStringLiteral("PRAGMA user_version = %1;\nCOMMIT;\n").arg(v);
        if (!db.exec(sql)) {
            const QString message = db.lastError();
            db.exec(QStringLiteral("ROLLBACK"));
            if (error)
                *error = QStringLiteral("migration to schema %1 failed: %2").arg(v).arg(message);
            return false;
        }
        qCDebug(lcCache) << "cache schema migrated to version" << v;
    }
    return true;
}

} // namespace paydesk::models
