#include "models/store/account.h"

#include "models/store/cache.h"

namespace paydesk::models {

QString Account::cachePath() const
{
    return Cache::defaultPath(id, live);
}

Account Account::fromJson(const QJsonObject &account, bool live)
{
    Account a;
    a.id = account.value(QLatin1String("id")).toString();
    a.live = live;
    a.name = account.value(QLatin1String("business_profile"))
                 .toObject()
                 .value(QLatin1String("name"))
                 .toString();
    if (a.name.isEmpty())
        a.name = account.value(QLatin1String("settings"))
                     .toObject()
                     .value(QLatin1String("dashboard"))
                     .toObject()
                     .value(QLatin1String("display_name"))
                     .toString();
    if (a.name.isEmpty())
        a.name = account.value(QLatin1String("email")).toString();
    if (a.name.isEmpty())
        a.name = a.id;
    return a;
}

bool isLiveKey(QByteArrayView key)
{
    return key.startsWith("sk_live_") || key.startsWith("rk_live_");
}

void resolveAccount(network::StripeClient *client, QObject *context, AccountCallback done)
{
    const bool live = isLiveKey(client->config().apiKey);
    network::StripeRequest request;
    request.path = QStringLiteral("/v1/account");
    client->send(request, context, [live, done](const network::StripeResponse &r) {
        if (!r.ok()) {
            done(Account {}, r.error);
            return;
        }
        Account a = Account::fromJson(r.json, live);
        network::StripeError error;
        if (a.id.isEmpty()) {
            // Never a cache without an owner: an answer without an id is not an account.
            error.kind = network::StripeError::Kind::InvalidResponse;
            error.message = QStringLiteral("Stripe's account object has no id");
            a = Account {};
        }
        done(a, error);
    });
}

} // namespace paydesk::models
