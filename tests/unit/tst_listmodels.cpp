#include "models/csv.h"
#include "models/store/cache.h"
#include "models/views/listtablemodel.h"
#include "models/views/objectdetail.h"
#include "models/views/paymentstablemodel.h"
#include "tests/support/democache.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using Kind = ListTableModel::Kind;
Q_DECLARE_METATYPE(paydesk::models::ListFilter)

namespace {
constexpr qint64 kNow = 1763800000;

QStringList loaded(CacheTableModel &model)
{
    while (model.canFetchMore({}))
        model.fetchMore({});
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.index(row, 0).data(CacheTableModel::IdRole).toString());
    return ids;
}
} // namespace

// The customers, subscriptions, disputes, invoices and refunds tables (and the paging window
// and export they share with payments) on a cache of the demo merchant; every answer is
// checked against SQL written here independently.
class TestListModels final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    Cache m_cache;

    QStringList expected(const QString &table, const QString &where, const QString &order)
    {
        QStringList ids;
        sql::Statement s = m_cache.database().prepare(
            QStringLiteral("SELECT id FROM %1 t WHERE deleted = 0 AND %2 ORDER BY %3")
                .arg(table, where, order));
        while (s.step())
            ids.append(s.text(0));
        return ids;
    }
    QString any(const QString &sql)
    {
        sql::Statement s = m_cache.database().prepare(sql);
        return s.step() ? s.text(0) : QString();
    }

private Q_SLOTS:
    void initTestCase();
    void modelTester_data();
    void modelTester();
    void filters_data();
    void filters();
    void sortsByEveryColumn_data();
    void sortsByEveryColumn();
    void displaysMoneyStatusAndInterval();
    void multiItemSubscriptionIsNamedByItsFirstItem();
    void subscriptionSaysPausedOrWhenItCancels();
    void windowDropsFarPagesAndReadsThemAgain();
    void csvField_data();
    void csvField();
    void exportsTheWholeFilteredView();
    void exportsJsonObjects();
};

void TestListModels::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("demo.sqlite"));
    QVERIFY(paydesk::testsupport::fillDemoCache(m_file, 5000, kNow) > 5000);
    QVERIFY(m_cache.open(m_file));
    // A hostile customer name for the export test.
    QJsonObject customer {
        {QStringLiteral("id"), QStringLiteral("cus_formula")},
        {QStringLiteral("object"), QStringLiteral("customer")},
        {QStringLiteral("created"), kNow - 10},
        {QStringLiteral("name"), QStringLiteral("=HYPERLINK(\"http://x\",\"a,b\")")},
        {QStringLiteral("email"), QStringLiteral("+1@example.com")}};
    QCOMPARE(m_cache.upsert(customer, 1), Cache::Write::Written);
}

void TestListModels::modelTester_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("customers") << int(Kind::Customers);
    QTest::newRow("subscriptions") << int(Kind::Subscriptions);
    QTest::newRow("disputes") << int(Kind::Disputes);
    QTest::newRow("invoices") << int(Kind::Invoices);
    QTest::newRow("refunds") << int(Kind::Refunds);
    QTest::newRow("prices") << int(Kind::Prices);
    QTest::newRow("coupons") << int(Kind::Coupons);
}

void TestListModels::modelTester()
{
    QFETCH(int, kind);
    ListTableModel model {Kind(kind)};
    model.setPageSize(25);
    model.setWindowPages(3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.open(m_file));
    const QString table = ListTableModel::tableName(Kind(kind));
    const qint64 total = m_cache.database().scalar(
        QStringLiteral("SELECT count(*) FROM %1 WHERE deleted = 0").arg(table));
    QVERIFY2(total > 0, qPrintable(table));
    QCOMPARE(model.totalCount(), total);
    QCOMPARE(loaded(model).size(), total);
    for (int c = 0; c < model.columnCount(); ++c)
        model.sort(c, c % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
    ListFilter f;
    // The catalogue was made when the merchant started: created at any time.
    const bool catalogue = Kind(kind) == Kind::Prices || Kind(kind) == Kind::Coupons;
    f.createdFrom = catalogue ? 1 : kNow - 86400 * 90;
    model.setFilter(f);
    QVERIFY(model.rowCount() > 0);
}

void TestListModels::filters_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<ListFilter>("filter");
    QTest::addColumn<QString>("where"); // %1: a value picked from the cache.
    QTest::addColumn<QString>("pick");
    auto f = [](auto set) {
        ListFilter filter;
        set(filter);
        return filter;
    };
    QTest::newRow("subscriptions past_due")
        << int(Kind::Subscriptions)
        << f([](ListFilter &x) { x.status = QStringLiteral("past_due"); })
        << QStringLiteral("status = 'past_due'") << QString();
    QTest::newRow("subscriptions canceled, last 90 days")
        << int(Kind::Subscriptions) << f([](ListFilter &x) {
               x.status = QStringLiteral("canceled");
               x.createdFrom = kNow - 86400 * 90;
           })
        << QStringLiteral("status = 'canceled' AND created >= %1").arg(kNow - 86400 * 90)
        << QString();
    QTest::newRow("subscriptions of a plan")
        << int(Kind::Subscriptions) << f([](ListFilter &x) { x.plan = QStringLiteral("%1"); })
        << QStringLiteral("id IN (SELECT subscription FROM subscription_items WHERE price = '%1')")
        << QStringLiteral("SELECT price FROM subscription_items ORDER BY id LIMIT 1");
    QTest::newRow("subscriptions of a customer")
        << int(Kind::Subscriptions) << f([](ListFilter &x) { x.customer = QStringLiteral("%1"); })
        << QStringLiteral("customer = '%1'")
        << QStringLiteral("SELECT customer FROM subscriptions ORDER BY id LIMIT 1");
    QTest::newRow("disputes needing a response")
        << int(Kind::Disputes)
        << f([](ListFilter &x) { x.status = QStringLiteral("needs_response"); })
        << QStringLiteral("status = 'needs_response'") << QString();
    QTest::newRow("disputes due within a week")
        << int(Kind::Disputes) << f([](ListFilter &x) { x.dueBefore = kNow + 7 * 86400; })
        << QStringLiteral("due_by < %1").arg(kNow + 7 * 86400) << QString();
    QTest::newRow("invoices open")
        << int(Kind::Invoices) << f([](ListFilter &x) { x.status = QStringLiteral("open"); })
        << QStringLiteral("status = 'open'") << QString();
    QTest::newRow("invoices before a date")
        << int(Kind::Invoices) << f([](ListFilter &x) { x.createdTo = kNow - 86400 * 200; })
        << QStringLiteral("created < %1").arg(kNow - 86400 * 200) << QString();
    QTest::newRow("invoices by number")
        << int(Kind::Invoices) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("number = '%1'")
        << QStringLiteral("SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY id "
                          "LIMIT 1 OFFSET 3");
    QTest::newRow("invoices by number prefix, typed in lower case")
        << int(Kind::Invoices) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("upper(number) LIKE upper('%1') || '%'")
        << QStringLiteral("SELECT lower(substr(number, 1, length(number) - 2)) FROM invoices "
                          "WHERE number IS NOT NULL ORDER BY id LIMIT 1 OFFSET 5");
    QTest::newRow("refunds of a customer")
        << int(Kind::Refunds) << f([](ListFilter &x) { x.customer = QStringLiteral("%1"); })
        << QStringLiteral("charge IN (SELECT id FROM charges WHERE customer = '%1')")
        << QStringLiteral("SELECT c.customer FROM refunds r JOIN charges c ON c.id = r.charge "
                          "WHERE c.customer IS NOT NULL LIMIT 1");
    QTest::newRow("customers by country")
        << int(Kind::Customers) << f([](ListFilter &x) { x.country = QStringLiteral("%1"); })
        << QStringLiteral("address_country = '%1'")
        << QStringLiteral("SELECT address_country FROM customers WHERE address_country IS NOT "
                          "NULL GROUP BY 1 ORDER BY count(*) LIMIT 1");
    QTest::newRow("customers searched by email prefix")
        << int(Kind::Customers) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("(email LIKE '%1%' OR email LIKE '%.%1%' OR name LIKE '%1%' OR name "
                          "LIKE '% %1%')")
        << QStringLiteral("SELECT substr(email, 1, 4) FROM customers WHERE email IS NOT NULL "
                          "ORDER BY id LIMIT 1");
    QTest::newRow("customers by id")
        << int(Kind::Customers) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("id = '%1'")
        << QStringLiteral("SELECT id FROM customers LIMIT 1 OFFSET 7");
    QTest::newRow("active prices")
        << int(Kind::Prices) << f([](ListFilter &x) { x.status = QStringLiteral("active"); })
        << QStringLiteral("coalesce(active, 1) = 1") << QString();
    QTest::newRow("prices searched by product name")
        << int(Kind::Prices) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("product IN (SELECT id FROM products WHERE name LIKE '%%1%') OR "
                          "nickname LIKE '%%1%'")
        << QStringLiteral("SELECT substr(name, 2, 5) FROM products ORDER BY id LIMIT 1");
    QTest::newRow("valid coupons")
        << int(Kind::Coupons) << f([](ListFilter &x) { x.status = QStringLiteral("valid"); })
        << QStringLiteral("coalesce(valid, 1) = 1") << QString();
    QTest::newRow("subscriptions searched by customer email")
        << int(Kind::Subscriptions) << f([](ListFilter &x) { x.search = QStringLiteral("%1"); })
        << QStringLiteral("customer IN (SELECT id FROM customers WHERE email = '%1')")
        << QStringLiteral("SELECT c.email FROM subscriptions s JOIN customers c ON c.id = "
                          "s.customer LIMIT 1");
}

void TestListModels::filters()
{
    QFETCH(int, kind);
    QFETCH(ListFilter, filter);
    QFETCH(QString, where);
    QFETCH(QString, pick);
    if (!pick.isEmpty()) {
        const QString value = any(pick);
        QVERIFY2(!value.isEmpty(), qPrintable(pick));
        where = where.arg(value);
        for (QString *field : {&filter.plan, &filter.customer, &filter.country, &filter.search})
            if (field->contains(QLatin1String("%1")))
                *field = field->arg(value);
    }
    ListTableModel model {Kind(kind)};
    model.setPageSize(40);
    QVERIFY(model.open(m_file));
    model.setFilter(filter);
    // Disputes are listed as a to-do list (the soonest deadline of those that need a response
    // first, then the others newest first); every other kind newest first.
    const QStringList want
        = expected(ListTableModel::tableName(Kind(kind)), where,
                   Kind(kind) == Kind::Disputes ? QStringLiteral(
                       "CASE WHEN status IN ('needs_response', 'warning_needs_response') "
                       "THEN coalesce(due_by, 0) ELSE 100000000000 - created END ASC, id ASC")
                                                : QStringLiteral("created DESC, id DESC"));
    QVERIFY2(!want.isEmpty(), qPrintable(where)); // The demo merchant has every case.
    QCOMPARE(model.totalCount(), want.size());
    QCOMPARE(loaded(model), want);
}

void TestListModels::sortsByEveryColumn_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("order"); // Independent SQL ordering of the same rows.
    QTest::newRow("customers by name")
        << int(Kind::Customers) << 0 << QStringLiteral("coalesce(name, '') ASC, id ASC");
    QTest::newRow("customers by spend")
        << int(Kind::Customers) << 3
        << QStringLiteral("(SELECT coalesce(sum(amount - amount_refunded), 0) FROM charges c "
                          "WHERE c.customer = t.id AND c.status = 'succeeded' AND c.deleted = 0 "
                          "AND c.currency = coalesce(t.currency, c.currency)) ASC, id ASC");
    QTest::newRow("subscriptions by status")
        << int(Kind::Subscriptions) << 1 << QStringLiteral("status ASC, id ASC");
    QTest::newRow("subscriptions by amount")
        << int(Kind::Subscriptions) << 3
        << QStringLiteral("(SELECT coalesce(sum(unit_amount * quantity), 0) FROM "
                          "subscription_items i WHERE i.subscription = t.id) ASC, id ASC");
    QTest::newRow("disputes by due date")
        << int(Kind::Disputes) << 4
        << QStringLiteral("CASE WHEN status IN ('needs_response', 'warning_needs_response') THEN "
                          "coalesce(due_by, 0) ELSE 100000000000 - created END ASC, id ASC");
    QTest::newRow("invoices by total")
        << int(Kind::Invoices) << 0 << QStringLiteral("total ASC, id ASC");
    QTest::newRow("refunds by amount")
        << int(Kind::Refunds) << 0 << QStringLiteral("amount ASC, id ASC");
    QTest::newRow("prices by amount")
        << int(Kind::Prices) << 2 << QStringLiteral("coalesce(unit_amount, 0) ASC, id ASC");
    QTest::newRow("coupons by times redeemed")
        << int(Kind::Coupons) << 4 << QStringLiteral("coalesce(times_redeemed, 0) ASC, id ASC");
}

void TestListModels::sortsByEveryColumn()
{
    QFETCH(int, kind);
    QFETCH(int, column);
    QFETCH(QString, order);
    ListTableModel model {Kind(kind)};
    model.setPageSize(60);
    QVERIFY(model.open(m_file));
    model.sort(column, Qt::AscendingOrder);
    const QString table = ListTableModel::tableName(Kind(kind));
    QCOMPARE(loaded(model), expected(table, QStringLiteral("1"), order));
    model.sort(column, Qt::DescendingOrder);
    QString reversed = order;
    reversed.replace(QStringLiteral("ASC"), QStringLiteral("DESC"));
    QCOMPARE(loaded(model), expected(table, QStringLiteral("1"), reversed));
}

void TestListModels::displaysMoneyStatusAndInterval()
{
    ListTableModel model(Kind::Subscriptions);
    QVERIFY(model.open(m_file));
    ListFilter f;
    f.status = QStringLiteral("past_due");
    model.setFilter(f);
    QVERIFY(model.rowCount() > 0);
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("Past due"));
    QCOMPARE(model.index(0, 1).data(CacheTableModel::StatusRole).toString(),
             QStringLiteral("past_due"));
    const QString billing = model.index(0, 4).data().toString();
    QVERIFY2(billing == QLatin1String("Monthly") || billing == QLatin1String("Yearly")
                 || billing.startsWith(QLatin1String("Every ")),
             qPrintable(billing));
    // Money: the sum of the items in the subscription's currency, from minor units.
    const QString id = model.idAt(0);
    const qint64 minor = m_cache.database().scalar(
        QStringLiteral("SELECT sum(unit_amount * quantity) FROM subscription_items WHERE "
                       "subscription = '%1'")
            .arg(id));
    QCOMPARE(model.index(0, 3).data(CacheTableModel::RawRole).toLongLong(), minor);
    QVERIFY(!model.index(0, 3).data().toString().isEmpty());
    QCOMPARE(model.index(0, 3).data(CacheTableModel::ExportRole).toString(),
             QStringLiteral("%1.%2").arg(minor / 100).arg(minor % 100, 2, 10, QLatin1Char('0')));
}

// A live subscription whose collection is paused reads "Paused", one set to end "Cancels 28
// Dec" (with the year when it is not this one) in a warning pill; its Stripe status stays what
// the status filter, the status role and the export see.
void TestListModels::subscriptionSaysPausedOrWhenItCancels()
{
    const QString paused = any(QStringLiteral(
        "SELECT id FROM subscriptions WHERE status = 'active' AND deleted = 0 AND cancel_at IS "
        "NULL AND pause_behavior IS NULL ORDER BY id LIMIT 1"));
    const QString ending = any(QStringLiteral(
        "SELECT id FROM subscriptions WHERE status = 'active' AND deleted = 0 AND cancel_at IS "
        "NULL AND pause_behavior IS NULL ORDER BY id DESC LIMIT 1"));
    QVERIFY(!paused.isEmpty() && !ending.isEmpty() && paused != ending);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
    const QDate today = QDate::currentDate();
    const QDate day(today.year(), 12, 28);
    const qint64 at = QDateTime(day, QTime(12, 0)).toSecsSinceEpoch();
    m_cache.database().exec(
        QStringLiteral("UPDATE subscriptions SET pause_behavior = 'void' WHERE id = '%1'; UPDATE "
                       "subscriptions SET cancel_at = %2 WHERE id = '%3'")
            .arg(paused)
            .arg(at)
            .arg(ending));
    auto restore = qScopeGuard([&] {
        QLocale::setDefault(QLocale::system());
        m_cache.database().exec(QStringLiteral("UPDATE subscriptions SET pause_behavior = NULL, "
                                               "cancel_at = NULL WHERE id IN ('%1', '%2')")
                                    .arg(paused, ending));
    });
    ListTableModel model(Kind::Subscriptions);
    QVERIFY(model.open(m_file));
    ListFilter f;
    f.status = QStringLiteral("active");
    model.setFilter(f);
    const QStringList ids = loaded(model);
    QVERIFY(ids.contains(paused) && ids.contains(ending));
    const int p = int(ids.indexOf(paused));
    const int e = int(ids.indexOf(ending));
    QCOMPARE(model.index(p, 1).data().toString(), QStringLiteral("Paused"));
    QCOMPARE(model.index(e, 1).data().toString(), QStringLiteral("Cancels 28 Dec"));
    QCOMPARE(model.index(p, 1).data(CacheTableModel::StatusRole).toString(),
             QStringLiteral("active"));
    QCOMPARE(model.index(e, 1).data(CacheTableModel::ExportRole).toString(),
             QStringLiteral("active"));
    QCOMPARE(ListTableModel::qualifiedStatusLabel(QStringLiteral("active;cancels;%1").arg(at),
                                                  today.addYears(1)),
             QStringLiteral("Cancels 28 Dec %1").arg(today.year()));
    // The export writes Stripe's status.
    f.search = paused;
    model.setFilter(f);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QCOMPARE(paydesk::models::exportTable(model, &out, CacheTableModel::Format::Csv), 1);
    const QList<QByteArray> lines = out.data().split('\n');
    QVERIFY2(lines.at(1).startsWith(QByteArray(paused.toLatin1() + ','))
                 && lines.at(1).contains(",active,"),
             lines.at(1).constData());
}

// The demo's team subscription has 13 items (more than Stripe embeds): the list names it by
// its first item with the count of the others, the detail lists every item in Stripe's order and
// its title is their sum, and the customer's detail names it the same way.
void TestListModels::multiItemSubscriptionIsNamedByItsFirstItem()
{
    const QString id = any(QStringLiteral(
        "SELECT subscription FROM subscription_items GROUP BY subscription HAVING count(*) = 13 "
        "LIMIT 1"));
    QVERIFY(!id.isEmpty());
    // Stripe's order: the subscription's own JSON lists the items (all of them, as cached).
    const QJsonObject sub
        = QJsonDocument::fromJson(
              any(QStringLiteral("SELECT raw FROM subscriptions WHERE id = '%1'").arg(id)).toUtf8())
              .object();
    const QJsonArray items
        = sub.value(QStringLiteral("items")).toObject().value(QStringLiteral("data")).toArray();
    QCOMPARE(items.size(), 13);
    QStringList names;
    qint64 total = 0;
    for (const QJsonValue &v : items) {
        const QJsonObject item = v.toObject();
        const QString product = item.value(QStringLiteral("price"))
                                    .toObject()
                                    .value(QStringLiteral("product"))
                                    .toString();
        names.append(any(QStringLiteral("SELECT name FROM products WHERE id = '%1'").arg(product)));
        total += item.value(QStringLiteral("quantity")).toInteger()
            * item.value(QStringLiteral("price"))
                  .toObject()
                  .value(QStringLiteral("unit_amount"))
                  .toInteger();
    }
    QCOMPARE(names.first(), QStringLiteral("Office Pack"));

    ListTableModel model(Kind::Subscriptions);
    QVERIFY(model.open(m_file));
    ListFilter f;
    f.search = id;
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("Office Pack +12"));
    QCOMPARE(model.index(0, 3).data(CacheTableModel::RawRole).toLongLong(), total);

    const ObjectDetail detail
        = ObjectDetail::load(m_cache.database(), QStringLiteral("subscriptions"), id);
    QStringList shown;
    for (const DetailSection &section : detail.sections)
        if (section.title == QLatin1String("Items"))
            for (const DetailField &field : section.fields)
                shown.append(field.label);
    QCOMPARE(shown, names);
    const QString customer = sub.value(QStringLiteral("customer")).toString();
    const ObjectDetail owner
        = ObjectDetail::load(m_cache.database(), QStringLiteral("customers"), customer);
    bool named = false;
    for (const DetailSection &section : owner.sections)
        for (const DetailField &field : section.fields)
            named = named
                || (field.link == QLatin1String("subscriptions/") + id
                    && field.value.startsWith(QLatin1String("Office Pack +12 since")));
    QVERIFY(named);
}

void TestListModels::windowDropsFarPagesAndReadsThemAgain()
{
    PaymentsTableModel model;
    model.setPageSize(50);
    model.setWindowPages(4);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.open(m_file));
    QStringList first;
    for (int row = 0; row < model.rowCount(); ++row)
        first.append(model.idAt(row));
    const QStringList all = loaded(model);
    QVERIFY(all.size() > 2000);
    QVERIFY2(model.loadedPageCount() <= 4, qPrintable(QString::number(model.loadedPageCount())));
    // Back to the top: the same rows, read again in one query per page.
    for (int row = 0; row < first.size(); ++row)
        QCOMPARE(model.idAt(row), first.at(row));
    for (int row = 0; row < all.size(); row += 37)
        QCOMPARE(model.index(row, 0).data(CacheTableModel::IdRole).toString(), all.at(row));
    QVERIFY(model.loadedPageCount() <= 4);
    QCOMPARE(all,
             expected(QStringLiteral("charges"), QStringLiteral("1"),
                      QStringLiteral("created DESC, id DESC")));
}

void TestListModels::csvField_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << QStringLiteral("cus_123") << QStringLiteral("cus_123");
    QTest::newRow("formula") << QStringLiteral("=1+1") << QStringLiteral("'=1+1");
    QTest::newRow("plus") << QStringLiteral("+1 555") << QStringLiteral("'+1 555");
    QTest::newRow("minus") << QStringLiteral("-2") << QStringLiteral("'-2");
    QTest::newRow("at") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
    QTest::newRow("tab") << QStringLiteral("\t=1") << QStringLiteral("'\t=1");
    QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::newRow("formula with comma") << QStringLiteral("=HYPERLINK(\"x\",\"y\")")
                                        << QStringLiteral("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
    QTest::newRow("empty") << QString() << QString();
}

void TestListModels::csvField()
{
    QFETCH(QString, value);
    QFETCH(QString, field);
    QCOMPARE(paydesk::models::csv::field(value), field);
}

void TestListModels::exportsTheWholeFilteredView()
{
    ListTableModel model(Kind::Customers);
    model.setPageSize(10); // Far less than the export: it reads every row itself.
    QVERIFY(model.open(m_file));
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    qint64 lastProgress = 0;
    const qint64 n
        = paydesk::models::exportTable(model, &out, CacheTableModel::Format::Csv, nullptr,
                                       [&](qint64 done) { return (lastProgress = done), true; });
    const qint64 total = m_cache.database().scalar(
        QStringLiteral("SELECT count(*) FROM customers WHERE deleted = 0"));
    QCOMPARE(n, total);
    QCOMPARE(lastProgress, total);
    const QList<QByteArray> lines = out.data().split('\n');
    QCOMPARE(lines.first(), QByteArray("id,name,email,country,spend,spend_currency,created\r"));
    QCOMPARE(lines.size(), total + 2); // Header, rows, empty after the last CRLF.
    // Newest first (the view's order): the hostile customer leads, neutralised.
    QCOMPARE(
        lines.at(1),
        QByteArray("cus_formula,\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",'+1@example.com,,,,")
            + QDateTime::fromSecsSinceEpoch(kNow - 10, QTimeZone::utc())
                  .toString(Qt::ISODate)
                  .toLatin1()
            + '\r');
    // A filter narrows the export exactly as it narrows the view.
    ListFilter f;
    f.search = QStringLiteral("cus_formula");
    model.setFilter(f);
    QBuffer narrow;
    narrow.open(QIODevice::WriteOnly);
    QCOMPARE(paydesk::models::exportTable(model, &narrow, CacheTableModel::Format::Csv), 1);
    // Cancelling stops with an error.
    model.setFilter({});
    QBuffer cancelled;
    cancelled.open(QIODevice::WriteOnly);
    QString error;
    QCOMPARE(paydesk::models::exportTable(model, &cancelled, CacheTableModel::Format::Csv, &error,
                                          [](qint64) { return false; }),
             -1);
    QVERIFY(!error.isEmpty());
}

void TestListModels::exportsJsonObjects()
{
    PaymentsTableModel model;
    QVERIFY(model.open(m_file));
    PaymentFilter f;
    f.status = PaymentFilter::Status::Disputed;
    model.setFilter(f);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    const qint64 n = paydesk::models::exportTable(model, &out, CacheTableModel::Format::Json);
    QVERIFY(n > 0);
    QJsonParseError error;
    const QJsonArray array = QJsonDocument::fromJson(out.data(), &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(array.size(), n);
    for (const QJsonValue &v : array) {
        QCOMPARE(v[QStringLiteral("object")].toString(), QStringLiteral("charge"));
        QVERIFY(v[QStringLiteral("disputed")].toBool());
    }
}

QTEST_GUILESS_MAIN(TestListModels)
#include "tst_listmodels.moc"
