#include "models/rollups/schema.h"

#include "models/rollups/normalise.h"

namespace paydesk::models::rollups {

// Version 6: rollups of the analytics, kept exact by triggers as rows are inserted, updated or
// deleted (a sync's upserts fire them), so that the Home and Analytics pages add up thousands of
// rollup rows instead of a million charges: charges per hour, currency and status (count,
// captured amount, refunded count); succeeded and failed charges per day, currency and card
// brand, country, funding, method, Radar risk and decline reason; balance transactions per day,
// currency and reporting category; each paying customer's first and last succeeded charge.

// The rollup rows of one charge row `r` ("new" or "old") with sign `s`, if `when` holds.
QString chargeStatsSql(const char *r, const char *s, const char *when)
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
QString payersOfSql(const char *r)
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
    return QStringLiteral(
               "INSERT OR REPLACE INTO line_mrr (id, invoice, subscription, customer, live, "
               "currency, start, end, monthly) SELECT %1.id, %1.invoice, %1.subscription, "
               "inv.customer, coalesce(inv.deleted = 0 AND inv.status IN ('paid', 'open') AND "
               "inv.customer IS NOT NULL, 0), %1.currency, %1.period_start, %1.period_end, CASE "
               "WHEN coalesce(json_extract(%1.raw, "
               "'$.price.recurring.usage_type'), 'licensed') = 'metered' OR %2 <= 0 THEN 0 ELSE "
               "%3 END FROM (SELECT 1) LEFT JOIN invoices inv ON inv.id "
               "= "
               "%1.invoice WHERE %1.deleted = 0 AND %1.type = "
               "'subscription' AND coalesce(%1.proration, 0) = 0;\n")
        .arg(R, net, monthlyAmountSql(net, interval, count));
}

QString fillSql(const QString &table, const QString &source)
{
    if (table == QLatin1String("balance_transactions"))
        return QStringLiteral(
                   "INSERT INTO bt_days (day, currency, category, amount, fee, net) SELECT "
                   "coalesce(created, 0) / 86400, coalesce(currency, ''), "
                   "coalesce(reporting_category, "
                   "type, ''), sum(coalesce(amount, 0)), sum(coalesce(fee, 0)), sum(coalesce(net, "
                   "0)) "
                   "FROM %1 WHERE deleted = 0 GROUP BY 1, 2, 3;\n")
            .arg(source.isEmpty() ? table : source);
    if (table != QLatin1String("charges"))
        return {};
    const QString from = source.isEmpty() ? table : source;
    QString sql
        = QStringLiteral(
              "INSERT INTO charge_hours (hour, currency, status, n, amount, refunded) SELECT "
              "coalesce(created, 0) / 3600, coalesce(currency, ''), coalesce(status, ''), "
              "count(*), "
              "sum(coalesce(amount_captured, amount, 0)), sum(coalesce(amount_refunded, 0) > 0) "
              "FROM "
              "%1 WHERE deleted = 0 GROUP BY 1, 2, 3;\n")
              .arg(from);
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
                   "'succeeded'), sum(status = 'failed') FROM %4 WHERE deleted = 0 AND status "
                   "IN ('succeeded', 'failed')%3 GROUP BY 1, 2, 4;\n")
                   .arg(QString::fromLatin1(dim), QString::fromLatin1(key),
                        QLatin1String(dim) == QLatin1String("decline")
                            ? QStringLiteral(" AND status = 'failed'")
                            : QString(),
                        from);
    return sql
        + QStringLiteral(
              "INSERT INTO customer_payers (customer, currency, first, last) SELECT customer, "
              "currency, min(coalesce(created, 0)), max(coalesce(created, 0)) FROM %1 "
              "WHERE deleted = 0 AND status = 'succeeded' AND customer IS NOT NULL AND currency "
              "IS NOT NULL GROUP BY customer, currency;\n")
              .arg(from);
}

QString fillColumns(const QString &table)
{
    if (table == QLatin1String("balance_transactions"))
        return QStringLiteral("deleted, created, currency, reporting_category, type, amount, fee, "
                              "net");
    if (table == QLatin1String("charges"))
        return QStringLiteral("deleted, created, currency, status, amount_captured, amount, "
                              "amount_refunded, card_brand, pm_type, card_country, card_funding, "
                              "risk_level, outcome_reason, failure_code, customer");
    return {};
}

QString clearSql(const QString &table)
{
    if (table == QLatin1String("balance_transactions"))
        return QStringLiteral("DELETE FROM bt_days;\n");
    if (table == QLatin1String("charges"))
        return QStringLiteral(
            "DELETE FROM charge_hours;\nDELETE FROM charge_dims;\nDELETE FROM customer_payers;\n");
    return {};
}

QStringList triggersOf(const QString &table)
{
    if (table == QLatin1String("balance_transactions"))
        return {QStringLiteral("bt_stats_ins"), QStringLiteral("bt_stats_del"),
                QStringLiteral("bt_stats_upd")};
    if (table == QLatin1String("charges"))
        return {QStringLiteral("charges_stats_ins"), QStringLiteral("charges_stats_del"),
                QStringLiteral("charges_stats_upd")};
    return {};
}

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
        QString fill = lineMrr("l");
        fill.replace(QStringLiteral(" FROM (SELECT 1) LEFT JOIN"),
                     QStringLiteral(" FROM invoice_lines l LEFT JOIN"));
        sql += fill;
    }
    // What is cached already.
    sql += fillSql(QStringLiteral("charges")) + fillSql(QStringLiteral("balance_transactions"));
    // Kept up to date from here on.
    sql += QStringLiteral("CREATE TRIGGER charges_stats_ins AFTER INSERT ON charges BEGIN\n")
        + chargeStatsSql("new", "1", "new.deleted = 0")
        + QStringLiteral("INSERT INTO customer_payers (customer, currency, first, last) SELECT "
                         "new.customer, new.currency, coalesce(new.created, 0), "
                         "coalesce(new.created, 0) WHERE new.deleted "
                         "= 0 AND new.status = 'succeeded' AND new.customer IS NOT NULL AND "
                         "new.currency IS NOT NULL ON CONFLICT DO UPDATE SET first = min(first, "
                         "excluded.first), last = max(last, excluded.last);\nEND;\n")
        + QStringLiteral("CREATE TRIGGER charges_stats_del AFTER DELETE ON charges BEGIN\n")
        + chargeStatsSql("old", "-1", "old.deleted = 0") + payersOfSql("old")
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER charges_stats_upd AFTER UPDATE ON charges BEGIN\n")
        + chargeStatsSql("old", "-1", "old.deleted = 0")
        + chargeStatsSql("new", "1", "new.deleted = 0") + payersOfSql("old") + payersOfSql("new")
        + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_ins AFTER INSERT ON invoice_lines BEGIN\n")
        + lineMrr("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_upd AFTER UPDATE ON invoice_lines BEGIN\n"
                         "DELETE FROM line_mrr WHERE id = old.id;\n")
        + lineMrr("new") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER line_mrr_del AFTER DELETE ON invoice_lines BEGIN\n"
                         "DELETE FROM line_mrr WHERE id = old.id;\nEND;\n"
                         "CREATE TRIGGER invoices_line_mrr_upd AFTER UPDATE ON invoices BEGIN\n"
                         "UPDATE line_mrr SET customer = new.customer, live = coalesce(new.deleted "
                         "= 0 AND new.status IN ('paid', 'open') AND new.customer IS NOT NULL, 0) "
                         "WHERE invoice = new.id;\nEND;\n"
                         "CREATE TRIGGER invoices_line_mrr_del AFTER DELETE ON invoices BEGIN\n"
                         "UPDATE line_mrr SET live = 0 WHERE invoice = old.id;\nEND;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_ins AFTER INSERT ON balance_transactions BEGIN\n")
        + btStats("new", "1", "new.deleted = 0") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_del AFTER DELETE ON balance_transactions BEGIN\n")
        + btStats("old", "-1", "old.deleted = 0") + QStringLiteral("END;\n")
        + QStringLiteral("CREATE TRIGGER bt_stats_upd AFTER UPDATE ON balance_transactions BEGIN\n")
        + btStats("old", "-1", "old.deleted = 0") + btStats("new", "1", "new.deleted = 0")
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

} // namespace paydesk::models::rollups
