#include "app/keystore.h"

#include "app/applogging.h"

#include <QPointer>
#include <qt6keychain/keychain.h>

namespace paydesk::app {

namespace {

// No keychain service to talk to (no D-Bus session, no Secret Service or KWallet).
bool isUnavailable(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented
        || error == QKeychain::OtherError;
}

} // namespace

KeyStore::KeyStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{ }

QString KeyStore::entryName(const QString &profile, const QString &what)
{
    return QStringLiteral("profile/%1/%2").arg(profile, what);
}

QString KeyStore::sessionOnlyMessage()
{
    return tr("No keychain service is running: the key is kept for this session only.");
}

void KeyStore::markUnavailable()
{
    if (m_sessionOnly)
        return;
    m_sessionOnly = true;
    qCWarning(lcApp) << "no system keychain service: secrets are kept for this session only";
    Q_EMIT keychainUnavailable(sessionOnlyMessage());
}

void KeyStore::read(const QString &entry, QObject *context, ReadDone done)
{
    if (m_sessionOnly) {
        done(m_session.value(entry), {});
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    QPointer<KeyStore> self(this);
    connect(job, &QKeychain::Job::finished, context,
            [self, entry, done = std::move(done)](QKeychain::Job *j) {
                const auto *r = static_cast<QKeychain::ReadPasswordJob *>(j);
                if (r->error() == QKeychain::NoError) {
                    done(r->binaryData(), {});
                } else if (r->error() == QKeychain::EntryNotFound) {
                    done(self ? self->m_session.value(entry) : QByteArray(), {});
                } else if (isUnavailable(r->error()) && self) {
                    self->markUnavailable();
                    done(self->m_session.value(entry), {});
                } else {
                    done({}, tr("The keychain refused to give the key: %1").arg(r->errorString()));
                }
            });
    job->start();
}

void KeyStore::write(const QString &entry, const QByteArray &secret, QObject *context,
                     WriteDone done)
{
    // Kept for the session in any case: a keychain that fails later still leaves it usable.
    m_session.insert(entry, secret);
    if (m_sessionOnly) {
        done(false, {});
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    job->setBinaryData(secret);
    QPointer<KeyStore> self(this);
    connect(job, &QKeychain::Job::finished, context,
            [self, done = std::move(done)](QKeychain::Job *j) {
                if (j->error() == QKeychain::NoError) {
                    done(true, {});
                } else if (isUnavailable(j->error()) && self) {
                    self->markUnavailable();
                    done(false, {});
                } else {
                    done(false, tr("The keychain did not store the key: %1").arg(j->errorString()));
                }
            });
    job->start();
}

void KeyStore::remove(const QString &entry)
{
    m_session.remove(entry);
    if (m_sessionOnly)
        return;
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setKey(entry);
    job->start();
}

} // namespace paydesk::app
