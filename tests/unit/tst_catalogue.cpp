#include "models/actions/catalogue.h"

#include <QSet>
#include <QTest>

using namespace paydesk::models;

// The staff-action catalogue: one entry per action, and the actions an object's state allows.
class TestCatalogue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyActionHasOneEntry();
    void actionsFollowTheObjectsState();
    void invoiceActionsFollowItsStatus_data();
    void invoiceActionsFollowItsStatus();
};

void TestCatalogue::everyActionHasOneEntry()
{
    QSet<QString> names, commands;
    for (const StaffActionInfo &a : staffActionCatalogue()) {
        QVERIFY(staffActionInfo(a.action) == &a);
        QVERIFY(staffActionNamed(QLatin1String(a.name)) == &a);
        names.insert(QLatin1String(a.name));
        commands.insert(QLatin1String(a.command));
        QVERIFY(QByteArray(a.permission).endsWith(":write"));
    }
    QCOMPARE(names.size(), staffActionCatalogue().size());
    QCOMPARE(commands.size(), staffActionCatalogue().size());
    for (int i = 0; i <= int(StaffAction::ReviewApprove); ++i)
        QVERIFY2(staffActionInfo(StaffAction(i)), qPrintable(QString::number(i)));
    QVERIFY(!staffActionNamed(QStringLiteral("charge.delete")));
}

void TestCatalogue::actionsFollowTheObjectsState()
{
    using L = QList<StaffAction>;
    const auto charge = [](const char *status, bool refunded) {
        return QJsonObject {{QStringLiteral("status"), QLatin1String(status)},
                            {QStringLiteral("refunded"), refunded}};
    };
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), charge("succeeded", false)),
             L {StaffAction::Refund});
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), charge("succeeded", true)), L {});
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), charge("failed", false)), L {});
    // Reported as fraud (an actionable early fraud warning, an open review): refunded as
    // fraudulent; an open review is approved. Neither once the signals are closed.
    QJsonObject warned = charge("succeeded", false);
    warned[QStringLiteral("early_fraud_warning")]
        = QJsonObject {{QStringLiteral("actionable"), true}};
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), warned),
             (L {StaffAction::Refund, StaffAction::RefundFraudulent}));
    warned[QStringLiteral("early_fraud_warning")]
        = QJsonObject {{QStringLiteral("actionable"), false}};
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), warned), L {StaffAction::Refund});
    QJsonObject held = charge("succeeded", false);
    held[QStringLiteral("review")] = QJsonObject {{QStringLiteral("open"), true}};
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), held),
             (L {StaffAction::Refund, StaffAction::RefundFraudulent, StaffAction::ReviewApprove}));
    held[QStringLiteral("review")] = QStringLiteral("prv_1"); // Not expanded: nothing known.
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), held), L {StaffAction::Refund});
    // A refunded payment with an open review is approved, not refunded again.
    QJsonObject refunded = charge("succeeded", true);
    refunded[QStringLiteral("review")] = QJsonObject {{QStringLiteral("open"), true}};
    QCOMPARE(staffActionsOn(QStringLiteral("charges"), refunded), L {StaffAction::ReviewApprove});
    // A customer is edited, deleted and invoiced; a deleted one is not invoiced.
    QCOMPARE(
        staffActionsOn(QStringLiteral("customers"), {}),
        (L {StaffAction::CustomerEdit, StaffAction::CustomerDelete, StaffAction::InvoiceCreate}));
    QVERIFY(!staffActionsOn(QStringLiteral("customers"), {{QStringLiteral("deleted"), true}})
                 .contains(StaffAction::InvoiceCreate));
    const auto sub = [](const char *status) {
        return QJsonObject {{QStringLiteral("status"), QLatin1String(status)}};
    };
    // A live subscription is cancelled, changed, paused and takes a coupon; only one in its trial
    // has a trial to change.
    const L live {StaffAction::SubscriptionCancel, StaffAction::SubscriptionUpdate,
                  StaffAction::SubscriptionPause, StaffAction::SubscriptionCoupon};
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("active")), live);
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("past_due")), live);
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("trialing")),
             (L {StaffAction::SubscriptionCancel, StaffAction::SubscriptionUpdate,
                 StaffAction::SubscriptionPause, StaffAction::SubscriptionTrial,
                 StaffAction::SubscriptionCoupon}));
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("canceled")), L {});
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("incomplete_expired")), L {});
    // An invoice Stripe charges automatically is not sent (invoiceActionsFollowItsStatus).
    QCOMPARE(staffActionsOn(QStringLiteral("invoices"), sub("open")),
             (L {StaffAction::InvoicePay, StaffAction::InvoiceVoid,
                 StaffAction::InvoiceMarkUncollectible}));
    QCOMPARE(staffActionsCreating(QStringLiteral("customers")), L {StaffAction::CustomerCreate});
    QCOMPARE(staffActionsCreating(QStringLiteral("charges")), L {});
}

// Stripe's invoice workflow: draft → finalize, delete (and send, when it is collected by
// sending it); open → send, pay, void, mark uncollectible; uncollectible → pay, void; paid and
// void → none. The same table the sandbox's state machine follows (tst_invoiceactions).
void TestCatalogue::invoiceActionsFollowItsStatus_data()
{
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("collection");
    QTest::addColumn<QStringList>("offered");
    const QString send = QStringLiteral("send_invoice"),
                  charge = QStringLiteral("charge_automatically");
    const auto names = [](std::initializer_list<const char *> n) {
        QStringList l;
        for (const char *s : n)
            l.append(QLatin1String(s));
        return l;
    };
    QTest::newRow("draft, sent") << "draft" << send
                                 << names({"invoice.finalize", "invoice.send", "invoice.delete"});
    QTest::newRow("draft, charged")
        << "draft" << charge << names({"invoice.finalize", "invoice.delete"});
    QTest::newRow("open, sent") << "open" << send
                                << names({"invoice.send", "invoice.pay", "invoice.void",
                                          "invoice.mark_uncollectible"});
    QTest::newRow("open, charged")
        << "open" << charge << names({"invoice.pay", "invoice.void", "invoice.mark_uncollectible"});
    QTest::newRow("uncollectible")
        << "uncollectible" << charge << names({"invoice.pay", "invoice.void"});
    QTest::newRow("paid") << "paid" << send << QStringList();
    QTest::newRow("void") << "void" << send << QStringList();
}

void TestCatalogue::invoiceActionsFollowItsStatus()
{
    QFETCH(QString, status);
    QFETCH(QString, collection);
    QFETCH(QStringList, offered);
    const QJsonObject invoice {{QStringLiteral("status"), status},
                               {QStringLiteral("collection_method"), collection}};
    QStringList names;
    for (StaffAction a : staffActionsOn(QStringLiteral("invoices"), invoice))
        names.append(QLatin1String(staffActionInfo(a)->name));
    QCOMPARE(names, offered);
    // Every action not offered says why.
    for (const StaffActionInfo &a : staffActionCatalogue())
        if (QLatin1String(a.table) == QLatin1String("invoices")
            && !offered.contains(QLatin1String(a.name)))
            QVERIFY2(!staffActionRefusal(a.action, invoice).isEmpty(), a.name);
}

QTEST_APPLESS_MAIN(TestCatalogue)
#include "tst_catalogue.moc"
