#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// Runs the real `paydesk` binary the way a script or cron job would: no display, output on
// stdout, diagnostics on stderr, meaningful exit codes.
class TestCli final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM")); // Headless commands must not need one.
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAYDESK_BINARY), args);
        if (!p.waitForFinished(30000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void version();
    void helpListsEveryCommand();
    void subcommandHelp_data();
    void subcommandHelp();
    void syncWithABrokenCacheFails();
    void reportWithoutACacheSaysSo_data();
    void reportWithoutACacheSaysSo();
    void unknownCommandIsAUsageError();
    void unknownOptionIsAnError();
};

void TestCli::version()
{
    const Result r = run({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("paydesk " PAYDESK_VERSION));
}

void TestCli::helpListsEveryCommand()
{
    const Result r = run({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    for (const char *cmd :
         {"sandbox", "sync", "export", "report", "customer", "refund", "subscription"})
        QVERIFY2(r.out.contains(QStringLiteral("  %1 ").arg(QString::fromLatin1(cmd))), cmd);
    QVERIFY(r.out.contains(QStringLiteral("--demo")));
    QVERIFY(r.out.contains(QStringLiteral("--profile")));
    QVERIFY(r.out.contains(QStringLiteral("STRIPE_API_KEY")));
    // The program's name, not the path that started it.
    QVERIFY2(r.out.startsWith(QStringLiteral("Usage: paydesk [options]")),
             qPrintable(r.out.left(80)));
}

void TestCli::subcommandHelp_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("options");
    QTest::newRow("sandbox") << QStringLiteral("sandbox")
                             << QStringList {QStringLiteral("--port"), QStringLiteral("--scale"),
                                             QStringLiteral("--fail-rate"),
                                             QStringLiteral("--webhook-secret")};
    QTest::newRow("sync") << QStringLiteral("sync")
                          << QStringList {QStringLiteral("--api-base"), QStringLiteral("--cache")};
    QTest::newRow("refund") << QStringLiteral("refund")
                            << QStringList {QStringLiteral("--amount"), QStringLiteral("--reason")};
    QTest::newRow("subscription") << QStringLiteral("subscription")
                                  << QStringList {QStringLiteral("--at-period-end")};
}

void TestCli::subcommandHelp()
{
    QFETCH(QString, command);
    QFETCH(QStringList, options);
    const Result r = run({command, QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    for (const QString &o : options)
        QVERIFY2(r.out.contains(o), qPrintable(o));
}

void TestCli::syncWithABrokenCacheFails()
{
    // The cache cannot be opened: exit 1 at once (it once hung, waiting for nothing).
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("broken.sqlite"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a database");
    f.close();
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("STRIPE_API_KEY"), QStringLiteral("sk_test_broken"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PAYDESK_BINARY),
            {QStringLiteral("sync"), QStringLiteral("--cache"), file, QStringLiteral("--api-base"),
             QStringLiteral("http://127.0.0.1:9")});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(p.readAllStandardError().contains("cannot open the cache"));
}

void TestCli::reportWithoutACacheSaysSo_data()
{
    // Every command is built now; a report with nothing to read fails clearly, offline.
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("no key, no cache")
        << QStringList {QStringLiteral("report"), QStringLiteral("mrr")} << 1
        << QStringLiteral("no cache given");
    QTest::newRow("missing cache")
        << QStringList {QStringLiteral("report"), QStringLiteral("churn"),
                        QStringLiteral("--cache"), QStringLiteral("/nonexistent/x.sqlite")}
        << 1 << QStringLiteral("no cache at /nonexistent/x.sqlite");
    QTest::newRow("unknown report") << QStringList {QStringLiteral("report"), QStringLiteral("ltv")}
                                    << 2 << QStringLiteral("say which report");
    QTest::newRow("bad interval") << QStringList {QStringLiteral("report"),
                                                  QStringLiteral("revenue"),
                                                  QStringLiteral("--interval"),
                                                  QStringLiteral("hour")}
                                  << 2 << QStringLiteral("--interval must be day, week or month");
    QTest::newRow("weekly MRR") << QStringList {QStringLiteral("report"), QStringLiteral("mrr"),
                                                QStringLiteral("--interval"),
                                                QStringLiteral("week")}
                                << 2 << QStringLiteral("monthly");
}

void TestCli::reportWithoutACacheSaysSo()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestCli::unknownCommandIsAUsageError()
{
    const Result r = run({QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("unknown command 'frobnicate'")));
}

void TestCli::unknownOptionIsAnError()
{
    const Result r = run({QStringLiteral("sync"), QStringLiteral("--no-such-option")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("no-such-option")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
