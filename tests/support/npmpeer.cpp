#include "tests/support/npmpeer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace paydesk::tests {

NpmPeer::NpmPeer(QString script)
    : m_script(std::move(script))
{ }

NpmPeer::~NpmPeer()
{
    stop();
}

QString NpmPeer::peersDirectory()
{
    return QStringLiteral(PAYDESK_PEERS_DIR);
}

bool NpmPeer::start(int timeoutMs)
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        m_error = QStringLiteral("node is not on PATH");
        return false;
    }
    const QDir dir(peersDirectory());
    if (!QFileInfo::exists(dir.filePath(QStringLiteral("node_modules")))) {
        m_error = QStringLiteral("%1/node_modules is missing: run 'npm ci' there").arg(dir.path());
        return false;
    }
    m_process.setWorkingDirectory(dir.path());
    m_process.setProgram(node);
    m_process.setArguments({dir.filePath(m_script)});
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = m_process.errorString();
        return false;
    }

    static const QRegularExpression listening(
        QStringLiteral(R"(listening on (http://127\.0\.0\.1:\d+))"));
    QByteArray seen;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))) {
            if (m_process.state() != QProcess::Running)
                break;
            continue;
        }
        seen += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(seen));
        if (match.hasMatch()) {
            m_baseUrl = QUrl(match.captured(1));
            return true;
        }
    }
    m_error = QStringLiteral("peer %1 did not start listening: %2 %3")
                  .arg(m_script, QString::fromUtf8(seen),
                       QString::fromUtf8(m_process.readAllStandardError()));
    stop();
    return false;
}

void NpmPeer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

} // namespace paydesk::tests
