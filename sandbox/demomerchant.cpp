#include "sandbox/demomerchant.h"

#include "sandbox/jsonwriter.h"
#include "sandbox/objects.h"
#include "sandbox/payouts.h"
#include "sandbox/store.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

namespace {

constexpr qint64 kDay = 86400;

struct PriceInfo
{
    QString id;
    QString product;
    QString productName;
    QString currency;
    qint64 unitAmount = 0;
    QString interval;
    int tier = 0;
    QByteArray json;
};

struct CustomerInfo
{
    QString id;
    QByteArray idBytes; // Shared by every object of the customer (owner keys).
    qint64 created = 0;
    QString email;
    QString name;
    QString country;
    QString currency;
    QString paymentMethod;
    CardInfo card;
};

struct CouponInfo
{
    QString id;
    int percentOff = 0;
    QString duration; // once, repeating, forever
    int months = 0;
    QByteArray json;
};

const char *const kFirstNames[]
    = {"Ava",   "Liam",  "Noah",  "Emma",  "Mia",    "Lucas",  "Sofia", "Mateo", "Hana", "Yuki",
       "Lena",  "Jonas", "Chloe", "Hugo",  "Amelia", "Oliver", "Isla",  "Leo",   "Aiko", "Ren",
       "Clara", "Felix", "Zoe",   "Elias", "Nora",   "Omar",   "Priya", "Diego", "Sara", "Tom"};
const char *const kLastNames[]
    = {"Smith",  "Johnson", "Garcia", "Müller", "Schmidt", "Martin", "Bernard", "Tanaka",
       "Sato",   "Brown",   "Wilson", "Dubois", "Rossi",   "Jones",  "Taylor",  "Fischer",
       "Suzuki", "Nguyen",  "Kim",    "Lopez",  "Evans",   "Walker", "Wright",  "Moreau"};

struct CountryInfo
{
    const char *code;
    const char *currency;
    int weight;
};
const CountryInfo kCountries[]
    = {{"US", "usd", 48}, {"CA", "usd", 5}, {"AU", "usd", 4}, {"GB", "gbp", 12},
       {"DE", "eur", 10}, {"FR", "eur", 8}, {"NL", "eur", 5}, {"JP", "jpy", 8}};

const char *const kDeclineCodes[]
    = {"insufficient_funds", "generic_decline", "do_not_honor", "expired_card",
       "incorrect_cvc",      "lost_card",       "stolen_card",  "card_velocity_exceeded"};
const int kDeclineWeights[] = {38, 25, 12, 8, 6, 4, 3, 4};

class Generator
{
public:
    Generator(Store &store, IdGenerator &ids, const DemoMerchantOptions &options)
        : m_store(store)
        , m_ids(ids)
        , m_rng(options.seed * 7919 + 17)
        , m_seed(options.seed)
        , m_now(options.now)
        , m_start(options.now - 730 * kDay)
        , m_targetCharges(std::max<qint64>(options.charges, 1))
        , m_customerCount(options.customers > 0 ? options.customers
                                                : std::max<qint64>(10, m_targetCharges / 25))
    { }

    void run()
    {
        m_store.account = accountObject(m_start - 90 * kDay);
        buildCatalog();
        const qint64 customerCount = m_customerCount;
        m_customers.reserve(size_t(customerCount));
        for (qint64 i = 0; i < customerCount; ++i)
            makeCustomer(i);
        // Subscribers first: their invoices are most of the recurring history.
        for (const CustomerInfo &c : m_customers) {
            if (m_rng.chance(0.55))
                simulateSubscription(c, c.created + m_rng.range(0, 3 * kDay), true);
        }
        officeSubscriptions();
        // One-off payments fill the history up to the requested number of charges.
        const qint64 oneOff = std::max<qint64>(0, m_targetCharges - m_chargeCount);
        for (qint64 i = 0; i < oneOff; ++i)
            oneOffPayment();
        oneTimePrices();
        payouts();
        m_store.finish();
        fraudSignals();
        emitRecentEvents();
    }

private:
    template<typename T, std::size_t N>
    const T &pick(const T (&items)[N])
    {
        return items[m_rng.range(0, qint64(N) - 1)];
    }

    template<std::size_t N>
    int weighted(const int (&weights)[N])
    {
        int total = 0;
        for (int w : weights)
            total += w;
        qint64 r = m_rng.range(0, total - 1);
        for (std::size_t i = 0; i < N; ++i) {
            if (r < weights[i])
                return int(i);
            r -= weights[i];
        }
        return 0;
    }

    void buildCatalog()
    {
        const qint64 t = m_start - 60 * kDay;
        struct Plan
        {
            const char *name;
            const char *description;
            qint64 usdMonthly;
        };
        const Plan plans[] = {{"Starter Roast", "One 250 g bag a month", 1800},
                              {"Connoisseur", "Two single-origin bags a month", 3400},
                              {"Office Pack", "Five 1 kg bags for teams", 12900}};
        // Local prices per currency (minor units): EUR, GBP, JPY.
        const qint64 eur[] = {1700, 3200, 11900}, gbp[] = {1500, 2800, 10500},
                     jpy[] = {2600, 4900, 18500};
        for (int tier = 0; tier < 3; ++tier) {
            const QString product = m_ids.next("prod");
            m_store.products.appendUnsorted(productJson(product, t,
                                                        QString::fromUtf8(plans[tier].name),
                                                        QString::fromUtf8(plans[tier].description)),
                                            product.toLatin1(), t);
            auto addPrice = [&](const QString &currency, qint64 amount, const QString &interval) {
                PriceInfo p;
                p.id = m_ids.next("price");
                p.product = product;
                p.productName = QString::fromUtf8(plans[tier].name);
                p.currency = currency;
                p.unitAmount = amount;
                p.interval = interval;
                p.tier = tier;
                p.json = priceJson(
                    p.id, t, product, currency, amount, interval, 1,
                    p.productName
                        + (interval == QLatin1String("year") ? L(" yearly") : L(" monthly")));
                m_store.prices.appendUnsorted(p.json, p.id.toLatin1(), t);
                m_prices.push_back(p);
            };
            addPrice(L("usd"), plans[tier].usdMonthly, L("month"));
            addPrice(L("usd"), plans[tier].usdMonthly * 10, L("year")); // Two months free.
            addPrice(L("eur"), eur[tier], L("month"));
            addPrice(L("eur"), eur[tier] * 10, L("year"));
            addPrice(L("gbp"), gbp[tier], L("month"));
            addPrice(L("jpy"), jpy[tier], L("month"));
        }
        const QString gear = m_ids.next("prod");
        m_gearProduct = gear;
        m_store.products.appendUnsorted(
            productJson(gear, t, L("Brewing gear"), L("Grinders, kettles and filters")),
            gear.toLatin1(), t);

        const struct
        {
            const char *id;
            const char *name;
            int percent;
            const char *duration;
            int months;
        } coupons[] = {{"WELCOME20", "Welcome 20% off", 20, "once", 0},
                       {"LAUNCH3", "Launch: 25% off for 3 months", 25, "repeating", 3},
                       {"PARTNER10", "Partner 10% forever", 10, "forever", 0}};
        for (const auto &c : coupons) {
            CouponInfo info {QString::fromLatin1(c.id),
                             c.percent,
                             QString::fromLatin1(c.duration),
                             c.months,
                             {}};
            info.json = couponJson(info.id, t, QString::fromUtf8(c.name), c.percent, info.duration,
                                   c.months);
            m_store.coupons.appendUnsorted(info.json, info.id.toLatin1(), t);
            m_coupons.push_back(info);
        }
        // Codes customers type for them; SUMMER24 is no longer active.
        const struct
        {
            const char *code;
            int coupon;
            bool active;
        } codes[] = {{"WELCOME", 0, true}, {"LAUNCH25", 1, true}, {"SUMMER24", 0, false}};
        IdGenerator promoIds(m_seed * 104729 + 5); // Of their own, like the gear's prices.
        for (const auto &c : codes) {
            const QString id = promoIds.next("promo");
            const QJsonObject promo {
                {QStringLiteral("id"), id},
                {QStringLiteral("object"), QStringLiteral("promotion_code")},
                {QStringLiteral("active"), c.active},
                {QStringLiteral("code"), QString::fromLatin1(c.code)},
                {QStringLiteral("coupon"),
                 QJsonDocument::fromJson(m_coupons[size_t(c.coupon)].json).object()},
                {QStringLiteral("created"), t},
                {QStringLiteral("customer"), QJsonValue()},
                {QStringLiteral("expires_at"), QJsonValue()},
                {QStringLiteral("livemode"), false},
                {QStringLiteral("max_redemptions"), QJsonValue()},
                {QStringLiteral("metadata"), QJsonObject()},
                {QStringLiteral("restrictions"),
                 QJsonObject {{QStringLiteral("first_time_transaction"), false},
                              {QStringLiteral("minimum_amount"), QJsonValue()},
                              {QStringLiteral("minimum_amount_currency"), QJsonValue()}}},
                {QStringLiteral("times_redeemed"), 0}};
            m_store.promotionCodes.appendUnsorted(
                QJsonDocument(promo).toJson(QJsonDocument::Compact), id.toLatin1(), t);
        }
    }

    const PriceInfo &priceFor(int tier, const QString &currency, const QString &interval) const
    {
        for (const PriceInfo &p : m_prices) {
            if (p.tier == tier && p.currency == currency && p.interval == interval)
                return p;
        }
        for (const PriceInfo &p : m_prices) {
            if (p.tier == tier && p.currency == currency)
                return p;
        }
        return m_prices.front();
    }

    CardInfo randomCard(const QString &country)
    {
        CardInfo card;
        const int b = weighted({55, 30, 10, 5});
        const char *brands[] = {"visa", "mastercard", "amex", "discover"};
        card.brand = QString::fromLatin1(brands[b]);
        card.last4 = QString::number(m_rng.range(0, 9999)).rightJustified(4, u'0');
        card.country = m_rng.chance(0.93) ? country : L("US");
        const int f = weighted({62, 34, 4});
        const char *fundings[] = {"credit", "debit", "prepaid"};
        card.funding = QString::fromLatin1(fundings[f]);
        card.expMonth = int(m_rng.range(1, 12));
        card.expYear = int(m_rng.range(2026, 2031));
        return card;
    }

    // `created` 0: acquisition grows over time, the density rising linearly towards now.
    void makeCustomer(qint64 index, qint64 created = 0)
    {
        CustomerInfo c;
        c.created = created > 0
            ? created
            : m_start + qint64(std::sqrt(m_rng.uniform()) * double(m_now - m_start - kDay));
        int weights[std::size(kCountries)];
        for (std::size_t i = 0; i < std::size(kCountries); ++i)
            weights[i] = kCountries[i].weight;
        const CountryInfo &country = kCountries[weighted(weights)];
        c.country = QString::fromLatin1(country.code);
        c.currency = QString::fromLatin1(country.currency);
        const QString first = QString::fromUtf8(pick(kFirstNames));
        const QString last = QString::fromUtf8(pick(kLastNames));
        c.name = first + u' ' + last;
        c.email = (first + u'.' + last).toLower().replace(u'ü', u'u') + QString::number(index)
            + L("@example.com");
        c.id = m_ids.next("cus");
        c.idBytes = c.id.toLatin1();
        c.card = randomCard(c.country);
        c.paymentMethod = m_ids.next("pm");
        const QString phone = m_rng.chance(0.6)
            ? L("+1555") + QString::number(m_rng.range(1000000, 9999999))
            : QString();
        m_store.customers.appendUnsorted(
            customerJson(c.id, c.created, c.email, c.name, phone, c.country, c.paymentMethod),
            c.idBytes, c.created, c.idBytes);
        m_store.paymentMethods.appendUnsorted(
            paymentMethodJson(c.paymentMethod, c.created, c.id, c.card, c.name, c.email),
            c.paymentMethod.toLatin1(), c.created, c.idBytes);
        m_customers.push_back(c);
    }

    struct PaymentResult
    {
        QString charge;
        QString paymentIntent;
        bool succeeded = false;
    };

    // One PaymentIntent with its charge, balance transaction and possibly a refund or a dispute.
    PaymentResult pay(const CustomerInfo *customer, qint64 created, qint64 amount,
                      const QString &currency, const QString &description, const QString &invoice,
                      bool forceSuccess = false, double successRate = 0.92)
    {
        ChargeSpec s;
        s.id = m_ids.next("ch");
        s.paymentIntent = m_ids.next("pi");
        s.created = created;
        s.amount = amount;
        s.currency = currency;
        s.invoice = invoice;
        s.description = description;
        if (customer) {
            s.customer = customer->id;
            s.paymentMethod = customer->paymentMethod;
            s.card = customer->card;
            s.receiptEmail = customer->email;
            s.billingName = customer->name;
        } else {
            s.card = randomCard(L("US"));
            s.paymentMethod = m_ids.next("pm");
            s.receiptEmail
                = L("guest") + QString::number(m_rng.range(1, 99999)) + L("@example.net");
        }
        // Radar: most payments are normal risk; the riskiest are blocked outright.
        const double risk = m_rng.uniform();
        s.riskScore = int(m_rng.range(0, 64));
        s.riskLevel = L("normal");
        if (risk > 0.98) {
            s.riskLevel = L("highest");
            s.riskScore = int(m_rng.range(76, 99));
        } else if (risk > 0.94) {
            s.riskLevel = L("elevated");
            s.riskScore = int(m_rng.range(65, 75));
        }
        s.succeeded = forceSuccess
            || (s.riskLevel != QLatin1String("highest") && m_rng.chance(successRate));
        if (!s.succeeded) {
            s.failureCode = L("card_declined");
            s.declineCode = s.riskLevel == QLatin1String("highest")
                ? L("highest_risk_level")
                : QString::fromLatin1(kDeclineCodes[weighted(kDeclineWeights)]);
            if (s.declineCode == QLatin1String("expired_card"))
                s.failureCode = L("expired_card");
            if (s.declineCode == QLatin1String("incorrect_cvc"))
                s.failureCode = L("incorrect_cvc");
        }

        qint64 refunded = 0;
        bool disputed = false;
        if (s.succeeded) {
            s.balanceTransaction = m_ids.next("txn");
            const qint64 usd = toUsdMinor(amount, currency);
            const qint64 fee = stripeFee(usd, s.card.country);
            m_store.addBalanceTransaction(
                balanceTransactionJson(
                    s.balanceTransaction, created, s.id, L("charge"), usd, fee, L("usd"),
                    currency == QLatin1String("usd") ? 0.0 : usdRate(currency), description),
                s.balanceTransaction.toLatin1(), created, QByteArrayLiteral("charge"), usd - fee,
                true);
            // Each month refunds 4.5 % of its payments and sees disputes on 0.45 %, as a steady
            // business does: a credit per month of the payment, not a coin per payment, so
            // that small months do not swing from none to several times the rate.
            MonthCredit &credit = monthCredit(created);
            credit.refunds += 0.045;
            credit.disputes += 0.0045;
            const bool refund = credit.refunds >= 1.0;
            const bool dispute = !refund && credit.disputes >= 1.0;
            if (refund)
                credit.refunds -= 1.0;
            if (dispute)
                credit.disputes -= 1.0;
            if (refund) {
                // Refund: most in full, some partial, within a month of the charge.
                const bool full = m_rng.chance(0.7);
                refunded = full ? amount : std::max<qint64>(1, amount * m_rng.range(10, 70) / 100);
                // Days to weeks after the payment; one that would come after "now" has not
                // happened yet (dated now, they piled up on the last day). The generator's
                // draws stay the same either way, so the rest of the merchant does not change.
                const qint64 when = created + m_rng.range(3600, 30 * kDay);
                const bool happened = when < m_now - 60;
                if (!happened)
                    refunded = 0;
                const QString refundId = m_ids.next("re");
                const QString txn = m_ids.next("txn");
                const qint64 usdRefund = toUsdMinor(refunded, currency);
                const char *reasons[] = {"requested_by_customer", "duplicate", "fraudulent"};
                const QString reason = QString::fromLatin1(reasons[weighted({80, 15, 5})]);
                if (happened) {
                    m_store.addBalanceTransaction(
                        balanceTransactionJson(
                            txn, when, refundId, L("refund"), -usdRefund, 0, L("usd"),
                            currency == QLatin1String("usd") ? 0.0 : usdRate(currency),
                            L("REFUND FOR CHARGE")),
                        txn.toLatin1(), when, QByteArrayLiteral("refund"), -usdRefund, true);
                    m_store.refunds.appendUnsorted(refundJson(refundId, when, s.id, s.paymentIntent,
                                                              refunded, currency, reason, txn),
                                                   refundId.toLatin1(), when, s.id.toLatin1(),
                                                   s.paymentIntent.toLatin1());
                }
            } else if (dispute) {
                const qint64 when = created + m_rng.range(5 * kDay, 60 * kDay);
                // Not opened yet when it would come after "now" (the draws stay the same).
                disputed = when < m_now - 60;
                const char *statuses[] = {"warning_needs_response",
                                          "warning_under_review",
                                          "warning_closed",
                                          "needs_response",
                                          "under_review",
                                          "won",
                                          "lost"};
                QString status = QString::fromLatin1(statuses[weighted({4, 3, 5, 12, 14, 32, 30})]);
                // Recent disputes are still open; old ones are decided. Evidence is due 21 days
                // after a dispute opens and the bank decides weeks later: nothing is won or lost
                // while its respond-by date is ahead, and a win is paid back 40 days on.
                const bool warning = status.startsWith(QLatin1String("warning"));
                if (m_now - when > 75 * kDay && !warning)
                    status = m_rng.chance(0.5) ? L("won") : L("lost");
                // Of those within their deadline, some are inquiries (no funds withdrawn).
                if (m_now - when <= 21 * kDay && !warning)
                    status = when % 6 < 3 ? L("needs_response")
                        : when % 6 < 5    ? L("under_review")
                                          : L("warning_needs_response");
                else if (m_now - when <= 40 * kDay && status == QLatin1String("won"))
                    status = L("under_review");
                if (m_now - when <= 21 * kDay && status == QLatin1String("warning_closed"))
                    status = L("warning_under_review");
                // Past its deadline without a response, Stripe decides it: a dispute is lost,
                // an inquiry closes.
                if (m_now - when > 21 * kDay && status == QLatin1String("needs_response"))
                    status = L("lost");
                else if (m_now - when > 21 * kDay
                         && status == QLatin1String("warning_needs_response"))
                    status = L("warning_closed");
                const char *reasons[]
                    = {"fraudulent", "product_not_received", "subscription_canceled",
                       "duplicate",  "credit_not_processed", "general"};
                const QString disputeId = m_ids.next("dp");
                QByteArrayList txns;
                if (disputed && !status.startsWith(QLatin1String("warning"))) {
                    const double rate = currency == QLatin1String("usd") ? 0.0 : usdRate(currency);
                    const QString txn = m_ids.next("txn");
                    const qint64 usdAmount = toUsdMinor(amount, currency);
                    txns.append(balanceTransactionJson(txn, when, disputeId, L("adjustment"),
                                                       -usdAmount, 1500, L("usd"), rate,
                                                       L("Chargeback withdrawal")));
                    m_store.addBalanceTransaction(txns.last(), txn.toLatin1(), when,
                                                  QByteArrayLiteral("adjustment"),
                                                  -usdAmount - 1500, true);
                    if (status == QLatin1String("won")) {
                        const QString back = m_ids.next("txn");
                        const qint64 backAt = when + 40 * kDay;
                        txns.append(balanceTransactionJson(back, backAt, disputeId, L("adjustment"),
                                                           usdAmount + 1500, 0, L("usd"), rate,
                                                           L("Chargeback reversal")));
                        m_store.addBalanceTransaction(txns.last(), back.toLatin1(), backAt,
                                                      QByteArrayLiteral("adjustment"),
                                                      usdAmount + 1500, true);
                    }
                }
                const QString reason
                    = QString::fromLatin1(reasons[weighted({40, 20, 15, 8, 10, 7})]);
                if (disputed)
                    m_store.disputes.appendUnsorted(
                        disputeJson(disputeId, when, s.id, s.paymentIntent, amount, currency,
                                    reason, status, '[' + txns.join(',') + ']'),
                        disputeId.toLatin1(), when, customer ? customer->idBytes : QByteArray(),
                        status.toLatin1());
            }
        }
        s.amountRefunded = refunded;
        s.disputed = disputed;
        const QByteArray owner = customer ? customer->idBytes : QByteArray();
        const QByteArray paymentIntentId = s.paymentIntent.toLatin1();
        m_store.charges.appendUnsorted(chargeJson(s), s.id.toLatin1(), created, owner,
                                       paymentIntentId);
        m_store.paymentIntents.appendUnsorted(paymentIntentJson(s), paymentIntentId, created, owner,
                                              s.succeeded
                                                  ? QByteArrayLiteral("succeeded")
                                                  : QByteArrayLiteral("requires_payment_method"));
        ++m_chargeCount;
        return {s.id, s.paymentIntent, s.succeeded};
    }

    // A shop price in US cents as the shop asks it in yen: whole yen, rounded to 10.
    static qint64 yen(qint64 usdCents) { return usdCents * 150 / 100 / 10 * 10; }

    void oneOffPayment()
    {
        const CustomerInfo *customer = m_rng.chance(0.9)
            ? &m_customers[size_t(m_rng.range(0, qint64(m_customers.size()) - 1))]
            : nullptr;
        const qint64 from = customer ? customer->created : m_start;
        const qint64 created
            = from + qint64(m_rng.uniform() * double(std::max<qint64>(1, m_now - from - 120)));
        const QString currency = customer ? customer->currency : L("usd");
        const qint64 base
            = m_rng.chance(0.3) ? 4900 : m_rng.range(12, 240) * 100 + (m_rng.chance(0.5) ? 99 : 0);
        qint64 amount = base;
        if (currency == QLatin1String("jpy"))
            amount = yen(base);
        else if (currency != QLatin1String("usd"))
            amount = base * 9 / 10;
        const char *descriptions[] = {"Brewing gear", "Gift box", "Espresso grinder",
                                      "Tasting workshop", "Coffee beans 1 kg"};
        pay(customer, created,
            std::max<qint64>(amount, currency == QLatin1String("jpy") ? 100 : 100), currency,
            QString::fromLatin1(pick(descriptions)), {});
    }

    static qint64 addInterval(qint64 t, const QString &interval)
    {
        const QDateTime d = QDateTime::fromSecsSinceEpoch(t, Qt::UTC);
        return (interval == QLatin1String("year") ? d.addYears(1) : d.addMonths(1))
            .toSecsSinceEpoch();
    }

    QByteArray lineItem(const PriceInfo &price, qint64 quantity, qint64 amount, qint64 start,
                        qint64 end, bool proration, const QString &subscription,
                        const QString &item, const QString &description, qint64 discount,
                        const QString &discountId)
    {
        LineItemSpec l;
        l.id = m_ids.next("il");
        l.amount = amount;
        l.currency = price.currency;
        l.description = description;
        l.discount = discount;
        l.discountId = discountId;
        l.proration = proration;
        l.periodStart = start;
        l.periodEnd = end;
        l.price = price.json;
        l.unitAmount = price.unitAmount;
        l.quantity = quantity;
        l.subscription = subscription;
        l.subscriptionItem = item;
        return lineItemJson(l);
    }

    // An invoice of subscription `subscription` for customer `c`, created at `t`.
    static InvoiceSpec invoiceOf(const QString &id, qint64 t, const CustomerInfo &c,
                                 const QString &subscription, const QString &currency)
    {
        InvoiceSpec invoice;
        invoice.id = id;
        invoice.created = t;
        invoice.customer = c.id;
        invoice.customerEmail = c.email;
        invoice.customerName = c.name;
        invoice.subscription = subscription;
        invoice.currency = currency;
        return invoice;
    }

    void simulateSubscription(const CustomerInfo &c, qint64 start, bool mayReactivate)
    {
        if (start >= m_now - kDay)
            return;
        int tier = weighted({55, 33, 12});
        const QString interval
            = (c.currency == QLatin1String("usd") || c.currency == QLatin1String("eur"))
                && m_rng.chance(0.2)
            ? L("year")
            : L("month");
        const PriceInfo *price = &priceFor(tier, c.currency, interval);
        qint64 quantity = tier == 2 ? m_rng.range(1, 6) : 1;
        const QString subId = m_ids.next("sub");
        const QString itemId = m_ids.next("si");
        const CouponInfo *coupon
            = m_rng.chance(0.15) ? &m_coupons[size_t(m_rng.range(0, 2))] : nullptr;
        const QString discountId = coupon ? m_ids.next("di") : QString();

        const bool trial = m_rng.chance(0.3);
        qint64 trialEnd = 0;
        QString status = L("active");
        qint64 endedAt = 0, canceledAt = 0;
        QString cancelReason;
        bool cancelAtPeriodEnd = false;
        qint64 periodStart = start;
        qint64 periodEnd = addInterval(start, interval);
        QString latestInvoice;
        qint64 t = start;
        if (trial) {
            trialEnd = start + 14 * kDay;
            periodEnd = trialEnd;
            if (trialEnd > m_now) {
                status = L("trialing");
            } else if (m_rng.chance(0.25)) {
                // The trial lapses: canceled when it ends, nothing was ever paid.
                status = L("canceled");
                canceledAt = endedAt = trialEnd;
                cancelReason = L("cancellation_requested");
            }
            t = trialEnd;
        }

        int period = 0;
        int pendingProration = 0; // Tier change during the last period: +1 up, -1 down.
        const PriceInfo *previousPrice = price;
        while (status == QLatin1String("active") && t < m_now) {
            periodStart = t;
            periodEnd = addInterval(t, interval);
            // Invoice for this period.
            const QString invoiceId = m_ids.next("in");
            QByteArrayList lines;
            qint64 subtotal = 0;
            if (pendingProration != 0) {
                // Unused time on the old price is credited, the remaining time on the new one
                // charged.
                const qint64 credit = -(previousPrice->unitAmount * quantity) / 2;
                const qint64 charge = (price->unitAmount * quantity) / 2;
                lines.append(lineItem(*previousPrice, quantity, credit, periodStart - 15 * kDay,
                                      periodStart, true, subId, itemId,
                                      L("Unused time on ") + previousPrice->productName, 0, {}));
                lines.append(lineItem(*price, quantity, charge, periodStart - 15 * kDay,
                                      periodStart, true, subId, itemId,
                                      L("Remaining time on ") + price->productName, 0, {}));
                subtotal += credit + charge;
                pendingProration = 0;
            }
            const qint64 base = price->unitAmount * quantity;
            qint64 discount = 0;
            if (coupon
                && (coupon->duration == QLatin1String("forever")
                    || (coupon->duration == QLatin1String("once") && period == 0)
                    || (coupon->duration == QLatin1String("repeating") && period < coupon->months)))
                discount = base * coupon->percentOff / 100;
            lines.prepend(lineItem(*price, quantity, base, periodStart, periodEnd, false, subId,
                                   itemId,
                                   QString::number(quantity) + L(" × ") + price->productName,
                                   discount, coupon ? discountId : QString()));
            subtotal += base;
            const qint64 total = std::max<qint64>(0, subtotal - discount);

            // Collect payment, with smart retries over a week.
            bool paid = total == 0;
            int attempts = 0;
            QString chargeId, piId;
            if (!paid) {
                const qint64 tries[] = {0, 3 * kDay, 5 * kDay, 7 * kDay};
                for (qint64 offset : tries) {
                    if (t + offset >= m_now)
                        break;
                    ++attempts;
                    // Never after the end of the history: a charge from the future would
                    // be newer than anything the API does afterwards.
                    const auto r = pay(&c, std::min(m_now - 90, t + offset + m_rng.range(60, 3600)),
                                       total, price->currency, L("Subscription update"), invoiceId,
                                       false, attempts == 1 ? 0.93 : 0.5);
                    chargeId = r.charge;
                    piId = r.paymentIntent;
                    if (r.succeeded) {
                        paid = true;
                        break;
                    }
                }
            }
            QString invoiceStatus = paid ? L("paid") : L("open");
            if (!paid && attempts >= 4) {
                // Dunning exhausted: past_due, then canceled or left unpaid.
                if (m_rng.chance(0.6)) {
                    status = L("canceled");
                    canceledAt = endedAt = std::min(m_now - 60, t + 8 * kDay);
                    cancelReason = L("payment_failed");
                    invoiceStatus = L("uncollectible");
                } else {
                    status = L("unpaid");
                }
            } else if (!paid) {
                status = L("past_due");
            }
            InvoiceSpec invoice = invoiceOf(invoiceId, t, c, subId, price->currency);
            invoice.lines = '[' + lines.join(',') + ']';
            invoice.subtotal = subtotal;
            invoice.discount = discount;
            invoice.discountId = discountId;
            invoice.total = total;
            invoice.status = invoiceStatus;
            invoice.charge = chargeId;
            invoice.paymentIntent = piId;
            invoice.attempts = attempts;
            invoice.periodStart = periodStart;
            invoice.periodEnd = periodEnd;
            m_store.invoices.appendUnsorted(invoiceJson(invoice), invoiceId.toLatin1(), t,
                                            c.idBytes, invoiceStatus.toLatin1());
            latestInvoice = invoiceId;
            if (status != QLatin1String("active"))
                break;

            // Movements during the period.
            const double churn = interval == QLatin1String("year") ? 0.12 : 0.03;
            if (m_rng.chance(churn)) {
                if (m_rng.chance(0.5)) {
                    canceledAt = endedAt = periodStart
                        + m_rng.range(kDay, std::max<qint64>(kDay, periodEnd - periodStart - kDay));
                    if (canceledAt >= m_now) {
                        canceledAt = endedAt = 0;
                    } else {
                        status = L("canceled");
                        cancelReason = L("cancellation_requested");
                        break;
                    }
                } else {
                    canceledAt = periodStart + m_rng.range(kDay, 10 * kDay);
                    if (canceledAt >= m_now) {
                        canceledAt = 0;
                    } else {
                        cancelAtPeriodEnd = true;
                        cancelReason = L("cancellation_requested");
                        if (periodEnd <= m_now) {
                            status = L("canceled");
                            endedAt = periodEnd;
                            break;
                        }
                    }
                }
            }
            if (!cancelAtPeriodEnd && m_rng.chance(0.03)) {
                const int newTier = std::clamp(tier + (m_rng.chance(0.65) ? 1 : -1), 0, 2);
                if (newTier != tier) {
                    previousPrice = price;
                    tier = newTier;
                    price = &priceFor(tier, c.currency, interval);
                    pendingProration = 1;
                }
            }
            if (tier == 2 && m_rng.chance(0.03))
                quantity = std::max<qint64>(1, quantity + (m_rng.chance(0.6) ? 1 : -1));
            if (cancelAtPeriodEnd)
                break;
            t = periodEnd;
            ++period;
        }

        QByteArray discount;
        if (coupon && (coupon->duration != QLatin1String("repeating") || period < coupon->months)
            && coupon->duration != QLatin1String("once")) {
            JsonWriter w;
            w.beginObject()
                .str("id", discountId)
                .str("object", "discount")
                .null("checkout_session")
                .raw("coupon", coupon->json)
                .str("customer", c.id)
                .numOrNull("end",
                           coupon->duration == QLatin1String("repeating")
                               ? addInterval(start, L("month")) + (coupon->months - 1) * 30 * kDay
                               : 0)
                .nulls({"invoice", "invoice_item", "promotion_code"})
                .num("start", start)
                .str("subscription", subId)
                .endObject();
            discount = w.take();
        }
        SubscriptionSpec sub;
        sub.id = subId;
        sub.created = start;
        sub.customer = c.id;
        sub.currency = price->currency;
        sub.status = status;
        sub.items = '[' + subscriptionItemJson(itemId, start, price->json, quantity, subId) + ']';
        sub.discount = discount;
        sub.billingCycleAnchor = trial ? trialEnd : start;
        sub.currentPeriodStart = periodStart;
        sub.currentPeriodEnd = periodEnd;
        sub.cancelAtPeriodEnd = cancelAtPeriodEnd && status != QLatin1String("canceled");
        sub.cancelAt = cancelAtPeriodEnd ? periodEnd : 0;
        sub.canceledAt = canceledAt;
        sub.endedAt = endedAt;
        sub.cancellationReason = cancelReason;
        sub.defaultPaymentMethod = c.paymentMethod;
        sub.latestInvoice = latestInvoice;
        sub.trialStart = trial ? start : 0;
        sub.trialEnd = trialEnd;
        m_store.subscriptions.appendUnsorted(subscriptionJson(sub), subId.toLatin1(), start,
                                             c.idBytes, status.toLatin1());

        // Some former subscribers come back.
        if (mayReactivate && status == QLatin1String("canceled") && endedAt > 0
            && m_rng.chance(0.25))
            simulateSubscription(c, endedAt + m_rng.range(30, 200) * kDay, false);
    }

    // A few teams take the Office Pack with every add-on: one subscription of 13 items, invoiced
    // monthly with one line per item. That is more than the 10 entries Stripe embeds in an
    // invoice's `lines` and a subscription's `items`, so the cache is whole only if the sync
    // pages those lists to the end (issue 16).
    void officeSubscriptions()
    {
        const qint64 offices = std::max<qint64>(1, m_targetCharges / 25'000);
        for (qint64 i = 0; i < offices; ++i) {
            makeCustomer(qint64(m_customers.size()), m_start + m_rng.range(0, 365) * kDay);
            const CustomerInfo c = m_customers.back();
            simulateOffice(c, c.created + m_rng.range(0, 3 * kDay));
        }
    }

    // The add-on prices in a currency, made the first time a team pays in it.
    const std::vector<PriceInfo> &addOnPrices(const QString &currency)
    {
        static const struct
        {
            const char *name;
            qint64 usdMonthly;
        } kAddOns[] = {{"Espresso machine rental", 4900},
                       {"Milk delivery", 1200},
                       {"Barista visit", 9900},
                       {"Cups and lids", 800},
                       {"Tea selection", 1500},
                       {"Oat milk", 1400},
                       {"Syrups", 900},
                       {"Water filter service", 1900},
                       {"Descaling service", 2500},
                       {"Snack box", 3500},
                       {"Cold brew keg", 6900},
                       {"Decaf beans", 1600}};
        const qint64 t = m_start - 60 * kDay;
        if (m_addOnProducts.empty()) {
            for (const auto &a : kAddOns) {
                const QString product = m_ids.next("prod");
                m_store.products.appendUnsorted(
                    productJson(product, t, QString::fromUtf8(a.name), L("Office Pack add-on")),
                    product.toLatin1(), t);
                m_addOnProducts.push_back(product);
            }
        }
        std::vector<PriceInfo> &prices = m_addOnPrices[currency];
        if (prices.empty()) {
            for (std::size_t i = 0; i < std::size(kAddOns); ++i) {
                const qint64 usd = kAddOns[i].usdMonthly;
                PriceInfo p;
                p.id = m_ids.next("price");
                p.product = m_addOnProducts[i];
                p.productName = QString::fromUtf8(kAddOns[i].name);
                p.currency = currency;
                p.unitAmount = currency == QLatin1String("jpy") ? yen(usd)
                    : currency == QLatin1String("gbp")          ? usd * 8 / 10
                    : currency == QLatin1String("eur")          ? usd * 9 / 10
                                                                : usd;
                p.interval = L("month");
                p.tier = -1;
                p.json = priceJson(p.id, t, p.product, currency, p.unitAmount, p.interval, 1,
                                   p.productName + L(" monthly"));
                m_store.prices.appendUnsorted(p.json, p.id.toLatin1(), t);
                prices.push_back(p);
            }
        }
        return prices;
    }

    // The first 10 entries of a list as Stripe embeds them; the whole list kept for its pages.
    QByteArray embedded(const QByteArrayList &all, const QString &key, bool *more)
    {
        *more = all.size() > 10;
        if (*more)
            m_store.fullLists.insert(key,
                                     QJsonDocument::fromJson('[' + all.join(',') + ']').array());
        return '[' + all.mid(0, 10).join(',') + ']';
    }

    void simulateOffice(const CustomerInfo &c, qint64 start)
    {
        struct Item
        {
            PriceInfo price;
            qint64 quantity;
            QString id;
        };
        std::vector<Item> items;
        items.push_back({priceFor(2, c.currency, L("month")), m_rng.range(2, 5), {}});
        for (const PriceInfo &p : addOnPrices(c.currency))
            items.push_back(
                {p, p.productName == QLatin1String("Cups and lids") ? m_rng.range(1, 4) : 1, {}});
        const QString subId = m_ids.next("sub");
        for (Item &item : items)
            item.id = m_ids.next("si");
        qint64 t = start, periodStart = start, periodEnd = addInterval(start, L("month"));
        QString latestInvoice;
        while (t < m_now) {
            periodStart = t;
            periodEnd = addInterval(t, L("month"));
            const QString invoiceId = m_ids.next("in");
            QByteArrayList lines;
            qint64 total = 0;
            for (const Item &item : items) {
                const qint64 amount = item.price.unitAmount * item.quantity;
                lines.append(lineItem(
                    item.price, item.quantity, amount, periodStart, periodEnd, false, subId,
                    item.id, QString::number(item.quantity) + L(" × ") + item.price.productName, 0,
                    {}));
                total += amount;
            }
            // Teams pay by card on file and are never let lapse.
            const auto r = pay(&c, std::min(m_now - 90, t + m_rng.range(60, 3600)), total,
                               c.currency, L("Subscription update"), invoiceId, true);
            InvoiceSpec invoice = invoiceOf(invoiceId, t, c, subId, c.currency);
            invoice.lines = embedded(lines, invoiceId + L(":lines"), &invoice.moreLines);
            invoice.subtotal = total;
            invoice.total = total;
            invoice.status = L("paid");
            invoice.charge = r.charge;
            invoice.paymentIntent = r.paymentIntent;
            invoice.attempts = 1;
            invoice.periodStart = periodStart;
            invoice.periodEnd = periodEnd;
            m_store.invoices.appendUnsorted(invoiceJson(invoice), invoiceId.toLatin1(), t,
                                            c.idBytes, QByteArrayLiteral("paid"));
            latestInvoice = invoiceId;
            t = periodEnd;
        }
        QByteArrayList itemJson;
        for (const Item &item : items)
            itemJson.append(
                subscriptionItemJson(item.id, start, item.price.json, item.quantity, subId));
        SubscriptionSpec sub;
        sub.id = subId;
        sub.created = start;
        sub.customer = c.id;
        sub.currency = c.currency;
        sub.status = L("active");
        sub.items = embedded(itemJson, subId + L(":items"), &sub.moreItems);
        sub.billingCycleAnchor = start;
        sub.currentPeriodStart = periodStart;
        sub.currentPeriodEnd = periodEnd;
        sub.defaultPaymentMethod = c.paymentMethod;
        sub.latestInvoice = latestInvoice;
        m_store.subscriptions.appendUnsorted(subscriptionJson(sub), subId.toLatin1(), start,
                                             c.idBytes, QByteArrayLiteral("active"));
    }

    // The events of the last 30 days (Stripe's retention), from the objects created then. The
    // stored JSON is embedded as it is: nothing is parsed.
    void emitRecentEvents()
    {
        const qint64 since = m_now - 30 * kDay;
        auto emitFor = [&](const Collection &collection, auto typeOf) {
            collection.forEach([&](const Collection::Entry &e) {
                if (e.created < since)
                    return;
                const QByteArray json = e.json();
                const char *type = typeOf(e, json);
                const QString id = m_ids.next("evt");
                m_store.events.appendUnsorted(
                    eventJson(id, e.created, QString::fromLatin1(type), json), id.toLatin1(),
                    e.created, {}, QByteArray(type));
            });
        };
        using E = const Collection::Entry &;
        using J = const QByteArray &;
        emitFor(m_store.customers, [](E, J) { return "customer.created"; });
        emitFor(m_store.subscriptions, [](E, J) { return "customer.subscription.created"; });
        emitFor(m_store.invoices,
                [](E e, J) { return e.key == "paid" ? "invoice.paid" : "invoice.payment_failed"; });
        emitFor(m_store.paymentIntents, [](E e, J) {
            return e.key == "succeeded" ? "payment_intent.succeeded"
                                        : "payment_intent.payment_failed";
        });
        emitFor(m_store.charges, [](E, J json) {
            return json.contains("\"paid\":true") ? "charge.succeeded" : "charge.failed";
        });
        m_store.refunds.forEach([&](const Collection::Entry &e) {
            if (e.created < since)
                return;
            // charge.refunded carries the charge, as Stripe sends it.
            if (const Collection::Entry *charge = m_store.charges.entry(e.owner)) {
                const QString id = m_ids.next("evt");
                m_store.events.appendUnsorted(
                    eventJson(id, e.created, L("charge.refunded"), charge->json()), id.toLatin1(),
                    e.created, {}, QByteArrayLiteral("charge.refunded"));
            }
        });
        emitFor(m_store.disputes, [](E, J) { return "charge.dispute.created"; });
        m_store.events.finish();
    }

    // An event of the last 30 days (Stripe's retention) with an id of `ids`; older or later
    // ones are not kept.
    void recentEvent(IdGenerator &ids, const QString &type, const QJsonObject &object, qint64 at)
    {
        if (at < m_now - 30 * kDay || at > m_now)
            return;
        const QString id = ids.next("evt");
        m_store.events.appendUnsorted(eventJson(id, at, type, toCompactJson(object)), id.toLatin1(),
                                      at, {}, type.toLatin1());
    }

    // Two years of daily automatic payouts to the merchant's bank account, one of which the bank
    // refused 45 days ago. Ids of their own, so that every other object of a seed stays as it was.
    void payouts()
    {
        IdGenerator ids(m_seed * 130363 + 11);
        const QString bank = ids.next("ba");
        m_store.bankAccounts.appendUnsorted(demoBankAccount(bank));
        PayoutAnnounce announce;
        announce.generating = true;
        announce.event = [&](const QString &type, const QJsonObject &payout, qint64 at) {
            recentEvent(ids, type, payout, at);
        };
        runPayoutSchedule(m_store, ids, m_now, announce, m_now / kDay - 45);
    }

    // Radar over the last 120 days: reviews of about a third of the elevated-risk payments
    // (opened by a rule; those of the last 5 days still open, older ones approved, refunded or
    // disputed as their payment went), and early fraud warnings on about 1 in 200 payments
    // (actionable while the payment is neither refunded in full nor disputed). Ids, picks and
    // events of their own, so that every other object of a seed stays as it was.
    void fraudSignals()
    {
        IdGenerator ids(m_seed * 7919 + 23);
        const qint64 from = m_now - 120 * kDay;
        QList<QByteArray> reviewed, warned;
        m_store.charges.forEachCreated(from, m_now + 1, [&](const Collection::Entry &e) {
            const QByteArray json = e.json();
            if (!json.contains("\"paid\":true"))
                return;
            const size_t h = qHash(e.id, size_t(m_seed));
            if (json.contains("\"risk_level\":\"elevated\"") && h % 3 == 0)
                reviewed.append(e.id);
            else if (h % 199 == 0)
                warned.append(e.id);
        });
        auto event = [&](const QString &type, const QJsonObject &object, qint64 at) {
            recentEvent(ids, type, object, at);
        };
        for (const QByteArray &chargeId : std::as_const(reviewed)) {
            QJsonObject charge = *m_store.charges.get(chargeId);
            const qint64 created = charge.value(L("created")).toInteger();
            const QString id = ids.next("prv");
            QString reason = L("rule");
            if (charge.value(L("disputed")).toBool())
                reason = L("disputed");
            else if (charge.value(L("refunded")).toBool())
                reason = L("refunded");
            else if (m_now - created > 5 * kDay)
                reason = L("approved");
            const bool open = reason == QLatin1String("rule");
            const QJsonObject review
                = reviewObject(id, created, QString::fromLatin1(chargeId),
                               charge.value(L("payment_intent")).toString(), reason,
                               L("203.0.113.%1").arg(qHash(chargeId) % 250 + 1));
            event(L("review.opened"),
                  reviewObject(id, created, QString::fromLatin1(chargeId),
                               charge.value(L("payment_intent")).toString(), L("rule"),
                               review.value(L("ip_address")).toString()),
                  created);
            if (!open)
                event(L("review.closed"), review, std::min(created + kDay, m_now));
            m_store.reviews.appendUnsorted(
                review, chargeId, open ? QByteArrayLiteral("open") : QByteArrayLiteral("closed"));
            charge.insert(L("review"), id);
            m_store.charges.replace(charge);
        }
        static const char *const kFraudTypes[] = {
            "card_never_received",     "fraudulent_card_application", "made_with_counterfeit_card",
            "made_with_lost_card",     "made_with_stolen_card",       "misc",
            "unauthorized_use_of_card"};
        for (const QByteArray &chargeId : std::as_const(warned)) {
            const QJsonObject charge = *m_store.charges.get(chargeId);
            const qint64 at
                = charge.value(L("created")).toInteger() + (qHash(chargeId) % 20 + 2) * kDay;
            if (at >= m_now)
                continue; // Not reported yet.
            const QString id = ids.next("issfr");
            const QJsonObject warning {
                {L("id"), id},
                {L("object"), L("radar.early_fraud_warning")},
                {L("actionable"),
                 !charge.value(L("refunded")).toBool() && !charge.value(L("disputed")).toBool()},
                {L("charge"), QString::fromLatin1(chargeId)},
                {L("created"), at},
                {L("fraud_type"), QLatin1String(kFraudTypes[qHash(chargeId) % 7])},
                {L("livemode"), false},
                {L("payment_intent"), charge.value(L("payment_intent"))},
            };
            event(L("radar.early_fraud_warning.created"), warning, at);
            m_store.earlyFraudWarnings.appendUnsorted(
                warning, chargeId, charge.value(L("payment_intent")).toString().toLatin1());
        }
        m_store.reviews.finish();
        m_store.earlyFraudWarnings.finish();
    }

    // One-time prices of the brewing gear, for one-off invoices; ids of their own, so that
    // adding them left every other object of a seed as it was.
    void oneTimePrices()
    {
        IdGenerator ids(m_seed * 104729 + 3);
        const qint64 t = m_start;
        const struct
        {
            const char *name;
            qint64 usd, eur, gbp, jpy;
        } gear[] = {{"Burr grinder", 14900, 13900, 12500, 22000},
                    {"Gooseneck kettle", 7900, 7500, 6500, 11500},
                    {"Paper filters, 100", 900, 850, 750, 1300}};
        for (const auto &g : gear)
            for (const auto &[currency, amount] :
                 {std::pair {L("usd"), g.usd}, std::pair {L("eur"), g.eur},
                  std::pair {L("gbp"), g.gbp}, std::pair {L("jpy"), g.jpy}}) {
                const QString id = ids.next("price");
                m_store.prices.appendUnsorted(priceJson(id, t, m_gearProduct, currency, amount, {},
                                                        0, QString::fromUtf8(g.name)),
                                              id.toLatin1(), t);
            }
    }

    Store &m_store;
    IdGenerator &m_ids;
    Rng m_rng;
    quint64 m_seed;
    QString m_gearProduct;
    // What is owed to a calendar month (UTC) of refunds and disputes, started at a random
    // fraction so that months do not all refund their n-th payment.
    struct MonthCredit
    {
        double refunds = 0;
        double disputes = 0;
    };
    std::map<qint64, MonthCredit> m_credit;
    MonthCredit &monthCredit(qint64 created)
    {
        const QDate d = QDateTime::fromSecsSinceEpoch(created, QTimeZone::utc()).date();
        const qint64 month = qint64(d.year()) * 12 + d.month();
        auto it = m_credit.find(month);
        if (it == m_credit.end())
            it = m_credit.emplace(month, MonthCredit {m_rng.uniform(), m_rng.uniform()}).first;
        return it->second;
    }
    qint64 m_now;
    qint64 m_start;
    qint64 m_targetCharges;
    qint64 m_customerCount;
    qint64 m_chargeCount = 0;
    std::vector<PriceInfo> m_prices;
    std::vector<CouponInfo> m_coupons;
    std::vector<CustomerInfo> m_customers;
    std::vector<QString> m_addOnProducts;
    std::map<QString, std::vector<PriceInfo>> m_addOnPrices;
};

} // namespace

void generateDemoMerchant(Store &store, IdGenerator &ids, const DemoMerchantOptions &options)
{
    Generator(store, ids, options).run();
}

} // namespace paydesk::sandbox
