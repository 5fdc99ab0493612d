#include "app/guisession.h"

#include "app/applogging.h"
#include "models/cache.h"
#include "network/stripeclient.h"
#include "ui/actioncontroller.h"
#include "ui/connectpage.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSettings>

namespace paydesk::app {

GuiSession::GuiSession(const QUrl &apiBase, QObject *parent)
    : QObject(parent)
    , m_apiBase(apiBase)
    , m_window(ui::MainWindow::Account {tr("No account connected"), true, false})
{
    connect(m_window.connectPage(), &ui::ConnectPage::connectRequested, this,
            &GuiSession::connectWith);
    connect(m_window.connectPage(), &ui::ConnectPage::demoRequested, this, &GuiSession::startDemo);
}

GuiSession::~GuiSession() = default;

void GuiSession::startSync(const QUrl &apiBase, const QByteArray &apiKey, const QString &cache,
                           double rateLimit)
{
    m_sync = std::make_unique<BackgroundSync>();
    connect(m_sync.get(), &BackgroundSync::progress, &m_window,
            [this](const models::SyncProgress &p) {
                m_window.setSyncProgress(p.table, p.done, p.total, p.etaSeconds);
            });
    connect(m_sync.get(), &BackgroundSync::finished, &m_window,
            [this, cache, apiBase](bool ok, const QString &error) {
                m_window.setSyncProgress({}, 0, 0, -1);
                if (!ok) {
                    m_window.setStatusText(tr("Sync failed: %1").arg(error));
                    m_window.setOnline(false);
                    return;
                }
                m_window.setStatusText({});
                m_window.setLastSync(QDateTime::currentDateTime());
                m_window.setOnline(true);
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
    m_actionClient = std::make_unique<network::StripeClient>(config);
    m_outbox = std::make_unique<models::Outbox>(&m_actionCache, m_actionClient.get());
    m_outbox->setProfile(QStringLiteral("default"), live);
    QSettings settings;
    m_window.actions()->setRefundThreshold(
        settings.value(QStringLiteral("actions/refundConfirmThreshold"), 500).toLongLong());
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
    m_window.setAccount({tr("Demo merchant"), true, true});
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
    network::StripeRequest request;
    request.path = QStringLiteral("/v1/account");
    m_client->send(request, this, [this, apiKey](const network::StripeResponse &r) {
        if (!r.ok()) {
            m_window.showConnectScreen();
            const bool unreachable = r.error.kind == network::StripeError::Kind::Network
                || r.error.kind == network::StripeError::Kind::Timeout;
            m_window.connectPage()->setError(
                unreachable ? tr("Could not reach Stripe: %1").arg(r.error.userMessage())
                            : tr("Stripe did not accept this key: %1").arg(r.error.userMessage()));
            m_window.setOnline(false);
            return;
        }
        const QJsonObject account = r.json;
        const bool live = apiKey.contains("_live_");
        QString name = account.value(QStringLiteral("business_profile"))
                           .toObject()
                           .value(QStringLiteral("name"))
                           .toString();
        if (name.isEmpty())
            name = account.value(QStringLiteral("settings"))
                       .toObject()
                       .value(QStringLiteral("dashboard"))
                       .toObject()
                       .value(QStringLiteral("display_name"))
                       .toString();
        if (name.isEmpty())
            name = account.value(QStringLiteral("email")).toString();
        const QString id = account.value(QStringLiteral("id")).toString();
        if (name.isEmpty())
            name = id;
        qCInfo(lcApp) << "connected to account" << id << (live ? "(live)" : "(test)");
        m_window.setAccount({name, !live, false});
        m_window.setOnline(true);
        const QString cache = models::Cache::defaultPath(id, live);
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

} // namespace paydesk::app
