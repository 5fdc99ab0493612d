#pragma once

#include <QString>

#include <functional>

class QObject;

namespace paydesk::network {
class StripeClient;
}

namespace paydesk::models {

class Cache;

/*
 * A customer's saved payment methods, listed on demand. The backfill takes each customer's
 * default payment method from the customer list (one request per hundred customers, not one
 * per customer); the others are listed here when someone looks at the customer (the detail
 * panel), every page of `GET /v1/customers/{id}/payment_methods`, and kept in the cache: new
 * ones stored, detached ones marked deleted. `done` gets how many the customer has, or the
 * error; it is not called once `context` is destroyed.
 */
void fetchPaymentMethods(network::StripeClient *client, Cache *cache, const QString &customer,
                         QObject *context,
                         std::function<void(bool ok, int methods, const QString &error)> done);

} // namespace paydesk::models
