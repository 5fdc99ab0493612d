#include "tests/support/fixturecache.h"

#include "tests/support/peerprocess.h"

#include <QProcess>

namespace paydesk::tests {

QString syncFixture(const QString &fixture, const QString &cache)
{
    PeerProcess sandbox(PeerProcess::sandbox({QStringLiteral("--fixture"), fixture}));
    if (!sandbox.start())
        return sandbox.errorString();
    QProcess sync;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("STRIPE_API_KEY"), QStringLiteral("sk_test_fixture"));
    sync.setProcessEnvironment(env);
    sync.start(PeerProcess::paydeskBinary(),
               {QStringLiteral("sync"), QStringLiteral("--api-base"), sandbox.baseUrl().toString(),
                QStringLiteral("--cache"), cache});
    if (!sync.waitForFinished(120000))
        return QStringLiteral("paydesk sync did not finish");
    if (sync.exitStatus() != QProcess::NormalExit || sync.exitCode() != 0)
        return QStringLiteral("paydesk sync failed: ")
            + QString::fromUtf8(sync.readAllStandardError());
    return {};
}

} // namespace paydesk::tests
