#include "app/backgroundsync.h"

#include "models/store/cache.h"
#include "network/stripeclient.h"

namespace paydesk::app {

namespace {

// Lives on the sync thread and owns everything the sync touches there.
class Worker final : public QObject
{
public:
    Worker(network::StripeClientConfig config, QString cachePath, BackgroundSync *owner)
        : m_config(std::move(config))
        , m_path(std::move(cachePath))
        , m_owner(owner)
    { }

    void run()
    {
        QString error;
        if (!m_cache.open(m_path, &error)) {
            Q_EMIT m_owner->finished(false, error);
            return;
        }
        BackgroundSync *owner = m_owner;
        m_cache.database().setCommitObserver(
            [owner](const QStringList &tables) { Q_EMIT owner->committed(tables); });
        m_client = std::make_unique<network::StripeClient>(m_config);
        m_engine = std::make_unique<models::SyncEngine>(m_client.get(), &m_cache,
                                                        models::SyncEngine::Options());
        connect(m_engine.get(), &models::SyncEngine::progress, m_owner, &BackgroundSync::progress);
        connect(m_engine.get(), &models::SyncEngine::finished, m_owner, &BackgroundSync::finished);
        m_engine->start();
    }

private:
    network::StripeClientConfig m_config;
    QString m_path;
    BackgroundSync *m_owner;
    models::Cache m_cache;
    std::unique_ptr<network::StripeClient> m_client;
    std::unique_ptr<models::SyncEngine> m_engine;
};

} // namespace

BackgroundSync::BackgroundSync(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("paydesk-sync"));
}

BackgroundSync::~BackgroundSync()
{
    m_thread.quit();
    m_thread.wait();
}

void BackgroundSync::start(const QUrl &apiBase, const QByteArray &apiKey, const QString &cachePath,
                           double rateLimit)
{
    network::StripeClientConfig config;
    config.apiKey = apiKey;
    config.apiBase = apiBase;
    config.rateLimit = rateLimit;
    auto *worker = new Worker(config, cachePath, this);
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(
        worker, [worker] { worker->run(); }, Qt::QueuedConnection);
}

} // namespace paydesk::app
