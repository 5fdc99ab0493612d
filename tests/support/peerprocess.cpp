#include "tests/support/peerprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace paydesk::tests {

PeerProcess::PeerProcess(QString program, QStringList arguments, QString workingDirectory)
    : m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_workingDirectory(std::move(workingDirectory))
{ }

PeerProcess::~PeerProcess()
{
    stop();
}

QString PeerProcess::peersDirectory()
{
    return QStringLiteral(PAYDESK_PEERS_DIR);
}

QString PeerProcess::paydeskBinary()
{
    return QStringLiteral(PAYDESK_BINARY);
}

PeerProcess PeerProcess::stripeMock()
{
    const QDir dir(peersDirectory());
    return PeerProcess(QStandardPaths::findExecutable(QStringLiteral("node")),
                       {dir.filePath(QStringLiteral("start-stripe-mock.js"))}, dir.path());
}

PeerProcess PeerProcess::sandbox(const QStringList &arguments)
{
    return PeerProcess(
        paydeskBinary(),
        QStringList {QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0")}
            + arguments);
}

bool PeerProcess::start(int timeoutMs)
{
    if (m_program.isEmpty()) {
        m_error = QStringLiteral("program not found (is node on PATH?)");
        return false;
    }
    if (m_program.endsWith(QLatin1String("node"))
        && !QFileInfo::exists(QDir(peersDirectory()).filePath(QStringLiteral("node_modules")))) {
        m_error = QStringLiteral("%1/node_modules is missing: run 'npm ci' there")
                      .arg(peersDirectory());
        return false;
    }
    if (!m_workingDirectory.isEmpty())
        m_process.setWorkingDirectory(m_workingDirectory);
    m_process.setProgram(m_program);
    m_process.setArguments(m_arguments);
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
    m_error = QStringLiteral("%1 did not start listening: %2 %3")
                  .arg(m_program, QString::fromUtf8(seen),
                       QString::fromUtf8(m_process.readAllStandardError()));
    stop();
    return false;
}

QByteArray PeerProcess::standardError()
{
    return m_process.readAllStandardError();
}

int PeerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

} // namespace paydesk::tests
