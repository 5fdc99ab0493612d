#pragma once

#include <QByteArray>
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

QJsonObject accountObject(qint64 created);
QJsonObject customerObject(const QString &id, qint64 created, const QString &email,
                           const QString &name, const QString &phone, const QString &country,
                           const QString &defaultPaymentMethod);
QJsonObject productObject(const QString &id, qint64 created, const QString &name,
                          const QString &description);
QJsonObject priceObject(const QString &id, qint64 created, const QString &product,
                        const QString &currency, qint64 unitAmount, const QString &interval,
                        int intervalCount, const QString &nickname);
QJsonObject couponObject(const QString &id, qint64 created, const QString &name, int percentOff,
                         const QString &duration, int durationInMonths);
QJsonObject paymentMethodObject(const QString &id, qint64 created, const QString &customer,
                                const CardInfo &card, const QString &name, const QString &email);
QJsonObject chargeObject(const ChargeSpec &spec);
QJsonObject paymentIntentObject(const ChargeSpec &spec);
QJsonObject refundObject(const QString &id, qint64 created, const QString &charge,
                         const QString &paymentIntent, qint64 amount, const QString &currency,
                         const QString &reason, const QString &balanceTransaction);
QJsonObject disputeObject(const QString &id, qint64 created, const QString &charge,
                          const QString &paymentIntent, qint64 amount, const QString &currency,
                          const QString &reason, const QString &status,
                          const QJsonArray &balanceTransactions);
QJsonObject balanceTransactionObject(const QString &id, qint64 created, const QString &source,
                                     const QString &type, qint64 amount, qint64 fee,
                                     const QString &currency, double exchangeRate,
                                     const QString &description);
QJsonObject eventObject(const QString &id, qint64 created, const QString &type,
                        const QJsonObject &object, const QJsonObject &previousAttributes = {});
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
