#pragma once

#include <QString>
#include <QStringView>

namespace paydesk::network {

/*
 * Masks every Stripe secret in a piece of text before it can reach a log, a crash report,
 * stderr or a test's output: secret keys (sk_live_, sk_test_), restricted keys (rk_live_,
 * rk_test_), webhook signing secrets (whsec_) and the credentials of Authorization headers
 * (Bearer tokens and Basic credentials). The kind of secret and its last four characters stay
 * visible, as in the Stripe Dashboard, so that a user can still tell two keys apart.
 */
QString redactSecrets(QStringView text);

// True if redactSecrets() would change the text.
bool containsSecret(QStringView text);

// Routes every qDebug/qInfo/qWarning/qCritical/qFatal message of the process through
// redactSecrets() before the previously installed handler (Qt's default or a test's) sees it.
void installRedactingMessageHandler();

} // namespace paydesk::network
