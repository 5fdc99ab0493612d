#include "models/store/cacheschema.h"

#include "models/modelslogging.h"
#include "models/rollups/schema.h"
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
        {"payouts",
         "payout",
         "/v1/payouts",
         "/v1/payouts/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"amount", "amount", T::Int},
          {"currency", "currency", T::Text},
          {"status", "status", T::Text},
          {"arrival_date", "arrival_date", T::Int},
          {"automatic", "automatic", T::Bool},
          {"method", "method", T::Text},
          {"type", "type", T::Text},
          {"destination", "destination", T::Text},
          {"balance_transaction", "balance_transaction", T::Text},
          {"failure_code", "failure_code", T::Text},
          {"failure_message", "failure_message", T::Text},
          {"failure_balance_transaction", "failure_balance_transaction", T::Text},
          {"reconciliation_status", "reconciliation_status", T::Text},
          {"description", "description", T::Text},
          {"statement_descriptor", "statement_descriptor", T::Text}},
         12},
        // Radar: the card networks' early fraud warnings and the reviews of held payments.
        {"early_fraud_warnings",
         "radar.early_fraud_warning",
         "/v1/radar/early_fraud_warnings",
         "/v1/radar/early_fraud_warnings/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"charge", "charge", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"actionable", "actionable", T::Bool},
          {"fraud_type", "fraud_type", T::Text}},
         13},
        {"reviews",
         "review",
         "/v1/reviews",
         "/v1/reviews/",
         "",
         "",
         false,
         {{"created", "created", T::Int},
          {"livemode", "livemode", T::Bool},
          {"charge", "charge", T::Text},
          {"payment_intent", "payment_intent", T::Text},
          {"open", "open", T::Bool},
          {"reason", "reason", T::Text},
          {"opened_reason", "opened_reason", T::Text},
          {"closed_reason", "closed_reason", T::Text}},
         13},
        // Where payouts go: read with the payouts (their destination expanded), not listed.
        {"bank_accounts",
         "bank_account",
         "",
         "",
         "",
         "",
         false,
         {{"bank_name", "bank_name", T::Text},
          {"last4", "last4", T::Text},
          {"country", "country", T::Text},
          {"currency", "currency", T::Text},
          {"status", "status", T::Text}},
         12},
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
    for (const CacheTable &t : cacheTables()) {
        if (t.since == 1)
            sql += createTableSql(t, 1);
    }
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

// Version 8: each staff action's intent (the command and the parameters as the user gave them),
// so that the same action is recognised when it is asked for again, with or without a key.
QString migration8()
{
    return QStringLiteral("ALTER TABLE outbox ADD COLUMN intent TEXT;\n"
                          "CREATE INDEX idx_outbox_intent ON outbox(intent, state, updated_at);\n");
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
        + rollups::chargeStatsSql("old", "-1", "old.deleted = 0")
        + rollups::chargeStatsSql("new", "1", "new.deleted = 0") + rollups::payersOfSql("old")
        + rollups::payersOfSql("new") + QStringLiteral("END;\n")
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

// Version 11: invoices found by their number ("A1B2C3D4-0042", or a prefix of it).
QString migration11()
{
    return QStringLiteral("CREATE INDEX idx_invoices_number ON invoices(number);\n");
}

// Version 12: payouts and the bank accounts they go to, and which balance transactions each
// payout paid out (Stripe's list of a payout's transactions, read when it is reconciled; a
// payout is in payout_links once all of them are in payout_items).
QString migration12()
{
    QString sql;
    for (const CacheTable &t : cacheTables()) {
        if (t.since == 12)
            sql += createTableSql(t, 12);
    }
    return sql
        + QStringLiteral(
               "CREATE INDEX idx_payouts_created ON payouts(created);\n"
               "CREATE INDEX idx_payouts_arrival ON payouts(deleted, arrival_date);\n"
               "CREATE INDEX idx_payouts_status ON payouts(deleted, status, arrival_date);\n"
               "CREATE TABLE payout_items (payout TEXT NOT NULL, txn TEXT NOT NULL, PRIMARY KEY "
               "(payout, txn)) WITHOUT ROWID;\n"
               "CREATE INDEX idx_payout_items_txn ON payout_items(txn);\n"
               "CREATE TABLE payout_links (payout TEXT PRIMARY KEY NOT NULL, linked_at INTEGER "
               "NOT NULL, txns INTEGER NOT NULL) WITHOUT ROWID;\n"
               "CREATE INDEX idx_bt_available ON balance_transactions(available_on);\n");
}

// Version 13: Radar's early fraud warnings and reviews, found by their payment.
QString migration13()
{
    QString sql;
    for (const CacheTable &t : cacheTables()) {
        if (t.since == 13)
            sql += createTableSql(t, 13);
    }
    return sql
        + QStringLiteral("CREATE INDEX idx_efw_charge ON early_fraud_warnings(charge);\n"
                         "CREATE INDEX idx_efw_created ON early_fraud_warnings(created);\n"
                         "CREATE INDEX idx_reviews_charge ON reviews(charge);\n"
                         "CREATE INDEX idx_reviews_created ON reviews(created);\n"
                         "CREATE INDEX idx_reviews_open ON reviews(deleted, open, created);\n");
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
const Migration kMigrations[]
    = {migration1,          migration2,          migration3, migration4,          migration5,
       rollups::migration6, rollups::migration7, migration8, rollups::migration9, migration10,
       migration11,         migration12,         migration13};

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
    // What a first backfill does not read while it writes the table. Kept: each table's
    // created index (the order the window lists it in while it fills), and every index that
    // the writes themselves read (an invoice's lines and a subscription's items replaced by
    // their parent, the rollups' own). The rest is built once from the whole table: row by row,
    // the random keys (a customer, a payment intent, a source, an event's object) and the
    // charges' wide filter indexes cost more than the row itself.
    if (table == QLatin1String("charges"))
        // migration5()'s sort keys and filters, and migration10()'s settled amount (the amount
        // sort of a list that mixes currencies).
        return {QStringLiteral("idx_charges_21"),
                QStringLiteral("idx_charges_22"),
                QStringLiteral("idx_charges_live_status"),
                QStringLiteral("idx_charges_live_currency"),
                QStringLiteral("idx_charges_live_brand"),
                QStringLiteral("idx_charges_live_risk"),
                QStringLiteral("idx_charges_live_country"),
                QStringLiteral("idx_charges_live_spend"),
                QStringLiteral("idx_charges_live_sort_status"),
                QStringLiteral("idx_charges_live_sort_description"),
                QStringLiteral("idx_charges_live_sort_customer"),
                QStringLiteral("idx_charges_live_sort_method"),
                QStringLiteral("idx_charges_live_sort_amount"),
                QStringLiteral("idx_charges_settled")};
    if (table == QLatin1String("payment_intents"))
        return {QStringLiteral("idx_payment_intents_18")};
    if (table == QLatin1String("balance_transactions"))
        return {QStringLiteral("idx_balance_transactions_30"),
                QStringLiteral("idx_balance_transactions_31"), QStringLiteral("idx_bt_available")};
    if (table == QLatin1String("events"))
        return {QStringLiteral("idx_events_34")};
    return {};
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
