#include "tests/support/peerprocess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::tests;

// The security promises of the real binary, in a home directory of the test's own:
// - after a session with a real-looking key (a sync, a refund, a new customer, the window
//   syncing, the demo window, a failed connection) no file under the config, data, cache and
//   state directories and no line the processes printed contains the key, and the cache files
//   are 0600;
// - plain http:// to anything but loopback is refused by every command that talks to Stripe;
// - CSV exports escape formula prefixes of what Stripe returned;
// - filter and search values are bound, never SQL: quotes, % and _ are text.
class TestSecurity final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    std::unique_ptr<PeerProcess> m_sandbox;
    QByteArray m_key;
    QByteArray m_printed; // Everything every process printed.
    QString m_cache;
    QHash<QString, qsizetype> m_counts; // Rows of each export without a filter.

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
    };

    QProcessEnvironment environment(const QByteArray &key) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString home = m_home.path();
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
        env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/state"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/runtime"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        // Every category at debug: the most a user could make it print.
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true"));
        env.insert(QStringLiteral("PAYDESK_KEYCHAIN_SERVICE"),
                   QStringLiteral("paydesk-test-%1").arg(QCoreApplication::applicationPid()));
        // No keychain service (nor a display to start one through): keys for the session only.
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        if (!key.isEmpty())
            env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key));
        return env;
    }

    Result run(const QStringList &args, const QByteArray &key, int timeoutMs = 120000)
    {
        QProcess p;
        p.setProcessEnvironment(environment(key));
        p.start(PeerProcess::paydeskBinary(), args);
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        p.waitForFinished();
        Result r {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                  p.readAllStandardOutput(), p.readAllStandardError()};
        m_printed += r.out + r.err;
        return r;
    }

    // The window, run until it printed `until` on stderr (or the time ran out), then stopped.
    QByteArray runWindow(const QStringList &args, const QByteArray &key, const QByteArray &until)
    {
        QProcess p;
        p.setProcessEnvironment(environment(key));
        p.start(PeerProcess::paydeskBinary(), args);
        QByteArray err;
        QElapsedTimer t;
        t.start();
        while (!err.contains(until) && t.elapsed() < 300000 && p.state() != QProcess::NotRunning) {
            p.waitForReadyRead(500);
            err += p.readAllStandardError();
        }
        p.terminate();
        if (!p.waitForFinished(10000))
            p.kill();
        p.waitForFinished();
        err += p.readAllStandardError();
        m_printed += p.readAllStandardOutput() + err;
        return err;
    }

    QStringList csvRows(const QByteArray &csv) const
    {
        QStringList rows = QString::fromUtf8(csv).split(u'\n', Qt::SkipEmptyParts);
        if (!rows.isEmpty())
            rows.removeFirst(); // The header.
        return rows;
    }

private Q_SLOTS:
    void initTestCase();
    void noKeyInAnyFileOrLog();
    void plainHttpToOtherHostsIsRefused_data();
    void plainHttpToOtherHostsIsRefused();
    void csvEscapesFormulaPrefixes();
    void hostileFilterValuesAreText_data();
    void hostileFilterValuesAreText();
    void quotesAndWildcardsAreFoundAsText();
    void cleanupTestCase();
};

void TestSecurity::initTestCase()
{
    QVERIFY(m_home.isValid());
    QVERIFY(QDir().mkpath(m_home.filePath(QStringLiteral("runtime"))));
    QFile::setPermissions(m_home.filePath(QStringLiteral("runtime")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // A key as long as Stripe's, random on every run.
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    m_key = QByteArrayLiteral("sk_test_51");
    for (int i = 0; i < 97; ++i)
        m_key += alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)];
    m_sandbox.reset(
        new PeerProcess(PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("1500")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
}

void TestSecurity::noKeyInAnyFileOrLog()
{
    const QString api = m_sandbox->baseUrl().toString();
    // A headless sync into the account's cache under the data directory.
    Result r = run({QStringLiteral("sync"), QStringLiteral("--api-base"), api}, m_key);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QDirIterator caches(m_home.filePath(QStringLiteral("data")), {QStringLiteral("cache-*.sqlite")},
                        QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(caches.hasNext());
    m_cache = caches.next();
    // A refund and a new customer: the outbox and the audit log are written.
    r = run({QStringLiteral("export"), QStringLiteral("payments"), QStringLiteral("--status"),
             QStringLiteral("succeeded"), QStringLiteral("--format"), QStringLiteral("json"),
             QStringLiteral("--cache"), m_cache},
            {});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray payments = QJsonDocument::fromJson(r.out).array();
    QVERIFY(!payments.isEmpty());
    const QString charge = payments.first().toObject().value(QStringLiteral("id")).toString();
    r = run({QStringLiteral("refund"), charge, QStringLiteral("--amount"), QStringLiteral("0.50"),
             QStringLiteral("--api-base"), api, QStringLiteral("--cache"), m_cache},
            m_key);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = run({QStringLiteral("customer"), QStringLiteral("create"), QStringLiteral("--email"),
             QStringLiteral("security@example.com"), QStringLiteral("--api-base"), api,
             QStringLiteral("--cache"), m_cache},
            m_key);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    // The window with the key from the environment, until its background sync is done.
    QByteArray err = runWindow({QStringLiteral("--api-base"), api}, m_key, "sync complete");
    QVERIFY2(err.contains("sync complete"), err.right(2000).constData());
    // The demo window, and a connection that fails.
    err = runWindow({QStringLiteral("--demo")}, {}, "sync complete");
    QVERIFY2(err.contains("sync complete"), err.right(2000).constData());
    r = run({QStringLiteral("sync"), QStringLiteral("--api-base"),
             QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--cache"),
             m_home.filePath(QStringLiteral("data/unreachable.sqlite"))},
            m_key, 60000);
    QVERIFY(r.exitCode != 0);

    // Not in any file, whole or in part (a third of it is enough to find).
    const QByteArray part = m_key.mid(20, 32);
    int files = 0;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray data = f.readAll();
        QVERIFY2(!data.contains(part), qPrintable(QStringLiteral("the key is in ") + path));
        QVERIFY2(!data.contains(m_key.toBase64().mid(20, 32)), qPrintable(path));
        ++files;
        // Every SQLite file (the caches, their WAL and shared memory) is the user's only.
        if (path.contains(QStringLiteral(".sqlite"))) {
            const QFile::Permissions perms = QFile::permissions(path);
            QVERIFY2(
                perms
                    == (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser),
                qPrintable(QStringLiteral("%1 is 0%2").arg(path).arg(int(perms), 0, 16)));
        }
    }
    QVERIFY2(files >= 3, "the session wrote its settings and caches");
    QVERIFY(m_printed.size() > 1000); // Debug logging was on.
    QVERIFY2(!m_printed.contains(part), "a process printed the key");
    QVERIFY(!m_printed.contains(m_key.toBase64().mid(20, 32)));
}

void TestSecurity::plainHttpToOtherHostsIsRefused_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QStringList>("command");
    const QStringList bases = {
        QStringLiteral("http://example.com"),
        QStringLiteral("http://10.0.0.7:8080"),
        QStringLiteral("http://localhost.example.com"),
        QStringLiteral("http://127.0.0.1.example.com"),
        QStringLiteral("http://[::ffff:8.8.8.8]"),
    };
    const QList<QStringList> commands = {
        {QStringLiteral("sync")},
        {QStringLiteral("refund"), QStringLiteral("ch_1"), QStringLiteral("--amount"),
         QStringLiteral("1.00")},
        {QStringLiteral("customer"), QStringLiteral("create"), QStringLiteral("--email"),
         QStringLiteral("a@example.com")},
        {QStringLiteral("subscription"), QStringLiteral("cancel"), QStringLiteral("sub_1")},
    };
    for (const QString &b : bases)
        for (const QStringList &c : commands)
            QTest::newRow(qPrintable(c.first() + u' ' + b)) << b << c;
}

void TestSecurity::plainHttpToOtherHostsIsRefused()
{
    QFETCH(QString, base);
    QFETCH(QStringList, command);
    const Result r
        = run(command
                  + QStringList {QStringLiteral("--api-base"), base, QStringLiteral("--cache"),
                                 m_home.filePath(QStringLiteral("data/http.sqlite"))},
              m_key, 30000);
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("loopback") || r.err.contains("https"), r.err.constData());
    QVERIFY(!r.err.contains(m_key.mid(20, 32)));
}

void TestSecurity::csvEscapesFormulaPrefixes()
{
    const QString api = m_sandbox->baseUrl().toString();
    const QStringList names
        = {QStringLiteral("=HYPERLINK(\"http://evil.example\",\"x\")"), QStringLiteral("+SUM(1,2)"),
           QStringLiteral("-2+3"), QStringLiteral("@cmd"), QStringLiteral("\tTabbed")};
    int n = 0;
    for (const QString &name : names) {
        const Result r
            = run({QStringLiteral("customer"), QStringLiteral("create"), QStringLiteral("--email"),
                   QStringLiteral("formula%1@example.com").arg(++n), QStringLiteral("--name"), name,
                   QStringLiteral("--api-base"), api, QStringLiteral("--cache"), m_cache},
                  m_key);
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    const Result r
        = run({QStringLiteral("export"), QStringLiteral("customers"), QStringLiteral("--search"),
               QStringLiteral("formula"), QStringLiteral("--cache"), m_cache},
              {});
    QCOMPARE(r.exitCode, 0);
    const QString csv = QString::fromUtf8(r.out);
    QCOMPARE(csvRows(r.out).size(), names.size());
    QVERIFY2(csv.contains(QStringLiteral("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")),
             qPrintable(csv));
    QVERIFY2(csv.contains(QStringLiteral("\"'+SUM(1,2)\"")), qPrintable(csv));
    QVERIFY(csv.contains(QStringLiteral(",'-2+3,")));
    QVERIFY(csv.contains(QStringLiteral(",'@cmd,")));
    QVERIFY(csv.contains(QStringLiteral(",'\tTabbed,")));
    for (const QString &line : csv.split(u'\n'))
        for (const QString &cell : line.split(u','))
            QVERIFY2(!cell.startsWith(u'=') && !cell.startsWith(u'+') && !cell.startsWith(u'@'),
                     qPrintable(line));
}

void TestSecurity::hostileFilterValuesAreText_data()
{
    QTest::addColumn<QString>("value");
    for (const char *v : {"'", "\"", "%", "_", "%%", "' OR '1'='1", "%' OR 1=1 --", "\\",
                          "x'); DROP TABLE charges; --", "_%_", "*", "NEAR(a b)", "a:b"})
        QTest::newRow(v) << QString::fromUtf8(v);
}

void TestSecurity::hostileFilterValuesAreText()
{
    // Nothing in the demo merchant has these words: every filter matches nothing and nothing
    // fails (a LIKE pattern would match everything with %, a quote would break the SQL). A
    // search without a word of two letters or digits does not filter (too short to search), so
    // it lists everything — never a subset.
    QFETCH(QString, value);
    QVERIFY(!m_cache.isEmpty());
    if (m_counts.isEmpty())
        for (const char *kind :
             {"payments", "customers", "subscriptions", "invoices", "refunds", "disputes"})
            m_counts.insert(QString::fromLatin1(kind),
                            csvRows(run({QStringLiteral("export"), QString::fromLatin1(kind),
                                         QStringLiteral("--cache"), m_cache},
                                        {})
                                        .out)
                                .size());
    const bool searchable = [&] {
        for (const QString &word : value.split(u' ', Qt::SkipEmptyParts))
            if (std::count_if(word.cbegin(), word.cend(),
                              [](QChar c) { return c.isLetterOrNumber(); })
                >= 2)
                return true;
        return false;
    }();
    for (const char *kind :
         {"payments", "customers", "subscriptions", "invoices", "refunds", "disputes"}) {
        for (const char *option : {"--search", "--status", "--customer", "--currency"}) {
            if (QByteArray(option) == "--currency" && QByteArray(kind) != "payments")
                continue;
            const Result r
                = run({QStringLiteral("export"), QString::fromLatin1(kind),
                       QString::fromLatin1(option), value, QStringLiteral("--cache"), m_cache},
                      {});
            const QString where
                = QStringLiteral("%1 %2 %3").arg(QLatin1String(kind), QLatin1String(option), value);
            QVERIFY2(r.exitCode == 0 || r.exitCode == 2,
                     qPrintable(where + u' ' + QString::fromUtf8(r.err)));
            QVERIFY2(!r.err.contains("SQL") && !r.err.contains("syntax"),
                     qPrintable(where + u' ' + QString::fromUtf8(r.err)));
            if (r.exitCode != 0)
                continue;
            const qsizetype rows = csvRows(r.out).size();
            if (QByteArray(option) == "--search" && !searchable)
                QVERIFY2(rows == m_counts.value(QString::fromLatin1(kind)), qPrintable(where));
            else
                QVERIFY2(rows == 0, qPrintable(where + u' ' + QString::fromUtf8(r.out.left(300))));
        }
    }
    // The tables are all still there.
    const Result r = run(
        {QStringLiteral("export"), QStringLiteral("payments"), QStringLiteral("--cache"), m_cache},
        {});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(csvRows(r.out).size() > 1000);
}

void TestSecurity::quotesAndWildcardsAreFoundAsText()
{
    // A customer whose name has them: found by them, and only it.
    const Result created
        = run({QStringLiteral("customer"), QStringLiteral("create"), QStringLiteral("--email"),
               QStringLiteral("obrien@example.com"), QStringLiteral("--name"),
               QStringLiteral("100%_off O'Brien"), QStringLiteral("--api-base"),
               m_sandbox->baseUrl().toString(), QStringLiteral("--cache"), m_cache},
              m_key);
    QVERIFY2(created.exitCode == 0, created.err.constData());
    for (const char *search : {"O'Brien", "100%_off", "100%_off O'Brien"}) {
        const Result r = run({QStringLiteral("export"), QStringLiteral("customers"),
                              QStringLiteral("--search"), QString::fromUtf8(search),
                              QStringLiteral("--cache"), m_cache},
                             {});
        QCOMPARE(r.exitCode, 0);
        const QStringList rows = csvRows(r.out);
        QVERIFY2(rows.size() == 1 && rows.first().contains(QStringLiteral("obrien@example.com")),
                 qPrintable(QString::fromUtf8(search) + u' ' + QString::fromUtf8(r.out)));
    }
}

void TestSecurity::cleanupTestCase()
{
    if (m_sandbox)
        m_sandbox->stop();
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
