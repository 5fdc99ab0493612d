#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/*
 * Builders for the Stripe objects the sandbox serves, in the shapes of API version 2023-08-16
 * (every field the OpenAPI spec marks required is present, nullable ones as null). Used by the
 * demo merchant's generator and by the API when it creates objects at run time.
 */
namespace paydesk::sandbox {

// Deterministic pseudo-random numbers (splitmix64), identical on every platform and standard
// library, so that a seed always yields the same merchant.
class Rng final
{
public:
    explicit Rng(quint64 seed)
        : m_state(seed)
    { }
    quint64 next();
    double uniform(); // [0, 1)
    qint64 range(qint64 lo, qint64 hi); // [lo, hi]
    bool chance(double p) { return uniform() < p; }

private:
    quint64 m_state;
};

// Stripe-looking ids ("cus_" + 24 base62 characters), deterministic from the seed.
class IdGenerator final
{
public:
    explicit IdGenerator(quint64 seed)
        : m_rng(seed ^ 0x9e3779b97f4a7c15ULL)
    { }
    QString next(const char *prefix);

private:
    Rng m_rng;
};

struct CardInfo
{
    QString brand; // visa, mastercard, amex, discover
    QString last4;
    QString country;
    QString funding; // credit, debit, prepaid
    int expMonth = 12;
    int expYear = 2030;
};

struct ChargeSpec
{
    QString id;
    qint64 created = 0;
    qint64 amount = 0;
    QString currency;
    QString customer; // May be empty (guest).
    QString paymentIntent;
    QString paymentMethod;
    QString invoice;
    QString description;
    QString receiptEmail;
    QString billingName;
    CardInfo card;
    bool succeeded = true;
    QString failureCode; // card_declined, …
    QString declineCode; // insufficient_funds, …
    QString riskLevel = QStringLiteral("normal");
    int riskScore = 10;
    QString balanceTransaction;
    qint64 amountRefunded = 0;
    bool disputed = false;
};

// Parses a builder's output when an API call has to change the object.
QJsonObject parseObject(const QByteArray &json);

QJsonObject accountObject(qint64 created);
QByteArray customerJson(const QString &id, qint64 created, const QString &email,
                        const QString &name, const QString &phone, const QString &country,
                        const QString &defaultPaymentMethod);
QByteArray productJson(const QString &id, qint64 created, const QString &name,
                       const QString &description);
QByteArray priceJson(const QString &id, qint64 created, const QString &product,
                     const QString &currency, qint64 unitAmount, const QString &interval,
                     int intervalCount, const QString &nickname);
QByteArray couponJson(const QString &id, qint64 created, const QString &name, int percentOff,
                      const QString &duration, int durationInMonths);
QByteArray paymentMethodJson(const QString &id, qint64 created, const QString &customer,
                             const CardInfo &card, const QString &name, const QString &email);
QByteArray chargeJson(const ChargeSpec &spec);
QByteArray paymentIntentJson(const ChargeSpec &spec);
QByteArray refundJson(const QString &id, qint64 created, const QString &charge,
                      const QString &paymentIntent, qint64 amount, const QString &currency,
                      const QString &reason, const QString &balanceTransaction);
// `balanceTransactions` is a JSON array of balance transaction objects.
QByteArray disputeJson(const QString &id, qint64 created, const QString &charge,
                       const QString &paymentIntent, qint64 amount, const QString &currency,
                       const QString &reason, const QString &status,
                       const QByteArray &balanceTransactions);
// A Radar review of `charge` opened by a rule at `created`; `reason` "rule" while it is open,
// else why it closed (approved, refunded, refunded_as_fraud, disputed).
QJsonObject reviewObject(const QString &id, qint64 created, const QString &charge,
                         const QString &paymentIntent, const QString &reason,
                         const QString &ipAddress);
QByteArray balanceTransactionJson(const QString &id, qint64 created, const QString &source,
                                  const QString &type, qint64 amount, qint64 fee,
                                  const QString &currency, double exchangeRate,
                                  const QString &description);

struct LineItemSpec
{
    QString id;
    qint64 amount = 0;
    QString currency;
    QString description;
    qint64 discount = 0; // Amount of the discount on this line.
    QString discountId;
    bool proration = false;
    qint64 periodStart = 0;
    qint64 periodEnd = 0;
    QByteArray price; // The price object, as JSON.
    qint64 unitAmount = 0;
    qint64 quantity = 1;
    QString subscription;
    QString subscriptionItem;
    QString invoiceItem; // Set: a one-off line of that invoice item (type "invoiceitem").
};
QByteArray lineItemJson(const LineItemSpec &spec);

struct InvoiceSpec
{
    QString id;
    qint64 created = 0;
    QString customer;
    QString customerEmail;
    QString customerName;
    QString subscription;
    QString currency;
    QString billingReason = QStringLiteral("subscription_cycle");
    QByteArray lines; // JSON array of line items (at most the first 10, as Stripe embeds them).
    bool moreLines = false; // `lines.has_more`: the invoice has more than these.
    qint64 subtotal = 0;
    qint64 discount = 0;
    QString discountId;
    qint64 total = 0;
    qint64 endingBalance = 0; // Credit left to the customer (negative totals).
    QString status; // draft, open, paid, uncollectible, void
    QString charge;
    QString paymentIntent;
    int attempts = 0;
    qint64 periodStart = 0;
    qint64 periodEnd = 0;
};
QByteArray invoiceJson(const InvoiceSpec &spec);

struct SubscriptionSpec
{
    QString id;
    qint64 created = 0;
    QString customer;
    QString currency;
    QString status;
    QByteArray items; // JSON array of the subscription's items (at most the first 10).
    bool moreItems = false; // `items.has_more`: the subscription has more than these.
    QByteArray discount; // Discount object as JSON, or empty.
    qint64 billingCycleAnchor = 0;
    qint64 currentPeriodStart = 0;
    qint64 currentPeriodEnd = 0;
    bool cancelAtPeriodEnd = false;
    qint64 cancelAt = 0;
    qint64 canceledAt = 0;
    qint64 endedAt = 0;
    QString cancellationReason;
    QString defaultPaymentMethod;
    QString latestInvoice;
    qint64 trialStart = 0;
    qint64 trialEnd = 0;
};
QByteArray subscriptionItemJson(const QString &id, qint64 created, const QByteArray &price,
                                qint64 quantity, const QString &subscription);
QByteArray subscriptionJson(const SubscriptionSpec &spec);

// `object` is the event's data.object as JSON; `previousAttributes` JSON or empty.
QByteArray eventJson(const QString &id, qint64 created, const QString &type,
                     const QByteArray &object, const QByteArray &previousAttributes = {},
                     const QString &requestId = {}, const QString &idempotencyKey = {},
                     int pendingWebhooks = 0);
QByteArray listJson(const QString &url, const QByteArray &dataArray, bool hasMore);
QJsonObject listObject(const QString &url, const QJsonArray &data, bool hasMore);
QJsonObject errorBody(const QString &type, const QString &message, const QString &code = {},
                      const QString &param = {}, const QString &declineCode = {});

// Stripe's fee in the settlement currency (USD) for a charge amount already converted to USD.
qint64 stripeFee(qint64 usdAmount, const QString &cardCountry);
// Fixed demo exchange rates into USD (units of USD per unit of the currency).
double usdRate(const QString &currency);
// Converts minor units of `currency` into USD cents, rounding half away from zero.
qint64 toUsdMinor(qint64 amount, const QString &currency);

} // namespace paydesk::sandbox
