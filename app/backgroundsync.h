#pragma once

#include "models/sync/syncengine.h"

#include <QObject>
#include <QThread>
#include <QUrl>

namespace paydesk::app {

/*
 * Runs a sync (client, cache connection and engine) on its own thread, so the window never
 * waits for the network or for SQLite; progress and the result come back as queued signals.
 */
class BackgroundSync final : public QObject
{
    Q_OBJECT
public:
    explicit BackgroundSync(QObject *parent = nullptr);
    ~BackgroundSync() override;

    // `rateLimit` 0: the client's default for the key (the demo's loopback sandbox allows more).
    void start(const QUrl &apiBase, const QByteArray &apiKey, const QString &cachePath,
               double rateLimit = 0);

Q_SIGNALS:
    void progress(const paydesk::models::SyncProgress &progress);
    void finished(bool ok, const QString &error);
    // The tables a commit of the sync changed (sql::Database::setCommitObserver()).
    void committed(const QStringList &tables);

private:
    QThread m_thread;
};

} // namespace paydesk::app
