#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace paydesk::app {

/*
 * API keys and webhook signing secrets of the profiles, in the system keychain through
 * QtKeychain (Secret Service, KWallet), one entry per profile and mode. Where no keychain
 * service runs, a secret is kept in this object for the session only and sessionOnly() says
 * so; QtKeychain's plain-text fallback is never used. Secrets are never logged.
 */
class KeyStore final : public QObject
{
    Q_OBJECT
public:
    explicit KeyStore(const QString &service = QStringLiteral("Paydesk"),
                      QObject *parent = nullptr);

    // The secret stored under `entry` (see entryName()); an empty secret and problem when none
    // is stored, a problem when the keychain failed otherwise.
    using ReadDone = std::function<void(const QByteArray &secret, const QString &problem)>;
    void read(const QString &entry, QObject *context, ReadDone done);
    // `persisted` is false when the secret is only kept for the session (no keychain service).
    using WriteDone = std::function<void(bool persisted, const QString &problem)>;
    void write(const QString &entry, const QByteArray &secret, QObject *context, WriteDone done);
    void remove(const QString &entry);

    // "profile/NAME/test", "profile/NAME/live", "profile/NAME/webhook".
    static QString entryName(const QString &profile, const QString &what);
    // True once the keychain was found missing: secrets then live for the session only.
    bool sessionOnly() const { return m_sessionOnly; }
    static QString sessionOnlyMessage();

Q_SIGNALS:
    void keychainUnavailable(const QString &message);

private:
    void markUnavailable();

    QString m_service;
    QHash<QString, QByteArray> m_session;
    bool m_sessionOnly = false;
};

} // namespace paydesk::app
