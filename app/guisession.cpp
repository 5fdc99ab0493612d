#include "app/guisession.h"

#include "app/applogging.h"
#include "app/profiles.h"
#include "models/analytics/analytics.h"
#include "models/payouts/payoutlinks.h"
#include "models/store/account.h"
#include "models/store/cache.h"
#include "models/sync/paymentmethods.h"
#include "network/stripeclient.h"
#include "network/webhooklistener.h"
#include "ui/actioncontroller.h"
#include "ui/activitypage.h"
#include "ui/connectpage.h"
#include "ui/settingsdialog.h"
#include "ui/theme.h"

#include <QCheckBox>
#include <QDateTime>
#include <QFileInfo>
#include <QLineEdit>
#include <QSettings>
#include <QTimer>
#include <QToolButton>

namespace paydesk::app {

GuiSession::GuiSession(const QUrl &apiBase, const QString &profile, const QString &keychainService,
                       QObject *parent)
    : QObject(parent)
    , m_apiBase(apiBase)
    , m_window(ui::MainWindow::Account {tr("No account connected"), true, false})
    , m_profile(profiles::nameProblem(profile).isEmpty() ? profile : QStringLiteral("default"))
    , m_keys(keychainService)
    , m_syncTimer(new QTimer(this))
    , m_webhookSync(new QTimer(this))
{
    connect(m_window.connectPage(), &ui::ConnectPage::connectRequested, this,
            &GuiSession::connectWith);
    connect(m_window.connectPage(), &ui::ConnectPage::demoRequested, this, &GuiSession::startDemo);
    connect(&m_window, &ui::MainWindow::profileRequested, this, &GuiSession::switchProfile);
    connect(&m_window, &ui::MainWindow::addProfileRequested, this, [this] {
        m_window.connectPage()->setProfileName({});
        m_window.connectPage()->keyField()->clear();
        m_window.showConnectScreen();
        m_window.connectPage()->profileField()->setFocus();
    });
    connect(&m_window, &ui::MainWindow::settingsRequested, this, &GuiSession::openSettings);
    // Kept in the account's cache with what the sync may not list: one permission store.
    connect(m_window.actions(), &ui::ActionController::deniedPermissionsChanged, this,
            [this](const QStringList &denied) {
                if (m_actionCache.isOpen())
                    m_actionCache.setDeniedActions(denied);
            });
    // The backfill keeps each customer's default payment method; the others are listed when
    // someone looks at the customer.
    connect(&m_window, &ui::MainWindow::objectShown, this,
            [this](const QString &table, const QString &id) {
                if (table != QLatin1String("customers") || !m_outbox || !m_actionClient
                    || m_methodsListed.contains(id))
                    return;
                m_methodsListed.insert(id);
                models::fetchPaymentMethods(
                    m_actionClient.get(), &m_actionCache, id, this,
                    [this, id](bool ok, int, const QString &) {
                        if (!ok) {
                            m_methodsListed.remove(id); // Tried again next time.
                            return;
                        }
                        m_window.reloadObject(QStringLiteral("customers"), id);
                    });
            });
    // What a payout paid out is read from Stripe when someone opens it (once: it does not
    // change), so that its detail reconciles it.
    connect(&m_window, &ui::MainWindow::objectShown, this,
            [this](const QString &table, const QString &id) {
                if (table != QLatin1String("payouts") || !m_outbox || !m_actionClient
                    || m_payoutsLinked.contains(id))
                    return;
                m_payoutsLinked.insert(id);
                models::linkPayouts(m_actionClient.get(), &m_actionCache, {id}, this, {},
                                    [this, id](bool ok, const QString &) {
                                        if (!ok) {
                                            m_payoutsLinked.remove(id);
                                            return;
                                        }
                                        m_window.reloadObject(QStringLiteral("payouts"), id);
                                    });
            });
    connect(&m_keys, &KeyStore::keychainUnavailable, &m_window,
            [this](const QString &message) { m_window.setKeyNotice(message); });
    m_window.connectPage()->setProfileName(m_profile);
    m_syncTimer->setObjectName(QStringLiteral("syncTimer"));
    connect(m_syncTimer, &QTimer::timeout, this, &GuiSession::syncAgain);
    // Events come in bursts: one sync a couple of seconds after the last.
    m_webhookSync->setObjectName(QStringLiteral("webhookSyncDelay"));
    m_webhookSync->setSingleShot(true);
    m_webhookSync->setInterval(2000);
    connect(m_webhookSync, &QTimer::timeout, this, &GuiSession::syncAgain);
    refreshProfiles();
    applySettings();
}

GuiSession::~GuiSession() = default;

void GuiSession::startSync(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                           double rateLimit)
{
    m_syncBase = apiBase;
    m_syncCache = cache;
    m_syncRate = rateLimit;
    m_syncing = true;
    m_sync = std::make_unique<BackgroundSync>();
    connect(m_sync.get(), &BackgroundSync::progress, &m_window,
            [this](const models::SyncProgress &p) {
                // Several tables are listed at once: the line names each of them, counts what
                // they stored together, and shows a bar once every total is known.
                m_listing.update(p);
                if (m_listing.isEmpty())
                    return m_window.setSyncProgress(p.table, p.done, p.total, p.etaSeconds);
                const models::SyncProgress all = m_listing.combined();
                m_window.setSyncProgress(all.table, all.done, all.total, all.etaSeconds);
            });
    connect(m_sync.get(), &BackgroundSync::committed, &m_window,
            [this, cache](const QStringList &tables) {
                // The pages showing this cache read again what the commit changed (the
                // first backfill of an account shows it once it has finished).
                if (m_window.cachePath() == cache)
                    m_window.reader()->noteCommitted(tables);
            });
    connect(m_sync.get(), &BackgroundSync::finished, &m_window,
            [this, cache, apiBase](bool ok, const QString &error) {
                m_syncing = false;
                m_listing.clear();
                m_window.setSyncProgress({}, 0, 0, -1);
                if (!ok) {
                    m_window.setStatusText(tr("Sync failed: %1").arg(error));
                    m_window.setOnline(false);
                    return;
                }
                m_window.setStatusText({});
                m_window.setLastSync(QDateTime::currentDateTime());
                m_window.setOnline(true);
                // The pages followed each commit already (committed above); a cache the
                // window did not show yet (an account's first backfill) opens now.
                if (m_window.cachePath() != cache)
                    m_window.setCache(cache);
                openActions(apiBase, m_apiKey, cache, m_live);
            });
    m_sync->start(apiBase, apiKey, cache, rateLimit);
}

void GuiSession::openActions(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                             bool live)
{
    if (m_outbox && m_actionCache.path() == cache)
        return;
    m_window.actions()->setOutbox(nullptr, nullptr);
    m_outbox.reset();
    m_methodsListed.clear();
    QString error;
    if (!m_actionCache.open(cache, &error)) {
        qCWarning(lcApp) << "staff actions are off: cannot open the cache:" << error;
        return;
    }
    network::StripeClientConfig config;
    config.apiKey = apiKey;
    config.apiBase = apiBase;
    // Lost answers are resent by the client with the same key, then by the outbox.
    config.maxRetries = 3;
    // Paced by the sync's limiter: one bucket for the account (RateLimiter::shared).
    config.rateLimit = m_syncRate;
    m_actionClient = std::make_unique<network::StripeClient>(config);
    m_outbox = std::make_unique<models::Outbox>(&m_actionCache, m_actionClient.get());
    m_outbox->setProfile(m_profile, live);
    m_window.actions()->setRefundThreshold(ui::SettingsDialog::load().refundThreshold);
    m_window.actions()->setOutbox(m_outbox.get(), &m_actionCache);
    if (const int resent = m_outbox->sendPending(); resent > 0) {
        qCInfo(lcApp) << "resending" << resent
                      << "staff actions an earlier session left "
                         "unanswered";
        m_window.setStatusText(tr("Resending %n unanswered staff action(s)…", nullptr, resent));
    }
}

void GuiSession::startDemo()
{
    stopAccount(); // Nothing of an account shown before keeps syncing or acting.
    m_window.setAccount({tr("Demo merchant"), true, true});
    m_inDemo = true;
    refreshProfiles();
    m_demo = std::make_unique<DemoSandbox>();
    m_window.setStatusText(tr("Generating the demo merchant…"));
    m_window.setSyncProgress(tr("demo merchant"), 0, -1, -1);
    connect(m_demo.get(), &DemoSandbox::ready, &m_window, [this](const QUrl &url) {
        m_window.setStatusText(tr("Demo sandbox at %1").arg(url.toString()));
        m_window.setOnline(true);
        m_apiKey = QByteArrayLiteral("sk_test_demo");
        m_live = false;
        // The demo merchant is synced like a real account, into a cache of this session.
        startSync(url, QByteArrayLiteral("sk_test_demo"),
                  m_demoCacheDir.path() + QStringLiteral("/demo.sqlite"), 2000);
    });
    connect(m_demo.get(), &DemoSandbox::failed, &m_window, [this](const QString &message) {
        m_window.setSyncProgress({}, 0, 0, -1);
        m_window.setStatusText(tr("Demo sandbox failed: %1").arg(message));
    });
    m_demo->start();
}

void GuiSession::connectWith(const QByteArray &apiKey)
{
    const QString profile = m_window.connectPage()->profileName();
    if (const QString problem = profiles::nameProblem(profile); !problem.isEmpty()) {
        m_window.showConnectScreen();
        m_window.connectPage()->setError(problem);
        return;
    }
    connectKey(apiKey, profile, m_window.connectPage()->rememberKey());
}

void GuiSession::connectKey(const QByteArray &apiKey, const QString &profile, bool remember)
{
    const QString problem = ui::ConnectPage::keyProblem(QString::fromLatin1(apiKey));
    if (!problem.isEmpty()) {
        m_window.showConnectScreen();
        m_window.connectPage()->setError(problem);
        return;
    }
    const QString baseProblem = network::StripeClient::validateApiBase(m_apiBase);
    if (!baseProblem.isEmpty()) {
        m_window.showConnectScreen();
        m_window.connectPage()->setError(baseProblem);
        return;
    }
    m_window.connectPage()->setBusy(true, tr("Checking the key with Stripe…"));
    network::StripeClientConfig config;
    config.apiKey = apiKey;
    config.apiBase = m_apiBase;
    config.maxRetries = 2;
    m_client = std::make_unique<network::StripeClient>(config);
    models::resolveAccount(
        m_client.get(), this,
        [this, apiKey, profile, remember](const models::Account &account,
                                          const network::StripeError &error) {
            if (account.id.isEmpty()) {
                m_window.showConnectScreen();
                const bool unreachable = error.kind == network::StripeError::Kind::Network
                    || error.kind == network::StripeError::Kind::Timeout;
                // A TLS failure is fatal: shown, never ignored or retried.
                const bool tls = error.kind == network::StripeError::Kind::Tls;
                m_window.connectPage()->setError(
                    tls ? tr("Could not connect securely to Stripe; nothing was sent: %1")
                              .arg(error.userMessage())
                        : unreachable
                        ? tr("Could not reach Stripe: %1").arg(error.userMessage())
                        : tr("Stripe did not accept this key: %1").arg(error.userMessage()));
                m_window.setOnline(false);
                return;
            }
            const bool live = account.live;
            const QString &id = account.id;
            const QString &name = account.name;
            qCInfo(lcApp) << "connected to account" << id << (live ? "(live)" : "(test)");
            stopAccount();
            m_profile = profile;
            profiles::setCurrent(profile);
            Profile p = profiles::find(profile);
            p.accountId = id;
            p.accountName = name;
            p.live = live;
            profiles::save(p);
            if (remember) {
                m_keys.write(KeyStore::entryName(
                                 profile, live ? QStringLiteral("live") : QStringLiteral("test")),
                             apiKey, this,
                             [this, profile, live](bool persisted, const QString &why) {
                                 if (!why.isEmpty())
                                     m_window.setKeyNotice(why);
                                 else if (!persisted)
                                     m_window.setKeyNotice(KeyStore::sessionOnlyMessage());
                                 if (!persisted)
                                     return;
                                 Profile q = profiles::find(profile);
                                 (live ? q.hasLiveKey : q.hasTestKey) = true;
                                 profiles::save(q);
                                 refreshProfiles();
                             });
            }
            refreshProfiles();
            const QString cache = account.cachePath();
            // What this key was refused before (a restricted key's missing permissions, kept
            // in the account's cache); a key pasted anew starts with a clean slate.
            QStringList denied;
            if (QFileInfo::exists(cache)) {
                models::Cache known;
                if (known.open(cache)) {
                    if (remember)
                        known.setDeniedActions({});
                    denied = known.deniedActions();
                }
            }
            m_window.actions()->setDeniedPermissions(denied);
            m_window.setAccount({name, !live, false});
            m_window.setOnline(true);
            m_apiKey = apiKey;
            m_live = live;
            // What is already cached shows at once; the sync brings it up to date.
            if (QFileInfo::exists(cache)) {
                m_window.setCache(cache);
                openActions(m_apiBase, apiKey, cache, live);
            }
            m_window.setStatusText(tr("Syncing with Stripe…"));
            startSync(m_apiBase, apiKey, cache, 0);
        });
}

void GuiSession::start(bool demo)
{
    if (demo) {
        qCInfo(lcApp) << "opening the main window (demo)";
        startDemo();
        return;
    }
    if (const QByteArray key = qgetenv("STRIPE_API_KEY"); !key.isEmpty()) {
        // From the environment: used for this session, never stored.
        qCInfo(lcApp) << "opening the main window for the key in STRIPE_API_KEY";
        m_window.showConnectScreen();
        connectKey(key, m_profile, false);
        return;
    }
    m_window.showConnectScreen();
    const Profile p = profiles::find(m_profile);
    switchProfile(m_profile, p.live);
}

void GuiSession::stopAccount()
{
    m_syncing = false;
    m_sync.reset();
    m_window.actions()->setOutbox(nullptr, nullptr);
    m_outbox.reset();
    m_actionClient.reset();
    m_actionCache.close();
    m_demo.reset();
}

void GuiSession::switchProfile(const QString &profile, bool live)
{
    const QString mode = live ? QStringLiteral("live") : QStringLiteral("test");
    m_window.connectPage()->setProfileName(profile);
    m_window.connectPage()->setBusy(true,
                                    tr("Reading the key of %1 from the keychain…").arg(profile));
    m_keys.read(KeyStore::entryName(profile, mode), this,
                [this, profile, live](const QByteArray &key, const QString &problem) {
                    m_window.connectPage()->setBusy(false);
                    if (!key.isEmpty()) {
                        connectKey(key, profile, false);
                        return;
                    }
                    // No key stored for this profile and mode: ask for one.
                    m_window.connectPage()->keyField()->clear();
                    m_window.connectPage()->keyField()->setPlaceholderText(
                        live ? QStringLiteral("sk_live_… / rk_live_…")
                             : QStringLiteral("sk_test_… / rk_test_…"));
                    m_window.showConnectScreen();
                    if (!problem.isEmpty())
                        m_window.connectPage()->setError(problem);
                    else if (!profiles::find(profile).accountId.isEmpty())
                        m_window.connectPage()->setError(
                            live ? tr("Paste the live-mode key of the profile %1.").arg(profile)
                                 : tr("Paste the test-mode key of the profile %1.").arg(profile));
                });
}

void GuiSession::refreshProfiles()
{
    QList<ui::MainWindow::ProfileEntry> entries;
    bool listed = false;
    for (const Profile &p : profiles::all()) {
        entries.append({p.name, p.accountName, p.hasTestKey, p.hasLiveKey});
        listed = listed || p.name == m_profile;
    }
    if (!listed)
        entries.append({m_profile, {}, false, false});
    // The demo is no profile's: nothing is ticked, the button says what is shown.
    m_window.setProfiles(entries, m_inDemo ? QString() : m_profile, m_live);
    if (m_inDemo)
        m_window.profileButton()->setText(tr("Demo data"));
}

void GuiSession::syncAgain()
{
    if (m_syncing || m_syncCache.isEmpty() || m_apiKey.isEmpty())
        return;
    qCInfo(lcApp) << "syncing again";
    startSync(m_syncBase, m_apiKey, m_syncCache, m_syncRate);
}

quint16 GuiSession::webhookPort() const
{
    return m_webhooks ? m_webhooks->port() : 0;
}

void GuiSession::startWebhooks(const QByteArray &secret)
{
    m_webhooks.reset();
    const ui::SettingsDialog::Values v = ui::SettingsDialog::load();
    if (!v.webhooks)
        return;
    if (secret.isEmpty()) {
        m_window.setStatusText(tr("Webhooks are on but no signing secret is stored: set it in "
                                  "Settings."));
        return;
    }
    m_webhooks = std::make_unique<network::WebhookListener>(secret);
    if (!m_webhooks->listen(quint16(v.webhookPort))) {
        m_window.setStatusText(tr("Cannot listen for webhooks on port %1: %2")
                                   .arg(v.webhookPort)
                                   .arg(m_webhooks->errorString()));
        m_webhooks.reset();
        return;
    }
    qCInfo(lcApp) << "listening for webhooks on port" << m_webhooks->port();
    // A signed event says something changed: the events feed brings it in, once.
    connect(m_webhooks.get(), &network::WebhookListener::eventReceived, this,
            [this](const QJsonObject &) { m_webhookSync->start(); });
    m_window.setStatusText(
        tr("Listening for webhooks on http://127.0.0.1:%1/webhook").arg(m_webhooks->port()));
}

void GuiSession::applySettings()
{
    const ui::SettingsDialog::Values v = ui::SettingsDialog::load();
    ui::theme::apply(ui::theme::fromName(v.theme));
    m_window.actions()->setRefundThreshold(v.refundThreshold);
    m_window.actions()->setReadOnly(v.readOnly);
    if (m_window.activityPage())
        m_window.activityPage()->readOnlyBox()->setChecked(v.readOnly);
    if (v.syncMinutes > 0)
        m_syncTimer->start(v.syncMinutes * 60 * 1000);
    else
        m_syncTimer->stop();
    if (!v.webhooks) {
        m_webhooks.reset();
        return;
    }
    m_keys.read(KeyStore::entryName(m_profile, QStringLiteral("webhook")), this,
                [this](const QByteArray &secret, const QString &) { startWebhooks(secret); });
}

void GuiSession::openSettings()
{
    const ui::SettingsDialog::Values before = ui::SettingsDialog::load();
    QStringList currencies;
    if (!m_window.cachePath().isEmpty()) {
        models::sql::Database db;
        if (db.open(m_window.cachePath(), false))
            currencies = models::analytics::currencies(db);
    }
    const QString entry = KeyStore::entryName(m_profile, QStringLiteral("webhook"));
    m_keys.read(entry, this,
                [this, before, currencies, entry](const QByteArray &stored, const QString &) {
                    ui::SettingsDialog dialog(before, currencies, !stored.isEmpty(), &m_window);
                    if (dialog.exec() != QDialog::Accepted)
                        return;
                    const ui::SettingsDialog::Values v = dialog.values();
                    ui::SettingsDialog::save(v);
                    if (!v.webhookSecret.isEmpty())
                        m_keys.write(entry, v.webhookSecret.toLatin1(), this,
                                     [this](bool, const QString &) { applySettings(); });
                    else
                        applySettings();
                });
}

} // namespace paydesk::app
