#include "app/keystore.h"

#include <QSignalSpy>
#include <QTest>

using namespace paydesk::app;

// The key store against a real Secret Service (CTest runs this under tests/support/
// with-keyring.sh: a D-Bus session with an unlocked GNOME keyring) and without any keychain
// service (no D-Bus session at all): with one, a key written by one store is read by another
// and removed for good; without, the store says so and keeps the key for the session only.
class TestKeyStore final : public QObject
{
    Q_OBJECT

private:
    const QString m_service
        = QStringLiteral("paydesk-test-keystore-%1").arg(QCoreApplication::applicationPid());
    const bool m_expectKeychain = qEnvironmentVariable("PAYDESK_EXPECT_KEYCHAIN") == u'1';

    QByteArray read(KeyStore &store, const QString &entry, QString *problem = nullptr)
    {
        bool done = false;
        QByteArray secret;
        store.read(entry, this, [&](const QByteArray &s, const QString &p) {
            secret = s;
            if (problem)
                *problem = p;
            done = true;
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        }();
        return secret;
    }
    bool write(KeyStore &store, const QString &entry, const QByteArray &secret)
    {
        bool done = false, persisted = false;
        store.write(entry, secret, this, [&](bool p, const QString &) {
            persisted = p;
            done = true;
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        }();
        return persisted;
    }

private Q_SLOTS:
    void roundTrip();
    void entriesAreSeparate();
};

void TestKeyStore::roundTrip()
{
    const QString entry
        = KeyStore::entryName(QStringLiteral("Coffee shop"), QStringLiteral("test"));
    const QByteArray key = QByteArrayLiteral("sk_test_") + QByteArrayLiteral("keystoreRoundTrip42");
    KeyStore store(m_service);
    QSignalSpy unavailable(&store, &KeyStore::keychainUnavailable);
    const bool persisted = write(store, entry, key);
    QCOMPARE(persisted, m_expectKeychain);
    QCOMPARE(store.sessionOnly(), !m_expectKeychain);
    QCOMPARE(unavailable.size(), m_expectKeychain ? 0 : 1);
    QCOMPARE(read(store, entry), key); // From the keychain, or this session's store.
    KeyStore other(m_service);
    QString problem;
    // Another store (another run of the app) finds it only in a real keychain.
    QCOMPARE(read(other, entry, &problem), m_expectKeychain ? key : QByteArray());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    store.remove(entry);
    if (m_expectKeychain) {
        KeyStore third(m_service);
        QTRY_VERIFY_WITH_TIMEOUT(read(third, entry).isEmpty(), 20000);
    }
    QVERIFY(read(store, entry).isEmpty());
}

void TestKeyStore::entriesAreSeparate()
{
    KeyStore store(m_service);
    const QString test = KeyStore::entryName(QStringLiteral("A"), QStringLiteral("test"));
    const QString live = KeyStore::entryName(QStringLiteral("A"), QStringLiteral("live"));
    const QString other = KeyStore::entryName(QStringLiteral("B"), QStringLiteral("test"));
    write(store, test, "sk_test_aaaaaaaaaaaaaaaa");
    write(store, live, "sk_live_bbbbbbbbbbbbbbbb");
    QCOMPARE(read(store, test), QByteArray("sk_test_aaaaaaaaaaaaaaaa"));
    QCOMPARE(read(store, live), QByteArray("sk_live_bbbbbbbbbbbbbbbb"));
    QVERIFY(read(store, other).isEmpty());
    for (const QString &e : {test, live})
        store.remove(e);
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
