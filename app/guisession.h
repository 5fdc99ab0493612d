#pragma once

#include "app/backgroundsync.h"
#include "app/demosandbox.h"
#include "models/cache.h"
#include "models/outbox.h"
#include "ui/mainwindow.h"

#include <QObject>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace paydesk::network {
class StripeClient;
}

namespace paydesk::app {

/*
 * The window's session: which account it shows and where its data comes from. Opens the demo
 * merchant (in-process sandbox synced into a cache of the session), an account whose key is in
 * STRIPE_API_KEY, or the connect screen, where a pasted key is checked with GET /v1/account
 * before the account's cache is shown (at once, offline-first, if it exists) and synced in the
 * background.
 */
class GuiSession final : public QObject
{
    Q_OBJECT
public:
    explicit GuiSession(const QUrl &apiBase, QObject *parent = nullptr);
    ~GuiSession() override;

    ui::MainWindow &window() { return m_window; }
    void startDemo();
    void connectWith(const QByteArray &apiKey);

private:
    // The outbox of the account, on a cache connection of the window's thread: staff actions
    // go through it, and what an earlier session left unanswered is sent again now.
    void openActions(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                     bool live);
    void startSync(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                   double rateLimit);

    QUrl m_apiBase;
    ui::MainWindow m_window;
    std::unique_ptr<DemoSandbox> m_demo;
    QTemporaryDir m_demoCacheDir;
    std::unique_ptr<BackgroundSync> m_sync;
    std::unique_ptr<network::StripeClient> m_client;
    std::unique_ptr<network::StripeClient> m_actionClient;
    models::Cache m_actionCache;
    std::unique_ptr<models::Outbox> m_outbox;
    QByteArray m_apiKey;
    bool m_live = false;
};

} // namespace paydesk::app
