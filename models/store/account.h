#pragma once

#include "network/stripeclient.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace paydesk::models {

/*
 * Which Stripe account a key belongs to, and whether it is live: asked once, the same way, by
 * the window's connect flow and by every command (sync, export, report, the staff commands).
 * Live or test is the key's own prefix (sk_live_, rk_live_); the account is GET /v1/account.
 */
struct Account
{
    QString id; // "acct_…"
    QString name; // Business name, else the dashboard's display name, else the e-mail, else id.
    bool live = false;

    // The account's cache file (one per account and mode).
    QString cachePath() const;
    // What GET /v1/account answered, read for a key of `live` mode.
    static Account fromJson(const QJsonObject &account, bool live);
};

// Whether a secret or restricted key is a live one.
bool isLiveKey(QByteArrayView key);

// Asks Stripe which account `client`'s key belongs to. `done` runs once, in `context`'s thread,
// with the account, or with the error Stripe or the network gave (the account's id empty).
using AccountCallback = std::function<void(const Account &, const network::StripeError &)>;
void resolveAccount(network::StripeClient *client, QObject *context, AccountCallback done);

} // namespace paydesk::models
