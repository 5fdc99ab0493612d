#include "models/store/cache.h"
#include "models/views/paymentstablemodel.h"
#include "ui/mainwindow.h"
#include "ui/paymentspage.h"

#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// The Payments page offscreen, on a real cache file: count, search as you type, filters,
// sorting from the header, empty states.
class TestPaymentsPage final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;

    static QLabel *label(QWidget *page, const char *name)
    {
        return page->findChild<QLabel *>(QString::fromLatin1(name));
    }

private Q_SLOTS:
    void initTestCase();
    void showsEmptyStateWithoutCache();
    void showsPaymentsAndCount();
    void searchAsYouType();
    void statusAndCurrencyFilters();
    void headerClickSortsInSql();
    void nothingMatches();
    void countBeyondItsLimitSaysSo();
};

void TestPaymentsPage::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("page.sqlite"));
    models::Cache cache;
    QVERIFY(cache.open(m_file));
    QVERIFY(cache.begin());
    for (int i = 0; i < 450; ++i) {
        const bool eur = i % 3 == 0;
        QJsonObject charge {
            {QStringLiteral("id"), QStringLiteral("ch_page%1").arg(i, 4, 10, QLatin1Char('0'))},
            {QStringLiteral("object"), QStringLiteral("charge")},
            {QStringLiteral("created"), 1700000000 + i * 100},
            {QStringLiteral("amount"), 1000 + i},
            {QStringLiteral("amount_refunded"), 0},
            {QStringLiteral("refunded"), false},
            {QStringLiteral("disputed"), false},
            {QStringLiteral("currency"), eur ? QStringLiteral("eur") : QStringLiteral("usd")},
            {QStringLiteral("status"),
             i % 10 == 0 ? QStringLiteral("failed") : QStringLiteral("succeeded")},
            {QStringLiteral("description"),
             i % 2 ? QStringLiteral("Espresso grinder") : QStringLiteral("Gift box")},
            {QStringLiteral("receipt_email"), QStringLiteral("person%1@example.com").arg(i)}};
        QCOMPARE(cache.upsert(charge, 1), models::Cache::Write::Written);
    }
    QVERIFY(cache.commit());
}

void TestPaymentsPage::showsEmptyStateWithoutCache()
{
    ui::PaymentsPage page;
    page.resize(1000, 600);
    page.show();
    auto *body = page.findChild<QStackedWidget *>();
    QVERIFY(body);
    QCOMPARE(body->currentWidget()->objectName(), QStringLiteral("paymentsEmpty"));
    QVERIFY(label(&page, "paymentsEmpty")->text().contains(QStringLiteral("first sync")));
}

void TestPaymentsPage::showsPaymentsAndCount()
{
    ui::MainWindow window({QStringLiteral("Test merchant"), true, false});
    window.show();
    window.showPage(ui::MainWindow::Page::Payments);
    ui::PaymentsPage *page = window.paymentsPage();
    QVERIFY(page);
    page->setCache(m_file);
    QCOMPARE(label(page, "paymentsCount")->text(), QStringLiteral("450 payments"));
    QCOMPARE(page->table()->model()->rowCount(), 200); // One page, not everything.
    // Newest first; money formatted for its currency.
    QCOMPARE(
        page->table()->model()->index(0, 0).data(models::PaymentsTableModel::IdRole).toString(),
        QStringLiteral("ch_page0449"));
    QCOMPARE(page->table()->model()->index(0, models::PaymentsTableModel::Amount).data().toString(),
             QStringLiteral("$14.49 USD"));
    // Scrolling to the end fetches the rest, page by page.
    page->table()->scrollToBottom();
    QTRY_VERIFY(page->table()->model()->rowCount() > 200);
}

void TestPaymentsPage::searchAsYouType()
{
    ui::PaymentsPage page;
    page.setCache(m_file);
    QTest::keyClicks(page.searchField(), QStringLiteral("person12"));
    // person12, person120…person129: prefix match on the email.
    QTRY_COMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("11 payments"));
    page.searchField()->clear();
    QTRY_COMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("450 payments"));
}

void TestPaymentsPage::statusAndCurrencyFilters()
{
    ui::PaymentsPage page;
    page.setCache(m_file);
    auto *status = page.findChild<QComboBox *>(QStringLiteral("statusFilter"));
    auto *currency = page.findChild<QComboBox *>(QStringLiteral("currencyFilter"));
    QCOMPARE(currency->count(), 3); // All, then EUR and USD from the cache, in order.
    QCOMPARE(currency->itemText(1), QStringLiteral("EUR"));
    QCOMPARE(currency->itemText(2), QStringLiteral("USD"));
    status->setCurrentIndex(status->findData(int(models::PaymentFilter::Status::Failed)));
    QCOMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("45 payments"));
    currency->setCurrentIndex(currency->findData(QStringLiteral("eur")));
    // Failed (i % 10 == 0) and EUR (i % 3 == 0): i % 30 == 0.
    QCOMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("15 payments"));
}

void TestPaymentsPage::headerClickSortsInSql()
{
    ui::PaymentsPage page;
    page.resize(1000, 600);
    page.show();
    page.setCache(m_file);
    page.table()->sortByColumn(models::PaymentsTableModel::Amount, Qt::AscendingOrder);
    QCOMPARE(
        page.table()->model()->index(0, 0).data(models::PaymentsTableModel::RawRole).toLongLong(),
        1000);
    page.table()->sortByColumn(models::PaymentsTableModel::Amount, Qt::DescendingOrder);
    QCOMPARE(
        page.table()->model()->index(0, 0).data(models::PaymentsTableModel::RawRole).toLongLong(),
        1449);
}

void TestPaymentsPage::nothingMatches()
{
    ui::PaymentsPage page;
    page.resize(1000, 600);
    page.show();
    page.setCache(m_file);
    QTest::keyClicks(page.searchField(), QStringLiteral("nobody-like-this"));
    QTRY_COMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("0 payments"));
    auto *body = page.findChild<QStackedWidget *>();
    QCOMPARE(body->currentWidget()->objectName(), QStringLiteral("paymentsEmpty"));
    QCOMPARE(label(&page, "paymentsEmpty")->text(),
             QStringLiteral("No payments match these filters."));
}

void TestPaymentsPage::countBeyondItsLimitSaysSo()
{
    ui::PaymentsPage page;
    page.model()->setCountLimit(100);
    page.setCache(m_file);
    QCOMPARE(label(&page, "paymentsCount")->text(), QStringLiteral("More than 100 payments"));
}

QTEST_MAIN(TestPaymentsPage)
#include "tst_paymentspage.moc"
