#include "models/store/cache.h"
#include "tests/support/democache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// `paydesk export` as a script runs it: the real binary on a cache of the demo merchant, its
// output checked against SQL written here, and every bad argument refused with exit 2.
class TestExport final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QByteArray out;
        QString err;
    };
    QTemporaryDir m_dir;
    QString m_file;
    paydesk::models::Cache m_cache;

    static Result run(const QStringList &args, bool withKey = false)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        if (withKey)
            env.insert(QStringLiteral("STRIPE_API_KEY"),
                       QStringLiteral("sk_test_abcdefghijklmnop"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAYDESK_BINARY), QStringList {QStringLiteral("export")} + args);
        if (!p.waitForFinished(60000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
    }
    QStringList ids(const QString &sql)
    {
        QStringList list;
        paydesk::models::sql::Statement s = m_cache.database().prepare(sql);
        while (s.step())
            list.append(s.text(0));
        return list;
    }
    static QStringList csvIds(const QByteArray &csv)
    {
        QStringList list;
        const QList<QByteArray> lines = csv.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (!lines.at(i).isEmpty())
                list.append(QString::fromUtf8(lines.at(i).split(',').first()));
        }
        return list;
    }

private Q_SLOTS:
    void initTestCase();
    void paymentsCsv();
    void filtered_data();
    void filtered();
    void jsonObjects();
    void toFile();
    void badArguments_data();
    void badArguments();
    void missingCache();
};

void TestExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("export.sqlite"));
    // A merchant (seed 2) with every kind of object the filters below look for, past-due
    // subscriptions among them (a few in a merchant of this size, none in some).
    QVERIFY(paydesk::testsupport::fillDemoCache(m_file, 4000, 1763800000, 2) > 0);
    QVERIFY(m_cache.open(m_file));
}

void TestExport::paymentsCsv()
{
    const Result r = run({QStringLiteral("payments"), QStringLiteral("--cache"), m_file});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("id,amount,amount_currency,status,description,customer,"
                             "payment_method,created\r\n"));
    QCOMPARE(csvIds(r.out),
             ids(QStringLiteral("SELECT id FROM charges WHERE deleted = 0 ORDER "
                                "BY created DESC, id DESC")));
    // Amounts in major units with the currency's decimals, never floating point.
    const QString id = csvIds(r.out).first();
    const QList<QByteArray> first = r.out.split('\n').at(1).split(',');
    paydesk::models::sql::Statement s = m_cache.database().prepare(
        QStringLiteral("SELECT amount, upper(currency) FROM charges WHERE id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    const qint64 amount = s.int64(0);
    QCOMPARE(first.at(2), s.text(1).toUtf8());
    if (s.text(1) == QLatin1String("JPY"))
        QCOMPARE(first.at(1), QByteArray::number(amount));
    else
        QCOMPARE(first.at(1),
                 QStringLiteral("%1.%2")
                     .arg(amount / 100)
                     .arg(amount % 100, 2, 10, QLatin1Char('0'))
                     .toUtf8());
    QVERIFY(
        r.err.contains(QStringLiteral("paydesk export: %1 payments").arg(csvIds(r.out).size())));
}

void TestExport::filtered_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("sql");
    QTest::newRow("failed payments")
        << QStringList {QStringLiteral("payments"), QStringLiteral("--status"),
                        QStringLiteral("failed")}
        << QStringLiteral("SELECT id FROM charges WHERE deleted = 0 AND status = 'failed' ORDER BY "
                          "created DESC, id DESC");
    QTest::newRow("payments in October 2025")
        << QStringList {QStringLiteral("payments"), QStringLiteral("--from"),
                        QStringLiteral("2025-10-01"), QStringLiteral("--to"),
                        QStringLiteral("2025-10-31")}
        << QStringLiteral("SELECT id FROM charges WHERE deleted = 0 AND created >= 1759276800 AND "
                          "created < 1761955200 ORDER BY created DESC, id DESC");
    QTest::newRow("eur payments") << QStringList {QStringLiteral("payments"),
                                                  QStringLiteral("--currency"),
                                                  QStringLiteral("EUR")}
                                  << QStringLiteral(
                                         "SELECT id FROM charges WHERE deleted = 0 AND currency = "
                                         "'eur' ORDER BY created DESC, id DESC");
    QTest::newRow("past-due subscriptions")
        << QStringList {QStringLiteral("subscriptions"), QStringLiteral("--status"),
                        QStringLiteral("past_due")}
        << QStringLiteral("SELECT id FROM subscriptions WHERE deleted = 0 AND status = 'past_due' "
                          "ORDER BY created DESC, id DESC");
    QTest::newRow("customers")
        << QStringList {QStringLiteral("customers")}
        << QStringLiteral(
               "SELECT id FROM customers WHERE deleted = 0 ORDER BY created DESC, id DESC");
    QTest::newRow("refunds")
        << QStringList {QStringLiteral("refunds")}
        << QStringLiteral(
               "SELECT id FROM refunds WHERE deleted = 0 ORDER BY created DESC, id DESC");
    QTest::newRow("lost disputes")
        << QStringList {QStringLiteral("disputes"), QStringLiteral("--status"),
                        QStringLiteral("lost")}
        << QStringLiteral("SELECT id FROM disputes WHERE deleted = 0 AND status = 'lost' ORDER BY "
                          "created DESC, id DESC");
    QTest::newRow("open invoices")
        << QStringList {QStringLiteral("invoices"), QStringLiteral("--status"),
                        QStringLiteral("open")}
        << QStringLiteral("SELECT id FROM invoices WHERE deleted = 0 AND status = 'open' ORDER BY "
                          "created DESC, id DESC");
}

void TestExport::filtered()
{
    QFETCH(QStringList, args);
    QFETCH(QString, sql);
    const Result r = run(args + QStringList {QStringLiteral("--cache"), m_file});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList want = ids(sql);
    QVERIFY2(!want.isEmpty(), qPrintable(sql));
    QCOMPARE(csvIds(r.out), want);
}

void TestExport::jsonObjects()
{
    const Result r = run({QStringLiteral("disputes"), QStringLiteral("--format"),
                          QStringLiteral("json"), QStringLiteral("--cache"), m_file});
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonArray array = QJsonDocument::fromJson(r.out, &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QStringList got;
    for (const QJsonValue &v : array) {
        QCOMPARE(v[QStringLiteral("object")].toString(), QStringLiteral("dispute"));
        got.append(v[QStringLiteral("id")].toString());
    }
    // In the Disputes page's order: those that need a response by deadline, then the others.
    QCOMPARE(got,
             ids(QStringLiteral(
                 "SELECT id FROM disputes WHERE deleted = 0 ORDER BY CASE WHEN status IN "
                 "('needs_response', 'warning_needs_response') THEN coalesce(due_by, 0) ELSE "
                 "100000000000 - created END ASC, id ASC")));
}

void TestExport::toFile()
{
    const QString out = m_dir.filePath(QStringLiteral("customers.csv"));
    const Result r = run({QStringLiteral("customers"), QStringLiteral("--cache"), m_file,
                          QStringLiteral("--output"), out});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.isEmpty());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(csvIds(file.readAll()).size(),
             ids(QStringLiteral("SELECT id FROM customers WHERE deleted = 0")).size());
    // A directory that does not exist: an error, nothing written.
    const Result bad
        = run({QStringLiteral("customers"), QStringLiteral("--cache"), m_file,
               QStringLiteral("--output"), m_dir.filePath(QStringLiteral("no/such/dir.csv"))});
    QCOMPARE(bad.exitCode, 1);
}

void TestExport::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QStringList {} << QStringLiteral("say what to export");
    QTest::newRow("unknown kind") << QStringList {QStringLiteral("charges")}
                                  << QStringLiteral("say what to export");
    QTest::newRow("format") << QStringList {QStringLiteral("payments"), QStringLiteral("--format"),
                                            QStringLiteral("xml")}
                            << QStringLiteral("--format must be csv or json");
    QTest::newRow("from") << QStringList {QStringLiteral("payments"), QStringLiteral("--from"),
                                          QStringLiteral("yesterday")}
                          << QStringLiteral("--from must be a date");
    QTest::newRow("to before from")
        << QStringList {QStringLiteral("payments"), QStringLiteral("--from"),
                        QStringLiteral("2026-11-02"), QStringLiteral("--to"),
                        QStringLiteral("2026-10-01")}
        << QStringLiteral("--from must not be after --to");
    QTest::newRow("payment status")
        << QStringList {QStringLiteral("payments"), QStringLiteral("--status"),
                        QStringLiteral("active")}
        << QStringLiteral("--status of payments is one of");
    QTest::newRow("subscription status")
        << QStringList {QStringLiteral("subscriptions"), QStringLiteral("--status"),
                        QStringLiteral("paid")}
        << QStringLiteral("--status of subscriptions is one of active");
    QTest::newRow("customer status")
        << QStringList {QStringLiteral("customers"), QStringLiteral("--status"),
                        QStringLiteral("x")}
        << QStringLiteral("customers have no --status");
    QTest::newRow("two kinds") << QStringList {QStringLiteral("payments"),
                                               QStringLiteral("customers")}
                               << QStringLiteral("unexpected argument 'customers'");
}

void TestExport::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args + QStringList {QStringLiteral("--cache"), m_file});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestExport::missingCache()
{
    Result r = run({QStringLiteral("payments")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("pass --cache FILE")), qPrintable(r.err));
    r = run({QStringLiteral("payments"), QStringLiteral("--cache"),
             m_dir.filePath(QStringLiteral("none.sqlite"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("run 'paydesk sync' first")), qPrintable(r.err));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none.sqlite"))));
    // A key but no reachable Stripe: the error says so, and never shows the key.
    r = run({QStringLiteral("payments"), QStringLiteral("--api-base"),
             QStringLiteral("http://127.0.0.1:9")},
            true);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!r.err.contains(QStringLiteral("abcdefghijklmnop")));
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
