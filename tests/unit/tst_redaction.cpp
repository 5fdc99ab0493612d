#include "network/networklogging.h"
#include "network/redaction.h"

#include <QTest>

using namespace paydesk::network;

namespace {
QStringList g_captured;
void captureHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_captured.append(message);
}
} // namespace

class TestRedaction final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redact_data();
    void redact();
    void messageHandlerRedactsEveryCategory();
};

void TestRedaction::redact_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("mustNotContain");

    // Key-shaped test strings are assembled at run time so that no literal in the repository
    // looks like a real key.
    const QString body
        = QStringLiteral("51H") + QStringLiteral("aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
    const QString live = QStringLiteral("sk_live_") + body;
    const QString test = QStringLiteral("sk_test_") + body;
    const QString rk = QStringLiteral("rk_live_") + body;
    const QString rkTest = QStringLiteral("rk_test_") + body;
    const QString whsec = QStringLiteral("whsec_") + body + QStringLiteral("+/=");

    QTest::newRow("live key") << QStringLiteral("key=%1 done").arg(live)
                              << QStringLiteral("key=sk_live_***6789 done") << QStringList {body};
    QTest::newRow("test key") << test << QStringLiteral("sk_test_***6789") << QStringList {body};
    QTest::newRow("restricted live")
        << rk << QStringLiteral("rk_live_***6789") << QStringList {body};
    QTest::newRow("restricted test")
        << rkTest << QStringLiteral("rk_test_***6789") << QStringList {body};
    QTest::newRow("webhook secret")
        << QStringLiteral("secret \"%1\"").arg(whsec) << QStringLiteral("secret \"whsec_***9+/=\"")
        << QStringList {body};
    QTest::newRow("in json") << QStringLiteral("{\"key\":\"%1\"}").arg(test)
                             << QStringLiteral("{\"key\":\"sk_test_***6789\"}")
                             << QStringList {body};
    QTest::newRow("in url") << QStringLiteral("https://x/?k=%1&a=1").arg(test)
                            << QStringLiteral("https://x/?k=sk_test_***6789&a=1")
                            << QStringList {body};
    QTest::newRow("two keys") << QStringLiteral("%1 %2").arg(live, rk)
                              << QStringLiteral("sk_live_***6789 rk_live_***6789")
                              << QStringList {body};
    QTest::newRow("bearer header")
        << QStringLiteral("Authorization: Bearer %1").arg(test)
        << QStringLiteral("Authorization: Bearer ***") << QStringList {body};
    const QString basic = QString::fromLatin1((test + u':').toLatin1().toBase64());
    QTest::newRow("basic header") << QStringLiteral("authorization: Basic %1").arg(basic)
                                  << QStringLiteral("authorization: Basic ***")
                                  << QStringList {basic};
    QTest::newRow("short key") << QStringLiteral("sk_test_abc") << QStringLiteral("sk_test_***")
                               << QStringList {QStringLiteral("abc")};
    QTest::newRow("publishable key untouched")
        << QStringLiteral("pk_test_abc123") << QStringLiteral("pk_test_abc123") << QStringList {};
    QTest::newRow("ids untouched")
        << QStringLiteral("ch_3NqLive cus_Oabc sub_1 risk_score")
        << QStringLiteral("ch_3NqLive cus_Oabc sub_1 risk_score") << QStringList {};
    QTest::newRow("not a prefix inside a word")
        << QStringLiteral("task_test_123") << QStringLiteral("task_test_123") << QStringList {};
}

void TestRedaction::redact()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(QStringList, mustNotContain);
    const QString out = redactSecrets(input);
    QCOMPARE(out, expected);
    for (const QString &s : mustNotContain)
        QVERIFY2(!out.contains(s), qPrintable(out));
    QVERIFY(!containsSecret(out));
    QCOMPARE(containsSecret(input), input != expected);
}

void TestRedaction::messageHandlerRedactsEveryCategory()
{
    qInstallMessageHandler(captureHandler);
    installRedactingMessageHandler();
    installRedactingMessageHandler(); // Idempotent: must not chain to itself.

    const QString key = QStringLiteral("sk_live_") + QStringLiteral("ZZZsecretvalue42");
    qCWarning(lcNetwork) << "request failed with key" << key;
    qCInfo(lcWebhook) << QStringLiteral("whsec_") + QStringLiteral("abcdefghijkl");
    qWarning("raw %s", qPrintable(key));

    qInstallMessageHandler(nullptr);
    QCOMPARE(g_captured.size(), 3);
    for (const QString &line : std::as_const(g_captured)) {
        QVERIFY2(!line.contains(QStringLiteral("ZZZsecretvalue42")), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("abcdefghijkl")), qPrintable(line));
    }
    QVERIFY(g_captured.at(0).contains(QStringLiteral("sk_live_***ue42")));
}

QTEST_APPLESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
