#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace paydesk::tests {

/*
 * A server the tests talk to over real HTTP on 127.0.0.1 — the Paydesk sandbox
 * (`paydesk sandbox`) or an npm test peer such as stripe-stateful-mock — run as a child
 * process on a free port. start() waits for its "listening on URL" line instead of sleeping;
 * the process is terminated with SIGTERM when the object goes away.
 */
class PeerProcess final
{
public:
    PeerProcess(QString program, QStringList arguments, QString workingDirectory = {});
    ~PeerProcess();

    PeerProcess(const PeerProcess &) = delete;
    PeerProcess &operator=(const PeerProcess &) = delete;

    // The third-party Stripe fake from tests/peers (installed there by `npm ci`).
    static PeerProcess stripeMock();
    // `paydesk sandbox` with these extra arguments (--scale, --fixture, …) on a free port.
    static PeerProcess sandbox(const QStringList &arguments);

    bool start(int timeoutMs = 60000);
    // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
    int stop();

    QUrl baseUrl() const { return m_baseUrl; }
    QString errorString() const { return m_error; }
    QByteArray standardError();

    static QString peersDirectory();
    static QString paydeskBinary();

private:
    PeerProcess() = default;

    QString m_program;
    QStringList m_arguments;
    QString m_workingDirectory;
    QProcess m_process;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace paydesk::tests
