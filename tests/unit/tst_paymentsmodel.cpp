#include "models/store/cache.h"
#include "models/views/paymentstablemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::models;
Q_DECLARE_METATYPE(paydesk::models::PaymentFilter)

namespace {
const char *const kWords[]
    = {"Espresso grinder", "Coffee subscription", "Gift card", "Brewing kit", "Decaf beans"};
const char *const kCurrencies[] = {"usd", "eur", "jpy"};
const char *const kStatuses[] = {"succeeded", "succeeded", "succeeded", "failed", "pending"};
} // namespace

// The Payments table model against a real cache file, its answers checked against SQL written
// here independently.
class TestPaymentsModel final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    Cache m_cache;

    QStringList expected(const QString &where, const QString &order)
    {
        QStringList ids;
        sql::Statement s = m_cache.database().prepare(
            QStringLiteral("SELECT id FROM charges WHERE deleted = 0 AND %1 ORDER BY %2")
                .arg(where, order));
        while (s.step())
            ids.append(s.text(0));
        return ids;
    }
    static QStringList loaded(PaymentsTableModel &model)
    {
        while (model.canFetchMore({}))
            model.fetchMore({});
        QStringList ids;
        for (int row = 0; row < model.rowCount(); ++row)
            ids.append(model.index(row, 0).data(PaymentsTableModel::IdRole).toString());
        return ids;
    }

private Q_SLOTS:
    void initTestCase();
    void modelTester();
    void pagesInsteadOfLoadingEverything();
    void countStopsAtItsLimitButScrollingDoesNot();
    void filters_data();
    void filters();
    void sorts_data();
    void sorts();
    void formatsMoneyPerCurrency();
    void mixedCurrenciesSortBySettledValue();
    void hostileInputIsData();
    void filtersCountFromIndexesOnly_data();
    void filtersCountFromIndexesOnly();
    void everySortWalksAnIndex();
    void denseAndSparseSearchAgree_data();
    void denseAndSparseSearchAgree();
};

void TestPaymentsModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("payments.sqlite"));
    QVERIFY(m_cache.open(m_file));
    QRandomGenerator random(42);
    QVERIFY(m_cache.begin());
    for (int i = 0; i < 1000; ++i) {
        const QString currency = QString::fromLatin1(kCurrencies[random.bounded(3)]);
        const QString status = QString::fromLatin1(kStatuses[random.bounded(5)]);
        const qint64 amount = 100 + random.bounded(100000);
        const bool refundedFully = status == QLatin1String("succeeded") && random.bounded(20) == 0;
        const qint64 refunded = refundedFully                                   ? amount
            : (status == QLatin1String("succeeded") && random.bounded(10) == 0) ? amount / 2
                                                                                : 0;
        QJsonObject charge {
            {QStringLiteral("id"), QStringLiteral("ch_%1").arg(i, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("object"), QStringLiteral("charge")},
            // Many share a second, so the id breaks ties.
            {QStringLiteral("created"), 1700000000 + random.bounded(300) * 60},
            {QStringLiteral("amount"), amount},
            {QStringLiteral("amount_refunded"), refunded},
            {QStringLiteral("refunded"), refundedFully},
            {QStringLiteral("disputed"), random.bounded(30) == 0},
            {QStringLiteral("currency"), currency},
            {QStringLiteral("status"), status},
            {QStringLiteral("description"), QString::fromLatin1(kWords[random.bounded(5)])},
            {QStringLiteral("receipt_email"), QStringLiteral("buyer%1@example.com").arg(i % 37)},
            {QStringLiteral("payment_method_details"),
             QJsonObject {{QStringLiteral("type"), QStringLiteral("card")},
                          {QStringLiteral("card"),
                           QJsonObject {{QStringLiteral("brand"), QStringLiteral("visa")},
                                        {QStringLiteral("last4"),
                                         QStringLiteral("%1").arg(1000 + i % 50)}}}}}};
        QCOMPARE(m_cache.upsert(charge, 1), Cache::Write::Written);
    }
    QVERIFY(m_cache.commit());
    // A deleted row never shows.
    QCOMPARE(m_cache.markDeleted(QStringLiteral("charges"), QStringLiteral("ch_000000"), 5),
             Cache::Write::Written);
    QVERIFY(m_cache.analyze()); // As the sync does after a backfill.
}

void TestPaymentsModel::modelTester()
{
    PaymentsTableModel model;
    model.setPageSize(64);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.open(m_file));
    while (model.canFetchMore({}))
        model.fetchMore({});
    model.sort(PaymentsTableModel::Amount, Qt::AscendingOrder);
    PaymentFilter f;
    f.search = QStringLiteral("espresso");
    model.setFilter(f);
    model.fetchMore({});
    model.reload();
}

void TestPaymentsModel::pagesInsteadOfLoadingEverything()
{
    PaymentsTableModel model;
    model.setPageSize(100);
    QVERIFY(model.open(m_file));
    QCOMPARE(model.totalCount(), 999);
    QCOMPARE(model.rowCount(), 100);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QCOMPARE(model.rowCount(), 200);
    QCOMPARE(loaded(model), expected(QStringLiteral("1"), QStringLiteral("created DESC, id DESC")));
    QVERIFY(!model.canFetchMore({}));
}

void TestPaymentsModel::countStopsAtItsLimitButScrollingDoesNot()
{
    PaymentsTableModel model;
    model.setPageSize(100);
    model.setCountLimit(250);
    QVERIFY(model.open(m_file));
    QCOMPARE(model.totalCount(), 250);
    QVERIFY(!model.isTotalExact());
    QCOMPARE(loaded(model).size(), 999);
    // A filter under the limit is counted exactly.
    PaymentFilter f;
    f.status = PaymentFilter::Status::Disputed;
    model.setFilter(f);
    QVERIFY(model.isTotalExact());
    QCOMPARE(model.totalCount(),
             qint64(expected(QStringLiteral("disputed = 1"), QStringLiteral("id")).size()));
}

void TestPaymentsModel::filters_data()
{
    QTest::addColumn<PaymentFilter>("filter");
    QTest::addColumn<QString>("where");
    PaymentFilter f;
    QTest::newRow("everything") << f << QStringLiteral("1");
    f = {};
    f.status = PaymentFilter::Status::Succeeded;
    QTest::newRow("succeeded") << f
                               << QStringLiteral("status = 'succeeded' AND refunded = 0 AND "
                                                 "disputed = 0");
    f.status = PaymentFilter::Status::Refunded;
    QTest::newRow("refunded") << f << QStringLiteral("amount_refunded > 0");
    f.status = PaymentFilter::Status::Disputed;
    QTest::newRow("disputed") << f << QStringLiteral("disputed = 1");
    f.status = PaymentFilter::Status::Failed;
    QTest::newRow("failed") << f << QStringLiteral("status = 'failed'");
    f = {};
    f.currency = QStringLiteral("EUR");
    QTest::newRow("currency, any case") << f << QStringLiteral("currency = 'eur'");
    f.amountMin = 5000;
    f.amountMax = 20000;
    QTest::newRow("currency and amount") << f
                                         << QStringLiteral("currency = 'eur' AND amount BETWEEN "
                                                           "5000 AND 20000");
    f = {};
    f.createdFrom = 1700003000;
    f.createdTo = 1700009000;
    QTest::newRow("date range") << f
                                << QStringLiteral("created >= 1700003000 AND created < 1700009000");
    f = {};
    f.search = QStringLiteral("espr");
    QTest::newRow("search prefix") << f << QStringLiteral("description LIKE 'Espresso%'");
    f.search = QStringLiteral("gift CARD");
    QTest::newRow("search two words") << f << QStringLiteral("description = 'Gift card'");
    f.search = QStringLiteral("1042");
    QTest::newRow("search last4") << f << QStringLiteral("card_last4 = '1042'");
    f.search = QStringLiteral("buyer7");
    QTest::newRow("search email") << f << QStringLiteral("receipt_email = 'buyer7@example.com'");
    f.search = QStringLiteral("ch_000123");
    QTest::newRow("search id") << f << QStringLiteral("id = 'ch_000123'");
    f.status = PaymentFilter::Status::Failed;
    f.search = QStringLiteral("decaf");
    QTest::newRow("search and status") << f
                                       << QStringLiteral("status = 'failed' AND description = "
                                                         "'Decaf beans'");
}

void TestPaymentsModel::filters()
{
    QFETCH(PaymentFilter, filter);
    QFETCH(QString, where);
    PaymentsTableModel model;
    model.setPageSize(77);
    QVERIFY(model.open(m_file));
    model.setFilter(filter);
    const QStringList want = expected(where, QStringLiteral("created DESC, id DESC"));
    QVERIFY(!want.isEmpty());
    QCOMPARE(model.totalCount(), want.size());
    QCOMPARE(loaded(model), want);
}

void TestPaymentsModel::sorts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    QTest::addColumn<QString>("sql");
    QTest::newRow("date ascending") << int(PaymentsTableModel::Created) << int(Qt::AscendingOrder)
                                    << QStringLiteral("created ASC, id ASC");
    QTest::newRow("amount descending")
        << int(PaymentsTableModel::Amount) << int(Qt::DescendingOrder)
        << QStringLiteral("settled_amount DESC, id DESC");
    QTest::newRow("amount ascending") << int(PaymentsTableModel::Amount) << int(Qt::AscendingOrder)
                                      << QStringLiteral("settled_amount ASC, id ASC");
    QTest::newRow("description") << int(PaymentsTableModel::Description) << int(Qt::AscendingOrder)
                                 << QStringLiteral("description ASC, id ASC");
    QTest::newRow("customer") << int(PaymentsTableModel::Customer) << int(Qt::DescendingOrder)
                              << QStringLiteral("receipt_email DESC, id DESC");
}

void TestPaymentsModel::sorts()
{
    QFETCH(int, column);
    QFETCH(int, order);
    QFETCH(QString, sql);
    PaymentsTableModel model;
    model.setPageSize(50);
    QVERIFY(model.open(m_file));
    model.sort(column, Qt::SortOrder(order));
    QCOMPARE(loaded(model), expected(QStringLiteral("1"), sql));
    // Money sorts by minor units, not by its text (nothing settled here, so settled amounts
    // are the amounts).
    if (column == PaymentsTableModel::Amount) {
        qint64 previous = order == Qt::AscendingOrder ? -1 : std::numeric_limits<qint64>::max();
        for (int row = 0; row < model.rowCount(); ++row) {
            const qint64 v
                = model.index(row, column).data(PaymentsTableModel::RawRole).toLongLong();
            QVERIFY(order == Qt::AscendingOrder ? v >= previous : v <= previous);
            previous = v;
        }
    }
}

void TestPaymentsModel::mixedCurrenciesSortBySettledValue()
{
    // ¥34,190 is worth $228.55: in a list of several currencies it sorts below $340.00, by what
    // each payment settled as (its balance transaction), not by its number of minor units.
    const QString file = m_dir.filePath(QStringLiteral("settled.sqlite"));
    Cache cache;
    QVERIFY(cache.open(file));
    auto charge = [&](const char *id, qint64 amount, const char *currency, const char *txn) {
        QJsonObject c {
            {QStringLiteral("id"), QString::fromLatin1(id)},
            {QStringLiteral("object"), QStringLiteral("charge")},
            {QStringLiteral("created"), 1700000000},
            {QStringLiteral("amount"), amount},
            {QStringLiteral("currency"), QString::fromLatin1(currency)},
            {QStringLiteral("status"), QString::fromLatin1(txn ? "succeeded" : "failed")}};
        c.insert(QStringLiteral("balance_transaction"),
                 txn ? QJsonValue(QString::fromLatin1(txn)) : QJsonValue());
        QCOMPARE(cache.upsert(c, 1), Cache::Write::Written);
    };
    auto txn = [&](const char *id, const char *source, qint64 amount) {
        const QJsonObject b {{QStringLiteral("id"), QString::fromLatin1(id)},
                             {QStringLiteral("object"), QStringLiteral("balance_transaction")},
                             {QStringLiteral("created"), 1700000000},
                             {QStringLiteral("amount"), amount},
                             {QStringLiteral("fee"), 0},
                             {QStringLiteral("net"), amount},
                             {QStringLiteral("currency"), QStringLiteral("usd")},
                             {QStringLiteral("type"), QStringLiteral("charge")},
                             {QStringLiteral("source"), QString::fromLatin1(source)}};
        QCOMPARE(cache.upsert(b, 1), Cache::Write::Written);
    };
    QVERIFY(cache.begin());
    // A failed yen payment before any yen payment settled: valued once the first one has.
    charge("ch_jpy_failed", 100000, "jpy", nullptr);
    charge("ch_usd", 34000, "usd", "txn_usd");
    txn("txn_usd", "ch_usd", 34000);
    // The balance transaction first, then its charge; and a charge whose one comes later.
    txn("txn_jpy", "ch_jpy", 22855);
    charge("ch_jpy", 34190, "jpy", "txn_jpy");
    charge("ch_eur", 20000, "eur", "txn_eur");
    charge("ch_usd_small", 21000, "usd", "txn_usd_small");
    txn("txn_usd_small", "ch_usd_small", 21000);
    QVERIFY(cache.commit());
    QVERIFY(cache.begin());
    txn("txn_eur", "ch_eur", 21600);
    QVERIFY(cache.commit());

    PaymentsTableModel model;
    QVERIFY(model.open(file));
    model.sort(PaymentsTableModel::Amount, Qt::AscendingOrder);
    QCOMPARE(loaded(model),
             (QStringList {QStringLiteral("ch_usd_small"), QStringLiteral("ch_eur"),
                           QStringLiteral("ch_jpy"), QStringLiteral("ch_usd"),
                           QStringLiteral("ch_jpy_failed")}));
    // 100,000 yen at the rate the other yen payment settled at: $668.48.
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT settled_amount FROM charges WHERE id = 'ch_jpy_failed'")),
             qint64(100000) * 22855 / 34190);
    model.sort(PaymentsTableModel::Amount, Qt::DescendingOrder);
    QCOMPARE(loaded(model).first(), QStringLiteral("ch_jpy_failed"));
    // One currency shown: its own amounts.
    PaymentFilter yen;
    yen.currency = QStringLiteral("JPY");
    model.setFilter(yen);
    model.sort(PaymentsTableModel::Amount, Qt::AscendingOrder);
    QCOMPARE(loaded(model),
             (QStringList {QStringLiteral("ch_jpy"), QStringLiteral("ch_jpy_failed")}));
    // A refetched charge keeps its settled value; statistics and search saw one write each.
    QVERIFY(cache.begin());
    charge("ch_eur", 20000, "eur", "txn_eur");
    QVERIFY(cache.commit());
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT settled_amount FROM charges WHERE id = 'ch_eur'")),
             21600);
    QCOMPARE(cache.database().scalar(QStringLiteral("SELECT sum(n) FROM charge_hours")), 5);
    QCOMPARE(cache.database().scalar(
                 QStringLiteral("SELECT count(*) FROM payments_fts WHERE payments_fts MATCH 'ch'")),
             5);
    QVERIFY(cache.database().exec(
        QStringLiteral("INSERT INTO payments_fts(payments_fts) VALUES ('integrity-check')")));
}

void TestPaymentsModel::formatsMoneyPerCurrency()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    PaymentsTableModel model;
    QVERIFY(model.open(m_file));
    PaymentFilter f;
    f.search = QStringLiteral("ch_000123");
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 1);
    sql::Statement s = m_cache.database().prepare(
        QStringLiteral("SELECT amount, currency FROM charges WHERE id = 'ch_000123'"));
    QVERIFY(s.step());
    const QString text = model.index(0, PaymentsTableModel::Amount).data().toString();
    const qint64 amount = s.int64(0);
    if (s.text(1) == QLatin1String("jpy"))
        QVERIFY2(text.contains(QLocale().toString(amount)) && !text.contains(u'.'),
                 qPrintable(text));
    else
        QVERIFY2(text.contains(QStringLiteral(".%1").arg(amount % 100, 2, 10, QLatin1Char('0'))),
                 qPrintable(text));
    QVERIFY(model.index(0, PaymentsTableModel::PaymentMethod)
                .data()
                .toString()
                .startsWith(QStringLiteral("Visa •••• ")));
    QCOMPARE(model.headerData(PaymentsTableModel::Amount, Qt::Horizontal).toString(),
             QStringLiteral("Amount"));
}

void TestPaymentsModel::hostileInputIsData()
{
    PaymentsTableModel model;
    QVERIFY(model.open(m_file));
    for (const char *text : {"' OR 1=1 --", "\"", "%", "_", "NEAR(", "a*b", "-x", "zz_%"}) {
        PaymentFilter f;
        f.search = QString::fromLatin1(text);
        f.currency = QString::fromLatin1(text);
        model.setFilter(f);
        QCOMPARE(model.totalCount(), 0);
        f.currency.clear();
        model.setFilter(f);
        const bool hasWord = std::count_if(f.search.cbegin(), f.search.cend(),
                                           [](QChar c) { return c.isLetterOrNumber(); })
            >= 2;
        if (hasWord)
            QVERIFY2(model.totalCount() < 999, text);
        else
            QCOMPARE(model.totalCount(), 999); // Punctuation or one letter alone do not filter.
    }
}

void TestPaymentsModel::filtersCountFromIndexesOnly_data()
{
    QTest::addColumn<PaymentFilter>("filter");
    QTest::addColumn<QString>("index");
    auto f = [](auto set) {
        PaymentFilter filter;
        set(filter);
        return filter;
    };
    QTest::newRow("no filter") << PaymentFilter() << QStringLiteral("COVERING INDEX");
    QTest::newRow("failed") << f([](PaymentFilter &x) { x.status = PaymentFilter::Status::Failed; })
                            << QStringLiteral("COVERING INDEX idx_charges_live_status");
    // Combinations: whichever attribute's index the planner takes carries the others.
    QTest::newRow("failed eur") << f([](PaymentFilter &x) {
        x.status = PaymentFilter::Status::Failed;
        x.currency = QStringLiteral("eur");
    }) << QStringLiteral("COVERING INDEX idx_charges_live_");
    QTest::newRow("visa elevated") << f([](PaymentFilter &x) {
        x.cardBrand = QStringLiteral("visa");
        x.riskLevel = QStringLiteral("elevated");
    }) << QStringLiteral("COVERING INDEX idx_charges_live_");
    QTest::newRow("succeeded usd amount") << f([](PaymentFilter &x) {
        x.status = PaymentFilter::Status::Succeeded;
        x.currency = QStringLiteral("usd");
        x.amountMin = 1000;
        x.amountMax = 5000;
    }) << QStringLiteral("COVERING INDEX idx_charges_live_");
    QTest::newRow("refunded") << f([](PaymentFilter &x) {
        x.status = PaymentFilter::Status::Refunded;
    }) << QStringLiteral("COVERING INDEX idx_charges_live_");
    QTest::newRow("disputed jpy") << f([](PaymentFilter &x) {
        x.status = PaymentFilter::Status::Disputed;
        x.currency = QStringLiteral("jpy");
    }) << QStringLiteral("COVERING INDEX idx_charges_live_");
    QTest::newRow("eur") << f([](PaymentFilter &x) { x.currency = QStringLiteral("eur"); })
                         << QStringLiteral("COVERING INDEX idx_charges_live_currency");
    QTest::newRow("brand") << f([](PaymentFilter &x) { x.cardBrand = QStringLiteral("visa"); })
                           << QStringLiteral("COVERING INDEX idx_charges_live_brand");
    QTest::newRow("risk") << f([](PaymentFilter &x) { x.riskLevel = QStringLiteral("elevated"); })
                          << QStringLiteral("COVERING INDEX idx_charges_live_risk");
    QTest::newRow("country") << f([](PaymentFilter &x) { x.country = QStringLiteral("US"); })
                             << QStringLiteral("COVERING INDEX idx_charges_live_country");
}

void TestPaymentsModel::filtersCountFromIndexesOnly()
{
    // Counting the matches of these filters must not read a single row of the table.
    QFETCH(PaymentFilter, filter);
    QFETCH(QString, index);
    QStringList parameters;
    const QString where = PaymentsTableModel::whereClause(filter, &parameters);
    sql::Statement s = m_cache.database().prepare(
        QStringLiteral("EXPLAIN QUERY PLAN SELECT count(*) FROM (SELECT 1 FROM charges t WHERE "
                       "t.deleted = 0%1 LIMIT 10001)")
            .arg(where.isEmpty() ? QString() : QStringLiteral(" AND ") + where));
    for (qsizetype i = 0; i < parameters.size(); ++i)
        s.bind(int(i + 1), parameters.at(i));
    QStringList plan;
    while (s.step())
        plan.append(s.text(3));
    QVERIFY2(plan.join(u'\n').contains(index), qPrintable(plan.join(u'\n')));
    // The first page walks an index in date order: no sort of all the matches. (An amount
    // range may be answered from the amount index instead, sorting just the rows in range.)
    if (filter.amountMin >= 0 || filter.amountMax >= 0)
        return;
    sql::Statement page = m_cache.database().prepare(
        QStringLiteral("EXPLAIN QUERY PLAN SELECT t.id FROM charges t WHERE t.deleted = 0%1 "
                       "ORDER BY t.created DESC, t.id DESC LIMIT 200")
            .arg(where.isEmpty() ? QString() : QStringLiteral(" AND ") + where));
    for (qsizetype i = 0; i < parameters.size(); ++i)
        page.bind(int(i + 1), parameters.at(i));
    plan.clear();
    while (page.step())
        plan.append(page.text(3));
    QVERIFY2(!plan.join(u'\n').contains(QStringLiteral("TEMP B-TREE FOR ORDER BY")),
             qPrintable(plan.join(u'\n')));
}

void TestPaymentsModel::everySortWalksAnIndex()
{
    // The first page and the pages after it, for every column's sort key: an index range, no
    // sort of all the rows.
    PaymentsTableModel model;
    for (const TableColumn &c : model.tableColumns()) {
        const QString key = c.sort.isEmpty() ? c.select : c.sort;
        for (const QString &after :
             {QString(),
              QStringLiteral(" AND (%1, t.id) < ((SELECT %1 FROM charges t WHERE t.id = "
                             "'ch_000500'), 'ch_000500')")
                  .arg(key)}) {
            sql::Statement s = m_cache.database().prepare(
                QStringLiteral("EXPLAIN QUERY PLAN SELECT t.id FROM charges t WHERE t.deleted = "
                               "0%1 ORDER BY %2 DESC, t.id DESC LIMIT 200")
                    .arg(after, key));
            QVERIFY2(s.isValid(), qPrintable(key));
            QStringList plan;
            while (s.step())
                plan.append(s.text(3));
            const QString text = plan.join(u'\n');
            QVERIFY2(text.contains(QStringLiteral("USING INDEX"))
                         || text.contains(QStringLiteral("USING COVERING INDEX")),
                     qPrintable(c.key + u'\n' + text));
            QVERIFY2(!text.contains(QStringLiteral("TEMP B-TREE FOR ORDER BY")),
                     qPrintable(c.key + u'\n' + text));
        }
    }
}

void TestPaymentsModel::denseAndSparseSearchAgree_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<int>("status");
    QTest::newRow("common prefix") << QStringLiteral("es") << int(PaymentFilter::Status::Any);
    QTest::newRow("two words") << QStringLiteral("gift buyer1") << int(PaymentFilter::Status::Any);
    QTest::newRow("with a status") << QStringLiteral("co") << int(PaymentFilter::Status::Failed);
    QTest::newRow("last 4") << QStringLiteral("1042") << int(PaymentFilter::Status::Any);
    QTest::newRow("id") << QStringLiteral("ch_00012") << int(PaymentFilter::Status::Any);
    QTest::newRow("nothing") << QStringLiteral("zzzz") << int(PaymentFilter::Status::Any);
}

void TestPaymentsModel::denseAndSparseSearchAgree()
{
    QFETCH(QString, search);
    QFETCH(int, status);
    PaymentFilter f;
    f.search = search;
    f.status = PaymentFilter::Status(status);
    QStringList results[2];
    for (bool dense : {false, true}) {
        QStringList parameters;
        const QString where = PaymentsTableModel::whereClause(f, &parameters, dense);
        sql::Statement s = m_cache.database().prepare(
            QStringLiteral("SELECT id FROM charges t WHERE deleted = 0 AND %1 ORDER BY created "
                           "DESC, id DESC")
                .arg(where));
        for (qsizetype i = 0; i < parameters.size(); ++i)
            s.bind(int(i + 1), parameters.at(i));
        while (s.step())
            results[dense].append(s.text(0));
    }
    QCOMPARE(results[1], results[0]);
    // And both equal what the model lists, whichever way it searches and counts.
    for (qint64 threshold : {4000, 20}) {
        PaymentsTableModel model;
        model.setDenseSearchThreshold(threshold);
        model.setCountLimit(30);
        QVERIFY(model.open(m_file));
        model.setFilter(f);
        const qint64 n = results[0].size();
        QCOMPARE(model.isTotalExact(), n <= 30);
        QCOMPARE(model.totalCount(), std::min<qint64>(n, 30));
        QCOMPARE(loaded(model), results[0]);
    }
}

QTEST_GUILESS_MAIN(TestPaymentsModel)
#include "tst_paymentsmodel.moc"
