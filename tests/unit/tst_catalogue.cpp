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
    for (int i = 0; i <= int(StaffAction::SubscriptionCancel); ++i)
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
    QCOMPARE(staffActionsOn(QStringLiteral("customers"), {}),
             (L {StaffAction::CustomerEdit, StaffAction::CustomerDelete}));
    const auto sub = [](const char *status) {
        return QJsonObject {{QStringLiteral("status"), QLatin1String(status)}};
    };
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("active")),
             L {StaffAction::SubscriptionCancel});
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("past_due")),
             L {StaffAction::SubscriptionCancel});
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("canceled")), L {});
    QCOMPARE(staffActionsOn(QStringLiteral("subscriptions"), sub("incomplete_expired")), L {});
    QCOMPARE(staffActionsOn(QStringLiteral("invoices"), sub("open")), L {});
    QCOMPARE(staffActionsCreating(QStringLiteral("customers")), L {StaffAction::CustomerCreate});
    QCOMPARE(staffActionsCreating(QStringLiteral("charges")), L {});
}

QTEST_APPLESS_MAIN(TestCatalogue)
#include "tst_catalogue.moc"
