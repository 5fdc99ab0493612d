#include "app/guisession.h"
#include "app/profiles.h"
#include "models/store/cache.h"
#include "models/views/paymentstablemodel.h"
#include "tests/support/peerprocess.h"
#include "ui/connectpage.h"
#include "ui/paymentspage.h"
#include "ui/statusbadge.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace paydesk;

// The connect screen end to end, over real HTTP to `paydesk sandbox`: a pasted key is checked
// with GET /v1/account, the account's cache is created where the account's cache lives and
// synced in the background while the window stays responsive, and the pages show the result.
class TestConnectSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;
    QTemporaryDir m_settingsDir;
    // A keychain service of this run only: nothing of a real profile is touched.
    const QString m_service
        = QStringLiteral("paydesk-test-%1").arg(QCoreApplication::applicationPid());

private Q_SLOTS:
    void initTestCase();
    void connectsChecksAndSyncs();
    void refusedKeyStaysOnTheConnectScreen();
    void unreachableServerSaysSo();
    void profilesSwitchKeyCacheAndBadge();
    void badProfileNameIsRefused();
};

void TestConnectSandbox::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // Settings of this run only (QSettings does not follow the test mode of QStandardPaths).
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings().clear();
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("600")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
}

void TestConnectSandbox::connectsChecksAndSyncs()
{
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("default"), m_service);
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    ui::ConnectPage *connect = window.connectPage();
    connect->profileField()->setText(QStringLiteral("Coffee shop"));
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
    // A cache left by an earlier run shows at once, before its sync ends: wait for the sync.
    QTRY_VERIFY_WITH_TIMEOUT(window.findChild<QLabel *>(QStringLiteral("syncLabel"))
                                 ->text()
                                 .startsWith(QStringLiteral("Last synced")),
                             120000);
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
    // The profile is remembered with its account, never with its key.
    const app::Profile p = app::profiles::find(QStringLiteral("Coffee shop"));
    QVERIFY(p.accountId.startsWith(QStringLiteral("acct_")));
    QVERIFY(!p.live);
    QCOMPARE(app::profiles::current(), QStringLiteral("Coffee shop"));
    QCOMPARE(window.profileButton()->text(), QStringLiteral("Coffee shop · Test"));
    // The key is in the keychain, or — with no keychain service running, as on CI — kept for
    // the session only, and the window says so.
    auto *status = window.findChild<QLabel *>(QStringLiteral("keyNotice"));
    QTRY_VERIFY(session.keys().sessionOnly() || app::profiles::find(p.name).hasTestKey);
    if (session.keys().sessionOnly()) {
        QTRY_VERIFY(status->isVisible());
        QVERIFY(status->text().contains(QStringLiteral("session only")));
        QVERIFY(!app::profiles::find(p.name).hasTestKey);
    }
    QSettings().sync();
    QFile settings(QSettings().fileName());
    QVERIFY(settings.open(QIODevice::ReadOnly));
    const QByteArray stored = settings.readAll();
    QVERIFY(stored.contains(p.accountId.toUtf8()));
    QVERIFY(!stored.contains("paydeskConnectTest"));
    QFile::remove(window.cachePath());
}

void TestConnectSandbox::refusedKeyStaysOnTheConnectScreen()
{
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("default"), m_service);
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
    app::GuiSession session(QUrl(QStringLiteral("http://127.0.0.1:9")), QStringLiteral("default"),
                            m_service);
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    session.connectWith("sk_test_paydeskConnectTest");
    auto *error = window.connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 60000);
    QVERIFY2(error->text().contains(QStringLiteral("Could not reach Stripe")),
             qPrintable(error->text()));
}

void TestConnectSandbox::profilesSwitchKeyCacheAndBadge()
{
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("First"), m_service);
    ui::MainWindow &window = session.window();
    window.show();
    session.start(false);
    // A profile without a key: the connect screen asks for one, named after the profile.
    QTRY_COMPARE(window.findChild<QStackedWidget *>()->currentWidget(), window.connectPage());
    QCOMPARE(window.connectPage()->profileName(), QStringLiteral("First"));
    session.connectKey("sk_test_paydeskFirstKey", QStringLiteral("First"), true);
    QTRY_VERIFY_WITH_TIMEOUT(!window.cachePath().isEmpty(), 120000);
    const QString firstCache = window.cachePath();
    QCOMPARE(session.profile(), QStringLiteral("First"));

    // Switching to another profile that has no key yet: its key is asked for, nothing of the
    // first stays on screen.
    session.switchProfile(QStringLiteral("Second"), false);
    QTRY_COMPARE(window.findChild<QStackedWidget *>()->currentWidget(), window.connectPage());
    QCOMPARE(window.connectPage()->profileName(), QStringLiteral("Second"));
    QVERIFY(window.connectPage()->keyField()->text().isEmpty());
    session.connectKey("sk_test_paydeskSecondKey", QStringLiteral("Second"), true);
    QTRY_COMPARE_WITH_TIMEOUT(session.profile(), QStringLiteral("Second"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(window.windowTitle().contains(QStringLiteral("test mode")), 30000);
    QCOMPARE(window.profileButton()->text(), QStringLiteral("Second · Test"));
    const QStringList menu = [&] {
        QStringList names;
        for (QAction *a : window.profileButton()->menu()->actions())
            if (!a->objectName().isEmpty())
                names.append(a->objectName());
        return names;
    }();
    QVERIFY2(menu.contains(QStringLiteral("profile:First:test"))
                 && menu.contains(QStringLiteral("profile:Second:test"))
                 && menu.contains(QStringLiteral("profile:Second:live"))
                 && menu.contains(QStringLiteral("addProfile")),
             qPrintable(menu.join(u',')));

    // Back to the first: its key comes from the keychain (or this session's store) without
    // the connect screen, and the window shows its account again.
    session.switchProfile(QStringLiteral("First"), false);
    QTRY_COMPARE_WITH_TIMEOUT(session.profile(), QStringLiteral("First"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(window.currentPage() == ui::MainWindow::Page::Payments, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(window.cachePath(), firstCache, 120000);
    QCOMPARE(window.profileButton()->text(), QStringLiteral("First · Test"));
    // Its live mode has no key: asked for, with the mode said.
    session.switchProfile(QStringLiteral("First"), true);
    auto *error = window.connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("live-mode key")), qPrintable(error->text()));
    session.keys().remove(
        app::KeyStore::entryName(QStringLiteral("First"), QStringLiteral("test")));
    session.keys().remove(
        app::KeyStore::entryName(QStringLiteral("Second"), QStringLiteral("test")));
    QFile::remove(firstCache);
}

void TestConnectSandbox::badProfileNameIsRefused()
{
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("default"), m_service);
    ui::MainWindow &window = session.window();
    window.show();
    window.showConnectScreen();
    window.connectPage()->profileField()->setText(QStringLiteral("shop/../../etc"));
    window.connectPage()->keyField()->setText(QStringLiteral("sk_test_paydeskConnectTest"));
    QTest::keyClick(window.connectPage()->keyField(), Qt::Key_Return);
    auto *error = window.connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("letters, digits")), qPrintable(error->text()));
    QVERIFY(window.cachePath().isEmpty());
}

QTEST_MAIN(TestConnectSandbox)
#include "tst_connectsandbox.moc"
