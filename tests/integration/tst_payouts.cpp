#include "models/payouts/payoutlinks.h"
#include "models/payouts/reconciliation.h"
#include "models/store/cache.h"
#include "models/sync/syncengine.h"
#include "network/stripeclient.h"
#include "tests/support/peerprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;
namespace payouts = paydesk::models::payouts;

// Payouts and the balance against `paydesk sandbox` over real HTTP: synced, every payout of
// the demo reconciled from Stripe's own list of what it paid out, and `paydesk report payouts`.
class TestPayouts final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<tests::PeerProcess> m_sandbox;
    QTemporaryDir m_dir;
    models::Cache m_cache;
    std::unique_ptr<network::StripeClient> m_client;

    bool sync()
    {
        models::SyncEngine engine(m_client.get(), &m_cache, {});
        bool done = false, ok = false;
        connect(&engine, &models::SyncEngine::finished, this, [&](bool success, const QString &) {
            done = true;
            ok = success;
        });
        engine.start();
        return QTest::qWaitFor([&] { return done; }, 120000) && ok;
    }
    QStringList allPayouts()
    {
        QStringList ids;
        models::sql::Statement s = m_cache.database().prepare(
            QStringLiteral("SELECT id FROM payouts WHERE deleted = 0 ORDER BY created"));
        while (s.step())
            ids.append(s.text(0));
        return ids;
    }
    qint64 scalar(const QString &sql) { return m_cache.database().scalar(sql, -1); }

private Q_SLOTS:
    void initTestCase();
    void payoutsAndTheirBankAccountAreSynced();
    void everyPayoutAddsUpExactly();
    void balanceIsWhatItsTransactionsSay();
    void reportPrintsTheSameReconciliation();
    void aCacheFromBeforePayoutsListsThem();
};

void TestPayouts::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox.reset(new tests::PeerProcess(
        tests::PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("3000"),
                                     QStringLiteral("--now"), QStringLiteral("1763800000")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
    network::StripeClientConfig config;
    config.apiKey = "sk_test_payouts";
    config.apiBase = m_sandbox->baseUrl();
    config.rateLimit = 500;
    m_client = std::make_unique<network::StripeClient>(config);
    QString error;
    QVERIFY2(m_cache.open(m_dir.filePath(QStringLiteral("payouts.sqlite")), &error),
             qPrintable(error));
    QVERIFY(sync());
}

void TestPayouts::payoutsAndTheirBankAccountAreSynced()
{
    // Two years of daily payouts (none on a day whose balance was not positive).
    const qint64 n = scalar(QStringLiteral("SELECT count(*) FROM payouts"));
    QVERIFY2(n > 300 && n <= 731, qPrintable(QString::number(n)));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payouts WHERE status = 'failed'")), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payouts WHERE status = 'in_transit'")), 1);
    // Each with its bank account, kept apart (the payout as Stripe sends it unexpanded).
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payouts p JOIN bank_accounts b ON b.id "
                                   "= p.destination WHERE b.last4 = '6789'")),
             n);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payouts WHERE json_type(raw, "
                                   "'$.destination') <> 'text'")),
             0);
    QCOMPARE(
        scalar(QStringLiteral("SELECT count(*) FROM payouts WHERE failure_code = "
                              "'account_closed' AND failure_balance_transaction LIKE 'txn_%'")),
        1);
}

void TestPayouts::everyPayoutAddsUpExactly()
{
    const QStringList ids = allPayouts();
    bool done = false, ok = false;
    QString error;
    int reported = 0;
    QObject context;
    models::linkPayouts(
        m_client.get(), &m_cache, ids, &context, [&](int d, int) { reported = d; },
        [&](bool success, const QString &message) {
            done = true;
            ok = success;
            error = message;
        });
    QVERIFY(QTest::qWaitFor([&] { return done; }, 240000));
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(reported, int(ids.size()));
    QCOMPARE(payouts::unlinked(m_cache.database(), ids), QStringList());

    qint64 withRefunds = 0, withDisputes = 0, withReturnedFunds = 0;
    for (const QString &id : ids) {
        const payouts::Reconciliation r = payouts::reconcile(m_cache.database(), id);
        QVERIFY2(r.addsUp(),
                 qPrintable(QStringLiteral("%1: net %2, amount %3, own %4")
                                .arg(id)
                                .arg(r.total.net)
                                .arg(r.amount)
                                .arg(r.ownTransaction)));
        qint64 gross = 0, fees = 0, net = 0, count = 0;
        for (const payouts::Group &g : r.groups) {
            QCOMPARE(g.gross - g.fees, g.net);
            gross += g.gross;
            fees += g.fees;
            net += g.net;
            count += g.count;
        }
        QCOMPARE(gross, r.total.gross);
        QCOMPARE(fees, r.total.fees);
        QCOMPARE(net, r.amount);
        QCOMPARE(count, qint64(r.lines.size()));
        withRefunds += r.groups[1].count > 0;
        withDisputes += r.groups[2].count > 0;
        withReturnedFunds += r.groups[4].count > 0;
    }
    QVERIFY(withRefunds > 10);
    QVERIFY(withDisputes > 0);
    QCOMPARE(withReturnedFunds, 1); // The failed payout's funds, paid out again.

    // Nothing twice: no transaction is paid out by two payouts.
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM (SELECT txn FROM payout_items GROUP BY "
                                   "txn HAVING count(*) > 1)")),
             0);
    // Nothing missed: every transaction available by the last payout is in one.
    const qint64 lastCut = scalar(QStringLiteral("SELECT max(created) FROM payouts"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM balance_transactions t WHERE "
                                   "t.deleted = 0 AND t.type <> 'payout' AND t.available_on <= "
                                   "%1 AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.txn "
                                   "= t.id)")
                        .arg(lastCut)),
             0);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payout_items i JOIN "
                                   "balance_transactions t ON t.id = i.txn WHERE t.available_on "
                                   "> %1")
                        .arg(lastCut)),
             0);
    // Read once: asking again sends nothing.
    done = false;
    reported = -1;
    models::linkPayouts(
        m_client.get(), &m_cache, ids, &context, [&](int d, int) { reported = d; },
        [&](bool success, const QString &) {
            done = true;
            ok = success;
        });
    QVERIFY(done && ok);
    QCOMPARE(reported, -1);
}

void TestPayouts::balanceIsWhatItsTransactionsSay()
{
    const QJsonObject balance
        = QJsonDocument::fromJson(m_cache.state(QStringLiteral("balance"))).object();
    QVERIFY(!balance.isEmpty());
    const qint64 at = balance.value(QStringLiteral("fetched_at")).toInteger();
    auto amount = [&](const char *key) {
        const QJsonArray a = balance.value(QLatin1String(key)).toArray();
        return a.size() == 1 && a.first()[QStringLiteral("currency")] == QLatin1String("usd")
            ? a.first()[QStringLiteral("amount")].toInteger()
            : -1;
    };
    // The cache holds every balance transaction: available is what they made available by
    // then (payouts taken off), pending the rest.
    QCOMPARE(amount("available"),
             scalar(QStringLiteral("SELECT sum(net) FROM balance_transactions WHERE deleted = 0 "
                                   "AND available_on <= %1")
                        .arg(at)));
    QCOMPARE(amount("pending"),
             scalar(QStringLiteral("SELECT sum(net) FROM balance_transactions WHERE deleted = 0 "
                                   "AND available_on > %1")
                        .arg(at)));
    QVERIFY(amount("pending") > 0);
    QCOMPARE(amount("instant_available"), std::max<qint64>(0, amount("available")));
}

void TestPayouts::reportPrintsTheSameReconciliation()
{
    // A cache of its own whose payouts are not linked yet: the command reads them from Stripe.
    const QString file = m_dir.filePath(QStringLiteral("report.sqlite"));
    QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("payouts.sqlite")), file));
    {
        models::sql::Database db;
        QVERIFY(db.open(file, false));
        QVERIFY(db.exec(QStringLiteral("DELETE FROM payout_items; DELETE FROM payout_links;")));
    }
    auto run = [&](const QStringList &args, const QByteArray &key) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("STRIPE_API_KEY"));
        if (!key.isEmpty())
            env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key));
        p.setProcessEnvironment(env);
        p.start(tests::PeerProcess::paydeskBinary(),
                QStringList {QStringLiteral("report"), QStringLiteral("payouts"),
                             QStringLiteral("--cache"), file, QStringLiteral("--api-base"),
                             m_sandbox->baseUrl().toString(), QStringLiteral("--from"),
                             QStringLiteral("2025-10-01"), QStringLiteral("--to"),
                             QStringLiteral("2025-11-22")}
                    + args);
        p.waitForFinished(120000);
        return std::tuple {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    };
    // Offline, without a key: nothing made up, the payouts not known are named.
    const auto [offCode, offOut, offErr] = run({}, {});
    QCOMPARE(offCode, 1);
    QVERIFY2(offErr.contains("are not in the cache yet") && offErr.contains("po_"),
             offErr.constData());
    QVERIFY(offOut.isEmpty());

    const auto [code, out, err]
        = run({QStringLiteral("--format"), QStringLiteral("json")}, "sk_test_payouts");
    QVERIFY2(code == 0, err.constData());
    QVERIFY(!err.contains("sk_test"));
    const QJsonArray rows
        = QJsonDocument::fromJson(out).object().value(QStringLiteral("payouts")).toArray();
    QVERIFY(rows.size() > 40);
    models::sql::Database db;
    QVERIFY(db.open(file, false));
    for (const QJsonValue &v : rows) {
        const QJsonObject row = v.toObject();
        const payouts::Reconciliation r
            = payouts::reconcile(db, row.value(QStringLiteral("id")).toString(), false);
        QVERIFY(r.addsUp());
        QCOMPARE(row.value(QStringLiteral("adds_up")).toBool(), true);
        QCOMPARE(row.value(QStringLiteral("amount")).toInteger(), r.amount);
        const QJsonObject total = row.value(QStringLiteral("total")).toObject();
        QCOMPARE(total.value(QStringLiteral("net")).toInteger(), r.total.net);
        QCOMPARE(total.value(QStringLiteral("gross")).toInteger(), r.total.gross);
        QCOMPARE(total.value(QStringLiteral("fees")).toInteger(), r.total.fees);
        QCOMPARE(
            row.value(QStringLiteral("groups"))[QStringLiteral("refunds")][QStringLiteral("net")]
                .toInteger(),
            r.groups[1].net);
    }
    // The CSV form: a row per group and the total of each payout, amounts as decimals.
    const auto [csvCode, csv, csvErr] = run({}, "sk_test_payouts");
    QCOMPARE(csvCode, 0);
    const QList<QByteArray> lines = csv.trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + rows.size() * 6);
    QVERIFY(lines.first().startsWith("payout,created,arrival_date,status,currency,group"));
    QVERIFY(!csv.contains(",no\r"));
    // Every transaction too: one row each, then the groups, the total and the payout.
    const auto [linesCode, linesCsv, linesErr] = run({QStringLiteral("--lines")}, {});
    QVERIFY2(linesCode == 0, linesErr.constData());
    qint64 transactions = 0;
    for (const QJsonValue &v : rows)
        transactions += v[QStringLiteral("total")][QStringLiteral("transactions")].toInteger();
    QCOMPARE(qint64(linesCsv.trimmed().split('\n').size()), 1 + transactions + rows.size() * 7);
    QVERIFY(linesCsv.startsWith("payout,balance_transaction,group"));
    // Bad input.
    QCOMPARE(std::get<0>(run({QStringLiteral("--format"), QStringLiteral("xml")}, {})), 2);
    QCOMPARE(std::get<0>(run({QStringLiteral("--interval"), QStringLiteral("day")}, {})), 2);
}

void TestPayouts::aCacheFromBeforePayoutsListsThem()
{
    // A cache whose backfill finished before Paydesk knew payouts: the next sync lists them,
    // and goes on with the events from where it was.
    const qint64 n = scalar(QStringLiteral("SELECT count(*) FROM payouts"));
    const QByteArray events = m_cache.state(QStringLiteral("events"));
    QVERIFY(m_cache.database().exec(
        QStringLiteral("DELETE FROM payouts; DELETE FROM bank_accounts; DELETE FROM sync_state "
                       "WHERE key = 'backfill:payouts';")));
    QVERIFY(sync());
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM payouts")), n);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM bank_accounts")), 1);
    QVERIFY(!m_cache.state(QStringLiteral("backfill:payouts")).isEmpty());
    const QJsonObject before = QJsonDocument::fromJson(events).object();
    const QJsonObject after
        = QJsonDocument::fromJson(m_cache.state(QStringLiteral("events"))).object();
    QVERIFY(after.value(QStringLiteral("cursor_created")).toInteger()
            >= before.value(QStringLiteral("cursor_created")).toInteger());
}

QTEST_GUILESS_MAIN(TestPayouts)
#include "tst_payouts.moc"
