#include "models/analytics/analyticssql.h"
#include "models/store/cache.h"
#include "models/store/cacheschema.h"
#include "models/store/sqlitedb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace paydesk::models;

using namespace Qt::StringLiterals;

namespace {

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonObject customer(const QString &id, const QString &email, const QString &name)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("customer")},
            {QStringLiteral("created"), 1700000000},
            {QStringLiteral("email"), email},
            {QStringLiteral("name"), name},
            {QStringLiteral("phone"), QStringLiteral("+1 555 0100")},
            {QStringLiteral("delinquent"), false},
            {QStringLiteral("tax_exempt"), QStringLiteral("none")},
            {QStringLiteral("invoice_settings"),
             QJsonObject {{QStringLiteral("default_payment_method"), QStringLiteral("pm_1")}}}};
}

const char *kCharge = R"({"id":"ch_1","object":"charge","created":1700000100,"amount":1999,
"amount_refunded":0,"currency":"eur","status":"succeeded","paid":true,"disputed":false,
"description":"Espresso grinder","receipt_email":"ana@example.com","customer":"cus_1",
"billing_details":{"name":"Ana Lima","email":"ana@example.com","address":{"country":"PT"}},
"outcome":{"risk_level":"normal","risk_score":42,"type":"authorized"},
"payment_method_details":{"type":"card","card":{"brand":"visa","last4":"4242","exp_month":7,
"exp_year":2030,"country":"PT","funding":"debit","wallet":{"type":"apple_pay"}}}})";

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return st.st_mode & 0777;
}

} // namespace

class TestCache final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void createdPrivateWithWal();
    void paymentStatusIsOneExpression();
    void everyColumnMatchesItsJsonPath();
    void upgradesFromEveryVersion_data();
    void upgradesFromEveryVersion();
    void refusesANewerSchema();
    void olderStateNeverOverwritesNewer();
    void childrenAreReplacedWithTheParent();
    void deletionKeepsTheRowAndRespectsTime();
    void fullTextSearch();
    void deferredFullTextIsRebuiltConsistent();
    void deferredSortIndexesAreBuiltAsTheSchemaDefinesThem();
    void deferredRollupsEqualThoseKeptRowByRow();
    void invalidObjectsAreSkipped();
    void eventsAreAppliedOnce();
    void quotesAndWildcardsAreData();
};

void TestCache::createdPrivateWithWal()
{
    QVERIFY(m_dir.isValid());
    Cache cache;
    QString error;
    const QString file = path(QStringLiteral("sub/dir/private.sqlite"));
    QVERIFY2(cache.open(file, &error), qPrintable(error));
    QCOMPARE(cache.schemaVersion(), latestCacheVersion());
    QVERIFY(cache.upsert(customer(QStringLiteral("cus_1"), QStringLiteral("a@example.com"),
                                  QStringLiteral("A")),
                         1)
            == Cache::Write::Written);
    QCOMPARE(modeOf(file), mode_t(0600));
    QVERIFY(QFile::exists(file + QStringLiteral("-wal")));
    QCOMPARE(modeOf(file + QStringLiteral("-wal")), mode_t(0600));
    QCOMPARE(modeOf(file + QStringLiteral("-shm")), mode_t(0600));
    sql::Statement s = cache.database().prepare(QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("wal"));
    // A file that exists with loose permissions is tightened.
    cache.close();
    ::chmod(QFile::encodeName(file).constData(), 0644);
    QVERIFY(cache.open(file, &error));
    QCOMPARE(modeOf(file), mode_t(0600));
    QVERIFY(
        !Cache::defaultPath(QStringLiteral("acct_1/../x"), false).contains(QStringLiteral("..")));
    QVERIFY(Cache::defaultPath(QStringLiteral("acct_1"), true)
                .endsWith(QStringLiteral("acct_1-live.sqlite")));
}

void TestCache::everyColumnMatchesItsJsonPath()
{
    // The C++ extraction and SQLite's json_extract over the stored raw JSON agree on every
    // typed column of every table.
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("columns.sqlite"))));
    QCOMPARE(cache.upsert(parse(kCharge), 10), Cache::Write::Written);
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_1"), QStringLiteral("ana@example.com"),
                                   QStringLiteral("Ana")),
                          10),
             Cache::Write::Written);
    const QJsonObject sub = parse(R"({"id":"sub_1","object":"subscription","created":5,
        "customer":"cus_1","status":"active","cancel_at_period_end":false,
        "discount":{"coupon":{"id":"SAVE10"},"start":5,"end":null},
        "items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","created":5,
        "quantity":2,"price":{"id":"price_1","product":"prod_1","unit_amount":1500,
        "currency":"usd","recurring":{"interval":"month","interval_count":1,
        "usage_type":"licensed"}}}]}})");
    QCOMPARE(cache.upsert(sub, 10), Cache::Write::Written);
    int checked = 0;
    for (const CacheTable &t : cacheTables()) {
        for (const CacheColumn &c : t.columns) {
            if (c.type == CacheColumn::Type::Parent)
                continue;
            const QString sql = QStringLiteral("SELECT count(*) FROM %1 WHERE raw IS NOT NULL AND "
                                               "%2 IS NOT json_extract(raw, '$.%3')")
                                    .arg(QString::fromLatin1(t.name), QString::fromLatin1(c.name),
                                         QString::fromLatin1(c.path));
            QCOMPARE(cache.database().scalar(sql), 0);
            ++checked;
        }
    }
    QVERIFY(checked > 150);
    sql::Statement s = cache.database().prepare(
        QStringLiteral("SELECT card_last4, card_wallet, risk_score, amount, billing_country "
                       "FROM charges"));
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("4242"));
    QCOMPARE(s.text(1), QStringLiteral("apple_pay"));
    QCOMPARE(s.int64(2), 42);
    QCOMPARE(s.int64(3), 1999);
    QCOMPARE(s.text(4), QStringLiteral("PT"));
    sql::Statement item = cache.database().prepare(
        QStringLiteral("SELECT subscription, quantity, unit_amount FROM subscription_items"));
    QVERIFY(item.step());
    QCOMPARE(item.text(0), QStringLiteral("sub_1"));
    QCOMPARE(item.int64(1), 2);
    QCOMPARE(item.int64(2), 1500);
}

void TestCache::upgradesFromEveryVersion_data()
{
    QTest::addColumn<int>("from");
    for (int v = 0; v < latestCacheVersion(); ++v)
        QTest::addRow("from %d", v) << v;
}

void TestCache::upgradesFromEveryVersion()
{
    QFETCH(int, from);
    const QString file = path(QStringLiteral("upgrade-%1.sqlite").arg(from));
    {
        // A cache as version `from` of Paydesk left it, with data in it.
        sql::Database db;
        QVERIFY(db.open(file, true));
        QString error;
        QVERIFY2(migrateCache(db, from, &error), qPrintable(error));
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")), from);
        if (from >= 1) {
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO customers (id, as_of, raw, email, name, created) VALUES "
                "('cus_old', 7, '{\"id\":\"cus_old\",\"object\":\"customer\",\"email\":"
                "\"old@example.com\",\"name\":\"Olga Old\",\"tax_exempt\":\"exempt\"}', "
                "'old@example.com', 'Olga Old', 1600000000);"
                "INSERT INTO sync_state (key, value) VALUES ('account', 'acct_old');")));
            sql::Statement ins = db.prepare(
                QStringLiteral("INSERT INTO charges (id, as_of, raw, amount, currency, card_last4, "
                               "description) VALUES ('ch_old', 7, ?1, 1999, 'eur', '4242', "
                               "'Espresso grinder')"));
            ins.bindText(1, QByteArray(kCharge).replace("\"ch_1\"", "\"ch_old\""));
            QVERIFY(ins.exec());
        }
        if (from >= 2)
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO outbox (created_at, updated_at, action, idempotency_key, method, "
                "path, params, state) VALUES (1, 1, 'refund', 'key-1', 'POST', '/v1/refunds', "
                "'charge=ch_old', 'pending')")));
    }
    Cache cache;
    QString error;
    QVERIFY2(cache.open(file, &error), qPrintable(error));
    QCOMPARE(cache.schemaVersion(), latestCacheVersion());
    // Every table and column of the latest schema exists.
    for (const CacheTable &t : cacheTables()) {
        for (const CacheColumn &c : t.columns) {
            QVERIFY2(
                cache.database()
                    .prepare(QStringLiteral("SELECT %1 FROM %2")
                                 .arg(QString::fromLatin1(c.name), QString::fromLatin1(t.name)))
                    .isValid(),
                c.name);
        }
    }
    // The new schema works for new data…
    QCOMPARE(cache.upsert(parse(kCharge), 10), Cache::Write::Written);
    QCOMPARE(cache.count(QStringLiteral("charges")), from >= 1 ? 2 : 1);
    if (from == 0)
        return;
    // …and the old data is all there: rows, state, outbox, search, derived columns.
    QCOMPARE(QString::fromUtf8(cache.state(QStringLiteral("account"))), QStringLiteral("acct_old"));
    QCOMPARE(cache.asOf(QStringLiteral("customers"), QStringLiteral("cus_old")), 7);
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM customers_fts WHERE customers_fts MATCH 'olga'")),
             1);
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM payments_fts WHERE payments_fts MATCH '4242'")),
             2);
    if (from < 4) {
        // Columns added by version 4, derived from the JSON of rows written before it.
        sql::Statement derived = cache.database().prepare(QStringLiteral(
            "SELECT card_wallet, risk_score, card_funding FROM charges WHERE id = 'ch_old'"));
        QVERIFY(derived.step());
        QCOMPARE(derived.text(0), QStringLiteral("apple_pay"));
        QCOMPARE(derived.int64(1), 42);
        QCOMPARE(derived.text(2), QStringLiteral("debit"));
        QCOMPARE(cache.database().scalar(
                     QStringLiteral("SELECT count(*) FROM customers WHERE tax_exempt = 'exempt'")),
                 1);
    }
    // Version 5's indexes of live rows replace the plain status index, whatever the start.
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                 "'charges' AND sql LIKE '%(status, created)%'")),
             0);
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE "
                 "'idx_charges_live_%' AND sql LIKE '%(deleted, %'")),
             11);
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                 "'charges' AND sql LIKE '%(deleted, amount)'")),
             0);
    if (from >= 2)
        QCOMPARE(cache.database().scalar(QStringLiteral("SELECT count(*) FROM outbox")), 1);
}

void TestCache::refusesANewerSchema()
{
    const QString file = path(QStringLiteral("future.sqlite"));
    {
        sql::Database db;
        QVERIFY(db.open(file, true));
        QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 999")));
    }
    Cache cache;
    QString error;
    QVERIFY(!cache.open(file, &error));
    QVERIFY2(error.contains(QStringLiteral("newer Paydesk")), qPrintable(error));
    QVERIFY(!cache.isOpen());
}

void TestCache::olderStateNeverOverwritesNewer()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("asof.sqlite"))));
    const QString id = QStringLiteral("cus_t");
    QCOMPARE(
        cache.upsert(customer(id, QStringLiteral("new@example.com"), QStringLiteral("New")), 200),
        Cache::Write::Written);
    QCOMPARE(
        cache.upsert(customer(id, QStringLiteral("old@example.com"), QStringLiteral("Old")), 100),
        Cache::Write::Unchanged);
    QCOMPARE(cache.asOf(QStringLiteral("customers"), id), 200);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT count(*) FROM customers WHERE email = 'new@example.com'")),
             1);
    // The same time again is accepted (a listing at the time of the last event).
    QCOMPARE(
        cache.upsert(customer(id, QStringLiteral("same@example.com"), QStringLiteral("S")), 200),
        Cache::Write::Written);
    QCOMPARE(cache.count(QStringLiteral("customers")), 1);
}

void TestCache::childrenAreReplacedWithTheParent()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("children.sqlite"))));
    auto invoice = [](const QStringList &lines) {
        QJsonArray data;
        for (const QString &l : lines)
            data.append(QJsonObject {
                {QStringLiteral("id"), l},
                {QStringLiteral("object"), QStringLiteral("line_item")},
                {QStringLiteral("amount"), 500},
                {QStringLiteral("period"),
                 QJsonObject {{QStringLiteral("start"), 1}, {QStringLiteral("end"), 2}}}});
        return QJsonObject {{QStringLiteral("id"), QStringLiteral("in_1")},
                            {QStringLiteral("object"), QStringLiteral("invoice")},
                            {QStringLiteral("lines"),
                             QJsonObject {{QStringLiteral("object"), QStringLiteral("list")},
                                          {QStringLiteral("data"), data}}}};
    };
    QCOMPARE(cache.upsert(invoice({QStringLiteral("il_1"), QStringLiteral("il_2")}), 1),
             Cache::Write::Written);
    QCOMPARE(cache.count(QStringLiteral("invoice_lines")), 2);
    QCOMPARE(cache.upsert(invoice({QStringLiteral("il_3")}), 2), Cache::Write::Written);
    QCOMPARE(cache.count(QStringLiteral("invoice_lines")), 1);
    QCOMPARE(cache.database().scalar(QStringLiteral(
                 "SELECT count(*) FROM invoice_lines WHERE id = 'il_3' AND invoice = 'in_1' AND "
                 "period_end = 2")),
             1);
    // An older copy of the parent leaves the children alone too.
    QCOMPARE(cache.upsert(invoice({QStringLiteral("il_1")}), 1), Cache::Write::Unchanged);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT count(*) FROM invoice_lines WHERE id = 'il_3'")),
             1);
}

void TestCache::deletionKeepsTheRowAndRespectsTime()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("delete.sqlite"))));
    const QString id = QStringLiteral("cus_d");
    QCOMPARE(cache.upsert(customer(id, QStringLiteral("d@example.com"), QStringLiteral("D")), 10),
             Cache::Write::Written);
    QCOMPARE(cache.markDeleted(QStringLiteral("customers"), id, 5), Cache::Write::Unchanged);
    QCOMPARE(cache.count(QStringLiteral("customers")), 1);
    QCOMPARE(cache.markDeleted(QStringLiteral("customers"), id, 20), Cache::Write::Written);
    QCOMPARE(cache.count(QStringLiteral("customers")), 0);
    QCOMPARE(cache.count(QStringLiteral("customers"), true), 1);
    // A late event from before the deletion does not bring it back.
    QCOMPARE(cache.upsert(customer(id, QStringLiteral("d@example.com"), QStringLiteral("D")), 15),
             Cache::Write::Unchanged);
    QCOMPARE(cache.count(QStringLiteral("customers")), 0);
    // Deleting what was never cached leaves a tombstone that blocks older state.
    QCOMPARE(cache.markDeleted(QStringLiteral("products"), QStringLiteral("prod_x"), 30),
             Cache::Write::Written);
    QCOMPARE(cache.upsert(parse(R"({"id":"prod_x","object":"product","name":"X"})"), 29),
             Cache::Write::Unchanged);
    QCOMPARE(cache.markDeleted(QStringLiteral("no_such_table"), id, 1), Cache::Write::Invalid);
}

void TestCache::fullTextSearch()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("fts.sqlite"))));
    QCOMPARE(
        cache.upsert(customer(QStringLiteral("cus_a"), QStringLiteral("jose.garcia@example.com"),
                              QStringLiteral("José García")),
                     1),
        Cache::Write::Written);
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_b"), QStringLiteral("mei@example.org"),
                                   QStringLiteral("Mei Chen")),
                          1),
             Cache::Write::Written);
    QCOMPARE(cache.upsert(parse(kCharge), 1), Cache::Write::Written);
    auto customers = [&](const QString &match) {
        sql::Statement s = cache.database().prepare(QStringLiteral(
            "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid WHERE "
            "customers_fts MATCH ?1 ORDER BY c.id"));
        s.bind(1, match);
        QStringList ids;
        while (s.step())
            ids.append(s.text(0));
        return ids;
    };
    QCOMPARE(customers(QStringLiteral("garc*")), QStringList {QStringLiteral("cus_a")});
    QCOMPARE(customers(QStringLiteral("jose")),
             QStringList {QStringLiteral("cus_a")}); // Accents folded.
    QCOMPARE(customers(QStringLiteral("mei")), QStringList {QStringLiteral("cus_b")});
    // Updates reach the index: the old name is gone, the new one found.
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_b"), QStringLiteral("mei@example.org"),
                                   QStringLiteral("Mei Wong")),
                          2),
             Cache::Write::Written);
    QCOMPARE(customers(QStringLiteral("chen")), QStringList());
    QCOMPARE(customers(QStringLiteral("wong")), QStringList {QStringLiteral("cus_b")});
    for (const char *q : {"4242", "espresso", "lima", "ana"}) {
        QCOMPARE(
            cache.database().scalar(
                QStringLiteral("SELECT count(*) FROM payments_fts WHERE payments_fts MATCH '%1'")
                    .arg(QString::fromLatin1(q))),
            1);
    }
}

void TestCache::deferredFullTextIsRebuiltConsistent()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("deferred.sqlite"))));
    auto matches = [&](const char *q) {
        return cache.database().scalar(
            QStringLiteral("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH '%1'")
                .arg(QString::fromLatin1(q)));
    };
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_1"), QStringLiteral("early@example.com"),
                                   QStringLiteral("Early Bird")),
                          1),
             Cache::Write::Written);
    QVERIFY(cache.begin());
    QVERIFY(cache.deferFullText(QStringLiteral("customers")));
    for (int i = 0; i < 50; ++i)
        QCOMPARE(cache.upsert(customer(QStringLiteral("cus_b%1").arg(i),
                                       QStringLiteral("bulk%1@example.com").arg(i),
                                       QStringLiteral("Bulk Loaded")),
                              1),
                 Cache::Write::Written);
    // An update of a row indexed before the pause, while paused.
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_1"), QStringLiteral("early@example.com"),
                                   QStringLiteral("Late Bird")),
                          2),
             Cache::Write::Written);
    QVERIFY(cache.commit());
    QCOMPARE(matches("bulk"), 0); // Paused: not indexed yet.
    QVERIFY(cache.begin());
    QVERIFY(cache.rebuildFullText(QStringLiteral("customers")));
    QVERIFY(cache.commit());
    QCOMPARE(matches("bulk"), 50);
    QCOMPARE(matches("late"), 1);
    QCOMPARE(matches("early"), 1); // The email.
    QCOMPARE(matches("bird"), 1);
    // Row-by-row indexing is back, and the index is consistent with its table.
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_b0"), QStringLiteral("b0@example.com"),
                                   QStringLiteral("Renamed")),
                          3),
             Cache::Write::Written);
    QCOMPARE(matches("renamed"), 1);
    QCOMPARE(matches("bulk"), 49);
    QVERIFY(cache.database().exec(
        QStringLiteral("INSERT INTO customers_fts(customers_fts, rank) VALUES "
                       "('integrity-check', 1)")));
    QVERIFY(cache.rebuildFullText(QStringLiteral("refunds"))); // No index there: nothing to do.
}

// A first backfill builds the charges' sort indexes at its end: until then they are absent,
// afterwards each is what the schema defines, also when the process died in between; a table
// that holds rows keeps its indexes.
void TestCache::paymentStatusIsOneExpression()
{
    // The Payments table's status and the index it sorts by are the same expression, and that
    // expression is the one the schema has always built the index on (migration5).
    Cache c;
    QVERIFY(c.open(path(QStringLiteral("status.sqlite"))));
    sql::Statement s = c.database().prepare(QStringLiteral(
        "SELECT sql FROM sqlite_master WHERE name = 'idx_charges_live_sort_status'"));
    QVERIFY(s.step());
    QCOMPARE(s.text(0),
             QStringLiteral("CREATE INDEX idx_charges_live_sort_status ON charges(deleted, (CASE "
                            "WHEN disputed = 1 THEN 'disputed' WHEN refunded = 1 THEN 'refunded' "
                            "WHEN amount_refunded > 0 THEN 'partially_refunded' ELSE status END), "
                            "id)"));
    QVERIFY(s.text(0).contains(paymentStatusSql()));
    sql::Statement plan = c.database().prepare(
        QStringLiteral("EXPLAIN QUERY PLAN SELECT t.id FROM charges t WHERE t.deleted = 0 ORDER "
                       "BY %1, t.id LIMIT 10")
            .arg(paymentStatusSql(QStringLiteral("t"))));
    QString detail;
    while (plan.step())
        detail += plan.text(3) + u' ';
    QVERIFY2(detail.contains(QStringLiteral("idx_charges_live_sort_status"))
                 && !detail.contains(QStringLiteral("TEMP B-TREE")),
             qPrintable(detail));
}

void TestCache::deferredSortIndexesAreBuiltAsTheSchemaDefinesThem()
{
    auto indexes = [](Cache &cache) {
        QMap<QString, QString> defs;
        sql::Statement s = cache.database().prepare(
            QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = 'charges' AND sql IS NOT NULL"));
        while (s.step())
            defs.insert(s.text(0), s.text(1));
        return defs;
    };
    QMap<QString, QString> schema;
    {
        Cache fresh;
        QVERIFY(fresh.open(path(QStringLiteral("indexes-fresh.sqlite"))));
        schema = indexes(fresh);
    }
    const QStringList deferred = deferrableIndexes(QStringLiteral("charges"));
    QCOMPARE(deferred.size(), 14);
    for (const QString &name : deferred)
        QVERIFY2(schema.contains(name), qPrintable(name));
    QVERIFY(deferrableIndexes(QStringLiteral("customers")).isEmpty());

    const QString file = path(QStringLiteral("indexes-deferred.sqlite"));
    {
        Cache cache;
        QVERIFY(cache.open(file));
        QVERIFY(cache.begin());
        QVERIFY(cache.deferIndexes(QStringLiteral("charges")));
        for (int i = 0; i < 20; ++i) {
            QJsonObject charge = parse(kCharge);
            charge.insert(QStringLiteral("id"), QStringLiteral("ch_%1").arg(i));
            charge.insert(QStringLiteral("amount"), 100 * (20 - i));
            QCOMPARE(cache.upsert(charge, 1), Cache::Write::Written);
        }
        QVERIFY(cache.commit());
        const QMap<QString, QString> during = indexes(cache);
        for (const QString &name : deferred)
            QVERIFY2(!during.contains(name), qPrintable(name));
        QCOMPARE(during.size(), schema.size() - deferred.size());
        // Sorting works without them, only slower.
        QCOMPARE(cache.database().scalar(QStringLiteral(
                     "SELECT amount FROM charges WHERE deleted = 0 ORDER BY amount, id LIMIT 1")),
                 100);
    } // The process ends here, as a killed backfill would.
    Cache cache;
    QVERIFY(cache.open(file));
    QVERIFY(!cache.state(QStringLiteral("indexes_deferred:charges")).isEmpty());
    // Deferring again changes nothing: the table holds rows, and the definitions are kept.
    QVERIFY(cache.begin());
    QVERIFY(cache.deferIndexes(QStringLiteral("charges")));
    QVERIFY(cache.rebuildIndexes(QStringLiteral("charges")));
    QVERIFY(cache.commit());
    QCOMPARE(indexes(cache), schema);
    QVERIFY(cache.state(QStringLiteral("indexes_deferred:charges")).isEmpty());
    QVERIFY(cache.rebuildIndexes(QStringLiteral("charges"))); // Nothing deferred: nothing to do.
    // A table with rows is never stripped of its indexes.
    QVERIFY(cache.begin());
    QVERIFY(cache.deferIndexes(QStringLiteral("charges")));
    QVERIFY(cache.commit());
    QCOMPARE(indexes(cache), schema);
    sql::Statement check = cache.database().prepare(QStringLiteral("PRAGMA integrity_check"));
    QVERIFY(check.step());
    QCOMPARE(check.text(0), QStringLiteral("ok"));
}

void TestCache::deferredRollupsEqualThoseKeptRowByRow()
{
    // Charges of several hours, days, statuses, currencies, brands and customers, and their
    // balance transactions; one charge written twice (a later version), one deleted.
    auto charges = [] {
        QList<QJsonObject> out;
        const char *const statuses[] = {"succeeded", "failed", "pending", "succeeded"};
        const char *const brands[] = {"visa", "mastercard", "amex"};
        for (int i = 0; i < 60; ++i) {
            QJsonObject c = parse(kCharge);
            c.insert(QStringLiteral("id"), QStringLiteral("ch_%1").arg(i));
            c.insert(QStringLiteral("created"), 1700000000 + i * 5000);
            c.insert(QStringLiteral("amount"), 100 + i * 37);
            c.insert(QStringLiteral("currency"), i % 3 == 0 ? u"usd"_s : u"eur"_s);
            c.insert(QStringLiteral("status"), QString::fromLatin1(statuses[i % 4]));
            c.insert(QStringLiteral("customer"), QStringLiteral("cus_%1").arg(i % 7));
            c.insert(QStringLiteral("amount_refunded"), i % 5 == 0 ? 50 : 0);
            QJsonObject pmd = c.value(QStringLiteral("payment_method_details")).toObject();
            QJsonObject card = pmd.value(QStringLiteral("card")).toObject();
            card.insert(QStringLiteral("brand"), QString::fromLatin1(brands[i % 3]));
            pmd.insert(QStringLiteral("card"), card);
            c.insert(QStringLiteral("payment_method_details"), pmd);
            out.append(c);
        }
        QJsonObject later = out.at(4);
        later.insert(QStringLiteral("amount_refunded"), later.value(u"amount"_s));
        out.append(later);
        return out;
    };
    auto transactions = [] {
        QList<QJsonObject> out;
        for (int i = 0; i < 40; ++i)
            out.append(
                QJsonObject {{u"id"_s, QStringLiteral("txn_%1").arg(i)},
                             {u"object"_s, u"balance_transaction"_s},
                             {u"created"_s, 1700000000 + i * 9000},
                             {u"currency"_s, u"usd"_s},
                             {u"type"_s, i % 4 == 0 ? u"refund"_s : u"charge"_s},
                             {u"reporting_category"_s, i % 4 == 0 ? u"refund"_s : u"charge"_s},
                             {u"amount"_s, i % 4 == 0 ? -200 : 1000 + i},
                             {u"fee"_s, i % 4 == 0 ? 0 : 59},
                             {u"net"_s, i % 4 == 0 ? -200 : 941 + i}});
        return out;
    };
    auto fill = [&](Cache &cache) {
        for (const QJsonObject &t : transactions())
            QCOMPARE(cache.upsert(t, 1), Cache::Write::Written);
        qint64 asOf = 1;
        for (const QJsonObject &c : charges())
            QVERIFY(cache.upsert(c, ++asOf) != Cache::Write::Invalid);
        QCOMPARE(cache.markDeleted(u"charges"_s, u"ch_9"_s, 1000), Cache::Write::Written);
    };
    auto rollups = [](Cache &cache) {
        QStringList rows;
        // A row a deletion brought back to zero is the same as no row.
        for (const char *sql :
             {"SELECT * FROM charge_hours WHERE n != 0 OR amount != 0 OR refunded != 0 ORDER BY "
              "1, 2, 3",
              "SELECT * FROM charge_dims WHERE succeeded != 0 OR failed != 0 ORDER BY 1, 2, 3, 4",
              "SELECT * FROM customer_payers ORDER BY 1, 2",
              "SELECT * FROM bt_days WHERE amount != 0 OR fee != 0 OR net != 0 ORDER BY 1, 2, 3"}) {
            sql::Statement s = cache.database().prepare(QString::fromLatin1(sql));
            while (s.step()) {
                QStringList row {QString::fromLatin1(sql).section(u' ', 3, 3)};
                for (int i = 0; i < s.columnCount(); ++i)
                    row.append(s.text(i));
                rows.append(row.join(u'|'));
            }
        }
        return rows;
    };
    QStringList rowByRow;
    {
        Cache cache;
        QVERIFY(cache.open(path(QStringLiteral("rollups-rows.sqlite"))));
        QVERIFY(cache.begin());
        fill(cache);
        QVERIFY(cache.commit());
        rowByRow = rollups(cache);
    }
    QVERIFY(rowByRow.size() > 40);
    const QString file = path(QStringLiteral("rollups-deferred.sqlite"));
    {
        Cache cache;
        QVERIFY(cache.open(file));
        QVERIFY(analytics::detail::rollupsCurrent(cache.database(), u"charges"_s));
        QVERIFY(cache.begin());
        QVERIFY(cache.deferRollups(u"charges"_s));
        QVERIFY(cache.deferRollups(u"balance_transactions"_s));
        fill(cache);
        QVERIFY(cache.commit());
        // Paused: nothing summed, and the analytics read the rows meanwhile.
        QVERIFY(rollups(cache).isEmpty());
        QVERIFY(!analytics::detail::rollupsCurrent(cache.database(), u"charges"_s));
        QVERIFY(!analytics::detail::rollupsCurrent(cache.database(), u"balance_transactions"_s));
        analytics::Range all;
        all.from = 1689998400; // Whole hours: the rollups would answer, were they current.
        all.to = 1710000000;
        all.currency = u"eur"_s;
        QCOMPARE(analytics::payments(cache.database(), all).succeeded,
                 analytics::paymentsFromRows(cache.database(), all).succeeded);
        QVERIFY(analytics::payments(cache.database(), all).succeeded > 0);
        QCOMPARE(cache.database().scalar(QStringLiteral("SELECT count(*) FROM sqlite_master "
                                                        "WHERE name LIKE 'charges_stats_%'")),
                 0);
    } // The process ends here, as a killed backfill would.
    Cache cache;
    QVERIFY(cache.open(file));
    QVERIFY(cache.begin());
    QVERIFY(cache.deferRollups(u"charges"_s)); // Rows already: nothing more is paused.
    QVERIFY(cache.rebuildRollups(u"charges"_s));
    QVERIFY(cache.rebuildRollups(u"balance_transactions"_s));
    QVERIFY(cache.commit());
    QCOMPARE(rollups(cache), rowByRow);
    QVERIFY(analytics::detail::rollupsCurrent(cache.database(), u"charges"_s));
    QVERIFY(cache.rebuildRollups(u"charges"_s)); // Nothing deferred: nothing to do.
    // The triggers are back: a later change is summed as it is written.
    QCOMPARE(cache.database().scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE "
                                                    "name LIKE 'charges_stats_%'")),
             3);
    const qint64 before = cache.database().scalar(QStringLiteral("SELECT sum(n) FROM "
                                                                 "charge_hours"));
    QJsonObject one = parse(kCharge);
    one.insert(QStringLiteral("id"), QStringLiteral("ch_new"));
    QCOMPARE(cache.upsert(one, 5000), Cache::Write::Written);
    QCOMPARE(cache.database().scalar(QStringLiteral("SELECT sum(n) FROM charge_hours")),
             before + 1);
}

void TestCache::invalidObjectsAreSkipped()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("invalid.sqlite"))));
    QCOMPARE(cache.upsert(parse(R"({"object":"customer","email":"x@example.com"})"), 1),
             Cache::Write::Invalid);
    QCOMPARE(cache.upsert(parse(R"({"id":"x_1","object":"spaceship"})"), 1), Cache::Write::Invalid);
    QCOMPARE(cache.upsert(QJsonObject(), 1), Cache::Write::Invalid);
    // Wrong types in known fields are stored as NULL, the raw JSON is kept.
    QCOMPARE(cache.upsert(parse(R"({"id":"ch_bad","object":"charge","amount":"lots",
        "created":null,"outcome":"weird","currency":7})"),
                          1),
             Cache::Write::Written);
    sql::Statement s = cache.database().prepare(
        QStringLiteral("SELECT amount IS NULL, risk_level IS NULL, currency IS NULL, raw FROM "
                       "charges WHERE id = 'ch_bad'"));
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), 1);
    QCOMPARE(s.int64(1), 1);
    QCOMPARE(s.int64(2), 1);
    QVERIFY(s.text(3).contains(QStringLiteral("lots")));
    QCOMPARE(cache.count(QStringLiteral("customers"), true), 0);
}

void TestCache::eventsAreAppliedOnce()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("events.sqlite"))));
    const QJsonObject event = parse(R"({"id":"evt_1","object":"event","created":50,
        "type":"customer.created","api_version":"2023-08-16",
        "data":{"object":{"id":"cus_1","object":"customer"}}})");
    // Listed by the backfill (as_of 0): known, but not applied.
    QCOMPARE(cache.upsert(event, 0), Cache::Write::Written);
    QVERIFY(!cache.hasEvent(QStringLiteral("evt_1")));
    QVERIFY(cache.recordEvent(event));
    QVERIFY(cache.hasEvent(QStringLiteral("evt_1")));
    QVERIFY(!cache.recordEvent(event));
    QCOMPARE(cache.count(QStringLiteral("events")), 1);
    QCOMPARE(
        cache.database().scalar(QStringLiteral(
            "SELECT count(*) FROM events WHERE object_id = 'cus_1' AND type = 'customer.created'")),
        1);
}

void TestCache::quotesAndWildcardsAreData()
{
    Cache cache;
    QVERIFY(cache.open(path(QStringLiteral("quotes.sqlite"))));
    const QString nasty = QStringLiteral("O'Brien\"; DROP TABLE customers; -- %_");
    QCOMPARE(cache.upsert(customer(QStringLiteral("cus_'q"), nasty, nasty), 1),
             Cache::Write::Written);
    QVERIFY(cache.setState(QStringLiteral("k'ey"), nasty.toUtf8()));
    QCOMPARE(QString::fromUtf8(cache.state(QStringLiteral("k'ey"))), nasty);
    QCOMPARE(cache.asOf(QStringLiteral("customers"), QStringLiteral("cus_'q")), 1);
    QVERIFY(cache.enqueueRefetch(QStringLiteral("customers"), QStringLiteral("cus_'q"), 3));
    QCOMPARE(cache.refetches(10).size(), 1);
    QCOMPARE(cache.count(QStringLiteral("customers")), 1);
    // Table names are never taken from input.
    QVERIFY(!cache.asOf(QStringLiteral("customers; DROP TABLE charges"), QStringLiteral("x")));
    QCOMPARE(cache.count(QStringLiteral("customers WHERE 1=1 --")), -1);
}

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
