#include "ui/mainwindow.h"
#include "ui/statusbadge.h"
#include "ui/tablepage.h"

#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTest>

using paydesk::ui::MainWindow;
using paydesk::ui::StatusBadge;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void navigationListsEveryPage();
    void shortcutsSwitchPages_data();
    void shortcutsSwitchPages();
    void statusBarShowsTestModeBadge();
    void liveModeHasNoTestBadge();
    void onlineState();
};

void TestMainWindow::navigationListsEveryPage()
{
    MainWindow window({QStringLiteral("Acme"), true, true});
    auto *nav = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(nav);
    // Invoices, refunds, the catalogue and payouts are indented under what they belong to.
    const QStringList expected {QStringLiteral("Home"),
                                QStringLiteral("Payments"),
                                QStringLiteral("Refunds"),
                                QStringLiteral("Customers"),
                                QStringLiteral("Subscriptions"),
                                QStringLiteral("Invoices"),
                                QStringLiteral("Products and prices"),
                                QStringLiteral("Coupons"),
                                QStringLiteral("Disputes"),
                                QStringLiteral("Balance"),
                                QStringLiteral("Payouts"),
                                QStringLiteral("Analytics"),
                                QStringLiteral("Activity")};
    QCOMPARE(nav->count(), expected.size());
    for (int i = 0; i < nav->count(); ++i)
        QCOMPARE(nav->item(i)->text().trimmed(), expected.at(i));
    QCOMPARE(window.currentPage(), MainWindow::Page::Home);

    // Clicking an entry shows its page.
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy spy(&window, &MainWindow::currentPageChanged);
    const QRect rect = nav->visualItemRect(nav->item(3));
    QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window.currentPage(), MainWindow::Page::Customers);
    QCOMPARE(spy.count(), 1);
    QVERIFY(window.tablePage(MainWindow::Page::Customers));
    QVERIFY(window.tablePage(MainWindow::Page::Customers)->isVisible());
}

void TestMainWindow::shortcutsSwitchPages_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<MainWindow::Page>("page");
    QTest::newRow("Ctrl+1") << int(Qt::Key_1) << MainWindow::Page::Home;
    QTest::newRow("Ctrl+2") << int(Qt::Key_2) << MainWindow::Page::Payments;
    QTest::newRow("Ctrl+5") << int(Qt::Key_5) << MainWindow::Page::Disputes;
    QTest::newRow("Ctrl+7") << int(Qt::Key_7) << MainWindow::Page::Activity;
    QTest::newRow("Ctrl+8") << int(Qt::Key_8) << MainWindow::Page::Invoices;
    QTest::newRow("Ctrl+9") << int(Qt::Key_9) << MainWindow::Page::Refunds;
}

void TestMainWindow::shortcutsSwitchPages()
{
    QFETCH(int, key);
    QFETCH(MainWindow::Page, page);
    MainWindow window({QStringLiteral("Acme"), true, false});
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    if (page == MainWindow::Page::Home)
        window.showPage(MainWindow::Page::Analytics);
    QTest::keyClick(&window, Qt::Key(key), Qt::ControlModifier);
    QCOMPARE(window.currentPage(), page);
}

void TestMainWindow::statusBarShowsTestModeBadge()
{
    MainWindow window({QStringLiteral("Acme Coffee"), true, true});
    auto *badge = window.findChild<StatusBadge *>(QStringLiteral("modeBadge"));
    QVERIFY(badge);
    QCOMPARE(badge->text(), QStringLiteral("TEST MODE"));
    QCOMPARE(badge->tone(), StatusBadge::Tone::Warning);
    auto *account = window.findChild<QLabel *>(QStringLiteral("accountLabel"));
    QVERIFY(account->text().contains(QStringLiteral("Acme Coffee")));
    QVERIFY(window.windowTitle().contains(QStringLiteral("test mode")));

    // Status text never hides the badge: test mode must be visible at all times.
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setStatusText(QStringLiteral("Generating the demo merchant…"));
    QVERIFY(badge->isVisible());
    QVERIFY(account->isVisible());
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("statusText"))->text(),
             QStringLiteral("Generating the demo merchant…"));
}

void TestMainWindow::liveModeHasNoTestBadge()
{
    MainWindow window({QStringLiteral("Acme Coffee"), false, false});
    auto *badge = window.findChild<StatusBadge *>(QStringLiteral("modeBadge"));
    QCOMPARE(badge->text(), QStringLiteral("LIVE"));
    QVERIFY(!window.windowTitle().contains(QStringLiteral("test mode")));
}

void TestMainWindow::onlineState()
{
    MainWindow window({QStringLiteral("Acme"), true, false});
    auto *badge = window.findChild<StatusBadge *>(QStringLiteral("onlineBadge"));
    QCOMPARE(badge->text(), QStringLiteral("Offline"));
    window.setOnline(true);
    QCOMPARE(badge->text(), QStringLiteral("Online"));
    auto *sync = window.findChild<QLabel *>(QStringLiteral("syncLabel"));
    QCOMPARE(sync->text(), QStringLiteral("Never synced"));
    window.setLastSync(QDateTime::currentDateTime());
    QVERIFY(sync->text().startsWith(QStringLiteral("Last synced")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
