#include "sandbox/stripesandbox.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace paydesk::sandbox;
using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

namespace {

// Checks JSON values against the component schemas of Stripe's OpenAPI spec: required fields
// present, no field the schema does not know, types, nullability and enums, recursively.
class SchemaChecker
{
public:
    explicit SchemaChecker(QJsonObject schemas)
        : m_schemas(std::move(schemas))
    { }

    QStringList check(const QJsonValue &value, const QString &schemaName)
    {
        QStringList errors;
        validate(value, m_schemas.value(schemaName).toObject(), schemaName, errors, 0);
        return errors;
    }

private:
    QJsonObject resolve(QJsonObject schema) const
    {
        while (schema.contains(QStringLiteral("$ref")))
            schema
                = m_schemas.value(schema.value(QStringLiteral("$ref")).toString().section(u'/', -1))
                      .toObject();
        return schema;
    }

    void validate(const QJsonValue &value, QJsonObject schema, const QString &path,
                  QStringList &errors, int depth)
    {
        schema = resolve(schema);
        if (depth > 14)
            return;
        if (value.isNull()) {
            if (!schema.value(QStringLiteral("nullable")).toBool())
                errors.append(path + QStringLiteral(": null but not nullable"));
            return;
        }
        if (schema.contains(QStringLiteral("anyOf"))) {
            for (const QJsonValue &branch : schema.value(QStringLiteral("anyOf")).toArray()) {
                QStringList branchErrors;
                validate(value, branch.toObject(), path, branchErrors, depth + 1);
                if (branchErrors.isEmpty())
                    return;
            }
            errors.append(path + QStringLiteral(": matches no anyOf branch"));
            return;
        }
        const QString type = schema.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("string")) {
            if (!value.isString()) {
                errors.append(path + QStringLiteral(": not a string"));
                return;
            }
            const QJsonArray e = schema.value(QStringLiteral("enum")).toArray();
            if (!e.isEmpty() && !e.contains(value))
                errors.append(path + QStringLiteral(": '%1' not in enum").arg(value.toString()));
        } else if (type == QLatin1String("integer")) {
            if (!value.isDouble() || value.toDouble() != double(value.toInteger()))
                errors.append(path + QStringLiteral(": not an integer"));
        } else if (type == QLatin1String("number")) {
            if (!value.isDouble())
                errors.append(path + QStringLiteral(": not a number"));
        } else if (type == QLatin1String("boolean")) {
            if (!value.isBool())
                errors.append(path + QStringLiteral(": not a boolean"));
        } else if (type == QLatin1String("array")) {
            if (!value.isArray()) {
                errors.append(path + QStringLiteral(": not an array"));
                return;
            }
            const QJsonArray a = value.toArray();
            for (qsizetype i = 0; i < a.size(); ++i)
                validate(a.at(i), schema.value(QStringLiteral("items")).toObject(),
                         path + QStringLiteral("[%1]").arg(i), errors, depth + 1);
        } else if (type == QLatin1String("object")
                   || schema.contains(QStringLiteral("properties"))) {
            if (!value.isObject()) {
                errors.append(path + QStringLiteral(": not an object"));
                return;
            }
            const QJsonObject o = value.toObject();
            const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
            for (const QJsonValue &r : schema.value(QStringLiteral("required")).toArray()) {
                if (!o.contains(r.toString()))
                    errors.append(
                        path + QStringLiteral(": required field '%1' missing").arg(r.toString()));
            }
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (properties.contains(it.key()))
                    validate(it.value(), properties.value(it.key()).toObject(),
                             path + u'.' + it.key(), errors, depth + 1);
                else if (!properties.isEmpty()
                         && !schema.contains(QStringLiteral("additionalProperties")))
                    errors.append(path + QStringLiteral(": unknown field '%1'").arg(it.key()));
            }
        }
    }

    QJsonObject m_schemas;
};

QByteArray key()
{
    return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("contract");
}

} // namespace

class TestSandboxContract final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SchemaChecker> m_checker;
    QList<std::pair<QJsonObject, QString>> m_made; // Objects made at run time, and their schema.
    std::unique_ptr<StripeSandbox> m_sandbox;

private Q_SLOTS:
    void initTestCase();
    void objectsMatchTheSpec_data();
    void objectsMatchTheSpec();
    void errorsMatchTheSpec();
    void sameSeedSameMerchant();
    void demoMerchantIsRealistic();
    void agreesWithStripeStatefulMock();
};

void TestSandboxContract::initTestCase()
{
    QFile spec(QStringLiteral(PAYDESK_SHARED_DIR "/stripe-openapi/spec3.json"));
    QVERIFY2(spec.open(QIODevice::ReadOnly), qPrintable(spec.fileName()));
    const QJsonObject root = QJsonDocument::fromJson(spec.readAll()).object();
    m_checker = std::make_unique<SchemaChecker>(root.value(QStringLiteral("components"))
                                                    .toObject()
                                                    .value(QStringLiteral("schemas"))
                                                    .toObject());
    SandboxOptions o;
    o.scale = 20000;
    o.seed = 11;
    o.now = 1763800000;
    m_sandbox = std::make_unique<StripeSandbox>(o);
    QVERIFY(m_sandbox->load());
    QVERIFY(m_sandbox->listen());
    // Objects made at run time are checked too.
    HttpClient http(m_sandbox->baseUrl(), key());
    QCOMPARE(http.post(QStringLiteral("/v1/customers"),
                       {{QStringLiteral("email"), QStringLiteral("c@example.com")},
                        {QStringLiteral("metadata[a]"), QStringLiteral("b")}})
                 .status,
             200);
    const auto pi = http.post(QStringLiteral("/v1/payment_intents"),
                              {{QStringLiteral("amount"), QStringLiteral("1000")},
                               {QStringLiteral("currency"), QStringLiteral("eur")},
                               {QStringLiteral("payment_method"), QStringLiteral("pm_card_visa")},
                               {QStringLiteral("confirm"), QStringLiteral("true")}});
    QCOMPARE(pi.status, 200);
    QCOMPARE(http.post(QStringLiteral("/v1/refunds"),
                       {{QStringLiteral("payment_intent"),
                         pi.json.value(QStringLiteral("id")).toString()}})
                 .status,
             200);
    // Issue 18's objects: a one-off invoice with a catalogue line and a custom one, finalized;
    // a subscription paused, given a coupon, changed with an invoiced proration; the preview of
    // its next invoice.
    auto made = [this](const HttpClient::Response &r, const char *schema) {
        QCOMPARE(r.status, 200);
        m_made.append({r.json, QString::fromLatin1(schema)});
    };
    const QJsonArray prices = http.get(QStringLiteral("/v1/prices?limit=100"))
                                  .json.value(QStringLiteral("data"))
                                  .toArray();
    QString oneTime;
    for (const QJsonValue &p : prices)
        if (p[QStringLiteral("type")] == QStringLiteral("one_time")
            && p[QStringLiteral("currency")] == QStringLiteral("usd"))
            oneTime = p[QStringLiteral("id")].toString();
    QVERIFY(!oneTime.isEmpty());
    const QString customer = http.get(QStringLiteral("/v1/customers?limit=1"))
                                 .json[QStringLiteral("data")][0][QStringLiteral("id")]
                                 .toString();
    const auto invoice
        = http.post(QStringLiteral("/v1/invoices"),
                    {{QStringLiteral("customer"), customer},
                     {QStringLiteral("currency"), QStringLiteral("usd")},
                     {QStringLiteral("collection_method"), QStringLiteral("send_invoice")},
                     {QStringLiteral("days_until_due"), QStringLiteral("30")}});
    made(invoice, "invoice");
    const QString in = invoice.json.value(QStringLiteral("id")).toString();
    made(http.post(QStringLiteral("/v1/invoiceitems"),
                   {{QStringLiteral("customer"), customer},
                    {QStringLiteral("invoice"), in},
                    {QStringLiteral("price"), oneTime},
                    {QStringLiteral("quantity"), QStringLiteral("2")}}),
         "invoiceitem");
    made(http.post(QStringLiteral("/v1/invoiceitems"),
                   {{QStringLiteral("customer"), customer},
                    {QStringLiteral("invoice"), in},
                    {QStringLiteral("amount"), QStringLiteral("1250")},
                    {QStringLiteral("currency"), QStringLiteral("usd")},
                    {QStringLiteral("description"), QStringLiteral("Setup")}}),
         "invoiceitem");
    made(http.post(QStringLiteral("/v1/invoices/") + in + QStringLiteral("/finalize"), {}),
         "invoice");
    const QJsonObject sub = http.get(QStringLiteral("/v1/subscriptions?status=active&limit=1"))
                                .json[QStringLiteral("data")][0]
                                .toObject();
    const QString subId = sub[QStringLiteral("id")].toString();
    const QString item
        = sub[QStringLiteral("items")][QStringLiteral("data")][0][QStringLiteral("id")].toString();
    const QString path = QStringLiteral("/v1/subscriptions/") + subId;
    made(http.post(path, {{QStringLiteral("pause_collection[behavior]"), QStringLiteral("void")}}),
         "subscription");
    made(http.post(path, {{QStringLiteral("coupon"), QStringLiteral("PARTNER10")}}),
         "subscription");
    made(http.get(QStringLiteral("/v1/invoices/upcoming?subscription=%1&subscription_items[0][id]="
                                 "%2&subscription_items[0][quantity]=3")
                      .arg(subId, item)),
         "invoice");
    const auto changed
        = http.post(path,
                    {{QStringLiteral("items[0][id]"), item},
                     {QStringLiteral("items[0][quantity]"), QStringLiteral("3")},
                     {QStringLiteral("proration_behavior"), QStringLiteral("always_invoice")}});
    made(changed, "subscription");
    made(http.get(QStringLiteral("/v1/invoices/")
                  + changed.json.value(QStringLiteral("latest_invoice")).toString()),
         "invoice");
}

void TestSandboxContract::objectsMatchTheSpec_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("schema");
    const struct
    {
        const char *path, *schema;
    } rows[] = {{"/v1/customers", "customer"},
                {"/v1/products", "product"},
                {"/v1/prices", "price"},
                {"/v1/coupons", "coupon"},
                {"/v1/promotion_codes", "promotion_code"},
                {"/v1/subscriptions?status=all", "subscription"},
                {"/v1/invoices", "invoice"},
                {"/v1/payment_intents", "payment_intent"},
                {"/v1/charges", "charge"},
                {"/v1/refunds", "refund"},
                {"/v1/disputes", "dispute"},
                {"/v1/balance_transactions", "balance_transaction"},
                {"/v1/events", "event"},
                {"/v1/customers/{customer}/payment_methods", "payment_method"}};
    for (const auto &r : rows)
        QTest::newRow(r.schema) << QString::fromLatin1(r.path) << QString::fromLatin1(r.schema);
}

void TestSandboxContract::objectsMatchTheSpec()
{
    QFETCH(QString, path);
    QFETCH(QString, schema);
    HttpClient http(m_sandbox->baseUrl(), key());
    if (path.contains(QStringLiteral("{customer}"))) {
        const auto customers = http.get(QStringLiteral("/v1/customers?limit=100")).json;
        const QJsonArray list = customers.value(QStringLiteral("data")).toArray();
        path.replace(QStringLiteral("{customer}"),
                     list.last().toObject().value(QStringLiteral("id")).toString());
    }
    const auto r
        = http.get(path + (path.contains(u'?') ? u'&' : u'?') + QStringLiteral("limit=100"));
    QCOMPARE(r.status, 200);
    const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
    QVERIFY(!data.isEmpty());
    QStringList errors;
    for (const QJsonValue &v : data)
        errors += m_checker->check(v, schema);
    errors.removeDuplicates();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.mid(0, 20).join(u'\n')));
    // Lists themselves, account and balance.
    QStringList more
        = m_checker->check(http.get(QStringLiteral("/v1/account")).json, QStringLiteral("account"))
        + m_checker->check(http.get(QStringLiteral("/v1/balance")).json, QStringLiteral("balance"));
    for (const auto &[object, name] : std::as_const(m_made))
        more += m_checker->check(object, name);
    QVERIFY2(more.isEmpty(), qPrintable(more.join(u'\n')));
}

void TestSandboxContract::errorsMatchTheSpec()
{
    HttpClient http(m_sandbox->baseUrl(), key());
    for (const auto &r : {http.get(QStringLiteral("/v1/charges/ch_none")),
                          http.get(QStringLiteral("/v1/charges?limit=0")),
                          http.post(QStringLiteral("/v1/refunds"), {})}) {
        const QStringList errors
            = m_checker->check(r.json.value(QStringLiteral("error")), QStringLiteral("api_errors"));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    }
}

void TestSandboxContract::sameSeedSameMerchant()
{
    SandboxOptions o;
    o.scale = 2000;
    o.seed = 42;
    o.now = 1763800000;
    StripeSandbox a(o), b(o);
    QVERIFY(a.load() && b.load());
    o.seed = 43;
    StripeSandbox c(o);
    QVERIFY(c.load());
    auto fingerprint = [](StripeSandbox &s) {
        QCryptographicHash h(QCryptographicHash::Sha256);
        for (Collection *col : s.store().all())
            col->forEach([&](const Collection::Entry &e) { h.addData(e.json()); });
        return h.result();
    };
    QCOMPARE(fingerprint(a), fingerprint(b));
    QVERIFY(fingerprint(a) != fingerprint(c));
}

void TestSandboxContract::demoMerchantIsRealistic()
{
    Store &store = m_sandbox->store();
    QVERIFY(std::abs(store.charges.size() - 20001) < 200); // --scale is the number of charges.
    QSet<QString> subStatuses, disputeStatuses, currencies, declines, risks, brands, eventTypes;
    qint64 partial = 0, full = 0;
    store.subscriptions.forEach(
        [&](const Collection::Entry &e) { subStatuses.insert(QString::fromLatin1(e.key)); });
    store.disputes.forEach(
        [&](const Collection::Entry &e) { disputeStatuses.insert(QString::fromLatin1(e.key)); });
    store.charges.forEach([&](const Collection::Entry &e) {
        const QJsonObject c = QJsonDocument::fromJson(e.json()).object();
        currencies.insert(c.value(QStringLiteral("currency")).toString());
        const QJsonObject outcome = c.value(QStringLiteral("outcome")).toObject();
        risks.insert(outcome.value(QStringLiteral("risk_level")).toString());
        if (c.value(QStringLiteral("status")).toString() == QLatin1String("failed"))
            declines.insert(outcome.value(QStringLiteral("reason")).toString());
        brands.insert(c.value(QStringLiteral("payment_method_details"))
                          .toObject()
                          .value(QStringLiteral("card"))
                          .toObject()
                          .value(QStringLiteral("brand"))
                          .toString());
        const qint64 refunded = c.value(QStringLiteral("amount_refunded")).toInteger();
        if (refunded > 0)
            (refunded == c.value(QStringLiteral("amount")).toInteger() ? full : partial)++;
        // Shop prices in yen are round; a subscription's prorations and percentage coupons give
        // any whole yen, as they do on Stripe.
        if (c.value(QStringLiteral("currency")).toString() == QLatin1String("jpy")
            && c.value(QStringLiteral("description")).toString()
                != QLatin1String("Subscription update"))
            QVERIFY(c.value(QStringLiteral("amount")).toInteger() % 10 == 0);
    });
    store.events.forEach([&](const Collection::Entry &e) {
        eventTypes.insert(QString::fromLatin1(e.key));
        QVERIFY(e.created >= 1763800000 - 30 * 86400);
    });
    for (const char *s : {"active", "canceled", "trialing", "past_due"})
        QVERIFY2(subStatuses.contains(QString::fromLatin1(s)), s);
    // Every dispute status of the API version appears (an open inquiry only while one is
    // within its deadline: Stripe closes those not answered in time, as it decides a dispute
    // not answered as lost — no demo dispute waits for a response past its due date).
    for (const char *st : {"warning_under_review", "warning_closed", "needs_response",
                           "under_review", "won", "lost"})
        QVERIFY2(disputeStatuses.contains(QString::fromLatin1(st)), st);
    store.disputes.forEach([&](const Collection::Entry &e) {
        if (e.key != "needs_response" && e.key != "warning_needs_response")
            return;
        const QJsonObject d = QJsonDocument::fromJson(e.json()).object();
        QVERIFY2(d.value(QStringLiteral("evidence_details"))
                         .toObject()
                         .value(QStringLiteral("due_by"))
                         .toInteger()
                     > 1763800000,
                 e.id.constData());
    });
    for (const char *c : {"usd", "eur", "gbp", "jpy"})
        QVERIFY2(currencies.contains(QString::fromLatin1(c)), c);
    QVERIFY(declines.contains(QStringLiteral("insufficient_funds"))
            && declines.contains(QStringLiteral("highest_risk_level")));
    QVERIFY(risks.contains(QStringLiteral("elevated"))
            && risks.contains(QStringLiteral("highest")));
    QVERIFY(brands.contains(QStringLiteral("amex")));
    QVERIFY(partial > 0 && full > 0);
    QVERIFY(eventTypes.contains(QStringLiteral("charge.succeeded"))
            && eventTypes.contains(QStringLiteral("customer.created")));
}

void TestSandboxContract::agreesWithStripeStatefulMock()
{
    // The same request sequence against the third-party fake and the sandbox: status codes and
    // error types must agree wherever both implement the endpoint.
    PeerProcess mock = PeerProcess::stripeMock();
    QVERIFY2(mock.start(), qPrintable(mock.errorString()));
    HttpClient theirs(mock.baseUrl(), key()), ours(m_sandbox->baseUrl(), key());
    struct Step
    {
        QByteArray verb;
        QString path;
        QList<QPair<QString, QString>> form;
        QByteArray idempotencyKey;
        bool anonymous = false;
    };
    const QString customerPath = QStringLiteral("/v1/customers/{id}");
    const QList<Step> steps = {
        {"POST",
         QStringLiteral("/v1/customers"),
         {{QStringLiteral("email"), QStringLiteral("same@example.com")}},
         "k-1"},
        {"POST",
         QStringLiteral("/v1/customers"),
         {{QStringLiteral("email"), QStringLiteral("same@example.com")}},
         "k-1"},
        {"POST",
         QStringLiteral("/v1/customers"),
         {{QStringLiteral("email"), QStringLiteral("other@example.com")}},
         "k-1"},
        {"GET", customerPath, {}, {}},
        {"POST", customerPath, {{QStringLiteral("name"), QStringLiteral("Renamed")}}, {}},
        {"GET", QStringLiteral("/v1/customers/cus_doesnotexist"), {}, {}},
        {"GET", QStringLiteral("/v1/customers"), {}, {}, true},
        // (DELETE /v1/customers is not implemented by stripe-stateful-mock, so it is not compared.)
        {"GET", QStringLiteral("/v1/charges/ch_doesnotexist"), {}, {}},
        {"POST",
         QStringLiteral("/v1/refunds"),
         {{QStringLiteral("charge"), QStringLiteral("ch_doesnotexist")}},
         {}},
    };
    QString theirId, ourId;
    for (const Step &step : steps) {
        auto run = [&](HttpClient &http, const QString &id) {
            QString path = step.path;
            path.replace(QStringLiteral("{id}"), id);
            QList<QPair<QByteArray, QByteArray>> headers;
            if (!step.idempotencyKey.isEmpty())
                headers.append({QByteArray("Idempotency-Key"), step.idempotencyKey});
            if (step.anonymous) {
                HttpClient anon(step.path.isEmpty()
                                    ? QUrl()
                                    : (&http == &theirs ? mock.baseUrl() : m_sandbox->baseUrl()));
                return anon.send(step.verb, path, {}, headers);
            }
            return http.send(step.verb, path, HttpClient::encodeForm(step.form), headers);
        };
        const auto a = run(theirs, theirId);
        const auto b = run(ours, ourId);
        if (theirId.isEmpty())
            theirId = a.json.value(QStringLiteral("id")).toString();
        if (ourId.isEmpty())
            ourId = b.json.value(QStringLiteral("id")).toString();
        const QString what = QString::fromLatin1(step.verb) + u' ' + step.path;
        QVERIFY2(
            a.status == b.status,
            qPrintable(what + QStringLiteral(": mock %1, sandbox %2").arg(a.status).arg(b.status)));
        QVERIFY2(a.errorType() == b.errorType(),
                 qPrintable(what + u' ' + a.errorType() + u'/' + b.errorType()));
    }
    QCOMPARE(mock.stop(), 0);
}

QTEST_GUILESS_MAIN(TestSandboxContract)
#include "tst_sandboxcontract.moc"
