#pragma once

#include <QProcess>
#include <QString>
#include <QUrl>

namespace paydesk::tests {

/*
 * Runs a third-party test peer from tests/peers (installed there by `npm ci`) as a child
 * process bound to 127.0.0.1 on a free port, and waits for its "listening on URL" line instead
 * of sleeping. The process is terminated when the object is destroyed.
 */
class NpmPeer final
{
public:
    // `script` is relative to tests/peers, e.g. "start-stripe-mock.js".
    explicit NpmPeer(QString script);
    ~NpmPeer();

    NpmPeer(const NpmPeer &) = delete;
    NpmPeer &operator=(const NpmPeer &) = delete;

    // Starts the peer and waits up to `timeoutMs` for it to listen. On failure errorString()
    // says why (node missing, npm ci not run, crash with its stderr).
    bool start(int timeoutMs = 20000);
    void stop();

    QUrl baseUrl() const { return m_baseUrl; }
    QString errorString() const { return m_error; }

    static QString peersDirectory();

private:
    QString m_script;
    QProcess m_process;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace paydesk::tests
