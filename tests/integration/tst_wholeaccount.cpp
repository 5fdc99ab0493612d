#include "models/analytics/analytics.h"
#include "models/store/sqlitedb.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::models;
using namespace paydesk::models::analytics;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

// The cache holds the whole account, whatever an assumption would cut off: an account
// connected today whose objects are a year old, an invoice of 25 lines and a subscription of 15
// items (Stripe embeds 10 of each, the sandbox too), each fetched to the end by the real
// `paydesk sync` — and a tiny account costs one request per type, not a fixed set of slices.
class TestWholeAccount final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cache;
    qint64 m_now = 0;
    qint64 m_requests = 0;
    double m_seconds = 0;

    static QJsonObject price(const QString &id, qint64 amount)
    {
        return {{QStringLiteral("id"), id},
                {QStringLiteral("object"), QStringLiteral("price")},
                {QStringLiteral("unit_amount"), amount},
                {QStringLiteral("currency"), QStringLiteral("usd")},
                {QStringLiteral("type"), QStringLiteral("recurring")},
                {QStringLiteral("active"), true},
                {QStringLiteral("product"), QStringLiteral("prod_seat")},
                {QStringLiteral("livemode"), false},
                {QStringLiteral("recurring"),
                 QJsonObject {{QStringLiteral("interval"), QStringLiteral("month")},
                              {QStringLiteral("interval_count"), 1},
                              {QStringLiteral("usage_type"), QStringLiteral("licensed")}}}};
    }
    QString writeFixture()
    {
        // Everything a year older than the account, which was connected an hour ago.
        const qint64 old = m_now - 400 * 86400;
        const QDate today = QDateTime::fromSecsSinceEpoch(m_now, QTimeZone::utc()).date();
        const qint64 monthStart
            = QDate(today.year(), today.month(), 1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
        // The last invoice's period runs over the end of last month.
        const qint64 periodStart = monthStart - 20 * 86400, periodEnd = monthStart + 10 * 86400;
        QJsonArray items, lines;
        for (int i = 1; i <= 15; ++i)
            items.append(QJsonObject {
                {QStringLiteral("id"),
                 QStringLiteral("si_seat_%1").arg(i, 2, 10, QLatin1Char('0'))},
                {QStringLiteral("object"), QStringLiteral("subscription_item")},
                {QStringLiteral("created"), old},
                {QStringLiteral("quantity"), 1},
                {QStringLiteral("price"), price(QStringLiteral("price_seat_%1").arg(i), 100)},
                {QStringLiteral("subscription"), QStringLiteral("sub_big")}});
        for (int i = 1; i <= 25; ++i)
            lines.append(QJsonObject {
                {QStringLiteral("id"), QStringLiteral("il_big_%1").arg(i, 2, 10, QLatin1Char('0'))},
                {QStringLiteral("object"), QStringLiteral("line_item")},
                {QStringLiteral("amount"), 200},
                {QStringLiteral("amount_excluding_tax"), 200},
                {QStringLiteral("currency"), QStringLiteral("usd")},
                {QStringLiteral("description"), QStringLiteral("seat %1").arg(i)},
                {QStringLiteral("discount_amounts"), QJsonArray()},
                {QStringLiteral("period"),
                 QJsonObject {{QStringLiteral("start"), periodStart},
                              {QStringLiteral("end"), periodEnd}}},
                {QStringLiteral("price"), price(QStringLiteral("price_line_%1").arg(i), 200)},
                {QStringLiteral("proration"), false},
                {QStringLiteral("quantity"), 1},
                {QStringLiteral("subscription"), QStringLiteral("sub_big")},
                {QStringLiteral("type"), QStringLiteral("subscription")},
                {QStringLiteral("livemode"), false},
                {QStringLiteral("metadata"), QJsonObject()}});
        const QJsonObject subscription {
            {QStringLiteral("id"), QStringLiteral("sub_big")},
            {QStringLiteral("object"), QStringLiteral("subscription")},
            {QStringLiteral("customer"), QStringLiteral("cus_old")},
            {QStringLiteral("status"), QStringLiteral("active")},
            {QStringLiteral("currency"), QStringLiteral("usd")},
            {QStringLiteral("created"), old},
            {QStringLiteral("start_date"), old},
            {QStringLiteral("current_period_start"), periodStart},
            {QStringLiteral("current_period_end"), periodEnd},
            {QStringLiteral("cancel_at_period_end"), false},
            {QStringLiteral("collection_method"), QStringLiteral("charge_automatically")},
            {QStringLiteral("livemode"), false},
            {QStringLiteral("metadata"), QJsonObject()},
            {QStringLiteral("items"),
             QJsonObject {{QStringLiteral("object"), QStringLiteral("list")},
                          {QStringLiteral("data"), items},
                          {QStringLiteral("has_more"), false}}}};
        const QJsonObject invoice {{QStringLiteral("id"), QStringLiteral("in_big")},
                                   {QStringLiteral("object"), QStringLiteral("invoice")},
                                   {QStringLiteral("customer"), QStringLiteral("cus_old")},
                                   {QStringLiteral("subscription"), QStringLiteral("sub_big")},
                                   {QStringLiteral("status"), QStringLiteral("paid")},
                                   {QStringLiteral("currency"), QStringLiteral("usd")},
                                   {QStringLiteral("created"), periodStart},
                                   {QStringLiteral("period_start"), periodStart},
                                   {QStringLiteral("period_end"), periodStart},
                                   {QStringLiteral("amount_due"), 5000},
                                   {QStringLiteral("amount_paid"), 5000},
                                   {QStringLiteral("amount_remaining"), 0},
                                   {QStringLiteral("subtotal"), 5000},
                                   {QStringLiteral("total"), 5000},
                                   {QStringLiteral("paid"), true},
                                   {QStringLiteral("livemode"), false},
                                   {QStringLiteral("lines"),
                                    QJsonObject {{QStringLiteral("object"), QStringLiteral("list")},
                                                 {QStringLiteral("data"), lines},
                                                 {QStringLiteral("has_more"), false}}}};
        const QJsonObject fixture {
            {QStringLiteral("account"),
             QJsonObject {{QStringLiteral("id"), QStringLiteral("acct_connected_today")},
                          {QStringLiteral("object"), QStringLiteral("account")},
                          {QStringLiteral("country"), QStringLiteral("US")},
                          {QStringLiteral("default_currency"), QStringLiteral("usd")},
                          {QStringLiteral("created"), m_now - 3600}}},
            {QStringLiteral("customers"),
             QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("cus_old")},
                                      {QStringLiteral("object"), QStringLiteral("customer")},
                                      {QStringLiteral("created"), old - 86400},
                                      {QStringLiteral("email"), QStringLiteral("old@example.com")},
                                      {QStringLiteral("livemode"), false},
                                      {QStringLiteral("metadata"), QJsonObject()}}}},
            {QStringLiteral("subscriptions"), QJsonArray {subscription}},
            {QStringLiteral("invoices"), QJsonArray {invoice}}};
        const QString path = m_dir.filePath(QStringLiteral("whole.json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(QJsonDocument(fixture).toJson());
        return path;
    }

private Q_SLOTS:
    void initTestCase();
    void embeddedListsArePagedAsStripeDoes();
    void olderThanTheAccountIsKept();
    void everyLineAndItemIsCached();
    void aTinyAccountTakesOneRequestPerType();
};

void TestWholeAccount::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_now = QDateTime::currentSecsSinceEpoch();
    const QString fixture = writeFixture();
    QVERIFY(!fixture.isEmpty());
    PeerProcess sandbox(PeerProcess::sandbox({QStringLiteral("--fixture"), fixture}));
    QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
    HttpClient http(sandbox.baseUrl(), "sk_test_whole");

    // The sandbox embeds 10 of each list and pages the rest from the list's URL.
    const HttpClient::Response invoice = http.get(QStringLiteral("/v1/invoices/in_big"));
    QCOMPARE(invoice.status, 200);
    const QJsonObject embedded = invoice.json[QStringLiteral("lines")].toObject();
    QCOMPARE(embedded[QStringLiteral("data")].toArray().size(), 10);
    QVERIFY(embedded[QStringLiteral("has_more")].toBool());
    QCOMPARE(embedded[QStringLiteral("url")].toString(),
             QStringLiteral("/v1/invoices/in_big/lines"));
    const HttpClient::Response rest
        = http.get(QStringLiteral("/v1/invoices/in_big/lines?limit=100&starting_after=il_big_10"));
    QCOMPARE(rest.status, 200);
    QCOMPARE(rest.json[QStringLiteral("data")].toArray().size(), 15);
    QVERIFY(!rest.json[QStringLiteral("has_more")].toBool());
    const HttpClient::Response items
        = http.get(QStringLiteral("/v1/subscription_items?subscription=sub_big&limit=3"));
    QCOMPARE(items.json[QStringLiteral("data")].toArray().size(), 3);
    QVERIFY(items.json[QStringLiteral("has_more")].toBool());
    const qint64 before = http.get(QStringLiteral("/_sandbox/stats"))
                              .json[QStringLiteral("counters")][QStringLiteral("requests")]
                              .toInteger();

    // The real sync, at Stripe's test-mode rate.
    m_cache = m_dir.filePath(QStringLiteral("whole.sqlite"));
    QProcess sync;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("STRIPE_API_KEY"), QStringLiteral("sk_test_whole"));
    sync.setProcessEnvironment(env);
    QElapsedTimer timer;
    timer.start();
    sync.start(PeerProcess::paydeskBinary(),
               {QStringLiteral("sync"), QStringLiteral("--api-base"), sandbox.baseUrl().toString(),
                QStringLiteral("--cache"), m_cache, QStringLiteral("--rate-limit"),
                QStringLiteral("25")});
    QVERIFY(sync.waitForFinished(120000));
    m_seconds = double(timer.elapsed()) / 1000.0;
    QVERIFY2(sync.exitCode() == 0, sync.readAllStandardError().constData());
    m_requests = http.get(QStringLiteral("/_sandbox/stats"))
                     .json[QStringLiteral("counters")][QStringLiteral("requests")]
                     .toInteger()
        - before - 1; // Less the stats request itself.
    qInfo("first backfill of the tiny account: %lld requests in %.2f s at 25 requests/s",
          m_requests, m_seconds);
}

void TestWholeAccount::embeddedListsArePagedAsStripeDoes()
{
    // Checked in initTestCase(), before the sync: here the cache's raw JSON is whole.
    sql::Database db;
    QVERIFY(db.open(m_cache, false));
    sql::Statement s = db.prepare(QStringLiteral(
        "SELECT json_array_length(raw, '$.lines.data'), json_extract(raw, '$.lines.has_more') "
        "FROM invoices WHERE id = 'in_big'"));
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), 25);
    QCOMPARE(s.int64(1), 0);
}

void TestWholeAccount::olderThanTheAccountIsKept()
{
    sql::Database db;
    QVERIFY(db.open(m_cache, false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM customers WHERE id = 'cus_old'")), 1);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM subscriptions WHERE id = 'sub_big'")),
             1);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM invoices WHERE id = 'in_big'")), 1);
}

void TestWholeAccount::everyLineAndItemIsCached()
{
    sql::Database db;
    QVERIFY(db.open(m_cache, false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM invoice_lines WHERE invoice = "
                                      "'in_big' AND deleted = 0")),
             25);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM subscription_items WHERE "
                                      "subscription = 'sub_big'")),
             15);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM refetch_queue")), 0);
    // MRR counts them all: 15 × $1.00 now, 25 × $2.00 at the end of last month.
    const QList<MrrRow> now = mrr(db, m_now, QStringLiteral("usd"));
    QCOMPARE(now.size(), 1);
    QCOMPARE(now.first().mrr, 1500);
    const QDate today = QDateTime::fromSecsSinceEpoch(m_now, QTimeZone::utc()).date();
    const QDate thisMonth(today.year(), today.month(), 1);
    Range r;
    r.from = thisMonth.addMonths(-1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
    r.to = today.addDays(1).startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
    r.currency = QStringLiteral("usd");
    r.asOf = m_now;
    const MrrHistory h = mrrHistory(db, r);
    QCOMPARE(h.months.size(), 2);
    QCOMPARE(h.months.first().mrr, 5000);
    QCOMPARE(h.months.last().mrr, 1500);
    QCOMPARE(h.months.last().contraction, 3500);
}

void TestWholeAccount::aTinyAccountTakesOneRequestPerType()
{
    // The account, the newest event, one probe per listed type (15, with payouts, early fraud
    // warnings and reviews), the balance, payment methods of the one customer, the two objects
    // with long lists fetched again and their next page (4), then the events and balance
    // transactions since: about 24, never a fixed 10 slices a type.
    QVERIFY2(m_requests > 0 && m_requests <= 24, qPrintable(QString::number(m_requests)));
}

QTEST_GUILESS_MAIN(TestWholeAccount)
#include "tst_wholeaccount.moc"
