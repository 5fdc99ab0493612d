#include "app/guisession.h"
#include "network/stripeclient.h"
#include "ui/connectpage.h"

#include <QLabel>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// TLS uses the system trust store and its errors are fatal: a loopback HTTPS server with a
// self-signed certificate (made here by the openssl command) is refused by the client and by
// the connect screen, after the handshake started and before any request reached the server.
class TestTls final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QSslServer m_server;
    qint64 m_bytesFromClients = 0;
    int m_handshakes = 0;

    QUrl base() const
    {
        return QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_server.serverPort()));
    }

private Q_SLOTS:
    void initTestCase();
    void clientRefusesSelfSigned();
    void connectScreenSaysSoAndSendsNothing();
};

void TestTls::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QVERIFY(openssl.waitForFinished(60000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());
    QFile keyFile(key), certFile(cert);
    QVERIFY(keyFile.open(QIODevice::ReadOnly) && certFile.open(QIODevice::ReadOnly));
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
    config.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
    QVERIFY(!config.localCertificate().isNull() && !config.privateKey().isNull());
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_server.setSslConfiguration(config);
    connect(&m_server, &QSslServer::startedEncryptionHandshake, this,
            [this](QSslSocket *) { ++m_handshakes; });
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (m_server.hasPendingConnections()) {
            QTcpSocket *socket = m_server.nextPendingConnection();
            // Anything decrypted here would be a request the client should never have sent.
            connect(socket, &QTcpSocket::readyRead, this,
                    [this, socket] { m_bytesFromClients += socket->readAll().size(); });
        }
    });
    QVERIFY(m_server.listen(QHostAddress::LocalHost));
}

void TestTls::clientRefusesSelfSigned()
{
    network::StripeClientConfig config;
    config.apiKey = QByteArrayLiteral("sk_test_") + QByteArrayLiteral("tlsCheckLoopback42");
    config.apiBase = base();
    config.maxRetries = 3;
    network::StripeClient client(config);
    network::StripeRequest request;
    request.path = QStringLiteral("/v1/account");
    std::optional<network::StripeResponse> result;
    client.send(request, this, [&](const network::StripeResponse &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
    QCOMPARE(result->error.kind, network::StripeError::Kind::Tls);
    QVERIFY2(result->error.userMessage().contains(QStringLiteral("TLS")),
             qPrintable(result->error.userMessage()));
    QVERIFY(m_handshakes >= 1); // The server was reached: the refusal is the certificate's.
    QCOMPARE(m_handshakes, 1); // A TLS failure is not retried.
    QCOMPARE(m_bytesFromClients, 0);
}

void TestTls::connectScreenSaysSoAndSendsNothing()
{
    const int before = m_handshakes;
    app::GuiSession session(
        base(), QStringLiteral("default"),
        QStringLiteral("paydesk-test-tls-%1").arg(QCoreApplication::applicationPid()));
    session.window().show();
    session.window().showConnectScreen();
    session.connectKey(QByteArrayLiteral("sk_test_") + QByteArrayLiteral("tlsCheckLoopback42"),
                       QStringLiteral("default"), false);
    auto *error
        = session.window().connectPage()->findChild<QLabel *>(QStringLiteral("connectError"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
    QVERIFY2(error->text().contains(QStringLiteral("Could not connect securely")),
             qPrintable(error->text()));
    QVERIFY(!error->text().contains(QStringLiteral("tlsCheck")));
    QVERIFY(session.window().cachePath().isEmpty());
    QCOMPARE(m_handshakes, before + 1);
    QCOMPARE(m_bytesFromClients, 0);
}

QTEST_MAIN(TestTls)
#include "tst_tls.moc"
