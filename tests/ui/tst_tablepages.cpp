#include "models/money.h"
#include "models/store/cache.h"
#include "models/views/objectdetail.h"
#include "tests/support/democache.h"
#include "ui/connectpage.h"
#include "ui/detailpanel.h"
#include "ui/listpage.h"
#include "ui/mainwindow.h"
#include "ui/paymentspage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

using namespace paydesk;
using namespace Qt::StringLiterals;
using Kind = models::ListTableModel::Kind;

// The table pages, detail panels, global search and connect screen offscreen, on a cache of
// the demo merchant; what they show is checked against the cache with SQL written here.
class TestTablePages final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    models::Cache m_cache;

    QString one(const QString &sql)
    {
        models::sql::Statement s = m_cache.database().prepare(sql);
        return s.step() ? s.text(0) : QString();
    }
    qint64 number(const QString &sql) { return m_cache.database().scalar(sql); }
    static QString countText(QWidget *page, const QString &key)
    {
        return page->findChild<QLabel *>(key + QStringLiteral("Count"))->text();
    }

private Q_SLOTS:
    void initTestCase();
    void everyPageShowsItsRows_data();
    void everyPageShowsItsRows();
    void filtersShowAsChipsThatRemoveThem();
    void customDateRange();
    void paymentDetailHasFeeTimelineAndMethod();
    void tableIsOneTabStop();
    void customerDetailLinksOpenTheirPage();
    void subscriptionDetail();
    void invoiceDetailShowsEveryLine();
    void pausedAndEndingSubscriptionsSayIt();
    void customerActionsFitTheSmallestWindow();
    void copyAndExport();
    void columnsPersist();
    void globalSearch();
    void hostileTextInEverySearchBox();
    void connectScreenChecksTheKey_data();
    void connectScreenChecksTheKey();
};

void TestTablePages::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // The screenshots in the dark palette too: PAYDESK_SCREENSHOT_THEME=dark.
    if (qEnvironmentVariable("PAYDESK_SCREENSHOT_THEME") == QLatin1String("dark"))
        ui::theme::apply(ui::theme::Mode::Dark);
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("ui.sqlite"));
    QVERIFY(testsupport::fillDemoCache(m_file, 3000, 1763800000) > 0);
    QVERIFY(m_cache.open(m_file));
}

void TestTablePages::everyPageShowsItsRows_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("noun");
    QTest::newRow("customers") << int(Kind::Customers) << QStringLiteral("customers");
    QTest::newRow("subscriptions") << int(Kind::Subscriptions) << QStringLiteral("subscriptions");
    QTest::newRow("disputes") << int(Kind::Disputes) << QStringLiteral("disputes");
    QTest::newRow("invoices") << int(Kind::Invoices) << QStringLiteral("invoices");
    QTest::newRow("refunds") << int(Kind::Refunds) << QStringLiteral("refunds");
    QTest::newRow("prices") << int(Kind::Prices) << QStringLiteral("prices");
    QTest::newRow("coupons") << int(Kind::Coupons) << QStringLiteral("coupons");
}

void TestTablePages::everyPageShowsItsRows()
{
    QFETCH(int, kind);
    QFETCH(QString, noun);
    ui::ListPage page {Kind(kind)};
    page.resize(1200, 700);
    page.show();
    const QString key = ui::ListPage::key(Kind(kind));
    QCOMPARE(page.findChild<QStackedWidget *>(key + QStringLiteral("Body"))
                 ->currentWidget()
                 ->objectName(),
             key + QStringLiteral("Empty"));
    page.setCache(m_file);
    const qint64 total
        = number(QStringLiteral("SELECT count(*) FROM %1 WHERE deleted = 0").arg(key));
    QCOMPARE(countText(&page, key), QStringLiteral("%1 %2").arg(QLocale().toString(total), noun));
    QCOMPARE(page.findChild<QStackedWidget *>(key + QStringLiteral("Body"))->currentWidget(),
             page.table());
    // Newest first, as the Dashboard lists them.
    // (Disputes: the soonest deadline of those that need a response first.)
    QCOMPARE(page.table()->model()->index(0, 0).data(models::CacheTableModel::IdRole).toString(),
             one(QStringLiteral("SELECT id FROM %1 WHERE deleted = 0 ORDER BY %2 LIMIT 1")
                     .arg(key,
                          Kind(kind) == Kind::Disputes
                              ? QStringLiteral("CASE WHEN status IN ('needs_response', "
                                               "'warning_needs_response') THEN coalesce(due_by, "
                                               "0) ELSE 100000000000 - created END ASC, id ASC")
                              : QStringLiteral("created DESC, id DESC"))));
    // Its newest object's detail opens.
    const QString newest
        = page.table()->model()->index(0, 0).data(models::CacheTableModel::IdRole).toString();
    page.showObject(newest);
    QVERIFY(page.detailPanel()->detail().found);
    QVERIFY(!page.detailPanel()->detail().title.isEmpty());
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS")) {
        page.resize(1024, 640);
        QVERIFY(page.grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS") + u"/page-"_s + key
                                 + u".png"_s));
    }
    // Search that matches nothing: says so.
    page.searchField()->setText(QStringLiteral("zzzzqqqq"));
    QTRY_COMPARE(page.findChild<QStackedWidget *>(key + QStringLiteral("Body"))
                     ->currentWidget()
                     ->objectName(),
                 key + QStringLiteral("Empty"));
    QVERIFY(page.findChild<QLabel *>(key + QStringLiteral("Empty"))
                ->text()
                .contains(QStringLiteral("match")));
}

void TestTablePages::filtersShowAsChipsThatRemoveThem()
{
    ui::ListPage page {Kind::Subscriptions};
    page.setCache(m_file);
    QVERIFY(page.chipTexts().isEmpty());
    auto *status = page.findChild<QComboBox *>(QStringLiteral("statusFilter"));
    auto *range = page.findChild<QComboBox *>(QStringLiteral("rangeFilter"));
    status->setCurrentIndex(status->findData(QStringLiteral("canceled")));
    range->setCurrentIndex(range->findText(QStringLiteral("Last 12 months")));
    QCOMPARE(page.chipTexts(),
             (QStringList {QStringLiteral("Date: Last 12 months"), QStringLiteral("Canceled")}));
    const qint64 canceled
        = number(QStringLiteral("SELECT count(*) FROM subscriptions WHERE status = 'canceled'"));
    QVERIFY(page.model()->totalCount() <= canceled);
    page.removeChip(0);
    QCOMPARE(range->currentIndex(), 0);
    QCOMPARE(page.chipTexts(), QStringList {QStringLiteral("Canceled")});
    QCOMPARE(page.model()->totalCount(), canceled);
    QCOMPARE(countText(&page, QStringLiteral("subscriptions")),
             QStringLiteral("%1 subscriptions").arg(canceled));
    page.removeChip(0);
    QVERIFY(page.chipTexts().isEmpty());
    QCOMPARE(page.model()->totalCount(),
             number(QStringLiteral("SELECT count(*) FROM subscriptions")));

    // Payments: brand, country and risk filters and the customer chip.
    ui::PaymentsPage payments;
    payments.setCache(m_file);
    auto *brand = payments.findChild<QComboBox *>(QStringLiteral("brandFilter"));
    QVERIFY(brand->count() > 2);
    brand->setCurrentIndex(brand->findData(QStringLiteral("visa")));
    auto *risk = payments.findChild<QComboBox *>(QStringLiteral("riskFilter"));
    risk->setCurrentIndex(risk->findData(QStringLiteral("elevated")));
    QCOMPARE(
        payments.model()->totalCount(),
        number(QStringLiteral(
            "SELECT count(*) FROM charges WHERE card_brand = 'visa' AND risk_level = 'elevated'")));
    const QString customer
        = one(QStringLiteral("SELECT customer FROM charges WHERE customer IS NOT NULL LIMIT 1"));
    payments.filterByCustomer(customer, QStringLiteral("Ada"));
    QCOMPARE(payments.chipTexts().last(), QStringLiteral("Customer: Ada"));
    payments.removeChip(2);
    payments.removeChip(1);
    payments.removeChip(0);
    QVERIFY(payments.chipTexts().isEmpty());
    QCOMPARE(payments.model()->totalCount(),
             std::min<qint64>(10000, number(QStringLiteral("SELECT count(*) FROM charges"))));
}

void TestTablePages::customDateRange()
{
    ui::PaymentsPage page;
    page.setCache(m_file);
    auto *range = page.findChild<QComboBox *>(QStringLiteral("rangeFilter"));
    auto *from = page.findChild<QDateEdit *>(QStringLiteral("rangeFrom"));
    auto *to = page.findChild<QDateEdit *>(QStringLiteral("rangeTo"));
    range->setCurrentIndex(range->findText(QStringLiteral("Custom…")));
    from->setDate(QDate(2025, 10, 1));
    to->setDate(QDate(2025, 10, 31));
    const qint64 start = QDate(2025, 10, 1).startOfDay().toSecsSinceEpoch();
    const qint64 end = QDate(2025, 11, 1).startOfDay().toSecsSinceEpoch();
    QCOMPARE(
        page.model()->totalCount(),
        number(QStringLiteral("SELECT count(*) FROM charges WHERE created >= %1 AND created < %2")
                   .arg(start)
                   .arg(end)));
    QVERIFY(page.model()->totalCount() > 0);
    QVERIFY(page.chipTexts().first().startsWith(QStringLiteral("Date: 10/1/25")));
}

void TestTablePages::tableIsOneTabStop()
{
    // Arrows move between rows; Tab leaves the table (it used to walk the cells and scroll the
    // Amount column out of sight).
    ui::PaymentsPage page;
    page.resize(1024, 640);
    page.show();
    page.setCache(m_file);
    QApplication::setActiveWindow(&page);
    QVERIFY(QTest::qWaitForWindowActive(&page));
    QTableView *table = page.table();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, 0));
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_Down);
    QCOMPARE(table->currentIndex().row(), 1);
    QCOMPARE(table->currentIndex().column(), 0);
    QTest::keyClick(table, Qt::Key_Tab);
    QTRY_VERIFY(!table->hasFocus());
    QCOMPARE(table->horizontalScrollBar()->value(), 0);
    // With a payment shown, Tab goes from the table to its actions in screen order.
    const QString id = one(QStringLiteral(
        "SELECT id FROM charges WHERE status = 'succeeded' AND refunded = 0 LIMIT 1"));
    page.showObject(id);
    // Twice: as shown, and after the actions were made again (their availability changed).
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1)
            page.detailPanel()->setActionReasons({});
        // (Buttons added to a shown layout become visible on the next turn of the event loop.)
        QTRY_VERIFY(page.detailPanel()->actionButton(QStringLiteral("refund"))->isVisible());
        table->setFocus();
        QTRY_VERIFY(table->hasFocus());
        QStringList order;
        for (int i = 0; i < 4; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            order.append(QApplication::focusWidget()->objectName());
        }
        // (Without an outbox the refund is off, and Tab passes over a disabled button.)
        QStringList expected {QStringLiteral("detailCopyId"), QStringLiteral("detailDashboard"),
                              QStringLiteral("qt_tabwidget_tabbar"),
                              QStringLiteral("detailOverview")};
        if (page.detailPanel()->actionButton(QStringLiteral("refund"))->isEnabled())
            expected = QStringList {QStringLiteral("detailAction_refund")} + expected.mid(0, 3);
        QCOMPARE(order, expected);
    }
}

void TestTablePages::paymentDetailHasFeeTimelineAndMethod()
{
    ui::PaymentsPage page;
    page.resize(1300, 800);
    page.show();
    page.setCache(m_file);
    // A refunded card payment presented in another currency than it settled in.
    const QString id = one(QStringLiteral(
        "SELECT c.id FROM charges c JOIN balance_transactions b ON b.id = c.balance_transaction "
        "JOIN refunds r ON r.charge = c.id WHERE c.card_last4 IS NOT NULL AND c.currency <> "
        "b.currency AND c.refunded = 0 LIMIT 1"));
    QVERIFY(!id.isEmpty());
    page.showObject(id);
    ui::DetailPanel *panel = page.detailPanel();
    QVERIFY(panel->isVisible());
    const models::ObjectDetail &d = panel->detail();
    QVERIFY(d.found);
    QCOMPARE(d.id, id);
    models::sql::Statement s = m_cache.database().prepare(
        QStringLiteral("SELECT b.fee, b.amount, b.currency, c.amount, c.currency, c.card_last4, "
                       "(SELECT count(*) FROM refunds WHERE charge = c.id), b.exchange_rate FROM "
                       "charges c JOIN balance_transactions b ON b.id = c.balance_transaction "
                       "WHERE c.id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(d.title, models::Money(s.int64(3), s.text(4)).toLabelledString());
    QMap<QString, QString> summary;
    for (const auto &f : d.sections.at(0).fields)
        summary.insert(f.label, f.value);
    // Amount as presented, what it settled as at which rate, and fee in the settlement currency.
    QCOMPARE(summary.value(QStringLiteral("Amount")),
             models::Money(s.int64(3), s.text(4)).toLabelledString());
    QCOMPARE(summary.value(QStringLiteral("Converted")),
             models::Money(s.int64(1), s.text(2)).toLabelledString());
    QCOMPARE(
        summary.value(QStringLiteral("Exchange rate")),
        QStringLiteral("1 %1 = %2 %3")
            .arg(s.text(4).toUpper(), QLocale().toString(s.real(7), 'g', 6), s.text(2).toUpper()));
    // What the merchant keeps: the sum of every balance transaction of the payment, its refunds
    // and its disputes, not the charge's net alone.
    models::sql::Statement nets = m_cache.database().prepare(QStringLiteral(
        "SELECT sum(net), sum(fee), sum(CASE WHEN source <> ?1 THEN amount END) FROM "
        "balance_transactions WHERE source = ?1 OR source IN (SELECT id FROM refunds WHERE "
        "charge = ?1) OR source IN (SELECT id FROM disputes WHERE charge = ?1)"));
    nets.bind(1, id);
    QVERIFY(nets.step());
    const qint64 chargeNet = s.int64(1) - s.int64(0);
    QVERIFY2(nets.int64(0) < chargeNet, "a refunded payment keeps less than its charge's net");
    QCOMPARE(summary.value(QStringLiteral("Net")),
             models::Money(nets.int64(0), s.text(2)).toLabelledString());
    QCOMPARE(summary.value(QStringLiteral("Fee")),
             models::Money(nets.int64(1), s.text(2)).toLabelledString());
    QVERIFY(summary.value(QStringLiteral("Refunds")).startsWith(u'-'));
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS")) {
        panel->window()->resize(1280, 720);
        QVERIFY(panel->window()->grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS")
                                             + QStringLiteral("/payment-eur-usd.png")));
    }
    const auto timeline = std::find_if(d.sections.cbegin(), d.sections.cend(), [](const auto &x) {
        return x.title == QLatin1String("Timeline");
    });
    QVERIFY(timeline != d.sections.cend());
    const qint64 refunds
        = std::count_if(timeline->fields.cbegin(), timeline->fields.cend(), [](const auto &f) {
              return f.value.startsWith(QLatin1String("Refund of"));
          });
    QCOMPARE(refunds, s.int64(6));
    const QString html = panel->overviewHtml();
    QVERIFY(html.contains(QStringLiteral("•••• ") + s.text(5)));
    QVERIFY(html.contains(QStringLiteral("Radar")));
    // The JSON tab holds the cached object.
    auto *json = panel->findChild<QPlainTextEdit *>(QStringLiteral("detailJson"));
    QVERIFY(json->toPlainText().contains(QStringLiteral("\"id\": \"%1\"").arg(id)));
    // A disputed payment: the dispute and the money it moved are on the timeline.
    const QString disputed = one(QStringLiteral(
        "SELECT charge FROM disputes WHERE json_array_length(raw, '$.balance_transactions') > 0 "
        "LIMIT 1"));
    QVERIFY(!disputed.isEmpty());
    page.showObject(disputed);
    const auto &dd = panel->detail();
    const auto disputeTimeline
        = std::find_if(dd.sections.cbegin(), dd.sections.cend(),
                       [](const auto &x) { return x.title == QLatin1String("Timeline"); });
    QVERIFY(disputeTimeline != dd.sections.cend());
    QVERIFY(
        std::any_of(disputeTimeline->fields.cbegin(), disputeTimeline->fields.cend(),
                    [](const auto &f) { return f.value.startsWith(QLatin1String("Dispute of")); }));
    QVERIFY(
        std::any_of(disputeTimeline->fields.cbegin(), disputeTimeline->fields.cend(),
                    [](const auto &f) { return f.value.contains(QLatin1String(" withdrawn")); }));
    // Unknown ids say so instead of showing stale data.
    QVERIFY(!panel->showObject(QStringLiteral("charges"), QStringLiteral("ch_missing")));
    QVERIFY(panel->findChild<QLabel *>(QStringLiteral("detailSubtitle"))
                ->text()
                .contains(QStringLiteral("not in the local cache")));
}

void TestTablePages::customerDetailLinksOpenTheirPage()
{
    ui::MainWindow window({QStringLiteral("Demo"), true, true});
    window.resize(1300, 800);
    window.show();
    window.setCache(m_file);
    const QString charge = one(QStringLiteral(
        "SELECT id FROM charges WHERE customer IS NOT NULL AND status = 'succeeded' LIMIT 1"));
    QVERIFY(window.openObject(QStringLiteral("charges"), charge));
    QCOMPARE(window.currentPage(), ui::MainWindow::Page::Payments);
    ui::DetailPanel *panel = window.paymentsPage()->detailPanel();
    // Following the customer link of the payment.
    QSignalSpy spy(panel, &ui::DetailPanel::openObject);
    auto *browser = panel->findChild<QTextBrowser *>(QStringLiteral("detailOverview"));
    const QString customer
        = one(QStringLiteral("SELECT customer FROM charges WHERE id = '%1'").arg(charge));
    QVERIFY(browser->toHtml().contains(QStringLiteral("paydesk:/customers/") + customer));
    Q_EMIT browser->anchorClicked(QUrl(QStringLiteral("paydesk:/customers/") + customer));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(window.currentPage(), ui::MainWindow::Page::Customers);
    ui::TablePage *customers = window.tablePage(ui::MainWindow::Page::Customers);
    const models::ObjectDetail &d = customers->detailPanel()->detail();
    QCOMPARE(d.id, customer);
    // Lifetime spend per currency equals the succeeded charges less refunds.
    models::sql::Statement s = m_cache.database().prepare(QStringLiteral(
        "SELECT currency, sum(amount - amount_refunded) FROM charges WHERE customer = ?1 AND "
        "status = 'succeeded' GROUP BY currency ORDER BY 2 DESC LIMIT 1"));
    s.bind(1, customer);
    QVERIFY(s.step());
    const auto spend = std::find_if(d.sections.cbegin(), d.sections.cend(), [](const auto &x) {
        return x.title == QLatin1String("Lifetime spend");
    });
    QVERIFY(spend != d.sections.cend());
    QVERIFY2(spend->fields.first().value.startsWith(
                 models::Money(s.int64(1), s.text(0)).toLabelledString()),
             qPrintable(spend->fields.first().value));
}

void TestTablePages::subscriptionDetail()
{
    ui::ListPage page {Kind::Subscriptions};
    page.setCache(m_file);
    const QString id = one(QStringLiteral("SELECT subscription FROM subscription_items GROUP BY "
                                          "subscription HAVING count(*) >= 1 LIMIT 1"));
    page.showObject(id);
    const models::ObjectDetail &d = page.detailPanel()->detail();
    QCOMPARE(d.id, id);
    models::sql::Statement s = m_cache.database().prepare(QStringLiteral(
        "SELECT sum(i.unit_amount * i.quantity), s.currency, s.status, (SELECT count(*) FROM "
        "invoices WHERE subscription = s.id) FROM subscription_items i JOIN subscriptions s ON "
        "s.id = i.subscription WHERE s.id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(d.title, models::Money(s.int64(0), s.text(1)).toLabelledString());
    QCOMPARE(d.status, s.text(2));
    const auto invoices = std::find_if(d.sections.cbegin(), d.sections.cend(), [](const auto &x) {
        return x.title == QLatin1String("Invoices");
    });
    QVERIFY(invoices != d.sections.cend());
    QCOMPARE(qint64(invoices->fields.size()), std::clamp<qint64>(s.int64(3), 1, 24));
}

// An invoice of 25 lines (more than Stripe embeds), one discounted, one taxed, one a proration,
// paid on the second attempt: the detail lists every line in Stripe's order with the totals,
// the status history in time order, both attempts and the hosted page and PDF as links.
void TestTablePages::invoiceDetailShowsEveryLine()
{
    const QString customer = one(QStringLiteral("SELECT id FROM customers LIMIT 1"));
    const qint64 t0 = 1763000000;
    QJsonArray lines;
    qint64 subtotal = 0;
    for (int i = 0; i < 25; ++i) {
        const qint64 quantity = 1 + i % 3;
        const qint64 unit = 1000 + 25 * i;
        QJsonObject line {
            {u"id"_s, u"il_t%1"_s.arg(i, 2, 10, QLatin1Char('0'))},
            {u"object"_s, u"line_item"_s},
            {u"amount"_s, quantity * unit},
            {u"currency"_s, u"usd"_s},
            {u"description"_s, u"Seat pack %1"_s.arg(i + 1)},
            {u"quantity"_s, quantity},
            {u"proration"_s, i == 24},
            {u"period"_s, QJsonObject {{u"start"_s, t0}, {u"end"_s, t0 + 86400 * 30}}},
            {u"price"_s, QJsonObject {{u"id"_s, u"price_t%1"_s.arg(i)}, {u"unit_amount"_s, unit}}}};
        if (i == 3)
            line.insert(u"discount_amounts"_s,
                        QJsonArray {QJsonObject {{u"amount"_s, 500}, {u"discount"_s, u"di_1"_s}}});
        if (i == 4)
            line.insert(u"tax_amounts"_s, QJsonArray {QJsonObject {{u"amount"_s, 210}}});
        subtotal += quantity * unit;
        lines.append(line);
    }
    const qint64 total = subtotal - 500 + 210;
    const QString id = u"in_twentyfivelines"_s;
    const QJsonObject invoice {
        {u"id"_s, id},
        {u"object"_s, u"invoice"_s},
        {u"created"_s, t0},
        {u"customer"_s, customer},
        {u"currency"_s, u"usd"_s},
        {u"status"_s, u"paid"_s},
        {u"number"_s, u"TWENTYFI-0001"_s},
        {u"collection_method"_s, u"charge_automatically"_s},
        {u"subtotal"_s, subtotal},
        {u"tax"_s, 210},
        {u"total"_s, total},
        {u"amount_due"_s, total},
        {u"amount_paid"_s, total},
        {u"amount_remaining"_s, 0},
        {u"payment_intent"_s, u"pi_twentyfive"_s},
        {u"charge"_s, u"ch_twentyfive_ok"_s},
        {u"hosted_invoice_url"_s, u"https://invoice.stripe.com/i/in_twentyfivelines"_s},
        {u"invoice_pdf"_s, u"https://pay.stripe.com/invoice/in_twentyfivelines/pdf"_s},
        {u"total_discount_amounts"_s, QJsonArray {QJsonObject {{u"amount"_s, 500}}}},
        {u"status_transitions"_s,
         QJsonObject {{u"paid_at"_s, t0 + 7200}, {u"finalized_at"_s, t0 + 3600}}},
        {u"lines"_s,
         QJsonObject {{u"object"_s, u"list"_s},
                      {u"data"_s, lines},
                      {u"has_more"_s, false},
                      {u"url"_s, u"/v1/invoices/%1/lines"_s.arg(id)}}}};
    QCOMPARE(m_cache.upsert(invoice, 1), models::Cache::Write::Written);
    for (const auto &[charge, status, at] :
         {std::tuple {u"ch_twentyfive_no"_s, u"failed"_s, t0 + 3700},
          std::tuple {u"ch_twentyfive_ok"_s, u"succeeded"_s, t0 + 7200}}) {
        QJsonObject c {{u"id"_s, charge},         {u"object"_s, u"charge"_s},
                       {u"created"_s, at},        {u"amount"_s, total},
                       {u"currency"_s, u"usd"_s}, {u"status"_s, status},
                       {u"customer"_s, customer}, {u"payment_intent"_s, u"pi_twentyfive"_s}};
        if (status == QLatin1String("failed"))
            c.insert(u"failure_message"_s, u"Your card was declined."_s);
        QCOMPARE(m_cache.upsert(c, 1), models::Cache::Write::Written);
    }

    ui::ListPage page {Kind::Invoices};
    page.setCache(m_file);
    page.showObject(id);
    const models::ObjectDetail &d = page.detailPanel()->detail();
    QCOMPARE(d.id, id);
    auto section = [&](const QString &title) {
        const auto it = std::find_if(d.sections.cbegin(), d.sections.cend(),
                                     [&](const auto &x) { return x.title == title; });
        return it == d.sections.cend() ? QList<models::DetailField>() : it->fields;
    };
    auto usd = [](qint64 amount) {
        return models::Money(amount, u"usd"_s).toLabelledString();
    };
    const QList<models::DetailField> shown = section(u"Lines (25)"_s);
    QCOMPARE(shown.size(), 25);
    for (int i = 0; i < 25; ++i) {
        QCOMPARE(shown.at(i).label, u"Seat pack %1"_s.arg(i + 1));
        const qint64 quantity = 1 + i % 3, unit = 1000 + 25 * i;
        QVERIFY2(shown.at(i).value.contains(u"%1 × %2"_s.arg(quantity).arg(usd(unit))),
                 qPrintable(shown.at(i).value));
        QVERIFY(shown.at(i).value.contains(usd(quantity * unit)));
        QCOMPARE(shown.at(i).value.contains(u"proration"_s), i == 24);
    }
    QVERIFY(shown.at(3).value.contains(u"discount −"_s + usd(500)));
    QVERIFY(shown.at(4).value.contains(u"tax "_s + usd(210)));
    QHash<QString, QString> totals;
    for (const models::DetailField &f : section(u"Totals"_s))
        totals.insert(f.label, f.value);
    QCOMPARE(totals.value(u"Subtotal"_s), usd(subtotal));
    QCOMPARE(totals.value(u"Discounts"_s), u"−"_s + usd(500));
    QCOMPARE(totals.value(u"Tax"_s), usd(210));
    QCOMPARE(totals.value(u"Total"_s), usd(total));
    QCOMPARE(totals.value(u"Amount paid"_s), usd(total));
    QCOMPARE(totals.value(u"Amount remaining"_s), usd(0));
    QStringList history;
    for (const models::DetailField &f : section(u"Status history"_s))
        history.append(f.value);
    QCOMPARE(history, (QStringList {u"Created as a draft"_s, u"Finalized"_s, u"Paid"_s}));
    const QList<models::DetailField> attempts = section(u"Payment attempts"_s);
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.at(0).link, u"charges/ch_twentyfive_no"_s);
    QVERIFY(attempts.at(0).value.contains(u"Your card was declined."_s));
    QCOMPARE(attempts.at(1).link, u"charges/ch_twentyfive_ok"_s);
    const QString html = page.detailPanel()->overviewHtml();
    QVERIFY(html.contains(u"href=\"https://invoice.stripe.com/i/in_twentyfivelines\""_s));
    QVERIFY(html.contains(u"href=\"https://pay.stripe.com/invoice/in_twentyfivelines/pdf\""_s));
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS")) {
        page.resize(1280, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS")
                                 + u"/invoice-25-lines.png"_s));
    }
}

// The Subscriptions page shows a live subscription whose collection is paused as "Paused" and
// one set to end as "Cancels <day>", in the table a person reads.
void TestTablePages::pausedAndEndingSubscriptionsSayIt()
{
    const QString paused = one(
        u"SELECT id FROM subscriptions WHERE status = 'active' AND deleted = 0 AND cancel_at IS "
        u"NULL AND pause_behavior IS NULL ORDER BY created DESC, id DESC LIMIT 1"_s);
    const QString ending = one(
        u"SELECT id FROM subscriptions WHERE status = 'active' AND deleted = 0 AND cancel_at IS "
        u"NULL AND pause_behavior IS NULL AND id <> '%1' ORDER BY created DESC, id DESC LIMIT 1"_s
            .arg(paused));
    QVERIFY(!paused.isEmpty() && !ending.isEmpty());
    const QDateTime at(QDate(QDate::currentDate().year(), 12, 28), QTime(12, 0));
    m_cache.database().exec(u"UPDATE subscriptions SET pause_behavior = 'keep_as_draft' WHERE id = "
                            u"'%1'; UPDATE subscriptions SET cancel_at = %2, cancel_at_period_end "
                            u"= 1 WHERE id = '%3'"_s.arg(paused)
                                .arg(at.toSecsSinceEpoch())
                                .arg(ending));
    auto restore = qScopeGuard([&] {
        m_cache.database().exec(
            u"UPDATE subscriptions SET pause_behavior = NULL, cancel_at = "
            u"NULL, cancel_at_period_end = 0 WHERE id IN ('%1', '%2')"_s.arg(paused, ending));
    });
    ui::ListPage page {Kind::Subscriptions};
    page.setCache(m_file);
    QAbstractItemModel *model = page.table()->model();
    QHash<QString, QString> shown;
    for (int row = 0; row < model->rowCount(); ++row)
        shown.insert(model->index(row, 0).data(models::CacheTableModel::IdRole).toString(),
                     model->index(row, 1).data().toString());
    QCOMPARE(shown.value(paused), u"Paused"_s);
    QCOMPARE(shown.value(ending), u"Cancels 28 Dec"_s);
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS")) {
        page.resize(1280, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS")
                                 + u"/subscriptions-paused.png"_s));
    }
    // A subscription in its trial has five actions: every button whole and inside the panel,
    // at the smallest window size too.
    const QString trialing = one(u"SELECT id FROM subscriptions WHERE status = 'trialing' AND "
                                 u"deleted = 0 ORDER BY id LIMIT 1"_s);
    QVERIFY(!trialing.isEmpty());
    page.resize(1024, 640);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.showObject(trialing);
    QCoreApplication::processEvents();
    const QStringList actions {u"subscription.cancel"_s, u"subscription.update"_s,
                               u"subscription.pause"_s, u"subscription.trial"_s,
                               u"subscription.coupon"_s};
    ui::DetailPanel *panel = page.detailPanel();
    for (const QString &action : actions) {
        QPushButton *b = panel->actionButton(action);
        QVERIFY2(b && b->isVisible(), qPrintable(action));
        QVERIFY2(b->width() >= b->sizeHint().width(), qPrintable(action));
        const QRect inPanel(b->mapTo(panel, QPoint(0, 0)), b->size());
        QVERIFY2(panel->rect().contains(inPanel), qPrintable(action));
    }
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS"))
        QVERIFY(page.grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS")
                                 + u"/subscription-trial-actions-1024.png"_s));
}

// A customer's actions (edit, delete, create an invoice) are whole and inside the detail panel
// at the smallest window size.
void TestTablePages::customerActionsFitTheSmallestWindow()
{
    const QString customer
        = one(u"SELECT id FROM customers WHERE deleted = 0 ORDER BY id LIMIT 1"_s);
    QVERIFY(!customer.isEmpty());
    ui::ListPage page {Kind::Customers};
    page.setCache(m_file);
    page.resize(1024, 640);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.showObject(customer);
    QCoreApplication::processEvents();
    ui::DetailPanel *panel = page.detailPanel();
    for (const QString &action : {u"customer.edit"_s, u"customer.delete"_s, u"invoice.create"_s}) {
        QPushButton *b = panel->actionButton(action);
        QVERIFY2(b && b->isVisible(), qPrintable(action));
        QVERIFY2(b->width() >= b->sizeHint().width(), qPrintable(action));
        const QRect inPanel(b->mapTo(panel, QPoint(0, 0)), b->size());
        QVERIFY2(panel->rect().contains(inPanel), qPrintable(action));
    }
    QCOMPARE(panel->actionButton(u"invoice.create"_s)->text(), u"Create invoice…"_s);
    if (!qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS"))
        QVERIFY(page.grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS")
                                 + u"/customer-actions-1024.png"_s));
}

void TestTablePages::copyAndExport()
{
    ui::ListPage page {Kind::Refunds};
    page.resize(1200, 700);
    page.show();
    page.setCache(m_file);
    page.table()->selectRow(0);
    page.table()->selectionModel()->select(page.model()->index(1, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    page.table()->setFocus();
    QTest::keySequence(page.table(), QKeySequence::Copy);
    const QStringList lines = QApplication::clipboard()->text().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.first().startsWith(QStringLiteral("ID\tAmount\tStatus")));
    QVERIFY(lines.at(1).startsWith(page.model()->idAt(0) + u'\t'));
    QVERIFY(lines.at(2).startsWith(page.model()->idAt(1) + u'\t'));

    const QString file = m_dir.filePath(QStringLiteral("refunds.csv"));
    QString error;
    const qint64 n = page.exportView(file, models::CacheTableModel::Format::Csv, &error);
    QCOMPARE(n, number(QStringLiteral("SELECT count(*) FROM refunds")));
    QFile csv(file);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), n + 1);
    // Into a directory that does not exist: an error, no file.
    QCOMPARE(page.exportView(m_dir.filePath(QStringLiteral("nope/x.csv")),
                             models::CacheTableModel::Format::Csv, &error),
             -1);
    QVERIFY(!error.isEmpty());
}

void TestTablePages::columnsPersist()
{
    {
        ui::ListPage page {Kind::Invoices};
        page.setCache(m_file);
        QHeaderView *header = page.table()->horizontalHeader();
        header->setSectionHidden(3, true);
        header->moveSection(0, 2);
        header->resizeSection(1, 222);
        QTRY_VERIFY(QSettings().contains(QStringLiteral("tables/invoices/header")));
        // A filter or sort change keeps the layout.
        page.table()->sortByColumn(0, Qt::AscendingOrder);
        QVERIFY(header->isSectionHidden(3));
        QCOMPARE(header->visualIndex(0), 2);
    }
    ui::ListPage again {Kind::Invoices};
    again.setCache(m_file);
    QHeaderView *header = again.table()->horizontalHeader();
    QVERIFY(header->isSectionHidden(3));
    QCOMPARE(header->visualIndex(0), 2);
    QCOMPARE(header->sectionSize(1), 222);
    // The sort is the default one, not a stale indicator from the saved state.
    QCOMPARE(again.model()->sortColumn(), again.model()->columnCount() - 1);
    QSettings().remove(QStringLiteral("tables/invoices"));
}

void TestTablePages::globalSearch()
{
    ui::MainWindow window({QStringLiteral("Demo"), true, true});
    window.show();
    QStringList results = window.globalSearchResults(QStringLiteral("anything"));
    QCOMPARE(results, QStringList {QStringLiteral("Nothing synced yet")});
    window.setCache(m_file);
    const QString email
        = one(QStringLiteral("SELECT email FROM customers WHERE email IS NOT NULL LIMIT 1"));
    results = window.globalSearchResults(email.section(u'@', 0, 0));
    QVERIFY(!results.isEmpty());
    QVERIFY2(std::any_of(results.cbegin(), results.cend(),
                         [&](const QString &r) { return r.contains(email); }),
             qPrintable(results.join(u'\n')));
    const QString charge = one(QStringLiteral("SELECT id FROM charges LIMIT 1 OFFSET 11"));
    results = window.globalSearchResults(charge);
    QCOMPARE(results.size(), 1);
    QVERIFY(results.first().startsWith(QStringLiteral("Payment ")));
    const QString last4 = one(
        QStringLiteral("SELECT card_last4 FROM charges WHERE card_last4 IS NOT NULL LIMIT 1"));
    results = window.globalSearchResults(last4);
    QVERIFY(std::any_of(results.cbegin(), results.cend(),
                        [](const QString &r) { return r.startsWith(QStringLiteral("Payment ")); }));
    results = window.globalSearchResults(QStringLiteral("qqqqzzzz"));
    QCOMPARE(results, QStringList {QStringLiteral("Nothing found")});
    // Ctrl+K focuses the field.
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keySequence(&window, QKeySequence(QStringLiteral("Ctrl+K")));
    QTRY_VERIFY(window.globalSearchField()->hasFocus());
}

namespace {
QStringList g_sqliteWarnings;
QtMessageHandler g_previousHandler = nullptr;
void catchSqliteWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QStringLiteral("SQLite")) || message.contains(QStringLiteral("syntax")))
        g_sqliteWarnings.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}
} // namespace

void TestTablePages::hostileTextInEverySearchBox()
{
    // Quotes, wildcards and SQL typed into the search box of every page and the global search:
    // text, never SQL — no SQLite error, and no page shows a subset it should not (a LIKE
    // wildcard would match rows; a search too short to search lists every row).
    ui::MainWindow window({QStringLiteral("Demo"), true, true});
    window.resize(1300, 800);
    window.show();
    window.setCache(m_file);
    g_sqliteWarnings.clear();
    g_previousHandler = qInstallMessageHandler(catchSqliteWarnings);
    const QStringList values = {QStringLiteral("'"),
                                QStringLiteral("\""),
                                QStringLiteral("%"),
                                QStringLiteral("_"),
                                QStringLiteral("' OR '1'='1"),
                                QStringLiteral("%' OR 1=1 --"),
                                QStringLiteral("x'); DROP TABLE charges; --"),
                                QStringLiteral("\\"),
                                QStringLiteral("_%_"),
                                QStringLiteral("NEAR(zq zx)")};
    using Page = ui::MainWindow::Page;
    for (const Page p : {Page::Payments, Page::Customers, Page::Subscriptions, Page::Invoices,
                         Page::Disputes, Page::Refunds}) {
        window.showPage(p);
        ui::TablePage *page = window.tablePage(p);
        QVERIFY(page);
        page->searchField()->clear();
        QTRY_VERIFY(page->model()->totalCount() > 0);
        const qint64 all = page->model()->totalCount();
        for (const QString &v : values) {
            page->searchField()->setText(v);
            // Once the search's debounce has fired, the model has the answer.
            auto *delay = page->findChild<QTimer *>(QStringLiteral("searchDelay"));
            QVERIFY(delay && delay->isActive());
            QTRY_VERIFY(!delay->isActive());
            const qint64 n = page->model()->totalCount();
            QVERIFY2(n == 0 || n == all,
                     qPrintable(QStringLiteral("%1 %2: %3 of %4")
                                    .arg(ui::MainWindow::pageTitle(p), v)
                                    .arg(n)
                                    .arg(all)));
        }
        page->searchField()->clear();
    }
    for (const QString &v : values) {
        const QStringList results = window.globalSearchResults(v);
        QVERIFY2(results.size() <= 1
                     && (results.isEmpty() || results.first() == QStringLiteral("Nothing found")),
                 qPrintable(v + u' ' + results.join(u',')));
    }
    qInstallMessageHandler(g_previousHandler);
    QVERIFY2(g_sqliteWarnings.isEmpty(), qPrintable(g_sqliteWarnings.join(u'\n')));
    QVERIFY(number(QStringLiteral("SELECT count(*) FROM charges")) > 0);
}

void TestTablePages::connectScreenChecksTheKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("problem"); // Empty: accepted.
    QTest::newRow("empty") << QString() << QStringLiteral("Paste your API key");
    QTest::newRow("publishable") << QStringLiteral("pk_test_abcdefghijkl")
                                 << QStringLiteral("publishable key");
    QTest::newRow("webhook secret")
        << QStringLiteral("whsec_abcdefghijkl") << QStringLiteral("webhook signing secret");
    QTest::newRow("garbage") << QStringLiteral("hello world")
                             << QStringLiteral("does not look like");
    QTest::newRow("too short") << QStringLiteral("sk_test_abc")
                               << QStringLiteral("does not look like");
    QTest::newRow("inner space") << QStringLiteral("sk_test_abcdef ghijkl")
                                 << QStringLiteral("does not look like");
    QTest::newRow("secret test") << QStringLiteral("sk_test_51Habcdefghijklmnop") << QString();
    QTest::newRow("restricted live") << QStringLiteral("rk_live_51Habcdefghijklmnop") << QString();
    QTest::newRow("pasted with spaces")
        << QStringLiteral("  sk_test_51Habcdefghijklmnop\n") << QString();
}

void TestTablePages::connectScreenChecksTheKey()
{
    QFETCH(QString, key);
    QFETCH(QString, problem);
    ui::ConnectPage page;
    page.show();
    QSignalSpy spy(&page, &ui::ConnectPage::connectRequested);
    page.keyField()->setText(key);
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("connectButton")),
                      Qt::LeftButton);
    auto *error = page.findChild<QLabel *>(QStringLiteral("connectError"));
    if (problem.isEmpty()) {
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().first().toByteArray(), key.trimmed().toLatin1());
        QVERIFY(error->isHidden());
    } else {
        QCOMPARE(spy.count(), 0);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(problem), qPrintable(error->text()));
        // The key itself is never echoed in the message.
        if (!key.trimmed().isEmpty())
            QVERIFY(!error->text().contains(key.trimmed()));
    }
    QCOMPARE(page.keyField()->echoMode(), QLineEdit::Password);
}

QTEST_MAIN(TestTablePages)
#include "tst_tablepages.moc"
