#include "app/guisession.h"
#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/store/cache.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"
#include "ui/actioncontroller.h"
#include "ui/detailpanel.h"
#include "ui/listpage.h"
#include "ui/paymentspage.h"

#include <QDir>
#include <QJsonDocument>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// A restricted key that may read everything but disputes and may not refund, over real HTTP
// to `paydesk sandbox`: the sync lists the rest and the Disputes page says what the key may not
// read; a refund Stripe refuses for the missing permission turns every refund button grey with
// the reason, and the next session with that key starts with them grey.
class TestRestrictedKey final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;
    QTemporaryDir m_dir;
    const QString m_service
        = QStringLiteral("paydesk-test-restricted-%1").arg(QCoreApplication::applicationPid());
    const QByteArray m_key = QByteArrayLiteral("rk_test_") + QByteArrayLiteral("browseOnlyKey1");

    static void screenshot(QWidget *w, const QString &name)
    {
        const QString dir = qEnvironmentVariable("PAYDESK_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        w->resize(1300, 800);
        QCoreApplication::processEvents();
        w->grab().save(dir + u'/' + name + QStringLiteral(".png"));
    }

private Q_SLOTS:
    void initTestCase();
    void learnsWhatTheKeyMayNotDo();
    void withoutEventsEverySyncListsAgain();
};

void TestRestrictedKey::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // The test-mode data directory: no cache of an earlier run may answer for this one.
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    QVERIFY(m_dir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings().clear();
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("400")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
    QList<QPair<QString, QString>> form {{QStringLiteral("key"), QString::fromLatin1(m_key)}};
    for (const char *resource : {"account", "customers", "products", "prices", "coupons",
                                 "subscriptions", "invoices", "payment_intents", "charges",
                                 "refunds", "balance_transactions", "payment_methods", "events"})
        form.append({QStringLiteral("permissions[]"),
                     QString::fromLatin1(resource) + QStringLiteral(":read")});
    tests::HttpClient http(m_sandbox->baseUrl());
    QCOMPARE(http.post(QStringLiteral("/_sandbox/keys"), form).status, 200);
}

void TestRestrictedKey::learnsWhatTheKeyMayNotDo()
{
    QString cachePath;
    QString chargeId;
    {
        app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("Browse"), m_service);
        ui::MainWindow &window = session.window();
        window.show();
        session.connectKey(m_key, QStringLiteral("Browse"), true);
        QTRY_VERIFY_WITH_TIMEOUT(!window.cachePath().isEmpty(), 120000);
        cachePath = window.cachePath();
        // Synced without the disputes, which the page explains.
        models::Cache cache;
        QVERIFY(cache.open(cachePath));
        QVERIFY(cache.database().scalar(QStringLiteral("SELECT count(*) FROM charges")) > 300);
        QCOMPARE(cache.state(QStringLiteral("denied:disputes")), QByteArray("rak_disputes_read"));
        ui::TablePage *disputes = window.tablePage(ui::MainWindow::Page::Disputes);
        window.showPage(ui::MainWindow::Page::Disputes);
        auto *empty = disputes->findChild<QLabel *>(QStringLiteral("disputesEmpty"));
        QTRY_VERIFY(empty->isVisible());
        QVERIFY2(empty->text().contains(QStringLiteral("rak_disputes_read")),
                 qPrintable(empty->text()));
        screenshot(&window, QStringLiteral("restricted-disputes"));

        // A refund: refused for the permission, remembered, every refund button grey.
        models::sql::Statement s = cache.database().prepare(
            QStringLiteral("SELECT id, raw FROM charges WHERE status = 'succeeded' AND "
                           "amount_refunded = 0 ORDER BY id LIMIT 1"));
        QVERIFY(s.step());
        chargeId = s.text(0);
        const models::RefundTarget target
            = models::RefundTarget::fromCharge(QJsonDocument::fromJson(s.bytes(1)).object());
        s = {};
        QTRY_VERIFY(window.actions()->outbox());
        QVERIFY(window.actions()->disabledReason(QStringLiteral("refund")).isEmpty());
        models::Outbox *outbox = window.actions()->outbox();
        bool finished = false;
        connect(outbox, &models::Outbox::entryFinished, this,
                [&](qint64, bool ok, const QString &) { finished = !ok; });
        QString problem;
        const qint64 entry
            = outbox->enqueue(models::staffactions::refund(target, 100, {}, {}), &problem);
        QVERIFY2(entry > 0, qPrintable(problem));
        QCOMPARE(outbox->sendPending(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        const QString reason = window.actions()->disabledReason(QStringLiteral("refund"));
        QVERIFY2(reason.contains(QStringLiteral("rak_refunds_write")), qPrintable(reason));
        // Only refunds: the key was not refused anything else.
        QVERIFY(window.actions()->disabledReason(QStringLiteral("customer.edit")).isEmpty());
        window.showPage(ui::MainWindow::Page::Payments);
        ui::TablePage *payments = window.tablePage(ui::MainWindow::Page::Payments);
        payments->showObject(chargeId);
        QPushButton *refund = payments->detailPanel()->actionButton(QStringLiteral("refund"));
        QVERIFY(refund);
        QVERIFY(!refund->isEnabled());
        QVERIFY(refund->toolTip().contains(QStringLiteral("rak_refunds_write")));
        screenshot(&window, QStringLiteral("restricted-refund"));
    }
    // The next session with this profile's key starts with refunds grey.
    app::GuiSession again(m_sandbox->baseUrl(), QStringLiteral("Browse"), m_service);
    again.window().show();
    again.connectKey(m_key, QStringLiteral("Browse"), false);
    QTRY_VERIFY_WITH_TIMEOUT(!again.window().cachePath().isEmpty(), 120000);
    QVERIFY(again.window()
                .actions()
                ->disabledReason(QStringLiteral("refund"))
                .contains(QStringLiteral("rak_refunds_write")));
    QFile::remove(cachePath);
}

void TestRestrictedKey::withoutEventsEverySyncListsAgain()
{
    // A key that may not read events: the sync lists everything (the events cannot say what
    // changed), and the next one lists again and so sees what changed meanwhile.
    const QByteArray key = QByteArrayLiteral("rk_test_") + QByteArrayLiteral("noEventsKey2");
    QList<QPair<QString, QString>> form {{QStringLiteral("key"), QString::fromLatin1(key)}};
    for (const char *resource : {"account", "customers", "products", "prices", "coupons",
                                 "subscriptions", "invoices", "payment_intents", "charges",
                                 "refunds", "disputes", "balance_transactions", "payment_methods"})
        form.append({QStringLiteral("permissions[]"),
                     QString::fromLatin1(resource) + QStringLiteral(":read")});
    tests::HttpClient http(m_sandbox->baseUrl());
    QCOMPARE(http.post(QStringLiteral("/_sandbox/keys"), form).status, 200);
    const QString cache = m_dir.filePath(QStringLiteral("noevents.sqlite"));
    auto sync = [&] {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key));
        p.setProcessEnvironment(env);
        p.start(tests::PeerProcess::paydeskBinary(),
                {QStringLiteral("sync"), QStringLiteral("--api-base"),
                 m_sandbox->baseUrl().toString(), QStringLiteral("--cache"), cache});
        p.waitForFinished(120000);
        if (p.exitCode() != 0)
            qWarning("%s", p.readAllStandardError().constData());
        return p.exitCode();
    };
    QCOMPARE(sync(), 0);
    auto customers = [&] {
        models::Cache c;
        return c.open(cache) ? c.database().scalar(
                   QStringLiteral("SELECT count(*) FROM customers WHERE deleted = 0"))
                             : -1;
    };
    const qint64 before = customers();
    QVERIFY(before > 0);
    {
        models::Cache c;
        QVERIFY(c.open(cache));
        QCOMPARE(c.state(QStringLiteral("denied:events")), QByteArray("rak_events_read"));
    }
    tests::HttpClient stripe(m_sandbox->baseUrl(),
                             QByteArrayLiteral("sk_test_") + QByteArrayLiteral("restrictedAdmin"));
    QCOMPARE(stripe
                 .post(QStringLiteral("/v1/customers"),
                       {{QStringLiteral("email"), QStringLiteral("later@example.com")}})
                 .status,
             200);
    QCOMPARE(sync(), 0);
    QCOMPARE(customers(), before + 1);
}

QTEST_MAIN(TestRestrictedKey)
#include "tst_restrictedkey.moc"
