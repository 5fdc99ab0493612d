#include "models/actions/outbox.h"
#include "models/store/cache.h"
#include "models/store/cachereader.h"
#include "network/stripeclient.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/democache.h"
#include "tests/support/fakenetwork.h"
#include "tests/support/sandboxnetwork.h"
#include "ui/actioncontroller.h"
#include "ui/activitypage.h"
#include "ui/cancelsubscriptiondialog.h"
#include "ui/customerdialog.h"
#include "ui/detailpanel.h"
#include "ui/invoicecreatedialog.h"
#include "ui/invoicedialog.h"
#include "ui/mainwindow.h"
#include "ui/refunddialog.h"
#include "ui/subscriptiondialogs.h"
#include "ui/tablepage.h"
#include "ui/theme.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QUrlQuery>

using namespace paydesk;
using paydesk::tests::FakeNetworkAccessManager;
using paydesk::tests::FakeResponse;

// The staff action dialogs offscreen, on a cache of the demo merchant and a Stripe client whose
// network is a script: every input rule refuses before anything is stored or sent, a double
// click acts once, Stripe's refusals are read for a person on the field at fault, a lost answer
// is resent with the same key, and the Activity page and the action switches follow.
class TestStaffDialogs final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    std::unique_ptr<models::Cache> m_cache;
    FakeNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<network::StripeClient> m_client;
    std::unique_ptr<models::Outbox> m_outbox;
    QString m_usd; // A succeeded USD charge with nothing refunded, amount >= $20.
    QString m_jpy;

    QString chargeWhere(const QString &where)
    {
        models::sql::Statement s = m_cache->database().prepare(
            QStringLiteral("SELECT id FROM charges WHERE status = 'succeeded' AND "
                           "coalesce(json_extract(raw, '$.amount_refunded'), 0) = 0 AND "
                           "coalesce(json_extract(raw, '$.disputed'), 0) = 0 AND %1 ORDER BY id "
                           "LIMIT 1")
                .arg(where));
        return s.step() ? s.text(0) : QString();
    }
    QJsonObject raw(const QString &table, const QString &id)
    {
        models::sql::Statement s = m_cache->database().prepare(
            QStringLiteral("SELECT raw FROM %1 WHERE id = ?1").arg(table));
        s.bind(1, id);
        return s.step() ? QJsonDocument::fromJson(s.bytes(0)).object() : QJsonObject();
    }
    QString one(const QString &sql)
    {
        models::sql::Statement s = m_cache->database().prepare(sql);
        return s.step() ? s.text(0) : QString();
    }
    qint64 entries()
    {
        return m_cache->database().scalar(QStringLiteral("SELECT count(*) FROM outbox"));
    }
    std::unique_ptr<ui::RefundDialog> refundDialog(const QString &charge, bool live = false,
                                                   qint64 threshold = 0)
    {
        ui::ActionDialog::Options options;
        options.livemode = live;
        auto d = std::make_unique<ui::RefundDialog>(
            models::RefundTarget::fromCharge(raw(QStringLiteral("charges"), charge)), threshold,
            options);
        d->setOutbox(m_outbox.get());
        return d;
    }
    static void save(QWidget *w, const QString &name)
    {
        // Pictures for a person to look at: PAYDESK_SCREENSHOTS=dir.
        const QString dir = qEnvironmentVariable("PAYDESK_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        w->adjustSize();
        w->show();
        QCoreApplication::processEvents();
        w->grab().save(dir + u'/' + name + QStringLiteral(".png"));
    }

private Q_SLOTS:
    void initTestCase();
    void init();
    void refundInfo();
    void refundWarnsOfTheSameAmountRefundedToday();
    void refundRules_data();
    void refundRules();
    void refundLiveNeedsConfirmation();
    void refundAboveThresholdTypedTwice();
    void doubleClickActsOnce();
    void stripeRefusalIsReadOnTheField();
    void lostAnswerIsResentWithTheSameKey();
    void customerRules_data();
    void customerRules();
    void customerEditSendsOnlyChanges();
    void deleteNeedsTheEmailTyped();
    void cancelSubscriptionChoices();
    void invoiceActionsSendWhatTheStateAllows();
    void subscriptionChangeDialogs();
    void changePlanSendsWhatItPreviewed();
    void changePlanAddsAndRemovesItems();
    void couponDialogTakesAPromotionCode();
    void subscriptionDialogsByKeyboardAlone();
    void createInvoiceRules();
    void createInvoiceMakesEachStepOnce();
    void createInvoiceStopsAtARefusedStep();
    void actionsOffWhenOfflineOrReadOnly();
    void activityPageShowsOutboxAndAudit();
    void aRefundReloadsOnlyThePagesThatShowIt();
};

void TestStaffDialogs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("PaydeskTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_staffdialogs"));
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // The screenshots in the dark palette too: PAYDESK_SCREENSHOT_THEME=dark.
    if (qEnvironmentVariable("PAYDESK_SCREENSHOT_THEME") == QLatin1String("dark"))
        ui::theme::apply(ui::theme::Mode::Dark);
    m_file = m_dir.filePath(QStringLiteral("dialogs.sqlite"));
    QVERIFY(testsupport::fillDemoCache(m_file, 1500, 1763800000) > 0);
}

void TestStaffDialogs::init()
{
    // A fresh outbox and script for every test.
    m_outbox.reset();
    m_client.reset();
    m_cache = std::make_unique<models::Cache>();
    QVERIFY(m_cache->open(m_file));
    m_cache->database().exec(QStringLiteral("DELETE FROM outbox; DELETE FROM audit_log;"));
    network::StripeClientConfig config;
    config.apiKey = "sk_test_dialogs";
    config.apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
    config.maxRetries = 0;
    m_network = new FakeNetworkAccessManager;
    m_client = std::make_unique<network::StripeClient>(config, m_network);
    m_outbox = std::make_unique<models::Outbox>(m_cache.get(), m_client.get());
    m_usd = chargeWhere(QStringLiteral("currency = 'usd' AND amount >= 2000"));
    m_jpy = chargeWhere(QStringLiteral("currency = 'jpy'"));
    QVERIFY(!m_usd.isEmpty());
    QVERIFY(!m_jpy.isEmpty());
}

void TestStaffDialogs::refundInfo()
{
    const QJsonObject charge = raw(QStringLiteral("charges"), m_usd);
    const auto d = refundDialog(m_usd);
    const qint64 amount = charge[QStringLiteral("amount")].toInteger();
    QCOMPARE(d->findChild<QLabel *>(QStringLiteral("refundPaid"))->text(),
             QStringLiteral("$%1.%2")
                 .arg(QLocale().toString(amount / 100))
                 .arg(amount % 100, 2, 10, QLatin1Char('0')));
    QCOMPARE(d->findChild<QLabel *>(QStringLiteral("refundAlready"))->text(),
             QStringLiteral("$0.00"));
    QCOMPARE(d->findChild<QLabel *>(QStringLiteral("refundRefundable"))->text(),
             d->findChild<QLabel *>(QStringLiteral("refundPaid"))->text());
    QVERIFY(d->confirmButton()->isEnabled());
    save(d.get(), QStringLiteral("refund-dialog"));

    // A JPY payment shows whole yen.
    const auto j = refundDialog(m_jpy);
    QVERIFY(!j->findChild<QLabel *>(QStringLiteral("refundPaid"))->text().contains(u'.'));
    QVERIFY(j->findChild<QLabel *>(QStringLiteral("refundPaid"))->text().contains(u'¥'));

    // A fully refunded payment cannot be refunded: the button is off and says why.
    QJsonObject refunded = charge;
    refunded[QStringLiteral("amount_refunded")] = amount;
    refunded[QStringLiteral("refunded")] = true;
    ui::RefundDialog full(models::RefundTarget::fromCharge(refunded), 0, {});
    QVERIFY(!full.confirmButton()->isEnabled());
    QVERIFY(full.problemText().contains(QStringLiteral("refunded in full")));
}

void TestStaffDialogs::refundWarnsOfTheSameAmountRefundedToday()
{
    // A refund of $5.25 two hours ago (through the cache's refunds): typing $5.25 again says
    // so before it is sent; another amount does not. The button never names more than can be
    // refunded.
    const QJsonObject charge = raw(QStringLiteral("charges"), m_usd);
    QVERIFY(!charge.isEmpty());
    const qint64 created = QDateTime::currentSecsSinceEpoch() - 2 * 3600 - 60;
    const QJsonObject refund {{QStringLiteral("id"), QStringLiteral("re_earlier_today")},
                              {QStringLiteral("object"), QStringLiteral("refund")},
                              {QStringLiteral("amount"), 525},
                              {QStringLiteral("currency"), QStringLiteral("usd")},
                              {QStringLiteral("charge"), m_usd},
                              {QStringLiteral("status"), QStringLiteral("succeeded")},
                              {QStringLiteral("created"), created}};
    QVERIFY(m_cache->begin());
    QCOMPARE(m_cache->upsert(refund, created), models::Cache::Write::Written);
    QVERIFY(m_cache->commit());
    models::RefundTarget target = models::RefundTarget::fromCharge(charge);
    target.recent = models::staffactions::recentRefunds(m_cache->database(), m_usd,
                                                        QDateTime::currentSecsSinceEpoch() - 86400);
    QCOMPARE(target.recent.size(), 1);
    ui::RefundDialog d(target, 0, {});
    d.show(); // As opened: its size is the one before the warning.
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QLabel *warning = d.repeatWarning();
    QVERIFY(warning->isHidden());
    QTest::keyClicks(d.amountField(), QStringLiteral("5.25"));
    QVERIFY(!warning->isHidden());
    // Shown whole: the dialog grew for it (it was clipped to two of its three lines).
    QCoreApplication::processEvents();
    QVERIFY2(warning->height() >= warning->heightForWidth(warning->width()),
             qPrintable(QStringLiteral("%1 < %2")
                            .arg(warning->height())
                            .arg(warning->heightForWidth(warning->width()))));
    QVERIFY2(warning->text().contains(QStringLiteral("$5.25")), qPrintable(warning->text()));
    QVERIFY(warning->text().contains(QStringLiteral("re_earlier_today")));
    QVERIFY2(warning->text().contains(QStringLiteral("2 hours ago")), qPrintable(warning->text()));
    save(&d, QStringLiteral("refund-dialog-repeat-warning"));
    d.amountField()->clear();
    QTest::keyClicks(d.amountField(), QStringLiteral("5.30"));
    QVERIFY(warning->isHidden());
    QCOMPARE(d.confirmButton()->text(), QStringLiteral("Refund $5.30"));
    d.amountField()->clear();
    QTest::keyClicks(d.amountField(), QStringLiteral("999999"));
    QCOMPARE(d.confirmButton()->text(), QStringLiteral("Refund"));
    // Older than a day: no warning.
    QVERIFY(models::staffactions::recentRefunds(m_cache->database(), m_usd,
                                                QDateTime::currentSecsSinceEpoch())
                .isEmpty());
    QVERIFY(m_cache->begin());
    QCOMPARE(m_cache->markDeleted(QStringLiteral("refunds"), QStringLiteral("re_earlier_today"),
                                  created + 1),
             models::Cache::Write::Written);
    QVERIFY(m_cache->commit());
}

void TestStaffDialogs::refundRules_data()
{
    QTest::addColumn<bool>("yen");
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("metadata");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::newRow("zero") << false << QStringLiteral("0") << QString() << QStringLiteral("amount")
                          << QStringLiteral("more than zero");
    QTest::newRow("negative") << false << QStringLiteral("-5") << QString()
                              << QStringLiteral("amount") << QStringLiteral("negative");
    QTest::newRow("non-numeric") << false << QStringLiteral("ten dollars") << QString()
                                 << QStringLiteral("amount") << QStringLiteral("not a number");
    QTest::newRow("too many decimals")
        << false << QStringLiteral("1.005") << QString() << QStringLiteral("amount")
        << QStringLiteral("at most 2 decimal places");
    QTest::newRow("decimals for JPY") << true << QStringLiteral("100.5") << QString()
                                      << QStringLiteral("amount") << QStringLiteral("JPY");
    QTest::newRow("above refundable")
        << false << QStringLiteral("1000000") << QString() << QStringLiteral("amount")
        << QStringLiteral("can be refunded");
    QTest::newRow("overflow") << false << QStringLiteral("999999999999999999999") << QString()
                              << QStringLiteral("amount") << QStringLiteral("too large");
    QTest::newRow("metadata without =")
        << false << QStringLiteral("1") << QStringLiteral("order 42") << QStringLiteral("metadata")
        << QStringLiteral("key=value");
    QTest::newRow("metadata key brackets")
        << false << QStringLiteral("1") << QStringLiteral("a[0]=x") << QStringLiteral("metadata")
        << QStringLiteral("square brackets");
    QTest::newRow("metadata key twice")
        << false << QStringLiteral("1") << QStringLiteral("a=1\na=2") << QStringLiteral("metadata")
        << QStringLiteral("given twice");
    QTest::newRow("metadata value too long")
        << false << QStringLiteral("1") << QStringLiteral("a=") + QString(501, u'x')
        << QStringLiteral("metadata") << QStringLiteral("longer than 500");
}

void TestStaffDialogs::refundRules()
{
    QFETCH(bool, yen);
    QFETCH(QString, amount);
    QFETCH(QString, metadata);
    QFETCH(QString, field);
    QFETCH(QString, message);
    const auto d = refundDialog(yen ? m_jpy : m_usd);
    d->amountField()->setText(amount);
    d->metadataField()->setPlainText(metadata);
    QTest::mouseClick(d->confirmButton(), Qt::LeftButton);
    QCOMPARE(d->problemField(), field);
    QVERIFY2(d->problemText().contains(message), qPrintable(d->problemText()));
    QCOMPARE(d->entryId(), -1);
    QCOMPARE(entries(), 0); // Nothing stored…
    QCOMPARE(m_network->sent().size(), 0); // …and nothing sent.
    QVERIFY(d->confirmButton()->isEnabled()); // The form can be corrected.
    if (qstrcmp(QTest::currentDataTag(), "above refundable") == 0)
        save(d.get(), QStringLiteral("refund-dialog-error"));
}

void TestStaffDialogs::refundLiveNeedsConfirmation()
{
    const auto d = refundDialog(m_usd, true);
    QVERIFY(d->liveConfirmation());
    d->amountField()->setText(QStringLiteral("12.50"));
    // Names the amount and the customer.
    const QString text = d->liveConfirmation()->text();
    QVERIFY2(text.contains(QStringLiteral("$12.50")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("LIVE")), qPrintable(text));
    const QString customer
        = raw(QStringLiteral("charges"), m_usd)[QStringLiteral("customer")].toString();
    const QJsonObject c = raw(QStringLiteral("customers"), customer);
    QVERIFY2(
        text.contains(c[QStringLiteral("name")].toString().isEmpty()
                          ? customer
                          : c[QStringLiteral("name")].toString())
            || text.contains(raw(QStringLiteral("charges"),
                                 m_usd)[QStringLiteral("billing_details")][QStringLiteral("name")]
                                 .toString()),
        qPrintable(text));
    d->confirm();
    QCOMPARE(d->problemField(), QStringLiteral("confirm"));
    QCOMPARE(entries(), 0);
    QCOMPARE(m_network->sent().size(), 0);
    save(d.get(), QStringLiteral("refund-dialog-live"));
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral("{\"id\":\"re_live1\",\"object\":\"refund\",\"amount\":1250,"
                          "\"currency\":\"usd\",\"status\":\"succeeded\",\"charge\":\"")
            + m_usd.toLatin1() + "\"}"));
    d->liveConfirmation()->setChecked(true);
    d->confirm();
    QCOMPARE(entries(), 1);
    QTRY_COMPARE(d->result()[QStringLiteral("id")].toString(), QStringLiteral("re_live1"));
}

void TestStaffDialogs::refundAboveThresholdTypedTwice()
{
    const auto d = refundDialog(m_usd, false, 10); // $10 and more: typed twice.
    d->amountField()->setText(QStringLiteral("9.99"));
    QVERIFY(!d->needsAmountAgain());
    QVERIFY(d->amountAgainField()->isHidden());
    d->amountField()->setText(QStringLiteral("15.00"));
    QVERIFY(d->needsAmountAgain());
    QVERIFY(!d->amountAgainField()->isHidden());
    d->amountAgainField()->setText(QStringLiteral("15.01"));
    d->confirm();
    QCOMPARE(d->problemField(), QStringLiteral("amountAgain"));
    QVERIFY(d->problemText().contains(QStringLiteral("$15.00")));
    QCOMPARE(entries(), 0);
    // Empty amount = everything, which is above the threshold too.
    d->amountField()->clear();
    QVERIFY(d->needsAmountAgain());
    d->amountAgainField()->clear();
    d->confirm();
    QCOMPARE(d->problemField(), QStringLiteral("amountAgain"));
    QCOMPARE(m_network->sent().size(), 0);
    // Typed the same in another spelling of the locale: accepted.
    d->amountField()->setText(QStringLiteral("15"));
    d->amountAgainField()->setText(QStringLiteral("15.00"));
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral("{\"id\":\"re_t\",\"object\":\"refund\",\"amount\":1500,"
                          "\"currency\":\"usd\",\"status\":\"succeeded\"}")));
    d->confirm();
    QCOMPARE(entries(), 1);
    QTRY_COMPARE(d->result()[QStringLiteral("id")].toString(), QStringLiteral("re_t"));
}

void TestStaffDialogs::doubleClickActsOnce()
{
    const auto d = refundDialog(m_usd);
    d->amountField()->setText(QStringLiteral("2.00"));
    FakeResponse slow = FakeResponse::json(
        200,
        QByteArrayLiteral("{\"id\":\"re_once\",\"object\":\"refund\",\"amount\":200,"
                          "\"currency\":\"usd\",\"status\":\"succeeded\"}"));
    slow.delayMs = 200;
    m_network->enqueue(slow);
    d->show();
    // The button names the amount; Enter in the field does not refund (only the button does).
    QCOMPARE(d->confirmButton()->text(), QStringLiteral("Refund $2.00"));
    QTest::keyClick(d->amountField(), Qt::Key_Return);
    QCOMPARE(entries(), 0);
    QVERIFY(d->isVisible());
    QTest::mouseDClick(d->confirmButton(), Qt::LeftButton);
    QTest::mouseClick(d->confirmButton(), Qt::LeftButton);
    d->confirm();
    QCOMPARE(entries(), 1);
    QVERIFY(!d->confirmButton()->isEnabled());
    QTRY_COMPARE(d->result()[QStringLiteral("id")].toString(), QStringLiteral("re_once"));
    QCOMPARE(m_network->sent().size(), 1);
    QCOMPARE(m_network->sent().first().method, QByteArray("POST"));
    QVERIFY(m_network->sent().first().body.contains("amount=200"));
    QVERIFY(!m_network->sent().first().header("Idempotency-Key").isEmpty());
    QCOMPARE(d->result().value(QStringLiteral("amount")).toInteger(), 200);
    QCOMPARE(d->result(), QJsonDocument::fromJson(m_outbox->entry(d->entryId()).response).object());
    QCOMPARE(m_outbox->entry(d->entryId()).state, QStringLiteral("succeeded"));
}

void TestStaffDialogs::stripeRefusalIsReadOnTheField()
{
    const auto d = refundDialog(m_usd);
    d->amountField()->setText(QStringLiteral("3.00"));
    m_network->enqueue(FakeResponse::json(
        400,
        QByteArrayLiteral("{\"error\":{\"type\":\"invalid_request_error\",\"code\":"
                          "\"charge_already_refunded\",\"message\":\"Charge ch_x has already "
                          "been refunded.\"}}"),
        {{"Request-Id", "req_refused42"}}));
    d->confirm();
    QTRY_VERIFY(d->problemText().contains(QStringLiteral("already been refunded in full")));
    QCOMPARE(d->problemField(), QStringLiteral("amount"));
    QVERIFY(d->problemText().contains(QStringLiteral("req_refused42")));
    QVERIFY(!d->findChild<QToolButton *>(QStringLiteral("copyRequestId"))->isHidden());
    QVERIFY(d->confirmButton()->isEnabled());
    QCOMPARE(m_cache->database().scalar(QStringLiteral(
                 "SELECT count(*) FROM audit_log WHERE result = 'failed' AND request_id = "
                 "'req_refused42'")),
             1);
    save(d.get(), QStringLiteral("refund-dialog-refused"));

    // A permission error of a restricted key names the permission.
    m_network->enqueue(FakeResponse::json(
        403,
        QByteArrayLiteral("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The "
                          "provided key 'rk_test_***abcd' does not have the required permissions "
                          "for this endpoint on account 'acct_1'. Having the 'rak_refund_write' "
                          "permission would allow this request to continue.\"}}"),
        {{"Request-Id", "req_perm"}}));
    d->confirm();
    QTRY_VERIFY(d->problemText().contains(QStringLiteral("rak_refund_write")));
    QCOMPARE(entries(), 2);
}

void TestStaffDialogs::lostAnswerIsResentWithTheSameKey()
{
    const auto d = refundDialog(m_usd);
    d->amountField()->setText(QStringLiteral("4.00"));
    m_network->enqueue(FakeResponse::networkError(QNetworkReply::RemoteHostClosedError));
    d->confirm();
    QTRY_COMPARE(d->confirmButton()->text(), QStringLiteral("Send again"));
    QVERIFY(d->problemText().contains(QStringLiteral("cannot make it happen twice")));
    QVERIFY(d->isVisible() || !d->result().isEmpty() || d->result().isEmpty());
    const qint64 id = d->entryId();
    QVERIFY(id > 0);
    QCOMPARE(m_outbox->entry(id).state, QStringLiteral("pending"));
    QVERIFY(!d->amountField()->isEnabled()); // The amount of a queued refund cannot change.
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral("{\"id\":\"re_again\",\"object\":\"refund\",\"amount\":400,"
                          "\"currency\":\"usd\",\"status\":\"succeeded\"}")));
    d->confirm();
    QTRY_COMPARE(d->result()[QStringLiteral("id")].toString(), QStringLiteral("re_again"));
    QCOMPARE(entries(), 1);
    QCOMPARE(m_outbox->entry(id).attempts, 2);
    QCOMPARE(m_network->sent().size(), 2);
    QCOMPARE(m_network->sent().at(0).header("Idempotency-Key"),
             m_network->sent().at(1).header("Idempotency-Key"));
    QCOMPARE(m_network->sent().at(0).body, m_network->sent().at(1).body);
}

void TestStaffDialogs::customerRules_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("phone");
    QTest::addColumn<QString>("country");
    QTest::addColumn<QString>("metadata");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::newRow("email empty") << QString() << QString() << QString() << QString()
                                 << QStringLiteral("email") << QStringLiteral("Enter an email");
    QTest::newRow("email no domain")
        << QStringLiteral("ann@") << QString() << QString() << QString() << QStringLiteral("email")
        << QStringLiteral("not an email address");
    QTest::newRow("email no dot") << QStringLiteral("ann@example") << QString() << QString()
                                  << QString() << QStringLiteral("email")
                                  << QStringLiteral("not an email address");
    QTest::newRow("email two @") << QStringLiteral("a@b@example.com") << QString() << QString()
                                 << QString() << QStringLiteral("email")
                                 << QStringLiteral("not an email address");
    QTest::newRow("phone letters")
        << QStringLiteral("ann@example.com") << QStringLiteral("abc") << QString() << QString()
        << QStringLiteral("phone") << QStringLiteral("phone number");
    QTest::newRow("country name") << QStringLiteral("ann@example.com") << QString()
                                  << QStringLiteral("D1") << QString() << QStringLiteral("country")
                                  << QStringLiteral("two-letter ISO code");
    QTest::newRow("metadata key format")
        << QStringLiteral("ann@example.com") << QString() << QString()
        << QStringLiteral("plan[tier]=gold") << QStringLiteral("metadata")
        << QStringLiteral("square brackets");
    QTest::newRow("metadata no value sign")
        << QStringLiteral("ann@example.com") << QString() << QString()
        << QStringLiteral("just text") << QStringLiteral("metadata") << QStringLiteral("key=value");
}

void TestStaffDialogs::customerRules()
{
    QFETCH(QString, email);
    QFETCH(QString, phone);
    QFETCH(QString, country);
    QFETCH(QString, metadata);
    QFETCH(QString, field);
    QFETCH(QString, message);
    ui::CustomerDialog d({}, {}, {});
    d.setOutbox(m_outbox.get());
    d.field(QStringLiteral("email"))->setText(email);
    d.field(QStringLiteral("phone"))->setText(phone);
    d.field(QStringLiteral("country"))->setText(country);
    d.metadataField()->setPlainText(metadata);
    d.confirm();
    QCOMPARE(d.problemField(), field);
    QVERIFY2(d.problemText().contains(message), qPrintable(d.problemText()));
    QCOMPARE(entries(), 0);
    QCOMPARE(m_network->sent().size(), 0);
    if (qstrcmp(QTest::currentDataTag(), "email no domain") == 0)
        save(&d, QStringLiteral("customer-dialog-error"));
}

void TestStaffDialogs::customerEditSendsOnlyChanges()
{
    models::sql::Statement s = m_cache->database().prepare(
        QStringLiteral("SELECT id FROM customers WHERE email IS NOT NULL ORDER BY id LIMIT 1"));
    QVERIFY(s.step());
    const QString customer = s.text(0);
    s = {};
    const models::CustomerFields before
        = models::CustomerFields::fromJson(raw(QStringLiteral("customers"), customer));
    ui::CustomerDialog d(customer, before, {});
    d.setOutbox(m_outbox.get());
    d.confirm();
    QVERIFY(d.problemText().contains(QStringLiteral("Nothing changed")));
    QCOMPARE(entries(), 0);
    d.field(QStringLiteral("name"))->setText(QStringLiteral("Grace Hopper"));
    d.field(QStringLiteral("description"))->setText(QStringLiteral("VIP & friends"));
    d.metadataField()->setPlainText(d.metadataField()->toPlainText() + QStringLiteral("\ncrm=7"));
    save(&d, QStringLiteral("customer-dialog-edit"));
    m_network->enqueue(
        FakeResponse::json(200,
                           QByteArrayLiteral("{\"id\":\"") + customer.toLatin1()
                               + "\",\"object\":\"customer\",\"name\":\"Grace Hopper\",\"email\":\""
                               + before.email.toUtf8() + "\",\"created\":1700000000}"));
    d.confirm();
    QTRY_VERIFY(!d.result().isEmpty());
    QCOMPARE(m_network->sent().size(), 1);
    const QByteArray body = m_network->sent().first().body;
    QCOMPARE(m_network->sent().first().url.path(), QStringLiteral("/v1/customers/") + customer);
    QVERIFY2(body.contains("name=Grace%20Hopper"), body.constData());
    QVERIFY2(body.contains("description=VIP%20%26%20friends"), body.constData());
    QVERIFY2(body.contains("metadata[crm]=7"), body.constData());
    QVERIFY2(!body.contains("email="), body.constData()); // Unchanged: not sent.
    // The cache shows the new name at once.
    s = m_cache->database().prepare(QStringLiteral("SELECT name FROM customers WHERE id = ?1"));
    s.bind(1, customer);
    QVERIFY(s.step());
    QCOMPARE(s.text(0), QStringLiteral("Grace Hopper"));
}

void TestStaffDialogs::deleteNeedsTheEmailTyped()
{
    ui::DeleteCustomerDialog d(QStringLiteral("cus_del1"), QStringLiteral("del@example.com"),
                               QStringLiteral("Del Person"), {});
    d.setOutbox(m_outbox.get());
    QVERIFY(!d.confirmButton()->isEnabled());
    d.confirmationField()->setText(QStringLiteral("del@example.co"));
    QVERIFY(!d.confirmButton()->isEnabled());
    d.confirm();
    QCOMPARE(d.problemField(), QStringLiteral("typed"));
    QCOMPARE(entries(), 0);
    d.confirmationField()->setText(QStringLiteral("del@example.com"));
    QVERIFY(d.confirmButton()->isEnabled());
    save(&d, QStringLiteral("delete-customer-dialog"));
    m_network->enqueue(FakeResponse::json(
        200, QByteArrayLiteral("{\"id\":\"cus_del1\",\"object\":\"customer\",\"deleted\":true}")));
    d.confirm();
    QTRY_VERIFY(!d.result().isEmpty());
    QCOMPARE(m_network->sent().first().method, QByteArray("DELETE"));
    QCOMPARE(m_outbox->entry(d.entryId()).action, QStringLiteral("customer.delete"));
}

void TestStaffDialogs::cancelSubscriptionChoices()
{
    models::sql::Statement s = m_cache->database().prepare(
        QStringLiteral("SELECT id FROM subscriptions WHERE status = 'active' ORDER BY id LIMIT 1"));
    QVERIFY(s.step());
    const QString id = s.text(0);
    s = {};
    QJsonObject sub = raw(QStringLiteral("subscriptions"), id);
    sub[QStringLiteral("cancel_at_period_end")] = false;
    struct Case
    {
        bool now, prorate, invoice;
        QByteArray method, body;
    };
    const Case cases[] = {{false, false, false, "POST", "cancel_at_period_end=true"},
                          {true, false, false, "DELETE", ""},
                          {true, true, true, "DELETE", "prorate=true&invoice_now=true"}};
    int n = 0;
    for (const Case &c : cases) {
        ui::CancelSubscriptionDialog d(sub, QStringLiteral("Ada"), {});
        d.setOutbox(m_outbox.get());
        QVERIFY(!d.isUndo());
        if (c.now)
            d.nowButton()->setChecked(true);
        QCOMPARE(d.prorateBox()->isEnabled(), c.now);
        d.prorateBox()->setChecked(c.prorate);
        QCOMPARE(d.invoiceNowBox()->isEnabled(), c.prorate);
        d.invoiceNowBox()->setChecked(c.invoice);
        if (n == 2)
            save(&d, QStringLiteral("cancel-subscription-dialog"));
        m_network->enqueue(
            FakeResponse::json(200,
                               QByteArrayLiteral("{\"id\":\"") + id.toLatin1()
                                   + "\",\"object\":\"subscription\",\"status\":\"active\"}"));
        d.confirm();
        QTRY_VERIFY(!d.result().isEmpty());
        QCOMPARE(m_network->sent().at(n).method, c.method);
        QCOMPARE(m_network->sent().at(n).body, c.body);
        ++n;
    }
    // Already set to end: the dialog undoes that.
    sub[QStringLiteral("cancel_at_period_end")] = true;
    ui::CancelSubscriptionDialog undo(sub, QStringLiteral("Ada"), {});
    undo.setOutbox(m_outbox.get());
    QVERIFY(undo.isUndo());
    m_network->enqueue(
        FakeResponse::json(200,
                           QByteArrayLiteral("{\"id\":\"") + id.toLatin1()
                               + "\",\"object\":\"subscription\",\"status\":\"active\"}"));
    undo.confirm();
    QTRY_VERIFY(!undo.result().isEmpty());
    QCOMPARE(m_network->sent().at(n).body, QByteArray("cancel_at_period_end=false"));
    // Ended already: nothing to do.
    sub[QStringLiteral("status")] = QStringLiteral("canceled");
    ui::CancelSubscriptionDialog ended(sub, QStringLiteral("Ada"), {});
    QVERIFY(!ended.confirmButton()->isEnabled());
}

void TestStaffDialogs::invoiceActionsSendWhatTheStateAllows()
{
    QJsonObject invoice {
        {QStringLiteral("id"), QStringLiteral("in_dialog")},
        {QStringLiteral("object"), QStringLiteral("invoice")},
        {QStringLiteral("number"), QStringLiteral("A1B2-0001")},
        {QStringLiteral("status"), QStringLiteral("open")},
        {QStringLiteral("currency"), QStringLiteral("usd")},
        {QStringLiteral("amount_remaining"), 4200},
        {QStringLiteral("collection_method"), QStringLiteral("charge_automatically")}};
    const QByteArray answer = "{\"id\":\"in_dialog\",\"object\":\"invoice\",\"status\":\"paid\"}";
    // Paid outside Stripe: the out-of-band choice, sent as paid_out_of_band.
    ui::InvoiceActionDialog pay(models::StaffAction::InvoicePay, invoice, QStringLiteral("Ada"),
                                {});
    pay.setOutbox(m_outbox.get());
    QVERIFY(!pay.isBlocked());
    QVERIFY(pay.outOfBandBox());
    pay.outOfBandBox()->setChecked(true);
    save(&pay, QStringLiteral("invoice-pay-dialog"));
    const qsizetype before = m_network->sent().size();
    m_network->enqueue(FakeResponse::json(200, answer));
    pay.confirm();
    QTRY_VERIFY(!pay.result().isEmpty());
    QCOMPARE(m_network->sent().size(), before + 1);
    QCOMPARE(m_network->sent().last().url.path(), QStringLiteral("/v1/invoices/in_dialog/pay"));
    QCOMPARE(m_network->sent().last().body, QByteArray("paid_out_of_band=true"));
    // Not allowed in the invoice's state: blocked with Stripe's rule, nothing to confirm.
    ui::InvoiceActionDialog finalize(models::StaffAction::InvoiceFinalize, invoice,
                                     QStringLiteral("Ada"), {});
    QVERIFY(finalize.isBlocked());
    QVERIFY(!finalize.confirmButton()->isEnabled());
    ui::InvoiceActionDialog send(models::StaffAction::InvoiceSend, invoice, QStringLiteral("Ada"),
                                 {});
    QVERIFY(send.isBlocked());
    // Voiding an uncollectible one is allowed, as a POST to its void endpoint.
    invoice[QStringLiteral("status")] = QStringLiteral("uncollectible");
    ui::InvoiceActionDialog voiding(models::StaffAction::InvoiceVoid, invoice,
                                    QStringLiteral("Ada"), {});
    voiding.setOutbox(m_outbox.get());
    QVERIFY(!voiding.isBlocked());
    m_network->enqueue(FakeResponse::json(200, answer));
    voiding.confirm();
    QTRY_VERIFY(!voiding.result().isEmpty());
    QCOMPARE(m_network->sent().last().method, QByteArray("POST"));
    QCOMPARE(m_network->sent().last().url.path(), QStringLiteral("/v1/invoices/in_dialog/void"));
}

// Pause and resume collection, extend or end a trial, apply, change or remove a coupon, and
// cancel with feedback: each dialog sends exactly the request its choices say, refuses what
// Stripe would refuse before anything is sent, and is blocked where the state allows nothing.
void TestStaffDialogs::subscriptionChangeDialogs()
{
    models::sql::Statement s = m_cache->database().prepare(QStringLiteral(
        "SELECT id FROM subscriptions WHERE status = 'active' AND pause_behavior IS NULL AND "
        "discount_coupon IS NULL ORDER BY id DESC LIMIT 1"));
    QVERIFY(s.step());
    const QString id = s.text(0);
    s = {};
    // Not the one cancelSubscriptionChoices() acts on: the cache holds it as Stripe sent it.
    QJsonObject sub = raw(QStringLiteral("subscriptions"), id);
    QVERIFY(sub.contains(QStringLiteral("current_period_end")));
    const QByteArray answer = QByteArrayLiteral("{\"id\":\"") + id.toLatin1()
        + "\",\"object\":\"subscription\",\"status\":\"active\"}";
    auto confirmSends = [&](ui::ActionDialog &d, const QByteArray &body) {
        d.setOutbox(m_outbox.get());
        const qsizetype before = m_network->sent().size();
        m_network->enqueue(FakeResponse::json(200, answer));
        d.confirm();
        QTRY_VERIFY(!d.result().isEmpty());
        QCOMPARE(m_network->sent().size(), before + 1);
        QCOMPARE(m_network->sent().last().method, QByteArray("POST"));
        QCOMPARE(m_network->sent().last().url.path(), QStringLiteral("/v1/subscriptions/") + id);
        QCOMPARE(m_network->sent().last().body, body);
    };

    // Pause: what happens to invoices meanwhile, resuming by itself on a chosen day.
    {
        ui::PauseCollectionDialog d(sub, QStringLiteral("Ada"), {});
        QVERIFY(!d.resumes());
        QCOMPARE(d.behaviorBox()->currentData().toString(), QStringLiteral("void"));
        QVERIFY(!d.resumesAtEdit()->isEnabled());
        d.behaviorBox()->setCurrentIndex(
            d.behaviorBox()->findData(QStringLiteral("keep_as_draft")));
        d.resumeAutomaticallyBox()->setChecked(true);
        QVERIFY(d.resumesAtEdit()->isEnabled());
        const QDate day = QDate::currentDate().addDays(45);
        d.resumesAtEdit()->setDate(day);
        save(&d, QStringLiteral("pause-collection-dialog"));
        confirmSends(d,
                     "pause_collection[behavior]=keep_as_draft&pause_collection[resumes_at]="
                         + QByteArray::number(day.startOfDay().toSecsSinceEpoch()));
    }
    {
        ui::PauseCollectionDialog d(sub, QStringLiteral("Ada"), {});
        confirmSends(d, "pause_collection[behavior]=void");
    }
    // Paused: the dialog resumes collection.
    QJsonObject paused = sub;
    paused[QStringLiteral("pause_collection")]
        = QJsonObject {{QStringLiteral("behavior"), QStringLiteral("void")},
                       {QStringLiteral("resumes_at"), QJsonValue()}};
    {
        ui::PauseCollectionDialog d(paused, QStringLiteral("Ada"), {});
        QVERIFY(d.resumes());
        save(&d, QStringLiteral("resume-collection-dialog"));
        confirmSends(d, "pause_collection=");
    }

    // A trial: only a subscription in its trial has one to change.
    {
        ui::TrialDialog d(sub, QStringLiteral("Ada"), {});
        QVERIFY(d.isBlocked());
        QVERIFY(!d.confirmButton()->isEnabled());
    }
    QJsonObject trialing = sub;
    trialing[QStringLiteral("status")] = QStringLiteral("trialing");
    trialing[QStringLiteral("trial_end")] = QDateTime::currentSecsSinceEpoch() + 5 * 86400;
    {
        ui::TrialDialog d(trialing, QStringLiteral("Ada"), {});
        QVERIFY(!d.isBlocked());
        QVERIFY(d.extendButton()->isChecked());
        // The calendar offers nothing in the past or beyond Stripe's two years.
        QCOMPARE(d.endEdit()->minimumDate(), QDate::currentDate().addDays(1));
        QCOMPARE(d.endEdit()->maximumDate(), QDate::currentDate().addYears(2));
        const QDate day = QDate::currentDate().addDays(30);
        d.endEdit()->setDate(day);
        save(&d, QStringLiteral("trial-dialog"));
        confirmSends(d, "trial_end=" + QByteArray::number(day.startOfDay().toSecsSinceEpoch()));
    }
    {
        ui::TrialDialog d(trialing, QStringLiteral("Ada"), {});
        d.endNowButton()->setChecked(true);
        QVERIFY(!d.endEdit()->isEnabled());
        confirmSends(d, "trial_end=now");
    }

    // A coupon: the valid ones of the cache for the subscription's currency.
    const QList<models::CouponChoice> coupons = models::staffactions::couponChoices(
        m_cache->database(), sub[QStringLiteral("currency")].toString());
    QVERIFY(!coupons.isEmpty());
    {
        ui::CouponDialog d(sub, QStringLiteral("Ada"), coupons, {});
        QCOMPARE(d.couponBox()->count(), coupons.size() + 1);
        QCOMPARE(d.couponBox()->currentData().toString(), QString());
        // No coupon chosen for one that has none: nothing to do, nothing sent.
        const qsizetype before = m_network->sent().size();
        const qint64 stored = entries();
        d.setOutbox(m_outbox.get());
        d.confirm();
        QCOMPARE(d.problemField(), QStringLiteral("coupon"));
        QCOMPARE(m_network->sent().size(), before);
        QCOMPARE(entries(), stored);
        d.couponBox()->setCurrentIndex(1);
        save(&d, QStringLiteral("coupon-dialog"));
        confirmSends(d, "coupon=" + coupons.first().id.toLatin1());
    }
    QJsonObject discounted = sub;
    discounted[QStringLiteral("discount")] = QJsonObject {
        {QStringLiteral("coupon"), QJsonObject {{QStringLiteral("id"), coupons.first().id}}}};
    {
        ui::CouponDialog d(discounted, QStringLiteral("Ada"), coupons, {});
        QCOMPARE(d.couponBox()->currentData().toString(), coupons.first().id);
        d.couponBox()->setCurrentIndex(0);
        confirmSends(d, "coupon=");
    }

    // Cancelled with the customer's feedback and a reason, as cancellation_details.
    {
        ui::CancelSubscriptionDialog d(sub, QStringLiteral("Ada"), {});
        d.feedbackBox()->setCurrentIndex(
            d.feedbackBox()->findData(QStringLiteral("too_expensive")));
        d.commentEdit()->setText(QStringLiteral("Budget cut"));
        save(&d, QStringLiteral("cancel-subscription-feedback-dialog"));
        confirmSends(d,
                     "cancel_at_period_end=true&cancellation_details[comment]=Budget%20cut&"
                     "cancellation_details[feedback]=too_expensive");
    }
    // Ended: none of them acts.
    QJsonObject ended = sub;
    ended[QStringLiteral("status")] = QStringLiteral("canceled");
    ui::PauseCollectionDialog pauseEnded(ended, QStringLiteral("Ada"), {});
    QVERIFY(pauseEnded.isBlocked());
    ui::CouponDialog couponEnded(ended, QStringLiteral("Ada"), coupons, {});
    QVERIFY(couponEnded.isBlocked());
}

// The Change plan dialog asks Stripe for the next invoice of the change as the form is, shows
// its proration, and sends exactly that change for the same instant; a change not previewed
// yet, or no change at all, is not sent.
void TestStaffDialogs::changePlanSendsWhatItPreviewed()
{
    models::sql::Statement s = m_cache->database().prepare(QStringLiteral(
        "SELECT s.id FROM subscriptions s WHERE s.status = 'active' AND s.currency = 'usd' AND "
        "(SELECT count(*) FROM subscription_items si WHERE si.subscription = s.id) = 1 ORDER BY "
        "s.id DESC LIMIT 1 OFFSET 3"));
    QVERIFY(s.step());
    const QString id = s.text(0);
    s = {};
    const QJsonObject sub = raw(QStringLiteral("subscriptions"), id);
    const auto items = models::staffactions::subscriptionItems(m_cache->database(), id);
    const auto prices
        = models::staffactions::priceChoices(m_cache->database(), QStringLiteral("usd"));
    QCOMPARE(items.size(), 1);
    QVERIFY(prices.size() > 1);
    ui::ChangePlanDialog d(sub, QStringLiteral("Ada"), items, prices, {});
    d.setOutbox(m_outbox.get());
    // The keyboard alone reaches every choice, in reading order, then the buttons.
    {
        QList<QWidget *> chain;
        QWidget *w = d.itemBox();
        for (int i = 0; i < 6; ++i, w = w->nextInFocusChain()) {
            // (A spin box takes the focus through its line edit.)
            while (!(w->focusPolicy() & Qt::TabFocus) || !w->isEnabled()
                   || w->parentWidget() == d.quantityBox())
                w = w->nextInFocusChain();
            chain.append(w);
        }
        QCOMPARE(chain.mid(0, 4),
                 (QList<QWidget *> {d.itemBox(), d.priceBox(), d.quantityBox(), d.prorationBox()}));
        QVERIFY(chain.contains(d.confirmButton()));
    }
    QCOMPARE(d.priceBox()->currentData().toString(), items.first().price);
    QCOMPARE(d.quantityBox()->value(), int(items.first().quantity));
    // Nothing changed: nothing to send.
    d.confirm();
    QCOMPARE(d.problemField(), QStringLiteral("price"));
    const int other = d.priceBox()->currentIndex() == 0 ? 1 : 0;
    const QString price = prices.at(other).id;
    m_network->enqueue(FakeResponse::json(
        200,
        "{\"object\":\"invoice\",\"amount_due\":4521,\"next_payment_attempt\":1767225600,"
        "\"lines\":{\"object\":\"list\",\"data\":[{\"amount\":-1191,\"proration\":true},"
        "{\"amount\":2243,\"proration\":true},{\"amount\":3469,\"proration\":false}]}}"));
    d.priceBox()->setCurrentIndex(other);
    d.prorationBox()->setCurrentIndex(d.prorationBox()->findData(QStringLiteral("always_invoice")));
    d.refreshPreview();
    QTRY_VERIFY(d.previewIsCurrent());
    const auto preview = m_network->sent().last();
    QCOMPARE(preview.method, QByteArray("GET"));
    QCOMPARE(preview.url.path(), QStringLiteral("/v1/invoices/upcoming"));
    const QUrlQuery query(preview.url);
    QCOMPARE(query.queryItemValue(QStringLiteral("subscription")), id);
    QCOMPARE(query.queryItemValue(QStringLiteral("subscription_items[0][price]")), price);
    QCOMPARE(query.queryItemValue(QStringLiteral("subscription_proration_behavior")),
             QStringLiteral("always_invoice"));
    const QString at = query.queryItemValue(QStringLiteral("subscription_proration_date"));
    QVERIFY(!at.isEmpty());
    QVERIFY2(d.previewLabel()->text().contains(QStringLiteral("Proration: $10.52 (a charge)")),
             qPrintable(d.previewLabel()->text()));
    QVERIFY2(d.previewLabel()->text().contains(QStringLiteral("Next invoice: $45.21")),
             qPrintable(d.previewLabel()->text()));
    save(&d, QStringLiteral("change-plan-dialog"));

    // Changed after the preview: not sent until its own preview is in.
    const qint64 stored = entries();
    d.quantityBox()->setValue(d.quantityBox()->value() + 1);
    QVERIFY(!d.previewIsCurrent());
    m_network->enqueue(FakeResponse::json(
        200,
        "{\"object\":\"invoice\",\"amount_due\":9000,\"next_payment_attempt\":1767225600,"
        "\"lines\":{\"object\":\"list\",\"data\":[]}}"));
    d.confirm();
    QVERIFY2(d.problemText().contains(QStringLiteral("Wait for the preview")),
             qPrintable(d.problemText()));
    QCOMPARE(entries(), stored);
    QTRY_VERIFY(d.previewIsCurrent());
    QCOMPARE(m_network->sent().last().method, QByteArray("GET"));

    m_network->enqueue(
        FakeResponse::json(200,
                           QByteArrayLiteral("{\"id\":\"") + id.toLatin1()
                               + "\",\"object\":\"subscription\",\"status\":\"active\"}"));
    d.confirm();
    QTRY_VERIFY(!d.result().isEmpty());
    QCOMPARE(m_network->sent().last().method, QByteArray("POST"));
    QCOMPARE(m_network->sent().last().url.path(), QStringLiteral("/v1/subscriptions/") + id);
    QCOMPARE(m_network->sent().last().body,
             "items[0][id]=" + items.first().id.toLatin1() + "&items[0][price]=" + price.toLatin1()
                 + "&items[0][quantity]=" + QByteArray::number(items.first().quantity + 1)
                 + "&proration_behavior=always_invoice&proration_date=" + at.toLatin1());
}

namespace {

// The demo merchant of the cache, as a Stripe answering in process (same scale, seed and time).
std::unique_ptr<sandbox::StripeSandbox> demoSandbox()
{
    sandbox::SandboxOptions options;
    options.scale = 1500;
    options.now = 1763800000;
    options.seed = 1;
    auto sb = std::make_unique<sandbox::StripeSandbox>(options);
    return sb->load() ? std::move(sb) : nullptr;
}

// The requests sent to `path` with `method`.
int sentTo(const QList<tests::SentRequest> &sent, const QByteArray &method, const QString &path)
{
    return int(std::count_if(sent.begin(), sent.end(), [&](const tests::SentRequest &r) {
        return r.method == method && r.url.path() == path;
    }));
}

} // namespace

// "New item…" adds the chosen price as an item, "Remove this item" deletes one; each previewed
// then made once, against the demo merchant's Stripe; the last item cannot be removed.
void TestStaffDialogs::changePlanAddsAndRemovesItems()
{
    // On the real clock: the dialog prorates at the present instant, which must fall within the
    // subscription's period as that Stripe has it.
    sandbox::SandboxOptions options;
    options.scale = 400;
    options.seed = 3;
    sandbox::StripeSandbox sb(options);
    QVERIFY(sb.load());
    tests::answerFromSandbox(m_network, &sb);
    const auto get
        = [this](const QString &path, const QList<QPair<QString, QString>> &query) -> QJsonObject {
        network::StripeRequest r;
        r.method = "GET";
        r.path = path;
        for (const auto &[k, v] : query)
            r.params.add(k, v);
        QJsonObject out;
        bool done = false;
        m_client->send(r, this, [&](const network::StripeResponse &a) {
            out = a.json;
            done = true;
        });
        for (int i = 0; i < 1000 && !done; ++i)
            QTest::qWait(10);
        return out;
    };
    QJsonObject sub;
    for (const QJsonValue &v :
         get(QStringLiteral("/v1/subscriptions"),
             {{QStringLiteral("status"), QStringLiteral("active")},
              {QStringLiteral("limit"), QStringLiteral("100")}})[QStringLiteral("data")]
             .toArray()) {
        const QJsonArray its = v[QStringLiteral("items")][QStringLiteral("data")].toArray();
        const QJsonObject rec
            = its.first()[QStringLiteral("price")][QStringLiteral("recurring")].toObject();
        if (sub.isEmpty() && v[QStringLiteral("currency")].toString() == QLatin1String("usd")
            && its.size() == 1
            && rec[QStringLiteral("interval")].toString() == QLatin1String("month")
            && rec[QStringLiteral("interval_count")].toInteger() == 1
            && v[QStringLiteral("pause_collection")].isNull())
            sub = v.toObject();
    }
    QVERIFY(!sub.isEmpty());
    const QString id = sub[QStringLiteral("id")].toString();
    const QJsonObject first = sub[QStringLiteral("items")][QStringLiteral("data")][0].toObject();
    const QList<models::staffactions::ItemChoice> items {
        {first[QStringLiteral("id")].toString(),
         first[QStringLiteral("price")][QStringLiteral("id")].toString(),
         first[QStringLiteral("quantity")].toInteger(), QStringLiteral("Current")}};
    QList<models::staffactions::PriceChoice> prices;
    for (const QJsonValue &v :
         get(QStringLiteral("/v1/prices"),
             {{QStringLiteral("type"), QStringLiteral("recurring")},
              {QStringLiteral("currency"), QStringLiteral("usd")},
              {QStringLiteral("limit"), QStringLiteral("100")}})[QStringLiteral("data")]
             .toArray()) {
        const QJsonObject rec = v[QStringLiteral("recurring")].toObject();
        prices.append({v[QStringLiteral("id")].toString(), v[QStringLiteral("id")].toString(),
                       rec[QStringLiteral("interval")].toString() + u' '
                           + QString::number(rec[QStringLiteral("interval_count")].toInteger())});
    }
    QString monthly;
    for (const auto &p : std::as_const(prices))
        if (p.interval == QLatin1String("month 1") && p.id != items.first().price)
            monthly = p.id;
    QVERIFY(!monthly.isEmpty());
    QJsonObject after;
    {
        ui::ChangePlanDialog d(sub, QStringLiteral("Ada"), items, prices, {});
        d.setOutbox(m_outbox.get());
        QVERIFY(!d.removeBox()->isEnabled()); // Its only item.
        d.itemBox()->setCurrentIndex(d.itemBox()->count() - 1);
        QCOMPARE(d.itemBox()->currentData().toString(), QString());
        QCOMPARE(d.quantityBox()->value(), 1);
        // The price it has already: refused (Stripe would refuse a second item of it).
        d.priceBox()->setCurrentIndex(d.priceBox()->findData(items.first().price));
        const qint64 stored = entries();
        d.confirm();
        QCOMPARE(entries(), stored);
        QVERIFY2(d.problemText().contains(QStringLiteral("has an item of this price")),
                 qPrintable(d.problemText()));
        d.priceBox()->setCurrentIndex(d.priceBox()->findData(monthly));
        d.quantityBox()->setValue(2);
        d.refreshPreview();
        QTRY_VERIFY2(d.previewIsCurrent(), qPrintable(d.previewLabel()->text()));
        QVERIFY2(d.previewLabel()->text().contains(QStringLiteral("Next invoice")),
                 qPrintable(d.previewLabel()->text()));
        d.confirm();
        QTRY_VERIFY_WITH_TIMEOUT(!d.result().isEmpty(), 10000);
        after = d.result();
    }
    const QJsonArray data = after[QStringLiteral("items")][QStringLiteral("data")].toArray();
    QCOMPARE(data.size(), 2);
    QList<models::staffactions::ItemChoice> now;
    for (const QJsonValue &v : data)
        now.append({v[QStringLiteral("id")].toString(),
                    v[QStringLiteral("price")][QStringLiteral("id")].toString(),
                    v[QStringLiteral("quantity")].toInteger(),
                    v[QStringLiteral("price")][QStringLiteral("id")].toString()});
    const int added = now.at(0).price == monthly ? 0 : 1;
    QCOMPARE(now.at(added).quantity, 2);
    ui::ChangePlanDialog d(after, QStringLiteral("Ada"), now, prices, {});
    d.setOutbox(m_outbox.get());
    d.itemBox()->setCurrentIndex(added);
    QVERIFY(d.removeBox()->isEnabled());
    d.removeBox()->setChecked(true);
    QVERIFY(!d.priceBox()->isEnabled());
    d.refreshPreview();
    QTRY_VERIFY(d.previewIsCurrent());
    save(&d, QStringLiteral("change-plan-remove-item"));
    d.confirm();
    QTRY_VERIFY_WITH_TIMEOUT(!d.result().isEmpty(), 10000);
    const QJsonArray left = d.result()[QStringLiteral("items")][QStringLiteral("data")].toArray();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.first()[QStringLiteral("id")].toString(), items.first().id);
    const auto &sent = m_network->sent();
    QCOMPARE(sentTo(sent, "POST", QStringLiteral("/v1/subscriptions/") + id), 2);
    QVERIFY(sent.last().body.contains("items[0][deleted]=true"));
    QCOMPARE(sb.store()
                 .subscriptions.get(id.toLatin1())
                 ->value(QStringLiteral("items"))
                 .toObject()
                 .value(QStringLiteral("data"))
                 .toArray()
                 .size(),
             1);
    m_network->setAnswerer({});
}

// A promotion code typed in the Coupon dialog is looked up with Stripe: an inactive or unknown
// one is refused with Stripe's reason, an active one applies its coupon, once.
void TestStaffDialogs::couponDialogTakesAPromotionCode()
{
    const auto sb = demoSandbox();
    QVERIFY(sb);
    tests::answerFromSandbox(m_network, sb.get());
    models::sql::Statement s = m_cache->database().prepare(
        QStringLiteral("SELECT id FROM subscriptions WHERE status = 'active' AND "
                       "discount_coupon IS NULL ORDER BY id LIMIT 1"));
    QVERIFY(s.step());
    const QString id = s.text(0);
    s = {};
    ui::CouponDialog d(
        raw(QStringLiteral("subscriptions"), id), QStringLiteral("Ada"),
        models::staffactions::couponChoices(m_cache->database(), QStringLiteral("usd")), {});
    d.setOutbox(m_outbox.get());
    const qint64 stored = entries();
    for (const auto &[code, message] : {std::pair {"SUMMER24", "no longer active"},
                                        std::pair {"NOPE", "has no promotion code"}}) {
        d.codeEdit()->setText(QLatin1String(code));
        QVERIFY(!d.couponBox()->isEnabled());
        d.confirm(); // Not found yet: asked, nothing sent.
        QCOMPARE(d.problemField(), QStringLiteral("promotion_code"));
        QTRY_VERIFY2(d.codeLabel()->text().contains(QLatin1String(message)),
                     qPrintable(d.codeLabel()->text()));
        d.confirm();
        QVERIFY2(d.problemText().contains(QLatin1String(message)), qPrintable(d.problemText()));
    }
    QCOMPARE(entries(), stored);
    d.codeEdit()->setText(QStringLiteral("welcome"));
    d.lookUpCode();
    QTRY_VERIFY(!d.promotionCode().isEmpty());
    QVERIFY2(d.codeLabel()->text().contains(QStringLiteral("coupon WELCOME20")),
             qPrintable(d.codeLabel()->text()));
    save(&d, QStringLiteral("coupon-promotion-code"));
    d.confirm();
    QTRY_VERIFY_WITH_TIMEOUT(!d.result().isEmpty(), 10000);
    const QJsonObject discount = d.result()[QStringLiteral("discount")].toObject();
    QCOMPARE(discount[QStringLiteral("coupon")][QStringLiteral("id")].toString(),
             QStringLiteral("WELCOME20"));
    QCOMPARE(discount[QStringLiteral("promotion_code")].toString(), d.promotionCode());
    QCOMPARE(entries(), stored + 1);
    QCOMPARE(sentTo(m_network->sent(), "POST", QStringLiteral("/v1/subscriptions/") + id), 1);
    m_network->setAnswerer({});
}

// Pause, Trial and Coupon worked with the keyboard alone: Tab reaches every field in reading
// order, Space ticks, the arrows choose, and the confirm button is reached.
void TestStaffDialogs::subscriptionDialogsByKeyboardAlone()
{
    // The widget a Tab landed on, a spin box or date edit for its inner line edit.
    const auto focused = [] {
        QWidget *w = QApplication::focusWidget();
        if (w && qobject_cast<QAbstractSpinBox *>(w->parentWidget()))
            w = w->parentWidget();
        return w;
    };
    const auto tab = [&] {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        return focused();
    };
    const QJsonObject active
        = raw(QStringLiteral("subscriptions"),
              one(QStringLiteral("SELECT id FROM subscriptions WHERE status = 'active' AND "
                                 "pause_behavior IS NULL ORDER BY id LIMIT 1")));
    QVERIFY(!active.isEmpty());
    // In its trial for ten more days.
    QJsonObject trialing = active;
    trialing.insert(QStringLiteral("status"), QStringLiteral("trialing"));
    trialing.insert(QStringLiteral("trial_end"), QDateTime::currentSecsSinceEpoch() + 10 * 86400);
    QVERIFY(!active.isEmpty());
    {
        ui::PauseCollectionDialog d(active, QStringLiteral("Ada"), {});
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        d.behaviorBox()->setFocus();
        QCOMPARE(tab(), d.resumeAutomaticallyBox());
        QVERIFY(!d.resumesAtEdit()->isEnabled());
        QTest::keyClick(d.resumeAutomaticallyBox(), Qt::Key_Space);
        QVERIFY(d.resumeAutomaticallyBox()->isChecked());
        QCOMPARE(tab(), d.resumesAtEdit());
        QWidget *w = tab();
        for (int i = 0; i < 4 && w != d.confirmButton(); ++i)
            w = tab();
        QCOMPARE(w, d.confirmButton());
    }
    {
        ui::TrialDialog d(trialing, QStringLiteral("Ada"), {});
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        // Extend is chosen first; the arrows move the choice to "end now" and back.
        QVERIFY(d.extendButton()->isChecked());
        d.extendButton()->setFocus();
        QTest::keyClick(d.extendButton(), Qt::Key_Down);
        QVERIFY(d.endNowButton()->isChecked());
        QCOMPARE(focused(), d.endNowButton());
        QVERIFY(!d.endEdit()->isEnabled());
        QTest::keyClick(d.endNowButton(), Qt::Key_Up);
        QVERIFY(d.extendButton()->isChecked());
        QVERIFY(d.endEdit()->isEnabled());
        QCOMPARE(tab(), d.endEdit());
        QWidget *w = tab();
        for (int i = 0; i < 4 && w != d.confirmButton(); ++i)
            w = tab();
        QCOMPARE(w, d.confirmButton());
    }
    {
        ui::CouponDialog d(
            active, QStringLiteral("Ada"),
            models::staffactions::couponChoices(m_cache->database(), QStringLiteral("usd")), {});
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        d.couponBox()->setFocus();
        QTest::keyClick(d.couponBox(), Qt::Key_Down);
        QCOMPARE(d.couponBox()->currentIndex(), 1);
        QCOMPARE(tab(), static_cast<QWidget *>(d.codeEdit()));
        QWidget *w = tab();
        for (int i = 0; i < 4 && w != d.confirmButton(); ++i)
            w = tab();
        QCOMPARE(w, d.confirmButton());
    }
}

// Every rule of the Create invoice dialog refuses before anything is stored or sent; the
// totals follow the lines; the keyboard reaches every field in reading order.
void TestStaffDialogs::createInvoiceRules()
{
    models::sql::Statement s = m_cache->database().prepare(
        QStringLiteral("SELECT id FROM customers WHERE deleted = 0 ORDER BY id LIMIT 1"));
    QVERIFY(s.step());
    // Billed in USD already (Stripe sets a customer's currency with its first invoice).
    QJsonObject customer = raw(QStringLiteral("customers"), s.text(0));
    customer.insert(QStringLiteral("currency"), QStringLiteral("usd"));
    s = {};
    const auto prices = models::invoiceplan::oneTimePrices(m_cache->database(), {});
    const auto usd = std::find_if(prices.begin(), prices.end(),
                                  [](const auto &p) { return p.currency == QLatin1String("usd"); });
    QVERIFY(usd != prices.end());
    ui::CreateInvoiceDialog d(customer, QStringLiteral("Ada"), prices, {});
    d.setOutbox(m_outbox.get());
    // The customer is billed in USD: the currency is fixed, and only USD prices are offered.
    QVERIFY(!d.currencyBox()->isEnabled());
    for (int i = 0; i < d.priceBox()->count(); ++i)
        QVERIFY(d.priceBox()->itemText(i).contains(u'$'));
    {
        QList<QWidget *> chain;
        QWidget *w = d.priceBox();
        for (int i = 0; i < 14; ++i, w = w->nextInFocusChain()) {
            while (!(w->focusPolicy() & Qt::TabFocus)
                   || qobject_cast<QSpinBox *>(w->parentWidget()))
                w = w->nextInFocusChain();
            chain.append(w);
        }
        const QList<QWidget *> order {
            d.priceBox(),      d.quantityBox(),     d.addPriceButton(), d.descriptionEdit(),
            d.amountEdit(),    d.addCustomButton(), d.linesTable(),     d.removeLineButton(),
            d.collectionBox(), d.daysUntilDueBox(), d.memoEdit(),       d.footerEdit(),
            d.afterBox()};
        QCOMPARE(chain.mid(0, order.size()), order);
    }
    // No lines.
    d.confirm();
    QCOMPARE(d.problemField(), QStringLiteral("lines"));
    // A custom line needs a description and an amount of the currency's decimals, above zero.
    d.addCustomButton()->click();
    QCOMPARE(d.problemField(), QStringLiteral("description"));
    d.descriptionEdit()->setText(QStringLiteral("Setup fee"));
    for (const char *bad : {"12.345", "0", "-4", "abc", "€5"}) {
        d.amountEdit()->setText(QLatin1String(bad));
        d.addCustomButton()->click();
        QVERIFY2(d.problemField() == QLatin1String("amount"), bad);
    }
    QCOMPARE(d.linesTable()->rowCount(), 0);
    d.amountEdit()->setText(QStringLiteral("1,250.50"));
    d.addCustomButton()->click();
    QVERIFY2(d.problemText().isEmpty(), qPrintable(d.problemText()));
    QCOMPARE(d.linesTable()->rowCount(), 1);
    QCOMPARE(d.plan().lines.first().amount, 125050);
    d.priceBox()->setCurrentIndex(d.priceBox()->findData(usd->id));
    d.quantityBox()->setValue(3);
    d.addPriceButton()->click();
    QCOMPARE(d.linesTable()->rowCount(), 2);
    const qint64 total = 125050 + 3 * usd->unitAmount;
    QVERIFY2(d.totalsLabel()->text().contains(
                 QStringLiteral("Total ") + models::Money(total, QStringLiteral("usd")).toString()),
             qPrintable(d.totalsLabel()->text()));
    QCOMPARE(models::invoiceplan::totals(d.plan()).total, total);
    // A line added by mistake is removed.
    d.addPriceButton()->click();
    QCOMPARE(d.linesTable()->rowCount(), 3);
    d.linesTable()->selectRow(2);
    d.removeLineButton()->click();
    QCOMPARE(d.linesTable()->rowCount(), 2);
    QCOMPARE(models::invoiceplan::totals(d.plan()).total, total);
    // Emailed: the due date is shown and sending is offered; charged: charging is.
    d.collectionBox()->setCurrentIndex(d.collectionBox()->findData(QStringLiteral("send_invoice")));
    d.daysUntilDueBox()->setValue(14);
    QVERIFY(d.totalsLabel()->text().contains(QStringLiteral("Due ")));
    QVERIFY(d.afterBox()->findData(QStringLiteral("send")) >= 0);
    QVERIFY(d.afterBox()->findData(QStringLiteral("pay")) < 0);
    QCOMPARE(d.daysUntilDueBox()->maximum(), 1825);
    d.collectionBox()->setCurrentIndex(
        d.collectionBox()->findData(QStringLiteral("charge_automatically")));
    QVERIFY(!d.daysUntilDueBox()->isEnabled());
    QVERIFY(d.afterBox()->findData(QStringLiteral("pay")) >= 0);
    QCOMPARE(entries(), 0);
    QVERIFY(m_network->sent().isEmpty());
    save(&d, QStringLiteral("create-invoice-dialog"));
}

// Confirmed once, the dialog makes the draft, adds each line, finalizes and emails it — each
// step sent once, after the one before succeeded — against the demo merchant's Stripe.
void TestStaffDialogs::createInvoiceMakesEachStepOnce()
{
    const auto sb = demoSandbox();
    QVERIFY(sb);
    tests::answerFromSandbox(m_network, sb.get());
    models::sql::Statement s = m_cache->database().prepare(
        QStringLiteral("SELECT id FROM customers WHERE deleted = 0 AND default_payment_method IS "
                       "NOT NULL ORDER BY id LIMIT 1 OFFSET 2"));
    QVERIFY(s.step());
    const QString customerId = s.text(0);
    s = {};
    const auto prices
        = models::invoiceplan::oneTimePrices(m_cache->database(), QStringLiteral("usd"));
    QVERIFY(!prices.isEmpty());
    ui::CreateInvoiceDialog d(raw(QStringLiteral("customers"), customerId), QStringLiteral("Ada"),
                              prices, {});
    d.setOutbox(m_outbox.get());
    d.currencyBox()->setCurrentIndex(d.currencyBox()->findData(QStringLiteral("usd")));
    d.descriptionEdit()->setText(QStringLiteral("Consulting, November"));
    d.amountEdit()->setText(QStringLiteral("400"));
    d.addCustomButton()->click();
    d.priceBox()->setCurrentIndex(0);
    d.quantityBox()->setValue(2);
    d.addPriceButton()->click();
    d.collectionBox()->setCurrentIndex(d.collectionBox()->findData(QStringLiteral("send_invoice")));
    d.daysUntilDueBox()->setValue(14);
    d.memoEdit()->setText(QStringLiteral("Thank you"));
    d.afterBox()->setCurrentIndex(d.afterBox()->findData(QStringLiteral("send")));
    const qint64 total = 40000 + 2 * prices.first().unitAmount;
    QSignalSpy done(&d, &ui::ActionDialog::succeeded);
    d.confirm();
    d.confirm(); // A second click while sending does nothing.
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 20000);
    const QJsonObject invoice = d.result();
    QCOMPARE(invoice.value(QStringLiteral("object")).toString(), QStringLiteral("invoice"));
    QCOMPARE(invoice.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
    QCOMPARE(invoice.value(QStringLiteral("total")).toInteger(), total);
    QCOMPARE(invoice.value(QStringLiteral("collection_method")).toString(),
             QStringLiteral("send_invoice"));
    QCOMPARE(invoice.value(QStringLiteral("description")).toString(), QStringLiteral("Thank you"));
    const QString id = invoice.value(QStringLiteral("id")).toString();
    QCOMPARE(d.invoiceId(), id);
    const auto &sent = m_network->sent();
    QCOMPARE(sentTo(sent, "POST", QStringLiteral("/v1/invoices")), 1);
    QCOMPARE(sentTo(sent, "POST", QStringLiteral("/v1/invoiceitems")), 2);
    QCOMPARE(sentTo(sent, "POST", QStringLiteral("/v1/invoices/") + id + u"/finalize"), 1);
    QCOMPARE(sentTo(sent, "POST", QStringLiteral("/v1/invoices/") + id + u"/send"), 1);
    // Five outbox entries, each its own step with its own key, all confirmed.
    const auto all = m_outbox->entries();
    QCOMPARE(all.size(), 5);
    QSet<QString> keys;
    for (const models::OutboxEntry &e : all) {
        QCOMPARE(e.state, QStringLiteral("succeeded"));
        keys.insert(e.idempotencyKey);
    }
    QCOMPARE(keys.size(), 5);
    // Stripe holds one such invoice for the customer, with both lines.
    network::StripeRequest get;
    get.method = "GET";
    get.path = QStringLiteral("/v1/invoices/") + id;
    bool got = false;
    m_client->send(get, this, [&](const network::StripeResponse &r) {
        got = true;
        QCOMPARE(r.json.value(QStringLiteral("lines"))
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toArray()
                     .size(),
                 2);
        QCOMPARE(r.json.value(QStringLiteral("amount_remaining")).toInteger(), total);
    });
    QTRY_VERIFY(got);

    // The same invoice asked for again in a new dialog: told it was made, nothing sent; a second
    // confirmation makes another one on purpose.
    ui::CreateInvoiceDialog again(raw(QStringLiteral("customers"), customerId),
                                  QStringLiteral("Ada"), prices, {});
    again.setOutbox(m_outbox.get());
    again.currencyBox()->setCurrentIndex(again.currencyBox()->findData(QStringLiteral("usd")));
    again.descriptionEdit()->setText(QStringLiteral("Consulting, November"));
    again.amountEdit()->setText(QStringLiteral("400"));
    again.addCustomButton()->click();
    again.priceBox()->setCurrentIndex(0);
    again.quantityBox()->setValue(2);
    again.addPriceButton()->click();
    again.collectionBox()->setCurrentIndex(
        again.collectionBox()->findData(QStringLiteral("send_invoice")));
    again.daysUntilDueBox()->setValue(14);
    again.memoEdit()->setText(QStringLiteral("Thank you"));
    again.afterBox()->setCurrentIndex(again.afterBox()->findData(QStringLiteral("send")));
    const qsizetype sentBefore = m_network->sent().size();
    again.confirm();
    QVERIFY2(again.problemText().contains(QStringLiteral("made already (") + id),
             qPrintable(again.problemText()));
    QCOMPARE(m_network->sent().size(), sentBefore);
    QCOMPARE(m_outbox->entries().size(), 5);
    QSignalSpy second(&again, &ui::ActionDialog::succeeded);
    again.confirm();
    QTRY_COMPARE_WITH_TIMEOUT(second.size(), 1, 20000);
    QVERIFY(again.invoiceId() != id);
    QCOMPARE(sentTo(m_network->sent(), "POST", QStringLiteral("/v1/invoices")), 2);
    m_network->setAnswerer({});
}

// A later step Stripe refuses (charging a customer without a payment method) stops the flow:
// the draft made is named, the form stays locked and nothing more is sent.
void TestStaffDialogs::createInvoiceStopsAtARefusedStep()
{
    const auto sb = demoSandbox();
    QVERIFY(sb);
    tests::answerFromSandbox(m_network, sb.get());
    // A new customer of that Stripe: no payment method.
    network::StripeRequest create;
    create.method = "POST";
    create.path = QStringLiteral("/v1/customers");
    create.params.add(QStringLiteral("email"), QStringLiteral("nopm@example.com"));
    QJsonObject customer;
    m_client->send(create, this, [&](const network::StripeResponse &r) { customer = r.json; });
    QTRY_VERIFY(!customer.isEmpty());
    const auto prices
        = models::invoiceplan::oneTimePrices(m_cache->database(), QStringLiteral("eur"));
    QVERIFY(!prices.isEmpty());
    ui::CreateInvoiceDialog d(customer, QStringLiteral("No PM"), prices, {});
    d.setOutbox(m_outbox.get());
    d.currencyBox()->setCurrentIndex(d.currencyBox()->findData(QStringLiteral("eur")));
    QCOMPARE(d.currencyBox()->currentData().toString(), QStringLiteral("eur"));
    d.priceBox()->setCurrentIndex(0);
    d.addPriceButton()->click();
    QVERIFY(!d.currencyBox()->isEnabled()); // Fixed once a line is in.
    d.afterBox()->setCurrentIndex(d.afterBox()->findData(QStringLiteral("pay")));
    d.confirm();
    QTRY_VERIFY2_WITH_TIMEOUT(d.isBlocked(), qPrintable(d.problemText()), 20000);
    QVERIFY(d.result().isEmpty());
    QVERIFY(!d.invoiceId().isEmpty());
    QVERIFY2(d.problemText().contains(d.invoiceId()), qPrintable(d.problemText()));
    QVERIFY2(d.problemText().contains(QStringLiteral("charging it")), qPrintable(d.problemText()));
    QVERIFY(!d.addPriceButton()->isEnabled() || !d.priceBox()->isEnabled()
            || !d.confirmButton()->isEnabled());
    QVERIFY(!d.confirmButton()->isEnabled());
    const qsizetype before = m_network->sent().size();
    d.confirm();
    QTest::qWait(50);
    QCOMPARE(m_network->sent().size(), before);
    QCOMPARE(sentTo(m_network->sent(), "POST", QStringLiteral("/v1/invoices")), 1);
    const QString invoicePath = QStringLiteral("/v1/invoices/") + d.invoiceId();
    QCOMPARE(sentTo(m_network->sent(), "POST", invoicePath + u"/finalize"), 1);
    QCOMPARE(sentTo(m_network->sent(), "POST", invoicePath + u"/pay"), 1);
    QVERIFY2(d.problemText().contains(QStringLiteral("no attached payment source")),
             qPrintable(d.problemText()));
    save(&d, QStringLiteral("create-invoice-stopped"));

    // A window killed after it committed the next try of the refused step, before sending it:
    // a new dialog for the same invoice goes on from that step with that entry (its key), and
    // makes no second draft, line or finalize.
    const models::OutboxEntry refused = m_outbox->entries(models::OutboxState::Failed).first();
    QVERIFY(refused.intent.endsWith(QStringLiteral(" pay")));
    models::OutboxAction retry
        = models::staffactions::invoiceAction(d.invoiceId(), models::StaffAction::InvoicePay);
    retry.intent = refused.intent;
    const qint64 orphan = m_outbox->enqueue(retry);
    QVERIFY(orphan > 0);
    ui::CreateInvoiceDialog resumed(customer, QStringLiteral("No PM"), prices, {});
    resumed.setOutbox(m_outbox.get());
    resumed.currencyBox()->setCurrentIndex(resumed.currencyBox()->findData(QStringLiteral("eur")));
    resumed.priceBox()->setCurrentIndex(0);
    resumed.addPriceButton()->click();
    resumed.afterBox()->setCurrentIndex(resumed.afterBox()->findData(QStringLiteral("pay")));
    resumed.confirm();
    QCOMPARE(resumed.entryId(), orphan);
    QTRY_VERIFY_WITH_TIMEOUT(resumed.isBlocked(), 20000);
    QCOMPARE(resumed.invoiceId(), d.invoiceId());
    QCOMPARE(sentTo(m_network->sent(), "POST", QStringLiteral("/v1/invoices")), 1);
    QCOMPARE(sentTo(m_network->sent(), "POST", QStringLiteral("/v1/invoiceitems")), 1);
    QCOMPARE(sentTo(m_network->sent(), "POST", invoicePath + u"/finalize"), 1);
    QCOMPARE(sentTo(m_network->sent(), "POST", invoicePath + u"/pay"), 2);
    QCOMPARE(m_network->sent().last().header("Idempotency-Key"),
             m_outbox->entry(orphan).idempotencyKey.toLatin1());
    QCOMPARE(m_outbox->entries().size(), 5);
    m_network->setAnswerer({});
}

void TestStaffDialogs::actionsOffWhenOfflineOrReadOnly()
{
    ui::MainWindow window({QStringLiteral("Dialogs"), true, false});
    window.resize(1300, 800);
    window.setCache(m_file);
    ui::ActionController *actions = window.actions();
    actions->setOutbox(m_outbox.get(), m_cache.get());
    window.setOnline(false);
    QVERIFY(actions->disabledReason().contains(QStringLiteral("Offline")));
    QVERIFY(window.openObject(QStringLiteral("charges"), m_usd));
    ui::DetailPanel *panel = window.tablePage(ui::MainWindow::Page::Payments)->detailPanel();
    QVERIFY(panel->actionNames().contains(QStringLiteral("refund")));
    QPushButton *refund = panel->actionButton(QStringLiteral("refund"));
    QVERIFY(!refund->isEnabled());
    QVERIFY(refund->toolTip().contains(QStringLiteral("Offline")));
    QVERIFY(!panel->findChild<QLabel *>(QStringLiteral("detailActionsOff"))->isHidden());
    // A dialog opened anyway (keyboard) cannot act.
    ui::ActionDialog *blocked = actions->request(QStringLiteral("refund"), m_usd);
    QVERIFY(blocked);
    QVERIFY(!blocked->confirmButton()->isEnabled());
    blocked->confirm();
    QCOMPARE(entries(), 0);
    QPointer<ui::ActionDialog> closed = blocked;
    blocked->close();
    QTRY_VERIFY(!closed); // Deleted on close.

    window.setOnline(true);
    QVERIFY(actions->disabledReason().isEmpty());
    refund = panel->actionButton(QStringLiteral("refund"));
    QVERIFY(refund->isEnabled());
    window.show();
    save(&window, QStringLiteral("payment-detail-with-refund"));

    actions->setReadOnly(true);
    QVERIFY(actions->disabledReason().contains(QStringLiteral("Read-only")));
    QVERIFY(!panel->actionButton(QStringLiteral("refund"))->isEnabled());
    QPushButton *newCustomer
        = window.tablePage(ui::MainWindow::Page::Customers)
              ->findChild<QPushButton *>(QStringLiteral("pageAction_customer.create"));
    QVERIFY(newCustomer);
    QVERIFY(!newCustomer->isEnabled());
    actions->setReadOnly(false);
    QVERIFY(newCustomer->isEnabled());

    // The refund button opens the dialog for that payment; success refreshes the views.
    QTest::mouseClick(panel->actionButton(QStringLiteral("refund")), Qt::LeftButton);
    auto *dialog = window.findChild<ui::RefundDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("refundPayment"))->text().contains(m_usd));
    dialog->amountField()->setText(QStringLiteral("1.00"));
    const QJsonObject charge = raw(QStringLiteral("charges"), m_usd);
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral(
            "{\"id\":\"re_view\",\"object\":\"refund\",\"amount\":100,"
            "\"currency\":\"usd\",\"status\":\"succeeded\",\"created\":1763800001,\"charge\":\"")
            + m_usd.toLatin1() + "\"}"));
    QJsonObject refreshed = charge;
    refreshed[QStringLiteral("amount_refunded")] = 100;
    m_network->enqueue(
        FakeResponse::json(200, QJsonDocument(refreshed).toJson(QJsonDocument::Compact)));
    dialog->confirm();
    QTRY_VERIFY(panel->overviewHtml().contains(QStringLiteral("re_view")));
    // The charge was fetched again at once: the refund left the queue of the next sync.
    QTRY_COMPARE(m_cache->refetches(10).size(), 0);
}

void TestStaffDialogs::activityPageShowsOutboxAndAudit()
{
    ui::MainWindow window({QStringLiteral("Dialogs"), true, false});
    window.resize(1300, 800);
    window.actions()->setOutbox(m_outbox.get(), m_cache.get());
    window.setOnline(true);
    window.setCache(m_file);
    // One refused, one lost (pending), one done.
    const auto target = models::RefundTarget::fromCharge(raw(QStringLiteral("charges"), m_usd));
    m_network->enqueue(FakeResponse::json(
        400,
        QByteArrayLiteral("{\"error\":{\"type\":\"invalid_request_error\",\"code\":"
                          "\"amount_too_large\",\"message\":\"Too much, \\\"=cmd\\\"\"}}"),
        {{"Request-Id", "req_a1"}}));
    m_outbox->enqueue(models::staffactions::refund(target, 99999999, {}, {}));
    QSignalSpy idle(m_outbox.get(), &models::Outbox::idle);
    m_outbox->sendPending();
    QVERIFY(idle.wait());
    m_network->enqueue(FakeResponse::networkError(QNetworkReply::TimeoutError));
    m_outbox->enqueue(models::staffactions::refund(target, 100, {}, {}));
    m_outbox->sendPending();
    QVERIFY(idle.wait());
    ui::ActivityPage *page = window.activityPage();
    QVERIFY(page);
    QTRY_COMPARE(page->outboxTable()->rowCount(), 2);
    QCOMPARE(page->outboxTable()->item(0, 4)->text(), QStringLiteral("pending"));
    QCOMPARE(page->outboxTable()->item(1, 4)->text(), QStringLiteral("failed"));
    QCOMPARE(page->outboxTable()->item(1, 6)->text(), QStringLiteral("req_a1"));
    QCOMPARE(page->outboxTable()->item(0, 3)->text(), QStringLiteral("$1.00 USD"));
    QCOMPARE(page->auditTable()->rowCount(), 1); // The pending one has no outcome yet.
    QVERIFY(page->findChild<QLabel *>(QStringLiteral("activitySummary"))
                ->text()
                .contains(QStringLiteral("1 waiting")));
    // "Send pending now" resends it; its success is audited.
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral("{\"id\":\"re_act\",\"object\":\"refund\",\"amount\":100,"
                          "\"currency\":\"usd\",\"status\":\"succeeded\"}")));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("activityResend")),
                      Qt::LeftButton);
    QTRY_COMPARE(page->auditTable()->rowCount(), 2);
    QCOMPARE(page->outboxTable()->item(0, 4)->text(), QStringLiteral("succeeded"));
    window.showPage(ui::MainWindow::Page::Activity);
    window.show();
    save(&window, QStringLiteral("activity-page"));

    const QString csv = m_dir.filePath(QStringLiteral("audit.csv"));
    QCOMPARE(page->exportAudit(csv), 2);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.first().trimmed(),
             QByteArray("time,os_user,profile,mode,action,object_id,amount,currency,result,"
                        "request_id,message"));
    QVERIFY(lines.at(1).contains(",999999.99,USD,failed,req_a1,"));
    QVERIFY(lines.at(2).contains(",1.00,USD,succeeded,"));

    // The read-only switch persists and turns actions off.
    page->readOnlyBox()->setChecked(true);
    QVERIFY(window.actions()->isReadOnly());
    QVERIFY(QSettings().value(QStringLiteral("actions/readOnly")).toBool());
    page->readOnlyBox()->setChecked(false);
}

namespace {

// How many descriptors of this process are open on `file` (each SQLite connection holds one).
int descriptorsOpenOn(const QString &file)
{
    const QString target = QFileInfo(file).canonicalFilePath();
    int n = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QFileInfo &fd : fds.entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot))
        n += fd.symLinkTarget() == target;
    return n;
}

} // namespace

void TestStaffDialogs::aRefundReloadsOnlyThePagesThatShowIt()
{
    const int before = descriptorsOpenOn(m_file);
    ui::MainWindow window({QStringLiteral("Dialogs"), true, false});
    window.resize(1300, 800);
    window.actions()->setOutbox(m_outbox.get(), m_cache.get());
    window.setOnline(true);
    window.setCache(m_file);
    window.show();
    // Every page, panel, model and menu of the window reads through one connection.
    QCOMPARE(descriptorsOpenOn(m_file) - before, 1);

    using Page = ui::MainWindow::Page;
    const QList<Page> pages {Page::Payments, Page::Customers, Page::Subscriptions,
                             Page::Invoices, Page::Disputes,  Page::Refunds};
    std::vector<std::unique_ptr<QSignalSpy>> reloads;
    for (Page p : pages)
        reloads.push_back(
            std::make_unique<QSignalSpy>(window.tablePage(p), &ui::TablePage::refreshed));
    QSignalSpy activity(window.activityPage(), &ui::ActivityPage::refreshed);
    QSignalSpy changed(window.reader(), &models::CacheReader::changed);

    const auto target = models::RefundTarget::fromCharge(raw(QStringLiteral("charges"), m_usd));
    m_network->enqueue(FakeResponse::json(
        200,
        QByteArrayLiteral(
            "{\"id\":\"re_once\",\"object\":\"refund\",\"amount\":100,"
            "\"currency\":\"usd\",\"status\":\"succeeded\",\"created\":1763800001,\"charge\":\"")
            + m_usd.toLatin1() + "\"}"));
    QJsonObject refreshed = raw(QStringLiteral("charges"), m_usd);
    refreshed[QStringLiteral("amount_refunded")] = 100;
    m_network->enqueue(
        FakeResponse::json(200, QJsonDocument(refreshed).toJson(QJsonDocument::Compact)));
    QSignalSpy idle(m_outbox.get(), &models::Outbox::idle);
    m_outbox->enqueue(models::staffactions::refund(target, 100, {}, {}));
    m_outbox->sendPending();
    QVERIFY(idle.wait());
    QTRY_COMPARE(m_cache->refetches(10).size(), 0); // The charge was fetched again.
    QTRY_VERIFY(reloads.front()->count() > 0);
    QTest::qWait(2 * window.reader()->minimumInterval() + 200); // Anything announced late.

    QStringList touched;
    for (const QList<QVariant> &c : std::as_const(changed))
        touched += c.at(0).toStringList();
    QVERIFY2(touched.contains(QStringLiteral("charges")), qPrintable(touched.join(u' ')));
    QVERIFY(touched.contains(QStringLiteral("refunds")));
    QVERIFY(touched.contains(QStringLiteral("audit_log")));
    QStringList counts;
    for (qsizetype i = 0; i < pages.size(); ++i)
        counts.append(window.tablePage(pages.at(i))->model()->table() + u'='
                      + QString::number(reloads.at(i)->count()));
    qInfo("one refund: changed %s; pages reloaded %s; Activity %d", qPrintable(touched.join(u',')),
          qPrintable(counts.join(u' ')), int(activity.count()));
    int untouched = 0;
    for (qsizetype i = 0; i < pages.size(); ++i) {
        ui::TablePage *page = window.tablePage(pages.at(i));
        const bool reads = models::touches(touched, page->model()->tablesRead());
        untouched += !reads;
        // At most once per page that reads a changed table, never for the others.
        QVERIFY2(reads ? reloads.at(i)->count() == 1 : reloads.at(i)->count() == 0,
                 qPrintable(QStringLiteral("%1 reloaded %2 times; reads %3")
                                .arg(page->model()->table())
                                .arg(reloads.at(i)->count())
                                .arg(page->model()->tablesRead().join(u' '))));
    }
    QVERIFY(untouched >= 2); // Subscriptions and invoices do not show refunds.
    QCOMPARE(reloads.at(2)->count(), 0);
    // The Activity page shows the action waiting, then its outcome: two reads at most.
    QVERIFY2(activity.count() >= 1 && activity.count() <= 2,
             qPrintable(QString::number(activity.count())));
    QVERIFY(window.activityPage()->auditTable()->rowCount() == 1);
}

QTEST_MAIN(TestStaffDialogs)
#include "tst_staffdialogs.moc"
