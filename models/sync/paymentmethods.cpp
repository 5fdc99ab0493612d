#include "models/sync/paymentmethods.h"

#include "models/modelslogging.h"
#include "models/store/cache.h"
#include "network/pagination.h"
#include "network/stripeclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <memory>

namespace paydesk::models {

void fetchPaymentMethods(network::StripeClient *client, Cache *cache, const QString &customer,
                         QObject *context,
                         std::function<void(bool ok, int methods, const QString &error)> done)
{
    auto listed = std::make_shared<QJsonArray>();
    network::StripeParams params;
    params.set(QStringLiteral("limit"), 100);
    network::Pager::start(
        client, QStringLiteral("/v1/customers/%1/payment_methods").arg(customer), params, context,
        [listed](const QJsonArray &page) {
            for (const QJsonValue &v : page)
                listed->append(v);
            return true;
        },
        [cache, customer, listed, done](const network::StripeError &error, qint64) {
            if (error.isError()) {
                qCInfo(lcCache).noquote()
                    << "payment methods of" << customer << "not listed:" << error.userMessage();
                done(false, 0, error.userMessage());
                return;
            }
            const qint64 asOf = QDateTime::currentSecsSinceEpoch();
            QSet<QString> attached;
            if (!cache->begin()) {
                done(false, 0, cache->database().lastError());
                return;
            }
            for (const QJsonValue &v : std::as_const(*listed)) {
                const QJsonObject method = v.toObject();
                if (cache->upsert(method, asOf) != Cache::Write::Invalid)
                    attached.insert(method.value(QStringLiteral("id")).toString());
            }
            // Detached since the cache last saw them.
            QStringList gone;
            {
                sql::Statement s = cache->database().prepare(QStringLiteral(
                    "SELECT id FROM payment_methods WHERE customer = ?1 AND deleted = 0"));
                s.bind(1, customer);
                while (s.step())
                    if (!attached.contains(s.text(0)))
                        gone.append(s.text(0));
            }
            for (const QString &id : std::as_const(gone))
                cache->markDeleted(QStringLiteral("payment_methods"), id, asOf);
            if (!cache->commit()) {
                cache->rollback();
                done(false, 0, cache->database().lastError());
                return;
            }
            done(true, int(attached.size()), {});
        });
}

} // namespace paydesk::models
