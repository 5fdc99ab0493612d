#include "sandbox/httpserver.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::sandbox;

// The sandbox's invoice actions (issue 18) follow Stripe's state machine: draft → finalize or
// delete (send finalizes first); open → send, pay, void, mark uncollectible; uncollectible →
// pay or void; paid and void → nothing. Each change is an event, so a sync sees it.
class TestInvoiceActions final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StripeSandbox> m_sandbox;

    static QJsonObject invoice(const char *id, const char *status, qint64 due,
                               const char *customer = "cus_pays",
                               const char *collection = "send_invoice")
    {
        return {{QStringLiteral("id"), QLatin1String(id)},
                {QStringLiteral("object"), QStringLiteral("invoice")},
                {QStringLiteral("created"), 1763000000},
                {QStringLiteral("status"), QLatin1String(status)},
                {QStringLiteral("customer"), QLatin1String(customer)},
                {QStringLiteral("currency"), QStringLiteral("usd")},
                {QStringLiteral("collection_method"), QLatin1String(collection)},
                {QStringLiteral("amount_due"), due},
                {QStringLiteral("amount_paid"), 0},
                {QStringLiteral("amount_remaining"), due},
                {QStringLiteral("paid"), false},
                {QStringLiteral("paid_out_of_band"), false},
                {QStringLiteral("status_transitions"),
                 QJsonObject {{QStringLiteral("finalized_at"), QJsonValue()},
                              {QStringLiteral("paid_at"), QJsonValue()},
                              {QStringLiteral("voided_at"), QJsonValue()},
                              {QStringLiteral("marked_uncollectible_at"), QJsonValue()}}}};
    }

    // A fresh sandbox per case: every action starts from the fixture's state.
    void load()
    {
        QJsonArray invoices;
        for (const char *status : {"draft", "open", "paid", "uncollectible", "void"})
            invoices.append(
                invoice(QByteArray(QByteArray("in_") + status).constData(), status, 5000));
        invoices.append(invoice("in_zero", "draft", 0));
        invoices.append(invoice("in_auto", "open", 2500, "cus_pays", "charge_automatically"));
        invoices.append(invoice("in_nopm", "open", 2500, "cus_nopm"));
        const QJsonObject fixture {
            {QStringLiteral("customers"),
             QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("cus_pays")},
                                      {QStringLiteral("object"), QStringLiteral("customer")},
                                      {QStringLiteral("created"), 1762000000}},
                         QJsonObject {{QStringLiteral("id"), QStringLiteral("cus_nopm")},
                                      {QStringLiteral("object"), QStringLiteral("customer")},
                                      {QStringLiteral("created"), 1762000000}}}},
            {QStringLiteral("payment_methods"),
             QJsonArray {
                 QJsonObject {{QStringLiteral("id"), QStringLiteral("pm_saved")},
                              {QStringLiteral("object"), QStringLiteral("payment_method")},
                              {QStringLiteral("created"), 1762000000},
                              {QStringLiteral("customer"), QStringLiteral("cus_pays")},
                              {QStringLiteral("type"), QStringLiteral("card")},
                              {QStringLiteral("card"),
                               QJsonObject {{QStringLiteral("brand"), QStringLiteral("visa")},
                                            {QStringLiteral("last4"), QStringLiteral("4242")},
                                            {QStringLiteral("country"), QStringLiteral("US")},
                                            {QStringLiteral("funding"), QStringLiteral("credit")},
                                            {QStringLiteral("exp_month"), 12},
                                            {QStringLiteral("exp_year"), 2030}}}}}},
            {QStringLiteral("invoices"), invoices}};
        const QString file = m_dir.filePath(QStringLiteral("invoices.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(fixture).toJson());
        f.close();
        SandboxOptions options;
        options.fixtureFile = file;
        options.now = 1764000000;
        m_sandbox = std::make_unique<StripeSandbox>(options);
        QVERIFY2(m_sandbox->load(), qPrintable(m_sandbox->errorString()));
    }

    std::pair<int, QJsonObject> call(const QByteArray &method, const QByteArray &path,
                                     const QByteArray &body = {}, const QByteArray &key = {})
    {
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.body = body;
        r.headers.insert("authorization", "Bearer sk_test_invoiceactions");
        if (!key.isEmpty())
            r.headers.insert("idempotency-key", key);
        const HttpResponse answer = m_sandbox->handle(r);
        return {answer.status, QJsonDocument::fromJson(answer.body).object()};
    }

    QStringList eventTypes()
    {
        QStringList types;
        m_sandbox->store().events.forEach(
            [&](const Collection::Entry &e) { types.append(QString::fromLatin1(e.key)); });
        return types;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void stateMachine_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("after"); // Empty: refused.
        const char *const table[][3] = {
            {"draft", "finalize", "open"},
            {"draft", "send", "open"},
            {"draft", "pay", ""},
            {"draft", "void", ""},
            {"draft", "mark_uncollectible", ""},
            {"draft", "delete", "deleted"},
            {"open", "finalize", ""},
            {"open", "send", "open"},
            {"open", "pay", "paid"},
            {"open", "void", "void"},
            {"open", "mark_uncollectible", "uncollectible"},
            {"open", "delete", ""},
            {"uncollectible", "finalize", ""},
            {"uncollectible", "send", ""},
            {"uncollectible", "pay", "paid"},
            {"uncollectible", "void", "void"},
            {"uncollectible", "mark_uncollectible", ""},
            {"uncollectible", "delete", ""},
            {"paid", "finalize", ""},
            {"paid", "send", ""},
            {"paid", "pay", ""},
            {"paid", "void", ""},
            {"paid", "mark_uncollectible", ""},
            {"paid", "delete", ""},
            {"void", "finalize", ""},
            {"void", "send", ""},
            {"void", "pay", ""},
            {"void", "void", ""},
            {"void", "mark_uncollectible", ""},
            {"void", "delete", ""},
        };
        for (const auto &row : table)
            QTest::addRow("%s %s", row[0], row[1])
                << QString::fromLatin1(row[0]) << QString::fromLatin1(row[1])
                << QString::fromLatin1(row[2]);
    }

    void stateMachine()
    {
        QFETCH(QString, status);
        QFETCH(QString, action);
        QFETCH(QString, after);
        load();
        const QByteArray id = "in_" + status.toLatin1();
        const auto [code, body] = action == QLatin1String("delete")
            ? call("DELETE", "/v1/invoices/" + id)
            : call("POST", "/v1/invoices/" + id + '/' + action.toLatin1());
        const auto stored = m_sandbox->store().invoices.get(id);
        if (after.isEmpty()) {
            QCOMPARE(code, 400);
            QCOMPARE(body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                     QStringLiteral("invoice_not_editable"));
            QVERIFY(stored);
            QCOMPARE(stored->value(QStringLiteral("status")).toString(), status);
            return;
        }
        QCOMPARE(code, 200);
        if (after == QLatin1String("deleted")) {
            QVERIFY(body.value(QStringLiteral("deleted")).toBool());
            QVERIFY(!stored);
            QVERIFY(eventTypes().contains(QStringLiteral("invoice.deleted")));
            return;
        }
        QCOMPARE(body.value(QStringLiteral("status")).toString(), after);
        QCOMPARE(stored->value(QStringLiteral("status")).toString(), after);
        const QJsonObject transitions = body.value(QStringLiteral("status_transitions")).toObject();
        const char *stamp = after == QLatin1String("open") ? "finalized_at"
            : after == QLatin1String("paid")               ? "paid_at"
            : after == QLatin1String("void")               ? "voided_at"
                                                           : "marked_uncollectible_at";
        if (status != after)
            QCOMPARE(transitions.value(QLatin1String(stamp)).toInteger(), qint64(1764000000));
        QVERIFY(eventTypes().contains(QStringLiteral("invoice.updated")));
    }

    void payChargesTheSavedMethodOnce()
    {
        load();
        const auto [code, body] = call("POST", "/v1/invoices/in_auto/pay", {}, "pay-once");
        QCOMPARE(code, 200);
        QVERIFY(body.value(QStringLiteral("paid")).toBool());
        QVERIFY(!body.value(QStringLiteral("paid_out_of_band")).toBool());
        QCOMPARE(body.value(QStringLiteral("amount_paid")).toInteger(), qint64(2500));
        QCOMPARE(body.value(QStringLiteral("amount_remaining")).toInteger(), qint64(0));
        const QString charge = body.value(QStringLiteral("charge")).toString();
        QVERIFY(charge.startsWith(QLatin1String("ch_")));
        QCOMPARE(m_sandbox->store().charges.size(), qsizetype(1));
        // Retried with the same key: the same answer, nothing charged again.
        const auto [again, replay] = call("POST", "/v1/invoices/in_auto/pay", {}, "pay-once");
        QCOMPARE(again, 200);
        QCOMPARE(replay.value(QStringLiteral("charge")).toString(), charge);
        QCOMPARE(m_sandbox->store().charges.size(), qsizetype(1));
        QVERIFY(eventTypes().contains(QStringLiteral("invoice.paid")));
        QVERIFY(eventTypes().contains(QStringLiteral("invoice.payment_succeeded")));
    }

    void payOutOfBandChargesNothing()
    {
        load();
        const auto [code, body] = call("POST", "/v1/invoices/in_open/pay", "paid_out_of_band=true");
        QCOMPARE(code, 200);
        QVERIFY(body.value(QStringLiteral("paid_out_of_band")).toBool());
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QCOMPARE(m_sandbox->store().charges.size(), qsizetype(0));
    }

    void payWithoutAPaymentMethodIsRefused()
    {
        load();
        const auto [code, body] = call("POST", "/v1/invoices/in_nopm/pay");
        QCOMPARE(code, 400);
        QCOMPARE(body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                 QStringLiteral("invoice_no_payment_method_types"));
        QCOMPARE(m_sandbox->store().invoices.get("in_nopm")->value(QStringLiteral("status")),
                 QStringLiteral("open"));
    }

    void sendNeedsSendInvoiceCollection()
    {
        load();
        const auto [code, body] = call("POST", "/v1/invoices/in_auto/send");
        QCOMPARE(code, 400);
        QVERIFY(body.value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("send_invoice")));
        const auto [sent, invoice] = call("POST", "/v1/invoices/in_open/send");
        QCOMPARE(sent, 200);
        QVERIFY(eventTypes().contains(QStringLiteral("invoice.sent")));
        Q_UNUSED(invoice);
    }

    void finalizingNothingDueMarksItPaid()
    {
        load();
        const auto [code, body] = call("POST", "/v1/invoices/in_zero/finalize");
        QCOMPARE(code, 200);
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QVERIFY(body.value(QStringLiteral("hosted_invoice_url"))
                    .toString()
                    .startsWith(QLatin1String("https://invoice.stripe.com/i/")));
        QVERIFY(eventTypes().contains(QStringLiteral("invoice.finalized")));
    }

    void unknownParametersAreRefused()
    {
        load();
        for (const QByteArray &path :
             {QByteArray("/v1/invoices/in_open/void"), QByteArray("/v1/invoices/in_open/pay"),
              QByteArray("/v1/invoices/in_open/mark_uncollectible"),
              QByteArray("/v1/invoices/in_draft/finalize")}) {
            const auto [code, body] = call("POST", path, "colour=red");
            QCOMPARE(code, 400);
            QCOMPARE(body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                     QStringLiteral("parameter_unknown"));
        }
        QCOMPARE(m_sandbox->store().invoices.get("in_open")->value(QStringLiteral("status")),
                 QStringLiteral("open"));
    }
};

QTEST_GUILESS_MAIN(TestInvoiceActions)
#include "tst_invoiceactions.moc"
