#include "models/store/sqlitedb.h"
#include "tests/support/httpclient.h"
#include "tests/support/peerprocess.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <csignal>

using paydesk::tests::HttpClient;
using paydesk::tests::PeerProcess;

// The staff commands as a script or a person at a terminal runs them: the real `paydesk`
// binary against `paydesk sandbox` over HTTP. Bad input is refused before anything is sent, and
// a refund whose process is killed with SIGKILL after the outbox commit and before the answer
// happens exactly once when the command is run again.
class TestStaffCommands final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QByteArray out;
        QString err;
        QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    };
    std::unique_ptr<PeerProcess> m_sandbox;
    std::unique_ptr<HttpClient> m_http;
    QTemporaryDir m_dir;
    QStringList m_charges; // Succeeded, nothing refunded, USD.
    QString m_jpyCharge;

    QProcessEnvironment environment(const QByteArray &key = "sk_test_staff") const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.insert(QStringLiteral("STRIPE_API_KEY"), QString::fromLatin1(key));
        return env;
    }
    QStringList common(const QString &cache) const
    {
        return {QStringLiteral("--api-base"), m_sandbox->baseUrl().toString(),
                QStringLiteral("--cache"), m_dir.filePath(cache)};
    }
    Result run(const QStringList &args, const QString &cache = QStringLiteral("staff.sqlite"),
               const QByteArray &key = "sk_test_staff")
    {
        QProcess p;
        p.setProcessEnvironment(environment(key));
        p.start(PeerProcess::paydeskBinary(), args + common(cache));
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
    }
    QJsonObject stats() { return m_http->get(QStringLiteral("/_sandbox/stats")).json; }
    qint64 endpoint(const char *name)
    {
        return stats()[QStringLiteral("endpoints")][QString::fromLatin1(name)].toInteger();
    }
    qint64 counter(const char *name)
    {
        return stats()[QStringLiteral("counters")][QString::fromLatin1(name)].toInteger();
    }
    QJsonObject charge(const QString &id)
    {
        return m_http->get(QStringLiteral("/v1/charges/") + id).json;
    }
    QString takeCharge() { return m_charges.isEmpty() ? QString() : m_charges.takeFirst(); }

private Q_SLOTS:
    void initTestCase();
    void badInputSendsNothing_data();
    void badInputSendsNothing();
    void partialThenFullThenAlreadyRefunded();
    void refundOfAPaymentIntent();
    void zeroDecimalCurrency();
    void killedAfterCommitRefundsOnce();
    void restrictedKeyWithoutPermission();
    void customerCreateUpdateDelete();
    void subscriptionAtPeriodEndResumeAndNow();
    void subscriptionPauseAndCoupon();
    void trialExtendedThenEndedOnce();
    void pauseMovesMrrByItsAmount();
    void planChangePreviewedThenMadeOnce();
    void itemAddedThenRemovedOnce();
    void disputeEvidenceSubmittedOnceAndAccepted();
    void invoiceCreateBadInputSendsNothing_data();
    void invoiceCreateBadInputSendsNothing();
    void invoiceCreatedOnceAcrossKills();
    void disputeFilesUploadedOnceAcrossKills();
    void radarReviewsAndEarlyFraudWarnings();
    void reRunNeverActsTwice();
    void invoicePaidOnceAndNothingAfter();
    void invoiceWrittenOffThenPaidOutOfBand();
};

void TestStaffCommands::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox.reset(
        new PeerProcess(PeerProcess::sandbox({QStringLiteral("--scale"), QStringLiteral("5000")})));
    QVERIFY2(m_sandbox->start(), qPrintable(m_sandbox->errorString()));
    m_http = std::make_unique<HttpClient>(m_sandbox->baseUrl(), "sk_test_staff");
    QString after;
    for (int page = 0; page < 10 && (m_charges.size() < 30 || m_jpyCharge.isEmpty()); ++page) {
        const HttpClient::Response r = m_http->get(
            QStringLiteral("/v1/charges?limit=100")
            + (after.isEmpty() ? QString() : QStringLiteral("&starting_after=") + after));
        QCOMPARE(r.status, 200);
        const QJsonArray data = r.json[QStringLiteral("data")].toArray();
        QVERIFY(!data.isEmpty());
        for (const QJsonValue &c : data) {
            if (c[QStringLiteral("status")].toString() != QLatin1String("succeeded")
                || c[QStringLiteral("amount_refunded")].toInteger() != 0
                || c[QStringLiteral("disputed")].toBool())
                continue;
            const QString currency = c[QStringLiteral("currency")].toString();
            if (currency == QLatin1String("usd") && c[QStringLiteral("amount")].toInteger() >= 1000)
                m_charges.append(c[QStringLiteral("id")].toString());
            else if (currency == QLatin1String("jpy") && m_jpyCharge.isEmpty())
                m_jpyCharge = c[QStringLiteral("id")].toString();
        }
        after = data.last()[QStringLiteral("id")].toString();
    }
    QVERIFY(m_charges.size() >= 10);
    QVERIFY(!m_jpyCharge.isEmpty());
}

void TestStaffCommands::badInputSendsNothing_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString ch = QStringLiteral("CHARGE");
    auto refund = [&](const QStringList &more) {
        return QStringList {QStringLiteral("refund"), ch} + more;
    };
    QTest::newRow("amount zero") << refund({QStringLiteral("--amount"), QStringLiteral("0")})
                                 << QStringLiteral("more than zero");
    QTest::newRow("amount negative")
        << refund({QStringLiteral("--amount=-5")}) << QStringLiteral("negative");
    QTest::newRow("amount not a number")
        << refund({QStringLiteral("--amount"), QStringLiteral("ten")})
        << QStringLiteral("is not a number");
    QTest::newRow("amount too many decimals")
        << refund({QStringLiteral("--amount"), QStringLiteral("1.001")})
        << QStringLiteral("at most 2 decimal places");
    QTest::newRow("amount above refundable")
        << refund({QStringLiteral("--amount"), QStringLiteral("999999")})
        << QStringLiteral("can be refunded");
    QTest::newRow("amount overflow")
        << refund({QStringLiteral("--amount"), QStringLiteral("99999999999999999999")})
        << QStringLiteral("too large");
    QTest::newRow("amount empty") << refund({QStringLiteral("--amount"), QString()})
                                  << QStringLiteral("--amount is empty");
    QTest::newRow("reason unknown")
        << refund({QStringLiteral("--reason"), QStringLiteral("because")})
        << QStringLiteral("duplicate, fraudulent or requested_by_customer");
    QTest::newRow("metadata without =")
        << refund({QStringLiteral("--metadata"), QStringLiteral("order")})
        << QStringLiteral("key=value");
    QTest::newRow("metadata key with brackets")
        << refund({QStringLiteral("--metadata"), QStringLiteral("a[b]=c")})
        << QStringLiteral("square brackets");
    QTest::newRow("metadata key too long")
        << refund({QStringLiteral("--metadata"), QString(41, u'k') + QStringLiteral("=v")})
        << QStringLiteral("longer than 40");
    QTest::newRow("not a payment id")
        << QStringList {QStringLiteral("refund"), QStringLiteral("cus_123")}
        << QStringLiteral("give the charge");
    QTest::newRow("customer email missing")
        << QStringList {QStringLiteral("customer"), QStringLiteral("create"),
                        QStringLiteral("--name"), QStringLiteral("Ann")}
        << QStringLiteral("Enter an email address");
    QTest::newRow("customer email malformed")
        << QStringList {QStringLiteral("customer"), QStringLiteral("create"),
                        QStringLiteral("--email"), QStringLiteral("ann@")}
        << QStringLiteral("not an email address");
    QTest::newRow("customer email with space")
        << QStringList {QStringLiteral("customer"), QStringLiteral("create"),
                        QStringLiteral("--email"), QStringLiteral("ann smith@example.com")}
        << QStringLiteral("not an email address");
    QTest::newRow("customer phone letters")
        << QStringList {QStringLiteral("customer"), QStringLiteral("create"),
                        QStringLiteral("--email"),  QStringLiteral("ann@example.com"),
                        QStringLiteral("--phone"),  QStringLiteral("call me")}
        << QStringLiteral("phone number");
    QTest::newRow("customer country")
        << QStringList {QStringLiteral("customer"),  QStringLiteral("create"),
                        QStringLiteral("--email"),   QStringLiteral("ann@example.com"),
                        QStringLiteral("--country"), QStringLiteral("Germany")}
        << QStringLiteral("two-letter ISO code");
    QTest::newRow("customer delete unconfirmed")
        << QStringList {QStringLiteral("customer"), QStringLiteral("delete"),
                        QStringLiteral("cus_123")}
        << QStringLiteral("--confirm cus_123");
    QTest::newRow("customer delete wrong confirmation")
        << QStringList {QStringLiteral("customer"), QStringLiteral("delete"),
                        QStringLiteral("cus_123"), QStringLiteral("--confirm"),
                        QStringLiteral("cus_124")}
        << QStringLiteral("--confirm cus_123");
    QTest::newRow("subscription options clash")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("cancel"),
                        QStringLiteral("sub_1"), QStringLiteral("--at-period-end"),
                        QStringLiteral("--prorate")}
        << QStringLiteral("apply to a cancellation now");
    const QString sub = QStringLiteral("sub_1");
    QTest::newRow("pause without behavior")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("pause"), sub}
        << QStringLiteral("Choose what happens to invoices");
    QTest::newRow("pause behavior unknown")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("pause"), sub,
                        QStringLiteral("--behavior"), QStringLiteral("cancel")}
        << QStringLiteral("must be keep_as_draft, mark_uncollectible or void");
    QTest::newRow("pause resumes in the past") << QStringList {
        QStringLiteral("subscription"), QStringLiteral("pause"), sub,
        QStringLiteral("--behavior"),   QStringLiteral("void"),  QStringLiteral("--resumes-at"),
        QStringLiteral("2020-01-01")} << QStringLiteral("time in the future");
    QTest::newRow("pause resumes not a date") << QStringList {
        QStringLiteral("subscription"), QStringLiteral("pause"), sub,
        QStringLiteral("--behavior"),   QStringLiteral("void"),  QStringLiteral("--resumes-at"),
        QStringLiteral("next week")} << QStringLiteral("is not a date");
    QTest::newRow("trial end in the past")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("trial"), sub,
                        QStringLiteral("--end"), QStringLiteral("2021-05-01")}
        << QStringLiteral("time in the future");
    QTest::newRow("trial end beyond two years")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("trial"), sub,
                        QStringLiteral("--end"), QStringLiteral("2099-05-01")}
        << QStringLiteral("at most two years");
    QTest::newRow("trial without end")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("trial"), sub}
        << QStringLiteral("--end DATE, or --end now");
    QTest::newRow("coupon and remove")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("coupon"), sub,
                        QStringLiteral("LAUNCH3"), QStringLiteral("--remove")}
        << QStringLiteral("give one coupon id, or --remove");
    QTest::newRow("coupon missing")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("coupon"), sub}
        << QStringLiteral("give one coupon id, or --remove");
    QTest::newRow("cancel feedback unknown")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("cancel"), sub,
                        QStringLiteral("--feedback"), QStringLiteral("hated_it")}
        << QStringLiteral("The feedback must be one of");
    QTest::newRow("update quantity zero")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("update"), sub,
                        QStringLiteral("--quantity"), QStringLiteral("0")}
        << QStringLiteral("The quantity must be at least 1");
    QTest::newRow("update quantity not a number")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("update"), sub,
                        QStringLiteral("--quantity"), QStringLiteral("two")}
        << QStringLiteral("The quantity is a whole number");
    QTest::newRow("update nothing")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("update"), sub}
        << QStringLiteral("give the new --price, the new --quantity or both");
    QTest::newRow("update add with item")
        << QStringList {QStringLiteral("subscription"),
                        QStringLiteral("update"),
                        sub,
                        QStringLiteral("--add"),
                        QStringLiteral("--item"),
                        QStringLiteral("si_1"),
                        QStringLiteral("--price"),
                        QStringLiteral("price_1")}
        << QStringLiteral("--add makes a new item: leave out --item");
    QTest::newRow("update add without price")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("update"), sub,
                        QStringLiteral("--add")}
        << QStringLiteral("--add needs the --price of the new item");
    QTest::newRow("update remove with price") << QStringList {QStringLiteral("subscription"),
                                                              QStringLiteral("update"),
                                                              sub,
                                                              QStringLiteral("--item"),
                                                              QStringLiteral("si_1"),
                                                              QStringLiteral("--remove"),
                                                              QStringLiteral("--price"),
                                                              QStringLiteral("price_1")}
                                              << QStringLiteral("--remove deletes the --item");
    QTest::newRow("update add and remove")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("update"), sub,
                        QStringLiteral("--add"), QStringLiteral("--remove")}
        << QStringLiteral("one change at a time");
    QTest::newRow("update proration unknown") << QStringList {
        QStringLiteral("subscription"), QStringLiteral("update"), sub,
        QStringLiteral("--quantity"),   QStringLiteral("2"),      QStringLiteral("--proration"),
        QStringLiteral("later")} << QStringLiteral("create_prorations, none or always_invoice");
    QTest::newRow("option of another verb")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("unpause"), sub,
                        QStringLiteral("--behavior"), QStringLiteral("void")}
        << QStringLiteral("--behavior is an option of 'subscription pause'");
    QTest::newRow("subscription verb")
        << QStringList {QStringLiteral("subscription"), QStringLiteral("renew"),
                        QStringLiteral("sub_1")}
        << QStringLiteral("use 'subscription cancel");
}

void TestStaffCommands::badInputSendsNothing()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QString ch = m_charges.first();
    args.replaceInStrings(QStringLiteral("CHARGE"), ch);
    const qint64 posts = endpoint("POST /v1/refunds") + endpoint("POST /v1/customers")
        + endpoint("DELETE /v1/customers/:id") + endpoint("POST /v1/subscriptions/:id")
        + endpoint("DELETE /v1/subscriptions/:id");
    const Result r = run(args, QStringLiteral("bad.sqlite"));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
    QVERIFY2(!r.err.contains(QStringLiteral("sk_test_staff")), qPrintable(r.err));
    // Nothing was sent that changes anything, and nothing was left to be sent later.
    QCOMPARE(endpoint("POST /v1/refunds") + endpoint("POST /v1/customers")
                 + endpoint("DELETE /v1/customers/:id") + endpoint("POST /v1/subscriptions/:id")
                 + endpoint("DELETE /v1/subscriptions/:id"),
             posts);
    paydesk::models::sql::Database db;
    if (QFile::exists(m_dir.filePath(QStringLiteral("bad.sqlite")))) {
        QVERIFY(db.open(m_dir.filePath(QStringLiteral("bad.sqlite")), false));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM outbox")), 0);
    }
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 0);
}

void TestStaffCommands::partialThenFullThenAlreadyRefunded()
{
    const QString ch = takeCharge();
    const qint64 amount = charge(ch)[QStringLiteral("amount")].toInteger();
    Result r
        = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("5.25"),
               QStringLiteral("--reason"), QStringLiteral("requested_by_customer"),
               QStringLiteral("--metadata"), QStringLiteral("ticket=T-1")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("object")].toString(), QStringLiteral("refund"));
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), 525);
    QCOMPARE(r.json()[QStringLiteral("reason")].toString(),
             QStringLiteral("requested_by_customer"));
    QCOMPARE(r.json()[QStringLiteral("metadata")][QStringLiteral("ticket")].toString(),
             QStringLiteral("T-1"));
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 525);

    // No amount: all that is left.
    r = run({QStringLiteral("refund"), ch});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), amount - 525);
    QVERIFY(charge(ch)[QStringLiteral("refunded")].toBool());

    // The cache shows it at once: the refunds and the charge fetched again.
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false));
    paydesk::models::sql::Statement s = db.prepare(
        QStringLiteral("SELECT json_extract(raw, '$.amount_refunded') FROM charges WHERE id = ?1"));
    s.bind(1, ch);
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), amount);
    s = db.prepare(QStringLiteral("SELECT count(*), sum(amount) FROM refunds WHERE charge = ?1"));
    s.bind(1, ch);
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), 2);
    QCOMPARE(s.int64(1), amount);
    s = db.prepare(QStringLiteral("SELECT count(*) FROM audit_log WHERE object_id = ?1 AND "
                                  "result = 'succeeded' AND action = 'refund' AND os_user <> ''"));
    s.bind(1, ch);
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), 2);

    // The same command again: done already, nothing sent. On purpose (--again), nothing is
    // left: refused before sending, with the amounts named.
    const qint64 posts = endpoint("POST /v1/refunds");
    r = run({QStringLiteral("refund"), ch});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), amount - 525);
    r = run({QStringLiteral("refund"), ch, QStringLiteral("--again")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("Nothing is left to refund")), qPrintable(r.err));
    QCOMPARE(endpoint("POST /v1/refunds"), posts);
}

void TestStaffCommands::refundOfAPaymentIntent()
{
    const QString ch = takeCharge();
    const QString pi = charge(ch)[QStringLiteral("payment_intent")].toString();
    QVERIFY(pi.startsWith(QLatin1String("pi_")));
    const Result r
        = run({QStringLiteral("refund"), pi, QStringLiteral("--amount"), QStringLiteral("1")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("charge")].toString(), ch);
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), 100);
}

void TestStaffCommands::zeroDecimalCurrency()
{
    const qint64 posts = endpoint("POST /v1/refunds");
    Result r = run({QStringLiteral("refund"), m_jpyCharge, QStringLiteral("--amount"),
                    QStringLiteral("10.5")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("JPY")), qPrintable(r.err));
    QCOMPARE(endpoint("POST /v1/refunds"), posts);
    r = run(
        {QStringLiteral("refund"), m_jpyCharge, QStringLiteral("--amount"), QStringLiteral("100")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), 100); // ¥100, not ¥1.00.
}

void TestStaffCommands::killedAfterCommitRefundsOnce()
{
    const QString ch = takeCharge();
    const QString cache = m_dir.filePath(QStringLiteral("killed.sqlite"));
    const qint64 refundsBefore = counter("refunds_created");
    const qint64 replaysBefore = counter("idempotent_replays");
    // Answers arrive 4 s after the sandbox acted: time to kill the process in between.
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("4000")}})
                 .status,
             200);
    QProcess p;
    p.setProcessEnvironment(environment());
    const QStringList args {QStringLiteral("refund"), ch, QStringLiteral("--amount"),
                            QStringLiteral("3.00")};
    p.start(PeerProcess::paydeskBinary(), args + common(QStringLiteral("killed.sqlite")));
    QVERIFY(p.waitForStarted());
    auto state = [&]() -> QString {
        paydesk::models::sql::Database db;
        if (!QFile::exists(cache) || !db.open(cache, false))
            return {};
        paydesk::models::sql::Statement s
            = db.prepare(QStringLiteral("SELECT state FROM outbox ORDER BY id DESC LIMIT 1"));
        return s.isValid() && s.step() ? s.text(0) : QString();
    };
    // The intent is committed and marked sent, and the sandbox has made the refund; its
    // answer has not arrived.
    QTRY_VERIFY_WITH_TIMEOUT(
        state() == QLatin1String("sent") && counter("refunds_created") == refundsBefore + 1, 30000);
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(pid_t(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    QCOMPARE(state(), QStringLiteral("sent"));
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("0")}})
                 .status,
             200);

    // The same command again: the stored request is resent with its key, Stripe replays the
    // first answer, and no second refund is made.
    const Result r = run(args, QStringLiteral("killed.sqlite"));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("nothing new was sent")), qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("amount")].toInteger(), 300);
    QCOMPARE(counter("refunds_created"), refundsBefore + 1);
    QCOMPARE(counter("idempotent_replays"), replaysBefore + 1);
    const HttpClient::Response refunds
        = m_http->get(QStringLiteral("/v1/refunds?limit=100&charge=") + ch);
    QCOMPARE(refunds.json[QStringLiteral("data")].toArray().size(), 1);
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 300);
    QCOMPARE(state(), QStringLiteral("succeeded"));

    // A third run is the same refund again: done already. Only --again makes a new one.
    const Result third = run(args, QStringLiteral("killed.sqlite"));
    QCOMPARE(third.exitCode, 0);
    QVERIFY2(third.err.contains(QStringLiteral("already done at")), qPrintable(third.err));
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 300);
    const Result again
        = run(args + QStringList {QStringLiteral("--again")}, QStringLiteral("killed.sqlite"));
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 600);
}

void TestStaffCommands::restrictedKeyWithoutPermission()
{
    const QByteArray key = "rk_test_readonlystaff";
    const HttpClient::Response added
        = m_http->post(QStringLiteral("/_sandbox/keys"),
                       {{QStringLiteral("key"), QString::fromLatin1(key)},
                        {QStringLiteral("permissions[]"), QStringLiteral("charges:read")}});
    QCOMPARE(added.status, 200);
    const QString ch = m_charges.first();
    const Result r
        = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("1")},
              QStringLiteral("restricted.sqlite"), key);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("needs the rak_refunds_write permission")),
             qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("Request-Id req_")), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QString::fromLatin1(key)), qPrintable(r.err));
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("restricted.sqlite")), false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE state = 'failed'")), 1);
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE result = 'failed' AND "
                                      "request_id LIKE 'req_%'")),
             1);
    QCOMPARE(charge(ch)[QStringLiteral("amount_refunded")].toInteger(), 0);
}

void TestStaffCommands::customerCreateUpdateDelete()
{
    Result r = run({QStringLiteral("customer"), QStringLiteral("create"), QStringLiteral("--email"),
                    QStringLiteral("ann.lee@example.com"), QStringLiteral("--name"),
                    QStringLiteral("Ann Lee"), QStringLiteral("--phone"),
                    QStringLiteral("+49 30 1234567"), QStringLiteral("--country"),
                    QStringLiteral("DE"), QStringLiteral("--metadata"), QStringLiteral("crm=42")});
    QCOMPARE(r.exitCode, 0);
    const QString id = r.json()[QStringLiteral("id")].toString();
    QVERIFY(id.startsWith(QLatin1String("cus_")));
    QCOMPARE(r.json()[QStringLiteral("address")][QStringLiteral("country")].toString(),
             QStringLiteral("DE"));
    HttpClient::Response c = m_http->get(QStringLiteral("/v1/customers/") + id);
    QCOMPARE(c.json[QStringLiteral("email")].toString(), QStringLiteral("ann.lee@example.com"));
    QCOMPARE(c.json[QStringLiteral("metadata")][QStringLiteral("crm")].toString(),
             QStringLiteral("42"));

    r = run({QStringLiteral("customer"), QStringLiteral("update"), id, QStringLiteral("--name"),
             QStringLiteral("Ann Lee-Smith"), QStringLiteral("--metadata"),
             QStringLiteral("tier=gold")});
    QCOMPARE(r.exitCode, 0);
    c = m_http->get(QStringLiteral("/v1/customers/") + id);
    QCOMPARE(c.json[QStringLiteral("name")].toString(), QStringLiteral("Ann Lee-Smith"));
    QCOMPARE(c.json[QStringLiteral("metadata")][QStringLiteral("crm")].toString(),
             QStringLiteral("42"));
    QCOMPARE(c.json[QStringLiteral("metadata")][QStringLiteral("tier")].toString(),
             QStringLiteral("gold"));

    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false));
    paydesk::models::sql::Statement s
        = db.prepare(QStringLiteral("SELECT name, deleted FROM customers WHERE id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("Ann Lee-Smith"));
    QCOMPARE(s.int64(1), 0);
    s = {};

    r = run({QStringLiteral("customer"), QStringLiteral("delete"), id, QStringLiteral("--confirm"),
             id});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.json()[QStringLiteral("deleted")].toBool());
    QCOMPARE(m_http->get(QStringLiteral("/v1/customers/") + id).status, 404);
    s = db.prepare(QStringLiteral("SELECT deleted FROM customers WHERE id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), 1);
    s = {};
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action LIKE "
                                      "'customer.%' AND result = 'succeeded'")),
             3);
}

void TestStaffCommands::subscriptionAtPeriodEndResumeAndNow()
{
    const HttpClient::Response list
        = m_http->get(QStringLiteral("/v1/subscriptions?status=active&limit=10"));
    const QJsonArray subs = list.json[QStringLiteral("data")].toArray();
    QVERIFY(!subs.isEmpty());
    QString id;
    for (const QJsonValue &sub : subs)
        if (!sub[QStringLiteral("cancel_at_period_end")].toBool())
            id = sub[QStringLiteral("id")].toString();
    QVERIFY(!id.isEmpty());
    auto sub = [&] {
        return m_http->get(QStringLiteral("/v1/subscriptions/") + id).json;
    };

    Result r = run({QStringLiteral("subscription"), QStringLiteral("resume"), id});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no cancellation to undo")), qPrintable(r.err));

    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id,
             QStringLiteral("--at-period-end")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(sub()[QStringLiteral("cancel_at_period_end")].toBool());
    QCOMPARE(sub()[QStringLiteral("status")].toString(), QStringLiteral("active"));
    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id,
             QStringLiteral("--at-period-end")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id,
             QStringLiteral("--at-period-end"), QStringLiteral("--again")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("already set to cancel")), qPrintable(r.err));

    r = run({QStringLiteral("subscription"), QStringLiteral("resume"), id});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!sub()[QStringLiteral("cancel_at_period_end")].toBool());

    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id,
             QStringLiteral("--prorate"), QStringLiteral("--invoice-now")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(sub()[QStringLiteral("status")].toString(), QStringLiteral("canceled"));
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false));
    paydesk::models::sql::Statement s
        = db.prepare(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("canceled"));
    s = {};

    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("has ended already")), qPrintable(r.err));
}

// Pause and resume payment collection, apply and remove a coupon, cancel with the customer's
// feedback: each done once, re-runs send nothing, what Stripe would refuse is refused first, and
// the cache holds each result.
void TestStaffCommands::subscriptionPauseAndCoupon()
{
    const QJsonArray subs = m_http->get(QStringLiteral("/v1/subscriptions?status=active&limit=30"))
                                .json[QStringLiteral("data")]
                                .toArray();
    QString id;
    for (const QJsonValue &sub : subs)
        if (!sub[QStringLiteral("cancel_at_period_end")].toBool()
            && sub[QStringLiteral("discount")].isNull()
            && sub[QStringLiteral("pause_collection")].isNull())
            id = sub[QStringLiteral("id")].toString();
    QVERIFY(!id.isEmpty());
    auto sub = [&] {
        return m_http->get(QStringLiteral("/v1/subscriptions/") + id).json;
    };
    const char *updates = "POST /v1/subscriptions/:id";
    auto cached = [&](const char *column) {
        paydesk::models::sql::Database db;
        if (!db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false))
            return QVariant(QStringLiteral("no cache"));
        paydesk::models::sql::Statement s
            = db.prepare(QStringLiteral("SELECT %1 FROM subscriptions WHERE id = ?1")
                             .arg(QLatin1String(column)));
        s.bind(1, id);
        return s.step() ? (s.isNull(0) ? QVariant() : QVariant(s.text(0)))
                        : QVariant(QStringLiteral("no row"));
    };

    Result r = run({QStringLiteral("subscription"), QStringLiteral("unpause"), id});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("is not paused")), qPrintable(r.err));

    const qint64 before = endpoint(updates);
    r = run({QStringLiteral("subscription"), QStringLiteral("pause"), id,
             QStringLiteral("--behavior"), QStringLiteral("keep_as_draft"),
             QStringLiteral("--resumes-at"), QStringLiteral("2030-01-15")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject pause = r.json()[QStringLiteral("pause_collection")].toObject();
    QCOMPARE(pause[QStringLiteral("behavior")].toString(), QStringLiteral("keep_as_draft"));
    QCOMPARE(pause[QStringLiteral("resumes_at")].toInteger(), qint64(1894665600));
    QCOMPARE(sub()[QStringLiteral("pause_collection")].toObject(), pause);
    QCOMPARE(cached("pause_behavior").toString(), QStringLiteral("keep_as_draft"));
    QCOMPARE(endpoint(updates), before + 1);
    // Run again: the earlier outcome, nothing sent.
    r = run({QStringLiteral("subscription"), QStringLiteral("pause"), id,
             QStringLiteral("--behavior"), QStringLiteral("keep_as_draft"),
             QStringLiteral("--resumes-at"), QStringLiteral("2030-01-15")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 1);

    r = run({QStringLiteral("subscription"), QStringLiteral("unpause"), id});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.json()[QStringLiteral("pause_collection")].isNull());
    QVERIFY(sub()[QStringLiteral("pause_collection")].isNull());
    QVERIFY(cached("pause_behavior").isNull());
    QCOMPARE(endpoint(updates), before + 2);

    // A coupon Stripe does not have: refused before the update is sent.
    r = run({QStringLiteral("subscription"), QStringLiteral("coupon"), id,
             QStringLiteral("NO_SUCH_COUPON")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no coupon and no promotion code NO_SUCH_COUPON")),
             qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 2);
    r = run(
        {QStringLiteral("subscription"), QStringLiteral("coupon"), id, QStringLiteral("--remove")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no discount to remove")), qPrintable(r.err));

    r = run(
        {QStringLiteral("subscription"), QStringLiteral("coupon"), id, QStringLiteral("LAUNCH3")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject discount = r.json()[QStringLiteral("discount")].toObject();
    QCOMPARE(discount[QStringLiteral("coupon")][QStringLiteral("id")].toString(),
             QStringLiteral("LAUNCH3"));
    QCOMPARE(discount[QStringLiteral("subscription")].toString(), id);
    QVERIFY(discount[QStringLiteral("end")].toInteger()
            > discount[QStringLiteral("start")].toInteger());
    QCOMPARE(cached("discount_coupon").toString(), QStringLiteral("LAUNCH3"));
    r = run({QStringLiteral("subscription"), QStringLiteral("coupon"), id,
             QStringLiteral("LAUNCH3"), QStringLiteral("--again")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("has the coupon LAUNCH3 already")), qPrintable(r.err));
    r = run(
        {QStringLiteral("subscription"), QStringLiteral("coupon"), id, QStringLiteral("--remove")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(sub()[QStringLiteral("discount")].isNull());
    QVERIFY(cached("discount_coupon").isNull());
    QCOMPARE(endpoint(updates), before + 4);

    // A promotion code, as a customer types it (in any case): its coupon applied once, the code
    // named on the discount; a code no longer active is refused before anything is sent.
    r = run(
        {QStringLiteral("subscription"), QStringLiteral("coupon"), id, QStringLiteral("SUMMER24")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("promotion code SUMMER24 is no longer active")),
             qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 4);
    const QJsonObject promo = m_http->get(QStringLiteral("/v1/promotion_codes?code=LAUNCH25"))
                                  .json[QStringLiteral("data")][0]
                                  .toObject();
    const qint64 redeemed = promo[QStringLiteral("times_redeemed")].toInteger();
    const QStringList applyCode {QStringLiteral("subscription"), QStringLiteral("coupon"), id,
                                 QStringLiteral("launch25")};
    r = run(applyCode);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("is a promotion code of the coupon LAUNCH3")),
             qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("discount")][QStringLiteral("promotion_code")].toString(),
             promo[QStringLiteral("id")].toString());
    QCOMPARE(cached("discount_coupon").toString(), QStringLiteral("LAUNCH3"));
    QCOMPARE(endpoint(updates), before + 5);
    r = run(applyCode);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 5);
    QCOMPARE(
        m_http->get(QStringLiteral("/v1/promotion_codes/") + promo[QStringLiteral("id")].toString())
            .json[QStringLiteral("times_redeemed")]
            .toInteger(),
        redeemed + 1);
    r = run(
        {QStringLiteral("subscription"), QStringLiteral("coupon"), id, QStringLiteral("--remove")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 6);

    r = run({QStringLiteral("subscription"), QStringLiteral("cancel"), id,
             QStringLiteral("--at-period-end"), QStringLiteral("--feedback"),
             QStringLiteral("too_expensive"), QStringLiteral("--reason"),
             QStringLiteral("Budget cut for 2027")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject details = sub()[QStringLiteral("cancellation_details")].toObject();
    QCOMPARE(details[QStringLiteral("feedback")].toString(), QStringLiteral("too_expensive"));
    QCOMPARE(details[QStringLiteral("comment")].toString(), QStringLiteral("Budget cut for 2027"));
    QCOMPARE(details[QStringLiteral("reason")].toString(),
             QStringLiteral("cancellation_requested"));
    QCOMPARE(cached("cancellation_reason").toString(), QStringLiteral("cancellation_requested"));
}

// A trial extended, then ended now: the first invoice is charged once, and a re-run of the
// same command sends nothing.
void TestStaffCommands::trialExtendedThenEndedOnce()
{
    const QJsonArray trialing
        = m_http->get(QStringLiteral("/v1/subscriptions?status=trialing&limit=10"))
              .json[QStringLiteral("data")]
              .toArray();
    QVERIFY2(!trialing.isEmpty(), "the demo at scale 5000 has a subscription in its trial");
    const QString id = trialing.first()[QStringLiteral("id")].toString();
    const QDate day = QDate::currentDate().addDays(20);
    Result r = run({QStringLiteral("subscription"), QStringLiteral("trial"), id,
                    QStringLiteral("--end"), day.toString(Qt::ISODate)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const qint64 end = day.startOfDay(QTimeZone::utc()).toSecsSinceEpoch();
    QCOMPARE(r.json()[QStringLiteral("trial_end")].toInteger(), end);
    QCOMPARE(r.json()[QStringLiteral("current_period_end")].toInteger(), end);
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("trialing"));

    const qint64 charges = counter("payment_intents_created");
    r = run({QStringLiteral("subscription"), QStringLiteral("trial"), id, QStringLiteral("--end"),
             QStringLiteral("now")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("active"));
    const QString invoice = r.json()[QStringLiteral("latest_invoice")].toString();
    const QJsonObject paid = m_http->get(QStringLiteral("/v1/invoices/") + invoice).json;
    QCOMPARE(paid[QStringLiteral("status")].toString(), QStringLiteral("paid"));
    QVERIFY(paid[QStringLiteral("amount_paid")].toInteger() > 0);
    QCOMPARE(counter("payment_intents_created"), charges + 1);
    r = run({QStringLiteral("subscription"), QStringLiteral("trial"), id, QStringLiteral("--end"),
             QStringLiteral("now")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(counter("payment_intents_created"), charges + 1);
    // Asked again on purpose: the subscription has no trial any more.
    r = run({QStringLiteral("subscription"), QStringLiteral("trial"), id, QStringLiteral("--end"),
             QStringLiteral("now"), QStringLiteral("--again")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("Only a subscription in its trial")), qPrintable(r.err));
    QCOMPARE(counter("payment_intents_created"), charges + 1);
}

// A pause made through Paydesk moves MRR after the next sync by exactly the subscription's
// MRR — now, and in the current month of the history, whose movements still add up — and
// resuming brings it back to the minor unit.
void TestStaffCommands::pauseMovesMrrByItsAmount()
{
    const QString cache = QStringLiteral("mrr.sqlite");
    Result r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // A monthly one-item subscription without a discount, its customer's only counted one:
    // its MRR is unit amount × quantity, and pausing it churns the customer.
    QString id, currency;
    qint64 expected = 0;
    {
        paydesk::models::sql::Database db;
        QVERIFY(db.open(m_dir.filePath(cache), false));
        paydesk::models::sql::Statement s = db.prepare(QStringLiteral(
            "SELECT s.id, s.currency, si.unit_amount * si.quantity FROM subscriptions s JOIN "
            "subscription_items si ON si.subscription = s.id WHERE s.status = 'active' AND "
            "s.deleted = 0 AND s.pause_behavior IS NULL AND s.discount_coupon IS NULL AND "
            "si.recurring_interval = 'month' AND coalesce(si.recurring_interval_count, 1) = 1 AND "
            "coalesce(si.usage_type, 'licensed') = 'licensed' AND (SELECT count(*) FROM "
            "subscription_items x WHERE x.subscription = s.id) = 1 AND (SELECT count(*) FROM "
            "subscriptions o WHERE o.customer = s.customer AND o.deleted = 0 AND o.status IN "
            "('active', 'past_due', 'trialing')) = 1 ORDER BY s.id LIMIT 1"));
        QVERIFY(s.step());
        id = s.text(0);
        currency = s.text(1);
        expected = s.int64(2);
    }
    QVERIFY(expected > 0);
    struct Mrr
    {
        qint64 now = -1, last = -1, churn = -1;
        bool balanced = false;
    };
    auto mrr = [&]() -> Mrr {
        const Result report
            = run({QStringLiteral("report"), QStringLiteral("mrr"), QStringLiteral("--history"),
                   QStringLiteral("--format"), QStringLiteral("json")},
                  cache);
        Mrr m;
        for (const QJsonValue &v : report.json()[QStringLiteral("mrr")].toArray())
            if (v[QStringLiteral("currency")].toString() == currency)
                m.now = v[QStringLiteral("mrr")].toInteger();
        const QString month = QDate::currentDate().toString(QStringLiteral("yyyy-MM-01"));
        for (const QJsonValue &v : report.json()[QStringLiteral("history")].toArray()) {
            if (v[QStringLiteral("currency")].toString() != currency
                || v[QStringLiteral("bucket")].toString() != month)
                continue;
            m.last = v[QStringLiteral("mrr")].toInteger();
            m.churn = v[QStringLiteral("churn")].toInteger();
            m.balanced = v[QStringLiteral("start_mrr")].toInteger()
                    + v[QStringLiteral("new")].toInteger()
                    + v[QStringLiteral("expansion")].toInteger()
                    + v[QStringLiteral("reactivation")].toInteger()
                    - v[QStringLiteral("contraction")].toInteger() - m.churn
                == m.last;
        }
        return m;
    };
    const Mrr before = mrr();
    QVERIFY(before.now > 0);
    QCOMPARE(before.last, before.now);
    QVERIFY(before.balanced);

    r = run({QStringLiteral("subscription"), QStringLiteral("pause"), id,
             QStringLiteral("--behavior"), QStringLiteral("void")},
            cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Mrr paused = mrr();
    QCOMPARE(paused.now, before.now - expected);
    QCOMPARE(paused.last, paused.now);
    QCOMPARE(paused.churn, before.churn + expected);
    QVERIFY(paused.balanced);

    r = run({QStringLiteral("subscription"), QStringLiteral("unpause"), id}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Mrr resumed = mrr();
    QCOMPARE(resumed.now, before.now);
    QCOMPARE(resumed.last, before.last);
    QCOMPARE(resumed.churn, before.churn);
    QVERIFY(resumed.balanced);
}

// A plan change: previewed (nothing sent), then made once with the proration the preview
// showed; a price in another currency is refused first; after the next sync MRR moves by
// exactly the difference, now and in the current month of the history.
void TestStaffCommands::planChangePreviewedThenMadeOnce()
{
    const QString cache = QStringLiteral("plan.sqlite");
    Result r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QString id, currency, price, otherCurrencyPrice;
    qint64 quantity = 0, oldUnit = 0, newUnit = 0;
    {
        paydesk::models::sql::Database db;
        QVERIFY(db.open(m_dir.filePath(cache), false));
        paydesk::models::sql::Statement s = db.prepare(QStringLiteral(
            "SELECT s.id, s.currency, si.quantity, si.unit_amount, si.price FROM subscriptions s "
            "JOIN subscription_items si ON si.subscription = s.id WHERE s.status = 'active' AND "
            "s.deleted = 0 AND s.pause_behavior IS NULL AND s.discount_coupon IS NULL AND "
            "s.cancel_at IS NULL AND si.recurring_interval = 'month' AND "
            "coalesce(si.recurring_interval_count, 1) = 1 AND (SELECT count(*) FROM "
            "subscription_items x WHERE x.subscription = s.id) = 1 ORDER BY s.id DESC LIMIT 1"));
        QVERIFY(s.step());
        id = s.text(0);
        currency = s.text(1);
        quantity = s.int64(2);
        oldUnit = s.int64(3);
        const QString oldPrice = s.text(4);
        s = db.prepare(QStringLiteral(
            "SELECT id, unit_amount FROM prices WHERE deleted = 0 AND active = 1 AND type = "
            "'recurring' AND recurring_interval = 'month' AND coalesce(recurring_interval_count, "
            "1) = 1 AND currency = ?1 AND id <> ?2 AND unit_amount > ?3 ORDER BY unit_amount "
            "LIMIT 1"));
        s.bind(1, currency);
        s.bind(2, oldPrice);
        s.bind(3, oldUnit);
        QVERIFY(s.step());
        price = s.text(0);
        newUnit = s.int64(1);
        s = db.prepare(QStringLiteral(
            "SELECT id FROM prices WHERE deleted = 0 AND type = 'recurring' AND currency <> ?1 "
            "LIMIT 1"));
        s.bind(1, currency);
        QVERIFY(s.step());
        otherCurrencyPrice = s.text(0);
    }
    const char *updates = "POST /v1/subscriptions/:id";
    const qint64 before = endpoint(updates);
    r = run({QStringLiteral("subscription"), QStringLiteral("update"), id,
             QStringLiteral("--price"), otherCurrencyPrice},
            cache);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("but the subscription is billed in")),
             qPrintable(r.err));

    // The preview: the next invoice with the proration, nothing sent.
    r = run({QStringLiteral("subscription"), QStringLiteral("update"), id,
             QStringLiteral("--price"), price, QStringLiteral("--preview")},
            cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("nothing was sent")), qPrintable(r.err));
    const QJsonObject upcoming = r.json();
    QCOMPARE(upcoming[QStringLiteral("object")].toString(), QStringLiteral("invoice"));
    qint64 previewed = 0;
    int prorationLines = 0;
    for (const QJsonValue &line :
         upcoming[QStringLiteral("lines")][QStringLiteral("data")].toArray())
        if (line[QStringLiteral("proration")].toBool()) {
            previewed += line[QStringLiteral("amount")].toInteger();
            ++prorationLines;
        }
    QCOMPARE(prorationLines, 2); // The unused time credited, the rest of the period charged.
    QVERIFY(previewed > 0); // An upgrade.
    QVERIFY(previewed < (newUnit - oldUnit) * quantity + 2);
    QCOMPARE(endpoint(updates), before);

    struct Mrr
    {
        qint64 now = -1, last = -1, expansion = -1;
    };
    auto mrr = [&] {
        const Result report
            = run({QStringLiteral("report"), QStringLiteral("mrr"), QStringLiteral("--history"),
                   QStringLiteral("--format"), QStringLiteral("json")},
                  cache);
        Mrr m;
        for (const QJsonValue &v : report.json()[QStringLiteral("mrr")].toArray())
            if (v[QStringLiteral("currency")].toString() == currency)
                m.now = v[QStringLiteral("mrr")].toInteger();
        const QString month = QDate::currentDate().toString(QStringLiteral("yyyy-MM-01"));
        for (const QJsonValue &v : report.json()[QStringLiteral("history")].toArray())
            if (v[QStringLiteral("currency")].toString() == currency
                && v[QStringLiteral("bucket")].toString() == month) {
                m.last = v[QStringLiteral("mrr")].toInteger();
                m.expansion = v[QStringLiteral("expansion")].toInteger();
            }
        return m;
    };
    const Mrr start = mrr();
    QCOMPARE(start.last, start.now);

    r = run({QStringLiteral("subscription"), QStringLiteral("update"), id,
             QStringLiteral("--price"), price},
            cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject item
        = r.json()[QStringLiteral("items")][QStringLiteral("data")][0].toObject();
    QCOMPARE(item[QStringLiteral("price")][QStringLiteral("id")].toString(), price);
    QCOMPARE(item[QStringLiteral("quantity")].toInteger(), quantity);
    QCOMPARE(endpoint(updates), before + 1);
    // The proration made is the one previewed, to the second (it waits for the next invoice).
    const QJsonObject next
        = m_http->get(QStringLiteral("/v1/invoices/upcoming?subscription=") + id).json;
    qint64 made = 0;
    for (const QJsonValue &line : next[QStringLiteral("lines")][QStringLiteral("data")].toArray())
        if (line[QStringLiteral("proration")].toBool())
            made += line[QStringLiteral("amount")].toInteger();
    QVERIFY2(std::abs(made - previewed) <= 1, qPrintable(QString::number(made - previewed)));
    // Run again: nothing sent.
    r = run({QStringLiteral("subscription"), QStringLiteral("update"), id,
             QStringLiteral("--price"), price},
            cache);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 1);

    r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Mrr changed = mrr();
    const qint64 difference = (newUnit - oldUnit) * quantity;
    QCOMPARE(changed.now, start.now + difference);
    QCOMPARE(changed.last, changed.now);
    QCOMPARE(changed.expansion, start.expansion + difference);
}

// An item added with `subscription update --add` and removed with `--remove`: each made once
// (a re-run sends nothing), MRR moved by exactly the item's amount after the next sync, and what
// Stripe would refuse (the last item, a price it has already, another interval) refused first.
void TestStaffCommands::itemAddedThenRemovedOnce()
{
    const QString cache = QStringLiteral("items.sqlite");
    Result r = run({QStringLiteral("sync")}, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QString id, currency, oldPrice, oldItem, price, yearly;
    qint64 unit = 0;
    {
        paydesk::models::sql::Database db;
        QVERIFY(db.open(m_dir.filePath(cache), false));
        paydesk::models::sql::Statement s = db.prepare(QStringLiteral(
            "SELECT s.id, s.currency, si.price, si.id FROM subscriptions s JOIN subscription_items "
            "si ON si.subscription = s.id WHERE s.status = 'active' AND s.deleted = 0 AND "
            "s.pause_behavior IS NULL AND s.discount_coupon IS NULL AND s.cancel_at IS NULL AND "
            "si.recurring_interval = 'month' AND coalesce(si.recurring_interval_count, 1) = 1 AND "
            "(SELECT count(*) FROM subscription_items x WHERE x.subscription = s.id) = 1 AND "
            // Its currency has another monthly price and a yearly one (the demo's history ends
            // at the clock, so which subscription comes 6th differs from run to run).
            "EXISTS (SELECT 1 FROM prices p WHERE p.deleted = 0 AND p.active = 1 AND p.type = "
            "'recurring' AND p.recurring_interval = 'year' AND p.currency = s.currency) AND "
            "EXISTS (SELECT 1 FROM prices p WHERE p.deleted = 0 AND p.active = 1 AND p.type = "
            "'recurring' AND p.recurring_interval = 'month' AND "
            "coalesce(p.recurring_interval_count, "
            "1) = 1 AND p.currency = s.currency AND p.id <> si.price) ORDER BY s.id LIMIT 1 OFFSET "
            "5"));
        QVERIFY(s.step());
        id = s.text(0);
        currency = s.text(1);
        oldPrice = s.text(2);
        oldItem = s.text(3);
        s = db.prepare(QStringLiteral(
            "SELECT id, unit_amount FROM prices WHERE deleted = 0 AND active = 1 AND type = "
            "'recurring' AND recurring_interval = 'month' AND coalesce(recurring_interval_count, "
            "1) = 1 AND currency = ?1 AND id <> ?2 ORDER BY unit_amount LIMIT 1"));
        s.bind(1, currency);
        s.bind(2, oldPrice);
        QVERIFY(s.step());
        price = s.text(0);
        unit = s.int64(1);
        s = db.prepare(QStringLiteral(
            "SELECT id FROM prices WHERE deleted = 0 AND active = 1 AND type = 'recurring' AND "
            "recurring_interval = 'year' AND currency = ?1 LIMIT 1"));
        s.bind(1, currency);
        QVERIFY(s.step());
        yearly = s.text(0);
    }
    const auto mrrNow = [&] {
        const Result report = run({QStringLiteral("report"), QStringLiteral("mrr"),
                                   QStringLiteral("--format"), QStringLiteral("json")},
                                  cache);
        for (const QJsonValue &v : report.json()[QStringLiteral("mrr")].toArray())
            if (v[QStringLiteral("currency")].toString() == currency)
                return v[QStringLiteral("mrr")].toInteger();
        return qint64(-1);
    };
    const char *updates = "POST /v1/subscriptions/:id";
    const qint64 before = endpoint(updates);
    const qint64 start = mrrNow();
    // Refused before anything is sent.
    const QList<QPair<QStringList, QString>> refused {
        {{QStringLiteral("--item"), oldItem, QStringLiteral("--remove")},
         QStringLiteral("needs at least one item")},
        {{QStringLiteral("--add"), QStringLiteral("--price"), oldPrice},
         QStringLiteral("already has an item of")},
        {{QStringLiteral("--add"), QStringLiteral("--price"), yearly},
         QStringLiteral("all its items bill at one interval")},
    };
    for (const auto &[options, message] : refused) {
        r = run(QStringList {QStringLiteral("subscription"), QStringLiteral("update"), id}
                    + options,
                cache);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
    QCOMPARE(endpoint(updates), before);

    const QStringList add {
        QStringLiteral("subscription"), QStringLiteral("update"),  id,
        QStringLiteral("--add"),        QStringLiteral("--price"), price,
        QStringLiteral("--quantity"),   QStringLiteral("2"),       QStringLiteral("--proration"),
        QStringLiteral("none")};
    r = run(add, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QJsonArray items = r.json()[QStringLiteral("items")][QStringLiteral("data")].toArray();
    QCOMPARE(items.size(), 2);
    QString added;
    for (const QJsonValue &v : std::as_const(items))
        if (v[QStringLiteral("price")][QStringLiteral("id")].toString() == price) {
            added = v[QStringLiteral("id")].toString();
            QCOMPARE(v[QStringLiteral("quantity")].toInteger(), 2);
        }
    QVERIFY(!added.isEmpty());
    QCOMPARE(endpoint(updates), before + 1);
    r = run(add, cache);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 1);
    QVERIFY2(run({QStringLiteral("sync")}, cache).exitCode == 0, "sync");
    QCOMPARE(mrrNow(), start + 2 * unit);

    // Removed: the subscription is back to its one item, and so is MRR.
    const QStringList remove {QStringLiteral("subscription"),
                              QStringLiteral("update"),
                              id,
                              QStringLiteral("--item"),
                              added,
                              QStringLiteral("--remove"),
                              QStringLiteral("--proration"),
                              QStringLiteral("none")};
    r = run(remove, cache);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    items = r.json()[QStringLiteral("items")][QStringLiteral("data")].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first()[QStringLiteral("id")].toString(), oldItem);
    QCOMPARE(endpoint(updates), before + 2);
    r = run(remove, cache);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(endpoint(updates), before + 2);
    QVERIFY2(run({QStringLiteral("sync")}, cache).exitCode == 0, "sync");
    QCOMPARE(mrrNow(), start);
}

// A dispute's evidence saved as a draft, then submitted — once: a re-run sends nothing and a
// second submission is refused before it is sent; another dispute accepted (closed as lost);
// bad input and what Stripe refuses in a dispute's state are refused first; the next sync
// brings each change into the cache.
void TestStaffCommands::disputeEvidenceSubmittedOnceAndAccepted()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // Two payments the cardholder disputes at once (Stripe's test card), and the demo's
    // decided disputes and past-due ones.
    QStringList open;
    for (int i = 0; i < 2; ++i) {
        const auto pi = m_http->post(
            QStringLiteral("/v1/payment_intents"),
            {{QStringLiteral("amount"), QStringLiteral("4200")},
             {QStringLiteral("currency"), QStringLiteral("usd")},
             {QStringLiteral("payment_method"), QStringLiteral("pm_card_createDispute")},
             {QStringLiteral("confirm"), QStringLiteral("true")}});
        QCOMPARE(pi.status, 200);
        const QString charge = pi.json[QStringLiteral("latest_charge")].toString();
        const auto list = m_http->get(QStringLiteral("/v1/disputes?charge=") + charge);
        const QJsonObject d = list.json[QStringLiteral("data")][0].toObject();
        QCOMPARE(d[QStringLiteral("status")].toString(), QStringLiteral("needs_response"));
        QVERIFY(d[QStringLiteral("evidence_details")][QStringLiteral("due_by")].toInteger() > now);
        QVERIFY(m_http->get(QStringLiteral("/v1/charges/") + charge)
                    .json[QStringLiteral("disputed")]
                    .toBool());
        open.append(d[QStringLiteral("id")].toString());
    }
    QString closed, pastDue;
    for (const QJsonValue &d : m_http->get(QStringLiteral("/v1/disputes?limit=100"))
                                   .json[QStringLiteral("data")]
                                   .toArray()) {
        const QString status = d[QStringLiteral("status")].toString();
        if ((status == QLatin1String("won") || status == QLatin1String("lost")) && closed.isEmpty())
            closed = d[QStringLiteral("id")].toString();
        if (status == QLatin1String("needs_response")
            && d[QStringLiteral("evidence_details")][QStringLiteral("due_by")].toInteger() < now)
            pastDue = d[QStringLiteral("id")].toString();
    }
    QVERIFY(!closed.isEmpty());
    const QString dp = open.at(0);
    const char *updates = "POST /v1/disputes/:id";
    const char *closes = "POST /v1/disputes/:id/close";
    const qint64 before = endpoint(updates) + endpoint(closes);

    const QList<QPair<QStringList, QString>> usage {
        {{QStringLiteral("evidence"), dp}, QStringLiteral("give the evidence with --field")},
        {{QStringLiteral("evidence"), dp, QStringLiteral("--field"), QStringLiteral("favourite=1")},
         QStringLiteral("favourite is not an evidence text field")},
        {{QStringLiteral("evidence"), dp, QStringLiteral("--field"), QStringLiteral("receipt")},
         QStringLiteral("--field takes KEY=TEXT")},
        {{QStringLiteral("evidence"), dp, QStringLiteral("--file"),
          QStringLiteral("receipt=/nonexistent/r.pdf")},
         QStringLiteral("cannot read /nonexistent/r.pdf")},
        {{QStringLiteral("accept"), dp, QStringLiteral("--submit")},
         QStringLiteral("options of 'dispute evidence'")},
        {{QStringLiteral("respond"), dp}, QStringLiteral("use 'dispute evidence")},
    };
    for (const auto &[args, message] : usage) {
        const Result r = run(QStringList {QStringLiteral("dispute")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
    QCOMPARE(endpoint(updates) + endpoint(closes), before);

    const QStringList draft {QStringLiteral("dispute"),
                             QStringLiteral("evidence"),
                             dp,
                             QStringLiteral("--field"),
                             QStringLiteral("product_description=Coffee beans, 1 kg, roasted to "
                                            "order"),
                             QStringLiteral("--field"),
                             QStringLiteral("customer_name=Ada Lovelace")};
    Result r = run(draft);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("needs_response"));
    QCOMPARE(r.json()[QStringLiteral("evidence")][QStringLiteral("customer_name")].toString(),
             QStringLiteral("Ada Lovelace"));
    QVERIFY(r.json()[QStringLiteral("evidence_details")][QStringLiteral("has_evidence")].toBool());
    QCOMPARE(endpoint(updates), before + 1);
    r = run(draft);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint(updates), before + 1);

    const QStringList submit {QStringLiteral("dispute"),
                              QStringLiteral("evidence"),
                              dp,
                              QStringLiteral("--field"),
                              QStringLiteral("uncategorized_text=Delivered on 2 Nov, signed for"),
                              QStringLiteral("--submit")};
    r = run(submit);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("under_review"));
    QCOMPARE(r.json()[QStringLiteral("evidence_details")][QStringLiteral("submission_count")]
                 .toInteger(),
             1);
    // Both the draft's fields and the submitted one are in.
    QCOMPARE(r.json()[QStringLiteral("evidence")][QStringLiteral("customer_name")].toString(),
             QStringLiteral("Ada Lovelace"));
    QCOMPARE(endpoint(updates), before + 2);
    r = run(submit);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(endpoint(updates), before + 2);
    // Submitted: no more evidence, no second submission, no accepting it.
    for (const QStringList &args :
         {QStringList {QStringLiteral("evidence"), dp, QStringLiteral("--field"),
                       QStringLiteral("customer_name=Ada"), QStringLiteral("--submit")},
          QStringList {QStringLiteral("accept"), dp}}) {
        r = run(QStringList {QStringLiteral("dispute")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("submitted already")), qPrintable(r.err));
    }
    r = run({QStringLiteral("dispute"), QStringLiteral("accept"), closed});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("The dispute is closed")), qPrintable(r.err));
    if (!pastDue.isEmpty()) {
        r = run({QStringLiteral("dispute"), QStringLiteral("evidence"), pastDue,
                 QStringLiteral("--field"), QStringLiteral("customer_name=Late")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("deadline for a response passed")),
                 qPrintable(r.err));
    }
    QCOMPARE(endpoint(updates) + endpoint(closes), before + 2);

    r = run({QStringLiteral("dispute"), QStringLiteral("accept"), open.at(1)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("lost"));
    r = run({QStringLiteral("dispute"), QStringLiteral("accept"), open.at(1)});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(endpoint(updates) + endpoint(closes), before + 3);

    r = run({QStringLiteral("sync")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false));
    for (const auto &[id, status] : {std::pair {dp, QStringLiteral("under_review")},
                                     std::pair {open.at(1), QStringLiteral("lost")}}) {
        paydesk::models::sql::Statement s
            = db.prepare(QStringLiteral("SELECT status FROM disputes WHERE id = ?1"));
        s.bind(1, id);
        QVERIFY(s.step());
        QCOMPARE(s.text(0), status);
    }
}

void TestStaffCommands::invoiceCreateBadInputSendsNothing_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QStringList create {QStringLiteral("invoice"), QStringLiteral("create"),
                              QStringLiteral("--customer"), QStringLiteral("CUSTOMER")};
    auto with = [&](std::initializer_list<const char *> more) {
        QStringList args = create;
        for (const char *m : more)
            args.append(QString::fromUtf8(m));
        return args;
    };
    QTest::newRow("empty invoice") << with({}) << QStringLiteral("needs at least one line");
    QTest::newRow("no customer") << QStringList {
        QStringLiteral("invoice"), QStringLiteral("create"), QStringLiteral("--item"),
        QStringLiteral("x=1")} << QStringLiteral("--customer CUS_ID");
    QTest::newRow("too many decimals") << with({"--item", "Setup=12.505", "--currency", "usd"})
                                       << QStringLiteral("at most 2 decimal places");
    QTest::newRow("decimals in yen")
        << with({"--item", "Setup=100.5", "--currency", "jpy"}) << QStringLiteral("decimal");
    QTest::newRow("zero amount") << with({"--item", "Setup=0", "--currency", "usd"})
                                 << QStringLiteral("more than zero");
    QTest::newRow("quantity zero") << with({"--item", "ONETIME:0"}) << QStringLiteral("at least 1");
    QTest::newRow("recurring price")
        << with({"--item", "RECURRING"}) << QStringLiteral("is recurring");
    QTest::newRow("price in another currency") << with({"--item", "ONETIME", "--currency", "jpy"})
                                               << QStringLiteral("but the invoice is in");
    QTest::newRow("due beyond the limit")
        << with({"--item", "x=1", "--currency", "usd", "--days-until-due", "2000"})
        << QStringLiteral("at most five years");
    QTest::newRow("send without a due date")
        << with({"--item", "x=1", "--send"}) << QStringLiteral("give --days-until-due");
    QTest::newRow("currency not a code")
        << with({"--item", "x=1", "--currency", "dollars"}) << QStringLiteral("not a currency");
    QTest::newRow("customer unknown")
        << QStringList {QStringLiteral("invoice"),    QStringLiteral("create"),
                        QStringLiteral("--customer"), QStringLiteral("cus_nobody"),
                        QStringLiteral("--item"),     QStringLiteral("x=1")}
        << QStringLiteral("No such customer");
}

// Every rule of `invoice create` refuses before anything is stored or sent.
void TestStaffCommands::invoiceCreateBadInputSendsNothing()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QJsonArray prices = m_http->get(QStringLiteral("/v1/prices?limit=100"))
                                  .json[QStringLiteral("data")]
                                  .toArray();
    QString oneTime, recurring;
    for (const QJsonValue &p : prices) {
        if (p[QStringLiteral("currency")].toString() != QLatin1String("usd"))
            continue;
        (p[QStringLiteral("type")].toString() == QLatin1String("one_time") ? oneTime : recurring)
            = p[QStringLiteral("id")].toString();
    }
    QVERIFY(!oneTime.isEmpty() && !recurring.isEmpty());
    const QString customer = m_http->get(QStringLiteral("/v1/customers?limit=1"))
                                 .json[QStringLiteral("data")][0][QStringLiteral("id")]
                                 .toString();
    args.replaceInStrings(QStringLiteral("CUSTOMER"), customer);
    args.replaceInStrings(QStringLiteral("ONETIME"), oneTime);
    args.replaceInStrings(QStringLiteral("RECURRING"), recurring);
    const qint64 posts = endpoint("POST /v1/invoices") + endpoint("POST /v1/invoiceitems");
    const Result r = run(args, QStringLiteral("badinvoice.sqlite"));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
    QCOMPARE(endpoint("POST /v1/invoices") + endpoint("POST /v1/invoiceitems"), posts);
    if (QFile::exists(m_dir.filePath(QStringLiteral("badinvoice.sqlite")))) {
        paydesk::models::sql::Database db;
        QVERIFY(db.open(m_dir.filePath(QStringLiteral("badinvoice.sqlite")), false));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM outbox")), 0);
    }
}

// `invoice create --finalize --send` killed with SIGKILL at random points (while requests are
// slowed down so that the kills fall between and inside the steps), then run once more: one
// invoice with each line once, finalized once and sent once.
void TestStaffCommands::invoiceCreatedOnceAcrossKills()
{
    const QJsonArray prices = m_http->get(QStringLiteral("/v1/prices?limit=100"))
                                  .json[QStringLiteral("data")]
                                  .toArray();
    QString oneTime;
    for (const QJsonValue &p : prices)
        if (p[QStringLiteral("currency")].toString() == QLatin1String("eur")
            && p[QStringLiteral("type")].toString() == QLatin1String("one_time"))
            oneTime = p[QStringLiteral("id")].toString();
    QVERIFY(!oneTime.isEmpty());
    const QString customer = m_http->get(QStringLiteral("/v1/customers?limit=3"))
                                 .json[QStringLiteral("data")][2][QStringLiteral("id")]
                                 .toString();
    auto invoicesOf = [&] {
        return m_http->get(QStringLiteral("/v1/invoices?limit=100&customer=") + customer)
            .json[QStringLiteral("data")]
            .toArray();
    };
    const qsizetype before = invoicesOf().size();
    const QString memo = QStringLiteral("Kill test %1").arg(QDateTime::currentMSecsSinceEpoch());
    const QStringList args {
        QStringLiteral("invoice"),          QStringLiteral("create"),
        QStringLiteral("--customer"),       customer,
        QStringLiteral("--currency"),       QStringLiteral("eur"),
        QStringLiteral("--item"),           oneTime + QStringLiteral(":2"),
        QStringLiteral("--item"),           QStringLiteral("Installation=45.00"),
        QStringLiteral("--item"),           QStringLiteral("Travel, 30 km=12.60"),
        QStringLiteral("--days-until-due"), QStringLiteral("30"),
        QStringLiteral("--memo"),           memo,
        QStringLiteral("--finalize"),       QStringLiteral("--send")};
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("250")}})
                 .status,
             200);
    QRandomGenerator random(20261203);
    int killed = 0;
    QList<int> reached;
    for (int round = 0; round < 12; ++round) {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(PeerProcess::paydeskBinary(), args + common(QStringLiteral("killcreate.sqlite")));
        QVERIFY(p.waitForStarted());
        if (p.waitForFinished(int(random.bounded(250, 1300))))
            break; // Finished before the kill: nothing left to interrupt.
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        ++killed;
        // How far it got: the steps committed to the outbox (create, 3 lines, finalize, send).
        paydesk::models::sql::Database db;
        if (db.open(m_dir.filePath(QStringLiteral("killcreate.sqlite")), false))
            reached.append(int(db.scalar(QStringLiteral("SELECT count(*) FROM outbox"))));
    }
    qInfo() << "steps committed when each run was killed:" << reached;
    // At least one kill fell between the first and the last step.
    QVERIFY(std::any_of(reached.cbegin(), reached.cend(), [](int n) { return n > 0 && n < 6; }));
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("0")}})
                 .status,
             200);
    QVERIFY(killed >= 3);
    const Result r = run(args, QStringLiteral("killcreate.sqlite"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString id = r.json()[QStringLiteral("id")].toString();
    QVERIFY(id.startsWith(QLatin1String("in_")));

    // One invoice, each line once, finalized and sent once.
    const QJsonArray invoices = invoicesOf();
    QCOMPARE(invoices.size(), before + 1);
    const QJsonObject invoice = m_http->get(QStringLiteral("/v1/invoices/") + id).json;
    QCOMPARE(invoice[QStringLiteral("description")].toString(), memo);
    QCOMPARE(invoice[QStringLiteral("status")].toString(), QStringLiteral("open"));
    QCOMPARE(invoice[QStringLiteral("collection_method")].toString(),
             QStringLiteral("send_invoice"));
    const QJsonArray lines = invoice[QStringLiteral("lines")][QStringLiteral("data")].toArray();
    QCOMPARE(lines.size(), 3);
    qint64 unit = 0;
    for (const QJsonValue &p : prices)
        if (p[QStringLiteral("id")].toString() == oneTime)
            unit = p[QStringLiteral("unit_amount")].toInteger();
    QCOMPARE(invoice[QStringLiteral("total")].toInteger(), 2 * unit + 4500 + 1260);
    auto events = [&](const char *type) {
        int n = 0;
        QString after;
        for (;;) {
            const QJsonObject page
                = m_http
                      ->get(QStringLiteral("/v1/events?limit=100&type=%1%2")
                                .arg(QLatin1String(type),
                                     after.isEmpty() ? QString()
                                                     : QStringLiteral("&starting_after=") + after))
                      .json;
            for (const QJsonValue &e : page[QStringLiteral("data")].toArray()) {
                if (e[QStringLiteral("data")][QStringLiteral("object")][QStringLiteral("id")]
                        .toString()
                    == id)
                    ++n;
                after = e[QStringLiteral("id")].toString();
            }
            if (!page[QStringLiteral("has_more")].toBool())
                return n;
        }
    };
    QCOMPARE(events("invoice.created"), 1);
    QCOMPARE(events("invoice.finalized"), 1);
    QCOMPARE(events("invoice.sent"), 1);
    // Run again: nothing sent.
    const qint64 posts = endpoint("POST /v1/invoices") + endpoint("POST /v1/invoiceitems")
        + endpoint("POST /v1/invoices/:id/send");
    const Result again = run(args, QStringLiteral("killcreate.sqlite"));
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.err.contains(QStringLiteral("already done")), qPrintable(again.err));
    QCOMPARE(endpoint("POST /v1/invoices") + endpoint("POST /v1/invoiceitems")
                 + endpoint("POST /v1/invoices/:id/send"),
             posts);
}

void TestStaffCommands::reRunNeverActsTwice()
{
    const QString ch = takeCharge();
    const QString cache = QStringLiteral("rerun.sqlite");
    auto refunded = [&] {
        return charge(ch)[QStringLiteral("amount_refunded")].toInteger();
    };
    const QStringList half {QStringLiteral("refund"), ch, QStringLiteral("--amount"),
                            QStringLiteral("0.50")};
    Result r = run(half, cache);
    QCOMPARE(r.exitCode, 0);
    const QString first = r.json()[QStringLiteral("id")].toString();
    QVERIFY(first.startsWith(QLatin1String("re_")));
    QCOMPARE(refunded(), 50);

    // A script re-run after it finished: the earlier result, nothing sent, whatever the
    // spelling of the amount.
    const qint64 posts = endpoint("POST /v1/refunds");
    for (const QString &amount :
         {QStringLiteral("0.50"), QStringLiteral("0.5"), QStringLiteral("00.500")}) {
        r = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), amount}, cache);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
        QVERIFY2(r.err.contains(first), qPrintable(r.err));
        QCOMPARE(r.json()[QStringLiteral("id")].toString(), first);
    }
    QCOMPARE(endpoint("POST /v1/refunds"), posts);
    QCOMPARE(refunded(), 50);

    // Another amount is another action; --again repeats one on purpose.
    r = run(half + QStringList {QStringLiteral("--again")}, cache);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.json()[QStringLiteral("id")].toString() != first);
    QCOMPARE(refunded(), 100);

    // A key of the user's: never twice, also long after Stripe forgot it; not for another
    // action; not with --again.
    const QStringList keyed {QStringLiteral("refund"),
                             ch,
                             QStringLiteral("--amount"),
                             QStringLiteral("0.25"),
                             QStringLiteral("--idempotency-key"),
                             QStringLiteral("order-77-line-3")};
    r = run(keyed, cache);
    QCOMPARE(r.exitCode, 0);
    const QString keyedId = r.json()[QStringLiteral("id")].toString();
    QCOMPARE(refunded(), 125);
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(cache), false));
    QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM outbox WHERE idempotency_key = "
                                      "'order-77-line-3' AND state = 'succeeded'")),
             1);
    // Two days later (Stripe keeps keys 24 hours): the outbox still knows it.
    QVERIFY(db.exec(QStringLiteral("UPDATE outbox SET updated_at = updated_at - 2 * 86400, "
                                   "created_at = created_at - 2 * 86400")));
    r = run(keyed, cache);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("id")].toString(), keyedId);
    QCOMPARE(refunded(), 125);
    r = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("0.30"),
             QStringLiteral("--idempotency-key"), QStringLiteral("order-77-line-3")},
            cache);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("was used for another action")), qPrintable(r.err));
    r = run(keyed + QStringList {QStringLiteral("--again")}, cache);
    QCOMPARE(r.exitCode, 2);
    r = run({QStringLiteral("refund"), ch, QStringLiteral("--amount"), QStringLiteral("0.30"),
             QStringLiteral("--idempotency-key"), QStringLiteral("has space")},
            cache);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(refunded(), 125);

    // Without a key, the 24 hours are over: the same command acts again.
    r = run(half, cache);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(!r.err.contains(QStringLiteral("already done")), qPrintable(r.err));
    QCOMPARE(refunded(), 175);

    // A new customer twice: one customer.
    const QStringList create {QStringLiteral("customer"), QStringLiteral("create"),
                              QStringLiteral("--email"),  QStringLiteral("twice@example.com"),
                              QStringLiteral("--name"),   QStringLiteral("Once Only")};
    r = run(create, cache);
    QCOMPARE(r.exitCode, 0);
    const QString customer = r.json()[QStringLiteral("id")].toString();
    const qint64 creates = endpoint("POST /v1/customers");
    r = run(create, cache);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json()[QStringLiteral("id")].toString(), customer);
    QCOMPARE(endpoint("POST /v1/customers"), creates);
}

// Invoices of the demo merchant in `status` with something still owed, most recent first.
static QStringList owedInvoices(HttpClient &http, const char *status)
{
    QStringList ids;
    const HttpClient::Response list
        = http.get(QStringLiteral("/v1/invoices?status=%1&limit=20").arg(QLatin1String(status)));
    for (const QJsonValue &in : list.json[QStringLiteral("data")].toArray())
        if (in[QStringLiteral("amount_remaining")].toInteger() > 0)
            ids.append(in[QStringLiteral("id")].toString());
    return ids;
}

void TestStaffCommands::invoicePaidOnceAndNothingAfter()
{
    const QStringList open = owedInvoices(*m_http, "open");
    QVERIFY(!open.isEmpty());
    const QString id = open.first();
    Result r = run({QStringLiteral("invoice"), QStringLiteral("pay"), QStringLiteral("sub_1")});
    QCOMPARE(r.exitCode, 2);
    r = run(
        {QStringLiteral("invoice"), QStringLiteral("void"), id, QStringLiteral("--out-of-band")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--out-of-band")), qPrintable(r.err));

    const qint64 pays = endpoint("POST /v1/invoices/:id/pay");
    r = run({QStringLiteral("invoice"), QStringLiteral("pay"), id});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("paid"));
    QCOMPARE(r.json()[QStringLiteral("amount_remaining")].toInteger(), qint64(0));
    QVERIFY(r.json()[QStringLiteral("charge")].toString().startsWith(QLatin1String("ch_")));
    QCOMPARE(endpoint("POST /v1/invoices/:id/pay"), pays + 1);
    // Run again: the earlier outcome, nothing sent.
    r = run({QStringLiteral("invoice"), QStringLiteral("pay"), id});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    QCOMPARE(endpoint("POST /v1/invoices/:id/pay"), pays + 1);
    // A paid invoice cannot be voided: refused before anything is sent.
    const qint64 voids = endpoint("POST /v1/invoices/:id/void");
    r = run({QStringLiteral("invoice"), QStringLiteral("void"), id});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("invoice that is paid")), qPrintable(r.err));
    QCOMPARE(endpoint("POST /v1/invoices/:id/void"), voids);
    // The cache holds the paid invoice.
    paydesk::models::sql::Database db;
    QVERIFY(db.open(m_dir.filePath(QStringLiteral("staff.sqlite")), false));
    paydesk::models::sql::Statement s
        = db.prepare(QStringLiteral("SELECT status FROM invoices WHERE id = ?1"));
    s.bind(1, id);
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("paid"));
}

void TestStaffCommands::invoiceWrittenOffThenPaidOutOfBand()
{
    const QStringList open = owedInvoices(*m_http, "open");
    QVERIFY(!open.isEmpty());
    const QString id = open.last();
    Result r = run({QStringLiteral("invoice"), QStringLiteral("mark-uncollectible"), id});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("uncollectible"));
    const qint64 charges = counter("payment_intents_created");
    r = run(
        {QStringLiteral("invoice"), QStringLiteral("pay"), id, QStringLiteral("--out-of-band")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("status")].toString(), QStringLiteral("paid"));
    QVERIFY(r.json()[QStringLiteral("paid_out_of_band")].toBool());
    QCOMPARE(counter("payment_intents_created"), charges);
}

// `dispute evidence --file … --submit` killed with SIGKILL at random points of the uploads and
// the submission (requests slowed down), then run once more: each file uploaded once, the
// evidence submitted once, with those files.
void TestStaffCommands::disputeFilesUploadedOnceAcrossKills()
{
    const auto pi
        = m_http->post(QStringLiteral("/v1/payment_intents"),
                       {{QStringLiteral("amount"), QStringLiteral("3100")},
                        {QStringLiteral("currency"), QStringLiteral("usd")},
                        {QStringLiteral("payment_method"), QStringLiteral("pm_card_createDispute")},
                        {QStringLiteral("confirm"), QStringLiteral("true")}});
    QCOMPARE(pi.status, 200);
    const QString dp = m_http
                           ->get(QStringLiteral("/v1/disputes?charge=")
                                 + pi.json[QStringLiteral("latest_charge")].toString())
                           .json[QStringLiteral("data")][0][QStringLiteral("id")]
                           .toString();
    QVERIFY(dp.startsWith(QLatin1String("dp_")));
    auto write = [&](const QString &name, const QByteArray &content) {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            return QString();
        return f.fileName();
    };
    const QString receipt = write(QStringLiteral("receipt.pdf"),
                                  "%PDF-1.4\n% Northwind receipt " + dp.toLatin1() + "\n%%EOF\n");
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += QByteArray(20000, '\x07'); // A label photo, as far as Stripe can tell.
    const QString label = write(QStringLiteral("label.png"), png);
    const QString text = write(QStringLiteral("notes.txt"), "delivered\n");
    QByteArray big("%PDF-1.4\n");
    big += QByteArray(5 * 1024 * 1024, ' ');
    const QString huge = write(QStringLiteral("huge.pdf"), big);
    QVERIFY(!receipt.isEmpty() && !label.isEmpty() && !text.isEmpty() && !huge.isEmpty());

    // Bad input: nothing is uploaded, nothing sent.
    const char *uploads = "POST /v1/files";
    const char *updates = "POST /v1/disputes/:id";
    const qint64 before = endpoint(uploads), updatesBefore = endpoint(updates);
    const qint64 filesBefore = counter("files");
    const QList<QPair<QStringList, QString>> usage {
        {{QStringLiteral("--file"), QStringLiteral("receipt=") + text},
         QStringLiteral("PDF, JPEG or PNG")},
        {{QStringLiteral("--file"), QStringLiteral("receipt=") + huge},
         QStringLiteral("at most 5 MB")},
        {{QStringLiteral("--file"), QStringLiteral("selfie=") + receipt},
         QStringLiteral("selfie is not an evidence field that takes a file")},
        {{QStringLiteral("--file"), QStringLiteral("receipt=") + receipt, QStringLiteral("--file"),
          QStringLiteral("receipt=") + label},
         QStringLiteral("--file receipt is given twice")},
        {{QStringLiteral("--file"), QStringLiteral("receipt=") + receipt, QStringLiteral("--field"),
          QStringLiteral("receipt=file_x")},
         QStringLiteral("receipt takes a file, not text")},
    };
    for (const auto &[args, message] : usage) {
        const Result r
            = run(QStringList {QStringLiteral("dispute"), QStringLiteral("evidence"), dp} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
    QCOMPARE(endpoint(uploads), before);

    const QStringList args {QStringLiteral("dispute"),
                            QStringLiteral("evidence"),
                            dp,
                            QStringLiteral("--file"),
                            QStringLiteral("receipt=") + receipt,
                            QStringLiteral("--file"),
                            QStringLiteral("shipping_documentation=") + label,
                            QStringLiteral("--field"),
                            QStringLiteral("shipping_tracking_number=1Z999AA10123456784"),
                            QStringLiteral("--submit")};
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("250")}})
                 .status,
             200);
    QRandomGenerator random(20261204);
    QList<int> reached;
    for (int round = 0; round < 10; ++round) {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(PeerProcess::paydeskBinary(), args + common(QStringLiteral("killfiles.sqlite")));
        QVERIFY(p.waitForStarted());
        if (p.waitForFinished(int(random.bounded(200, 1100))))
            break; // Finished before the kill.
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        paydesk::models::sql::Database db;
        if (db.open(m_dir.filePath(QStringLiteral("killfiles.sqlite")), false))
            reached.append(int(db.scalar(QStringLiteral("SELECT count(*) FROM outbox"))));
    }
    qInfo() << "steps committed when each run was killed:" << reached;
    QVERIFY(std::any_of(reached.cbegin(), reached.cend(), [](int n) { return n > 0 && n < 3; }));
    QCOMPARE(m_http
                 ->post(QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latency_ms"), QStringLiteral("0")}})
                 .status,
             200);
    Result r = run(args, QStringLiteral("killfiles.sqlite"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    // Two files, once each; one submission, with them.
    QCOMPARE(counter("files"), filesBefore + 2);
    const QJsonObject d = m_http->get(QStringLiteral("/v1/disputes/") + dp).json;
    QCOMPARE(d[QStringLiteral("status")].toString(), QStringLiteral("under_review"));
    QCOMPARE(d[QStringLiteral("evidence_details")][QStringLiteral("submission_count")].toInteger(),
             1);
    const QJsonObject evidence = d[QStringLiteral("evidence")].toObject();
    QCOMPARE(evidence[QStringLiteral("shipping_tracking_number")].toString(),
             QStringLiteral("1Z999AA10123456784"));
    for (const char *field : {"receipt", "shipping_documentation"}) {
        const QString file = evidence[QLatin1String(field)].toString();
        QVERIFY2(file.startsWith(QLatin1String("file_")), field);
        const QJsonObject f = m_http->get(QStringLiteral("/v1/files/") + file).json;
        QCOMPARE(f[QStringLiteral("purpose")].toString(), QStringLiteral("dispute_evidence"));
        QCOMPARE(f[QStringLiteral("type")].toString(),
                 QLatin1String(field) == QLatin1String("receipt") ? QStringLiteral("pdf")
                                                                  : QStringLiteral("png"));
    }
    QCOMPARE(QFileInfo(label).size(),
             m_http
                 ->get(QStringLiteral("/v1/files/")
                       + evidence[QStringLiteral("shipping_documentation")].toString())
                 .json[QStringLiteral("size")]
                 .toInteger());
    QVERIFY(endpoint(updates) >= updatesBefore + 1);
    // Run again: already done, nothing uploaded or sent.
    const qint64 uploadsAfter = endpoint(uploads), updatesAfter = endpoint(updates);
    r = run(args, QStringLiteral("killfiles.sqlite"));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done")), qPrintable(r.err));
    QCOMPARE(endpoint(uploads), uploadsAfter);
    QCOMPARE(endpoint(updates), updatesAfter);
    QCOMPARE(counter("files"), filesBefore + 2);
}

void TestStaffCommands::radarReviewsAndEarlyFraudWarnings()
{
    // Two payments Radar's rule holds for review (elevated risk, Stripe's test card).
    QStringList charges;
    for (int i = 0; i < 2; ++i) {
        const auto pi = m_http->post(
            QStringLiteral("/v1/payment_intents"),
            {{QStringLiteral("amount"), QStringLiteral("7300")},
             {QStringLiteral("currency"), QStringLiteral("usd")},
             {QStringLiteral("payment_method"), QStringLiteral("pm_card_riskLevelElevated")},
             {QStringLiteral("confirm"), QStringLiteral("true")}});
        QCOMPARE(pi.status, 200);
        charges.append(pi.json[QStringLiteral("latest_charge")].toString());
    }
    const auto review = [this](const QString &charge) {
        const QString id = m_http->get(QStringLiteral("/v1/charges/") + charge)
                               .json[QStringLiteral("review")]
                               .toString();
        return m_http->get(QStringLiteral("/v1/reviews/") + id).json;
    };
    const QString held = review(charges.at(0))[QStringLiteral("id")].toString();
    QVERIFY2(held.startsWith(QStringLiteral("prv_")), qPrintable(held));
    QVERIFY(review(charges.at(0))[QStringLiteral("open")].toBool());
    const char *approves = "POST /v1/reviews/:id/approve";
    const qint64 before = endpoint(approves);

    // Bad input: nothing sent.
    Result r = run({QStringLiteral("review"), QStringLiteral("approve"), charges.at(0)});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("use 'review approve PRV_ID'")), qPrintable(r.err));
    QCOMPARE(endpoint(approves), before);

    // Approved once; the same command again does nothing; asked anew, Stripe's state refuses.
    const QStringList approve {QStringLiteral("review"), QStringLiteral("approve"), held};
    r = run(approve);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json()[QStringLiteral("open")].toBool(), false);
    QCOMPARE(r.json()[QStringLiteral("closed_reason")].toString(), QStringLiteral("approved"));
    QCOMPARE(endpoint(approves), before + 1);
    r = run(approve);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QStringLiteral("already done at")), qPrintable(r.err));
    r = run(approve + QStringList {QStringLiteral("--again")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("closed already (approved)")), qPrintable(r.err));
    QCOMPARE(endpoint(approves), before + 1);

    // Refunded as fraudulent: the other review closes as refunded_as_fraud.
    r = run({QStringLiteral("refund"), charges.at(1), QStringLiteral("--reason"),
             QStringLiteral("fraudulent")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(review(charges.at(1))[QStringLiteral("open")].toBool(), false);
    QCOMPARE(review(charges.at(1))[QStringLiteral("closed_reason")].toString(),
             QStringLiteral("refunded_as_fraud"));

    // The demo's early fraud warnings: listed by charge; one refunded in full is no longer
    // actionable. Their list takes no created filter, as Stripe's.
    const QJsonArray warnings
        = m_http->get(QStringLiteral("/v1/radar/early_fraud_warnings?limit=100"))
              .json[QStringLiteral("data")]
              .toArray();
    QVERIFY2(!warnings.isEmpty(), "the demo at scale 5000 has early fraud warnings");
    QJsonObject actionable;
    for (const QJsonValue &w : warnings)
        if (w[QStringLiteral("actionable")].toBool()
            && !m_http->get(QStringLiteral("/v1/charges/") + w[QStringLiteral("charge")].toString())
                    .json[QStringLiteral("amount_refunded")]
                    .toInteger())
            actionable = w.toObject();
    QVERIFY(!actionable.isEmpty());
    const QString warned = actionable[QStringLiteral("charge")].toString();
    const auto byCharge
        = m_http->get(QStringLiteral("/v1/radar/early_fraud_warnings?charge=") + warned);
    QCOMPARE(byCharge.json[QStringLiteral("data")].toArray().size(), 1);
    QCOMPARE(m_http->get(QStringLiteral("/v1/radar/early_fraud_warnings?created[gte]=1")).status,
             400);
    r = run({QStringLiteral("refund"), warned, QStringLiteral("--reason"),
             QStringLiteral("fraudulent")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(m_http
                 ->get(QStringLiteral("/v1/radar/early_fraud_warnings/")
                       + actionable[QStringLiteral("id")].toString())
                 .json[QStringLiteral("actionable")]
                 .toBool(),
             false);
}

QTEST_GUILESS_MAIN(TestStaffCommands)
#include "tst_staffcommands.moc"
