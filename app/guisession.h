#pragma once

#include "app/backgroundsync.h"
#include "app/demosandbox.h"
#include "app/keystore.h"
#include "models/actions/outbox.h"
#include "models/store/cache.h"
#include "ui/mainwindow.h"

#include <QObject>
#include <QSet>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

class QTimer;

namespace paydesk::network {
class StripeClient;
class WebhookListener;
} // namespace paydesk::network

namespace paydesk::app {

/*
 * The window's session: which profile and mode it shows and where its data comes from. Opens the
 * demo merchant (in-process sandbox synced into a cache of the session), an account whose key is
 * in STRIPE_API_KEY (kept for the session only), the profile's key from the system keychain, or
 * the connect screen, where a pasted key is checked with GET /v1/account before the account's
 * cache is shown (at once, offline-first, if it exists) and synced in the background. Switching
 * profile or mode switches key, cache, views and badge. Syncs again every few minutes and, with
 * the webhook listener on, soon after each signed event.
 */
class GuiSession final : public QObject
{
    Q_OBJECT
public:
    // `keychainService`: the keychain's service name (tests use their own).
    GuiSession(const QUrl &apiBase, const QString &profile,
               const QString &keychainService = QStringLiteral("Paydesk"),
               QObject *parent = nullptr);
    ~GuiSession() override;

    ui::MainWindow &window() { return m_window; }
    // The first screen: the demo, STRIPE_API_KEY, the profile's stored key, or the connect
    // screen.
    void start(bool demo);
    void startDemo();
    // A key pasted on the connect screen, for the profile named there.
    void connectWith(const QByteArray &apiKey);
    // A key for a profile: checked with Stripe, then the account is shown; `remember` stores
    // it in the keychain.
    void connectKey(const QByteArray &apiKey, const QString &profile, bool remember);
    void switchProfile(const QString &profile, bool live);
    QString profile() const { return m_profile; }
    KeyStore &keys() { return m_keys; }
    void openSettings();
    // Applies the saved settings: theme, thresholds, read-only, sync interval, webhooks.
    void applySettings();
    quint16 webhookPort() const;

private:
    // The outbox of the account, on a cache connection of the window's thread: staff actions
    // go through it, and what an earlier session left unanswered is sent again now.
    void openActions(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                     bool live);
    void startSync(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                   double rateLimit);
    void syncAgain();
    void stopAccount();
    void refreshProfiles();
    void startWebhooks(const QByteArray &secret);

    QUrl m_apiBase;
    ui::MainWindow m_window;
    std::unique_ptr<DemoSandbox> m_demo;
    QTemporaryDir m_demoCacheDir;
    std::unique_ptr<BackgroundSync> m_sync;
    // The tables being listed (a few at once), for one progress line over all of them.
    models::ListingProgress m_listing;
    std::unique_ptr<network::StripeClient> m_client;
    std::unique_ptr<network::StripeClient> m_actionClient;
    models::Cache m_actionCache;
    std::unique_ptr<models::Outbox> m_outbox;
    QByteArray m_apiKey;
    bool m_live = false;
    QString m_profile;
    KeyStore m_keys;
    QUrl m_syncBase;
    QString m_syncCache;
    double m_syncRate = 0;
    bool m_syncing = false;
    bool m_inDemo = false;
    QTimer *m_syncTimer;
    QTimer *m_webhookSync;
    std::unique_ptr<network::WebhookListener> m_webhooks;
    // Customers whose saved payment methods were listed (or are being listed) this session.
    QSet<QString> m_methodsListed;
    QSet<QString> m_payoutsLinked;
};

} // namespace paydesk::app
