#include "sandbox/httpserver.h"
#include "sandbox/stripesandbox.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace paydesk::sandbox;

// The sandbox's subscription changes (issue 18) answer as Stripe does for the pinned API
// version: pause_collection (behavior, resumes_at in the future, "" resumes), coupon (unknown,
// expired and other-currency coupons refused; "" removes the discount), trial_end ("now" ends
// the trial and charges the first invoice; a later time at most two years ahead extends it) and
// cancellation_details (Stripe's feedback values, a comment); each change is an event.
class TestSubscriptionChanges final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 kNow = 1764000000;
    QTemporaryDir m_dir;
    std::unique_ptr<StripeSandbox> m_sandbox;

    static QJsonObject subscription(const char *id, const char *status)
    {
        const QJsonObject price {
            {QStringLiteral("id"), QStringLiteral("price_pro")},
            {QStringLiteral("object"), QStringLiteral("price")},
            {QStringLiteral("currency"), QStringLiteral("eur")},
            {QStringLiteral("unit_amount"), 4900},
            {QStringLiteral("nickname"), QStringLiteral("Pro monthly")},
            {QStringLiteral("type"), QStringLiteral("recurring")},
            {QStringLiteral("recurring"),
             QJsonObject {{QStringLiteral("interval"), QStringLiteral("month")},
                          {QStringLiteral("interval_count"), 1}}}};
        const QJsonObject item {
            {QStringLiteral("id"), QString(QStringLiteral("si_") + QLatin1String(id))},
            {QStringLiteral("object"), QStringLiteral("subscription_item")},
            {QStringLiteral("price"), price},
            {QStringLiteral("quantity"), 2}};
        return {{QStringLiteral("id"), QString::fromLatin1(id)},
                {QStringLiteral("object"), QStringLiteral("subscription")},
                {QStringLiteral("created"), kNow - 20 * 86400},
                {QStringLiteral("customer"), QStringLiteral("cus_pays")},
                {QStringLiteral("currency"), QStringLiteral("eur")},
                {QStringLiteral("status"), QString::fromLatin1(status)},
                {QStringLiteral("billing_cycle_anchor"), kNow - 20 * 86400},
                {QStringLiteral("current_period_start"), kNow - 20 * 86400},
                {QStringLiteral("current_period_end"), kNow + 10 * 86400},
                {QStringLiteral("trial_start"), QJsonValue()},
                {QStringLiteral("trial_end"),
                 QString::fromLatin1(status) == QLatin1String("trialing")
                     ? QJsonValue(kNow + 10 * 86400)
                     : QJsonValue()},
                {QStringLiteral("cancel_at_period_end"), false},
                {QStringLiteral("pause_collection"), QJsonValue()},
                {QStringLiteral("discount"), QJsonValue()},
                {QStringLiteral("cancellation_details"),
                 QJsonObject {{QStringLiteral("comment"), QJsonValue()},
                              {QStringLiteral("feedback"), QJsonValue()},
                              {QStringLiteral("reason"), QJsonValue()}}},
                {QStringLiteral("items"),
                 QJsonObject {{QStringLiteral("object"), QStringLiteral("list")},
                              {QStringLiteral("data"), QJsonArray {item}},
                              {QStringLiteral("has_more"), false}}},
                {QStringLiteral("metadata"), QJsonObject()}};
    }

    static QJsonObject coupon(const char *id, QJsonValue percent, QJsonValue amount,
                              const char *currency, bool valid = true)
    {
        return {{QStringLiteral("id"), QString::fromLatin1(id)},
                {QStringLiteral("object"), QStringLiteral("coupon")},
                {QStringLiteral("created"), kNow - 100 * 86400},
                {QStringLiteral("percent_off"), percent},
                {QStringLiteral("amount_off"), amount},
                {QStringLiteral("currency"),
                 currency ? QJsonValue(QString::fromLatin1(currency)) : QJsonValue()},
                {QStringLiteral("duration"), QStringLiteral("repeating")},
                {QStringLiteral("duration_in_months"), 3},
                {QStringLiteral("valid"), valid}};
    }

    static QJsonObject price(const char *id, const char *currency, qint64 amount,
                             const char *interval, bool active = true)
    {
        QJsonObject p {{QStringLiteral("id"), QString::fromLatin1(id)},
                       {QStringLiteral("object"), QStringLiteral("price")},
                       {QStringLiteral("created"), kNow - 200 * 86400},
                       {QStringLiteral("currency"), QString::fromLatin1(currency)},
                       {QStringLiteral("unit_amount"), amount},
                       {QStringLiteral("active"), active},
                       {QStringLiteral("nickname"), QString::fromLatin1(id)},
                       {QStringLiteral("type"),
                        interval ? QStringLiteral("recurring") : QStringLiteral("one_time")}};
        p.insert(QStringLiteral("recurring"),
                 interval ? QJsonValue(
                     QJsonObject {{QStringLiteral("interval"), QString::fromLatin1(interval)},
                                  {QStringLiteral("interval_count"), 1},
                                  {QStringLiteral("usage_type"), QStringLiteral("licensed")}})
                          : QJsonValue());
        return p;
    }

    void load()
    {
        const QJsonObject fixture {
            {QStringLiteral("customers"),
             QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("cus_pays")},
                                      {QStringLiteral("object"), QStringLiteral("customer")},
                                      {QStringLiteral("created"), kNow - 30 * 86400}}}},
            {QStringLiteral("payment_methods"),
             QJsonArray {
                 QJsonObject {{QStringLiteral("id"), QStringLiteral("pm_saved")},
                              {QStringLiteral("object"), QStringLiteral("payment_method")},
                              {QStringLiteral("created"), kNow - 30 * 86400},
                              {QStringLiteral("customer"), QStringLiteral("cus_pays")},
                              {QStringLiteral("type"), QStringLiteral("card")},
                              {QStringLiteral("card"),
                               QJsonObject {{QStringLiteral("brand"), QStringLiteral("visa")},
                                            {QStringLiteral("last4"), QStringLiteral("4242")},
                                            {QStringLiteral("country"), QStringLiteral("DE")},
                                            {QStringLiteral("funding"), QStringLiteral("credit")},
                                            {QStringLiteral("exp_month"), 12},
                                            {QStringLiteral("exp_year"), 2030}}}}}},
            {QStringLiteral("prices"),
             QJsonArray {price("price_pro", "eur", 4900, "month"),
                         price("price_team", "eur", 9900, "month"),
                         price("price_pro_year", "eur", 49000, "year"),
                         price("price_usd", "usd", 4900, "month"),
                         price("price_setup", "eur", 10000, nullptr),
                         price("price_old", "eur", 2900, "month", false)}},
            {QStringLiteral("coupons"),
             QJsonArray {coupon("PCT20", 20, QJsonValue(), nullptr),
                         coupon("EUR5", QJsonValue(), 500, "eur"),
                         coupon("USD5", QJsonValue(), 500, "usd"),
                         coupon("GONE", 10, QJsonValue(), nullptr, false)}},
            {QStringLiteral("subscriptions"),
             QJsonArray {subscription("sub_active", "active"),
                         subscription("sub_trial", "trialing"),
                         subscription("sub_ended", "canceled")}}};
        const QString file = m_dir.filePath(QStringLiteral("subscriptions.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(fixture).toJson());
        f.close();
        SandboxOptions options;
        options.fixtureFile = file;
        options.now = kNow;
        m_sandbox = std::make_unique<StripeSandbox>(options);
        QVERIFY2(m_sandbox->load(), qPrintable(m_sandbox->errorString()));
    }

    std::pair<int, QJsonObject> call(const QByteArray &method, const QByteArray &path,
                                     const QByteArray &body = {})
    {
        HttpRequest r;
        r.method = method;
        const qsizetype q = path.indexOf('?');
        r.path = q < 0 ? path : path.left(q);
        r.query = q < 0 ? QByteArray() : path.mid(q + 1);
        r.body = body;
        r.headers.insert("authorization", "Bearer sk_test_subscriptionchanges");
        const HttpResponse answer = m_sandbox->handle(r);
        return {answer.status, QJsonDocument::fromJson(answer.body).object()};
    }
    std::pair<int, QJsonObject> update(const char *id, const QByteArray &body)
    {
        return call("POST", QByteArray("/v1/subscriptions/") + id, body);
    }
    QJsonObject stored(const char *id)
    {
        return m_sandbox->store().subscriptions.get(id).value_or(QJsonObject());
    }
    // The events of the store, in the order they were made: type and previous_attributes.
    QList<std::pair<QString, QJsonObject>> events()
    {
        QList<std::pair<QString, QJsonObject>> out;
        m_sandbox->store().events.forEach([&](const Collection::Entry &e) {
            const QJsonObject event = QJsonDocument::fromJson(e.json()).object();
            out.append({event.value(QStringLiteral("type")).toString(),
                        event.value(QStringLiteral("data"))
                            .toObject()
                            .value(QStringLiteral("previous_attributes"))
                            .toObject()});
        });
        return out;
    }
    static QString errorParam(const QJsonObject &body)
    {
        return body.value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("param"))
            .toString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        const QByteArray past = QByteArray::number(kNow - 60);
        const QByteArray far = QByteArray::number(kNow + 3 * 365 * 86400);
        QTest::newRow("behavior missing")
            << QByteArray("sub_active") << QByteArray("pause_collection[resumes_at]=1999999999")
            << QStringLiteral("pause_collection[behavior]");
        QTest::newRow("behavior unknown")
            << QByteArray("sub_active") << QByteArray("pause_collection[behavior]=stop")
            << QStringLiteral("pause_collection[behavior]");
        QTest::newRow("resumes in the past")
            << QByteArray("sub_active")
            << QByteArray("pause_collection[behavior]=void&pause_collection[resumes_at]=") + past
            << QStringLiteral("pause_collection[resumes_at]");
        QTest::newRow("pause text")
            << QByteArray("sub_active") << QByteArray("pause_collection=void")
            << QStringLiteral("pause_collection");
        QTest::newRow("coupon unknown")
            << QByteArray("sub_active") << QByteArray("coupon=NOPE") << QStringLiteral("coupon");
        QTest::newRow("coupon expired")
            << QByteArray("sub_active") << QByteArray("coupon=GONE") << QStringLiteral("coupon");
        QTest::newRow("coupon other currency")
            << QByteArray("sub_active") << QByteArray("coupon=USD5") << QStringLiteral("coupon");
        QTest::newRow("trial end past")
            << QByteArray("sub_trial") << QByteArray("trial_end=") + past
            << QStringLiteral("trial_end");
        QTest::newRow("trial end beyond two years")
            << QByteArray("sub_trial") << QByteArray("trial_end=") + far
            << QStringLiteral("trial_end");
        QTest::newRow("trial end text")
            << QByteArray("sub_trial") << QByteArray("trial_end=tomorrow")
            << QStringLiteral("trial_end");
        QTest::newRow("feedback unknown")
            << QByteArray("sub_active") << QByteArray("cancellation_details[feedback]=meh")
            << QStringLiteral("cancellation_details[feedback]");
        QTest::newRow("cancellation detail unknown")
            << QByteArray("sub_active") << QByteArray("cancellation_details[mood]=sad")
            << QStringLiteral("cancellation_details[mood]");
        const QByteArray item = "items[0][id]=si_sub_active&";
        QTest::newRow("price unknown")
            << QByteArray("sub_active") << item + "items[0][price]=price_nope"
            << QStringLiteral("items[0][price]");
        QTest::newRow("price in another currency")
            << QByteArray("sub_active") << item + "items[0][price]=price_usd"
            << QStringLiteral("items[0][price]");
        QTest::newRow("price one-time")
            << QByteArray("sub_active") << item + "items[0][price]=price_setup"
            << QStringLiteral("items[0][price]");
        QTest::newRow("price inactive")
            << QByteArray("sub_active") << item + "items[0][price]=price_old"
            << QStringLiteral("items[0][price]");
        QTest::newRow("item unknown")
            << QByteArray("sub_active") << QByteArray("items[0][id]=si_nope&items[0][quantity]=2")
            << QStringLiteral("items[0][id]");
        QTest::newRow("quantity negative")
            << QByteArray("sub_active") << item + "items[0][quantity]=-1"
            << QStringLiteral("items[0][quantity]");
        QTest::newRow("two intervals")
            << QByteArray("sub_active") << QByteArray("items[0][price]=price_pro_year")
            << QStringLiteral("items");
        QTest::newRow("proration unknown")
            << QByteArray("sub_active")
            << item + "items[0][quantity]=3&proration_behavior=sometimes"
            << QStringLiteral("proration_behavior");
        QTest::newRow("proration date outside the period")
            << QByteArray("sub_active")
            << item + "items[0][quantity]=3&proration_date=" + QByteArray::number(kNow + 40 * 86400)
            << QStringLiteral("proration_date");
        QTest::newRow("ended subscription paused")
            << QByteArray("sub_ended") << QByteArray("pause_collection[behavior]=void")
            << QString();
    }

    // What Stripe refuses is refused with its param named, and changes nothing.
    void refusals()
    {
        QFETCH(QByteArray, id);
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        load();
        const QJsonObject before = stored(id.constData());
        const qsizetype eventsBefore = events().size();
        const auto [code, answer] = update(id.constData(), body);
        QCOMPARE(code, 400);
        QCOMPARE(answer.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")),
                 QStringLiteral("invalid_request_error"));
        QCOMPARE(errorParam(answer), param);
        QCOMPARE(stored(id.constData()), before);
        QCOMPARE(events().size(), eventsBefore);
    }

    void pauseAndResume()
    {
        load();
        const QByteArray at = QByteArray::number(kNow + 30 * 86400);
        auto [code, body] = update(
            "sub_active",
            "pause_collection[behavior]=mark_uncollectible&pause_collection[resumes_at]=" + at);
        QCOMPARE(code, 200);
        const QJsonObject pause = body.value(QStringLiteral("pause_collection")).toObject();
        QCOMPARE(pause.value(QStringLiteral("behavior")).toString(),
                 QStringLiteral("mark_uncollectible"));
        QCOMPARE(pause.value(QStringLiteral("resumes_at")).toInteger(), at.toLongLong());
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        auto last = events().last();
        QCOMPARE(last.first, QStringLiteral("customer.subscription.updated"));
        QVERIFY(last.second.contains(QStringLiteral("pause_collection")));
        QVERIFY(last.second.value(QStringLiteral("pause_collection")).isNull());

        std::tie(code, body) = update("sub_active", "pause_collection=");
        QCOMPARE(code, 200);
        QVERIFY(body.value(QStringLiteral("pause_collection")).isNull());
        last = events().last();
        QCOMPARE(last.first, QStringLiteral("customer.subscription.updated"));
        QCOMPARE(last.second.value(QStringLiteral("pause_collection")).toObject(), pause);
    }

    // Collection paused until resumes_at resumes by itself then, announced as an update; a pause
    // replaced or ended by hand before then is not resumed.
    void pauseEndsByItselfAtResumesAt()
    {
        load();
        const QByteArray soon = QByteArray::number(m_sandbox->now() + 2);
        auto [code, body] = update(
            "sub_active", "pause_collection[behavior]=void&pause_collection[resumes_at]=" + soon);
        QCOMPARE(code, 200);
        QVERIFY(stored("sub_active").value(QStringLiteral("pause_collection")).isObject());
        // Still paused until then.
        std::tie(code, body) = call("GET", "/v1/subscriptions/sub_active");
        QVERIFY(body.value(QStringLiteral("pause_collection")).isObject());
        QTest::qWait(3100);
        std::tie(code, body) = call("GET", "/v1/subscriptions/sub_active");
        QCOMPARE(code, 200);
        QVERIFY(body.value(QStringLiteral("pause_collection")).isNull());
        const auto last = events().last();
        QCOMPARE(last.first, QStringLiteral("customer.subscription.updated"));
        QCOMPARE(last.second.value(QStringLiteral("pause_collection"))
                     .toObject()
                     .value(QStringLiteral("behavior"))
                     .toString(),
                 QStringLiteral("void"));

        // Paused again until later, then resumed by hand: nothing happens at the first time.
        const QByteArray later = QByteArray::number(m_sandbox->now() + 1);
        std::tie(code, body) = update("sub_active",
                                      "pause_collection[behavior]=keep_as_draft&pause_collection["
                                      "resumes_at]="
                                          + later);
        QCOMPARE(code, 200);
        std::tie(code, body) = update("sub_active", "pause_collection[behavior]=keep_as_draft");
        QCOMPARE(code, 200);
        const qsizetype count = events().size();
        QTest::qWait(2100);
        std::tie(code, body) = call("GET", "/v1/subscriptions/sub_active");
        QVERIFY(body.value(QStringLiteral("pause_collection")).isObject());
        QCOMPARE(events().size(), count);
    }

    void couponAppliedAndRemoved()
    {
        load();
        auto [code, body] = update("sub_active", "coupon=PCT20");
        QCOMPARE(code, 200);
        const QJsonObject discount = body.value(QStringLiteral("discount")).toObject();
        QCOMPARE(discount.value(QStringLiteral("object")).toString(), QStringLiteral("discount"));
        QCOMPARE(discount.value(QStringLiteral("coupon")).toObject().value(QStringLiteral("id")),
                 QStringLiteral("PCT20"));
        QCOMPARE(discount.value(QStringLiteral("start")).toInteger(), kNow);
        // Repeating for 3 months: ends three calendar months later.
        QCOMPARE(
            discount.value(QStringLiteral("end")).toInteger(),
            QDateTime::fromSecsSinceEpoch(kNow, QTimeZone::utc()).addMonths(3).toSecsSinceEpoch());
        QStringList types;
        for (const auto &[type, previous] : events())
            types.append(type);
        QCOMPARE(types.mid(types.size() - 2),
                 (QStringList {QStringLiteral("customer.discount.created"),
                               QStringLiteral("customer.subscription.updated")}));
        // An amount off in the subscription's currency replaces it.
        std::tie(code, body) = update("sub_active", "coupon=EUR5");
        QCOMPARE(code, 200);
        QCOMPARE(body.value(QStringLiteral("discount"))
                     .toObject()
                     .value(QStringLiteral("coupon"))
                     .toObject()
                     .value(QStringLiteral("id")),
                 QStringLiteral("EUR5"));
        std::tie(code, body) = update("sub_active", "coupon=");
        QCOMPARE(code, 200);
        QVERIFY(body.value(QStringLiteral("discount")).isNull());
        types.clear();
        for (const auto &[type, previous] : events())
            types.append(type);
        QCOMPARE(types.mid(types.size() - 2),
                 (QStringList {QStringLiteral("customer.discount.deleted"),
                               QStringLiteral("customer.subscription.updated")}));
    }

    void trialExtendedThenEnded()
    {
        load();
        const qint64 later = kNow + 40 * 86400;
        auto [code, body] = update("sub_trial", "trial_end=" + QByteArray::number(later));
        QCOMPARE(code, 200);
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("trialing"));
        QCOMPARE(body.value(QStringLiteral("trial_end")).toInteger(), later);
        QCOMPARE(body.value(QStringLiteral("current_period_end")).toInteger(), later);

        // With a 20 % coupon: 2 × 49.00 EUR less 19.60 = 78.40 EUR, charged at once.
        QCOMPARE(update("sub_trial", "coupon=PCT20").first, 200);
        std::tie(code, body) = update("sub_trial", "trial_end=now");
        QCOMPARE(code, 200);
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        QCOMPARE(body.value(QStringLiteral("trial_end")).toInteger(), kNow);
        QCOMPARE(body.value(QStringLiteral("current_period_start")).toInteger(), kNow);
        QCOMPARE(
            body.value(QStringLiteral("current_period_end")).toInteger(),
            QDateTime::fromSecsSinceEpoch(kNow, QTimeZone::utc()).addMonths(1).toSecsSinceEpoch());
        const QString invoiceId = body.value(QStringLiteral("latest_invoice")).toString();
        const auto invoice = m_sandbox->store().invoices.get(invoiceId.toLatin1());
        QVERIFY(invoice);
        QCOMPARE(invoice->value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QCOMPARE(invoice->value(QStringLiteral("subtotal")).toInteger(), qint64(9800));
        QCOMPARE(invoice->value(QStringLiteral("total")).toInteger(), qint64(7840));
        QCOMPARE(invoice->value(QStringLiteral("amount_paid")).toInteger(), qint64(7840));
        QVERIFY(
            invoice->value(QStringLiteral("charge")).toString().startsWith(QLatin1String("ch_")));
        // Ended: "now" again changes nothing.
        const QJsonObject after = stored("sub_trial");
        std::tie(code, body) = update("sub_trial", "trial_end=now");
        QCOMPARE(code, 200);
        QCOMPARE(stored("sub_trial"), after);
    }

    // A price change in the middle of a period, prorated to the second as Stripe does: the
    // preview for an instant and the change at that instant are the same amounts.
    void priceChangeProratedAsPreviewed()
    {
        load();
        // 20 of 30 days are gone: 10 days left of a 2 × 49.00 period; the new price is 2 × 99.00.
        const QByteArray at = QByteArray::number(kNow);
        const QByteArray preview = "/v1/invoices/upcoming?subscription=sub_active&"
                                   "subscription_items[0][id]=si_sub_active&"
                                   "subscription_items[0][price]=price_team&"
                                   "subscription_proration_date="
            + at;
        auto [code, upcoming] = call("GET", preview);
        QCOMPARE(code, 200);
        QVERIFY(!upcoming.contains(QStringLiteral("id")));
        const QJsonArray lines = upcoming.value(QStringLiteral("lines"))
                                     .toObject()
                                     .value(QStringLiteral("data"))
                                     .toArray();
        QCOMPARE(lines.size(), 3);
        // −9800 × 10/30 = −3266.67 → −3267; +19800 × 10/30 = 6600; then the next period 19800.
        QCOMPARE(lines.at(0)[QStringLiteral("amount")].toInteger(), qint64(-3267));
        QVERIFY(lines.at(0)[QStringLiteral("proration")].toBool());
        QCOMPARE(lines.at(1)[QStringLiteral("amount")].toInteger(), qint64(6600));
        QCOMPARE(lines.at(2)[QStringLiteral("amount")].toInteger(), qint64(19800));
        QVERIFY(!lines.at(2)[QStringLiteral("proration")].toBool());
        QCOMPARE(upcoming.value(QStringLiteral("amount_due")).toInteger(), qint64(23133));
        QCOMPARE(upcoming.value(QStringLiteral("next_payment_attempt")).toInteger(),
                 kNow + 10 * 86400);
        // Nothing changed by the preview.
        QCOMPARE(stored("sub_active")
                     .value(QStringLiteral("items"))
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .first()[QStringLiteral("price")][QStringLiteral("id")]
                     .toString(),
                 QStringLiteral("price_pro"));
        // The change at that instant: the same prorations wait for the next invoice.
        QJsonObject body;
        std::tie(code, body) = update("sub_active",
                                      "items[0][id]=si_sub_active&items[0][price]=price_team&"
                                      "proration_date="
                                          + at);
        QCOMPARE(code, 200);
        const QJsonObject item = body.value(QStringLiteral("items"))
                                     .toObject()
                                     .value(QStringLiteral("data"))
                                     .toArray()
                                     .first()
                                     .toObject();
        QCOMPARE(item.value(QStringLiteral("price")).toObject().value(QStringLiteral("id")),
                 QStringLiteral("price_team"));
        QCOMPARE(item.value(QStringLiteral("quantity")).toInteger(), qint64(2));
        QCOMPARE(item.value(QStringLiteral("id")).toString(), QStringLiteral("si_sub_active"));
        QCOMPARE(events().last().first, QStringLiteral("customer.subscription.updated"));
        std::tie(code, upcoming) = call("GET", "/v1/invoices/upcoming?subscription=sub_active");
        QCOMPARE(code, 200);
        QCOMPARE(upcoming.value(QStringLiteral("amount_due")).toInteger(), qint64(23133));
    }

    void alwaysInvoiceChargesTheProrationNow()
    {
        load();
        const qint64 invoices = m_sandbox->store().invoices.size();
        auto [code, body] = update("sub_active",
                                   "items[0][id]=si_sub_active&items[0][quantity]=5&"
                                   "proration_behavior=always_invoice&proration_date="
                                       + QByteArray::number(kNow));
        QCOMPARE(code, 200);
        QCOMPARE(m_sandbox->store().invoices.size(), invoices + 1);
        const auto invoice = m_sandbox->store().invoices.get(
            body.value(QStringLiteral("latest_invoice")).toString().toLatin1());
        QVERIFY(invoice);
        // −9800 × 1/3 + 24500 × 1/3 = −3267 + 8167 = 4900.
        QCOMPARE(invoice->value(QStringLiteral("total")).toInteger(), qint64(4900));
        QCOMPARE(invoice->value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QCOMPARE(invoice->value(QStringLiteral("billing_reason")).toString(),
                 QStringLiteral("subscription_update"));
        // none: the item changes, nothing is prorated.
        std::tie(code, body) = update("sub_active",
                                      "items[0][id]=si_sub_active&items[0][quantity]=1&"
                                      "proration_behavior=none");
        QCOMPARE(code, 200);
        std::tie(code, body) = call("GET", "/v1/invoices/upcoming?subscription=sub_active");
        QCOMPARE(body.value(QStringLiteral("amount_due")).toInteger(), qint64(4900));
    }

    void newIntervalRestartsThePeriod()
    {
        load();
        auto [code, body] = update("sub_active",
                                   "items[0][id]=si_sub_active&items[0][price]=price_pro_year&"
                                   "items[0][quantity]=1");
        QCOMPARE(code, 200);
        QCOMPARE(body.value(QStringLiteral("current_period_start")).toInteger(), kNow);
        QCOMPARE(
            body.value(QStringLiteral("current_period_end")).toInteger(),
            QDateTime::fromSecsSinceEpoch(kNow, QTimeZone::utc()).addYears(1).toSecsSinceEpoch());
        const auto invoice = m_sandbox->store().invoices.get(
            body.value(QStringLiteral("latest_invoice")).toString().toLatin1());
        QVERIFY(invoice);
        // The unused third of 2 × 49.00 is credited, the year billed in full: 49000 − 3267.
        QCOMPARE(invoice->value(QStringLiteral("total")).toInteger(), qint64(45733));
        QCOMPARE(invoice->value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
    }

    void cancellationDetailsRecorded()
    {
        load();
        auto [code, body]
            = update("sub_active",
                     "cancel_at_period_end=true&cancellation_details[feedback]=unused&"
                     "cancellation_details[comment]=Seasonal%20shop");
        QCOMPARE(code, 200);
        QJsonObject details = body.value(QStringLiteral("cancellation_details")).toObject();
        QCOMPARE(details.value(QStringLiteral("feedback")).toString(), QStringLiteral("unused"));
        QCOMPARE(details.value(QStringLiteral("comment")).toString(),
                 QStringLiteral("Seasonal shop"));
        QCOMPARE(details.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("cancellation_requested"));
        std::tie(code, body) = call("DELETE", "/v1/subscriptions/sub_active",
                                    "cancellation_details[feedback]=too_expensive");
        QCOMPARE(code, 200);
        details = body.value(QStringLiteral("cancellation_details")).toObject();
        QCOMPARE(details.value(QStringLiteral("feedback")).toString(),
                 QStringLiteral("too_expensive"));
        QCOMPARE(details.value(QStringLiteral("comment")).toString(),
                 QStringLiteral("Seasonal shop"));
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("canceled"));
        // A canceled subscription still takes its cancellation details, nothing else.
        QCOMPARE(update("sub_active", "cancellation_details[comment]=").first, 200);
        QVERIFY(stored("sub_active")
                    .value(QStringLiteral("cancellation_details"))
                    .toObject()
                    .value(QStringLiteral("comment"))
                    .isNull());
        QCOMPARE(update("sub_active", "coupon=PCT20").first, 400);
    }
};

QTEST_GUILESS_MAIN(TestSubscriptionChanges)
#include "tst_subscriptionchanges.moc"
