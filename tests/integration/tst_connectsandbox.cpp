#include "app/guisession.h"
#include "models/cache.h"
#include "models/paymentstablemodel.h"
#include "tests/support/peerprocess.h"
#include "ui/connectpage.h"
#include "ui/paymentspage.h"
#include "ui/statusbadge.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>

using namespace paydesk;

// The connect screen end to end, over real HTTP to `paydesk sandbox`: a pasted key is checked
// with GET /v1/account, the account's cache is created where the account's cache lives and
// synced in the background while the window stays responsive, and the pages show the result.
class TestConnectSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;

private Q_SLOTS:
    void initTestCase();
    void connectsChecksAndSyncs();
    void refusedKeyStaysOnTheConnectScreen();
    void unreachableServerSaysSo();
};

void TestConnectSandbox::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("600")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
}

void TestConnectSandbox::connectsChecksAndSyncs()
{
    app::GuiSession session(m_sandbox->baseUrl());
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    ui::ConnectPage *connect = window.connectPage();
    connect->keyField()->setText(QStringLiteral("sk_test_paydeskConnectTest"));
    QTest::keyClick(connect->keyField(), Qt::Key_Return);
    // The sync runs on its own thread: the window keeps processing events meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(!window.cachePath().isEmpty(), 120000);
    QVERIFY(window.cachePath().startsWith(
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    QVERIFY(window.cachePath().endsWith(QStringLiteral("-test.sqlite")));
    QCOMPARE(window.currentPage(), ui::MainWindow::Page::Payments);
    QVERIFY(window.windowTitle().contains(QStringLiteral("test mode")));
    QCOMPARE(window.findChild<ui::StatusBadge *>(QStringLiteral("modeBadge"))->text(),
             QStringLiteral("TEST MODE"));
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("syncLabel"))
                ->text()
                .startsWith(QStringLiteral("Last synced")));
    models::Cache cache;
    QVERIFY(cache.open(window.cachePath()));
    const qint64 charges
        = cache.database().scalar(QStringLiteral("SELECT count(*) FROM charges WHERE deleted = 0"));
    QVERIFY(charges > 500);
    QCOMPARE(window.paymentsPage()->model()->totalCount(), charges);
    // The key is not in the cache file.
    QFile file(window.cachePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("paydeskConnectTest"));
    QFile::remove(window.cachePath());
}

void TestConnectSandbox::refusedKeyStaysOnTheConnectScreen()
{
    app::GuiSession session(m_sandbox->baseUrl());
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    // A restricted key the sandbox does not know: 401 from Stripe.
    session.connectWith("rk_test_notAKeyOfThisAccount");
    auto *error = window.connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
    QVERIFY2(error->text().contains(QStringLiteral("Invalid API Key")), qPrintable(error->text()));
    QVERIFY(!error->text().contains(QStringLiteral("notAKeyOfThisAccount")));
    QVERIFY(window.cachePath().isEmpty());
    QCOMPARE(window.findChild<QStackedWidget *>()->currentWidget(), window.connectPage());
}

void TestConnectSandbox::unreachableServerSaysSo()
{
    app::GuiSession session(QUrl(QStringLiteral("http://127.0.0.1:9")));
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    session.connectWith("sk_test_paydeskConnectTest");
    auto *error = window.connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 60000);
    QVERIFY2(error->text().contains(QStringLiteral("Could not reach Stripe")),
             qPrintable(error->text()));
}

QTEST_MAIN(TestConnectSandbox)
#include "tst_connectsandbox.moc"
