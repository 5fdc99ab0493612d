#include "app/guisession.h"
#include "models/store/cache.h"
#include "network/webhooksignature.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"
#include "ui/actioncontroller.h"
#include "ui/settingsdialog.h"
#include "ui/theme.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace paydesk;

// Settings reaching the window's session, over real HTTP to `paydesk sandbox`: the sync
// interval, read-only mode, the refund threshold and the theme take effect; with the webhook
// listener on (its secret in the key store), a signed event makes the window sync, and the
// change it announced shows up in the cache.
class TestSettingsSandbox final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;
    QTemporaryDir m_dir;
    const QString m_service
        = QStringLiteral("paydesk-test-settings-%1").arg(QCoreApplication::applicationPid());
    const QByteArray m_key = QByteArrayLiteral("sk_test_") + QByteArrayLiteral("settingsSandbox");

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void settingsTakeEffect();
    void signedWebhookMakesTheWindowSync();
};

void TestSettingsSandbox::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings().clear();
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("500")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
}

void TestSettingsSandbox::cleanup()
{
    QSettings().clear();
    ui::theme::apply(ui::theme::Mode::System);
}

void TestSettingsSandbox::settingsTakeEffect()
{
    ui::SettingsDialog::Values v;
    v.syncMinutes = 7;
    v.readOnly = true;
    v.refundThreshold = 50;
    v.theme = QStringLiteral("dark");
    ui::SettingsDialog::save(v);
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("default"), m_service);
    auto *timer = session.findChild<QTimer *>(QStringLiteral("syncTimer"));
    QVERIFY(timer);
    QVERIFY(timer->isActive());
    QCOMPARE(timer->interval(), 7 * 60 * 1000);
    QVERIFY(session.window().actions()->isReadOnly());
    QVERIFY(ui::theme::isDark());
    // Off: no timer, writable again, light.
    v.syncMinutes = 0;
    v.readOnly = false;
    v.theme = QStringLiteral("light");
    ui::SettingsDialog::save(v);
    session.applySettings();
    QVERIFY(!timer->isActive());
    QVERIFY(!session.window().actions()->isReadOnly());
    QVERIFY(!ui::theme::isDark());
    QCOMPARE(session.webhookPort(), 0);
}

void TestSettingsSandbox::signedWebhookMakesTheWindowSync()
{
    ui::SettingsDialog::Values v;
    v.syncMinutes = 0; // Only the webhook may start a sync here.
    v.webhooks = true;
    ui::SettingsDialog::save(v);
    app::GuiSession session(m_sandbox->baseUrl(), QStringLiteral("default"), m_service);
    session.window().show();
    session.connectKey(m_key, QStringLiteral("default"), false);
    QTRY_VERIFY_WITH_TIMEOUT(!session.window().cachePath().isEmpty(), 120000);
    const QString cachePath = session.window().cachePath();
    QCOMPARE(session.webhookPort(), 0); // On, but no secret stored yet: not listening.

    const QByteArray secret = QByteArrayLiteral("whsec_") + QByteArrayLiteral("settingsTest1234");
    bool stored = false;
    session.keys().write(
        app::KeyStore::entryName(QStringLiteral("default"), QStringLiteral("webhook")), secret,
        this, [&](bool, const QString &) { stored = true; });
    QTRY_VERIFY(stored);
    session.applySettings();
    QTRY_VERIFY(session.webhookPort() > 0);

    // A change made at Stripe, announced by its event.
    tests::HttpClient stripe(m_sandbox->baseUrl(), m_key);
    const auto created
        = stripe.post(QStringLiteral("/v1/customers"),
                      {{QStringLiteral("email"), QStringLiteral("hook@example.com")}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    const auto events = stripe.get(QStringLiteral("/v1/events?limit=1"));
    const QJsonObject event
        = events.json.value(QStringLiteral("data")).toArray().first().toObject();
    QVERIFY(!event.isEmpty());
    const QByteArray body = QJsonDocument(event).toJson(QJsonDocument::Compact);
    auto inCache = [&] {
        models::Cache cache;
        if (!cache.open(cachePath))
            return false;
        models::sql::Statement s = cache.database().prepare(
            QStringLiteral("SELECT count(*) FROM customers WHERE id = ?1"));
        s.bind(1, id);
        return s.step() && s.int64(0) == 1;
    };
    QVERIFY(!inCache());
    tests::HttpClient hook(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(session.webhookPort())));
    // A wrong signature is refused and starts nothing.
    auto *delay = session.findChild<QTimer *>(QStringLiteral("webhookSyncDelay"));
    QVERIFY(delay);
    auto r = hook.send(
        "POST", QStringLiteral("/webhook"), body,
        {{"Content-Type", "application/json"},
         {"Stripe-Signature",
          network::signWebhookPayload(body, "whsec_wrong", QDateTime::currentSecsSinceEpoch())}});
    QCOMPARE(r.status, 400);
    QVERIFY(!delay->isActive());
    r = hook.send(
        "POST", QStringLiteral("/webhook"), body,
        {{"Content-Type", "application/json"},
         {"Stripe-Signature",
          network::signWebhookPayload(body, secret, QDateTime::currentSecsSinceEpoch())}});
    QCOMPARE(r.status, 200);
    QVERIFY(delay->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(inCache(), 60000);
    QFile::remove(cachePath);
}

QTEST_MAIN(TestSettingsSandbox)
#include "tst_settingssandbox.moc"
