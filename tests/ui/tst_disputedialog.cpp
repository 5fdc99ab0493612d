#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/store/cache.h"
#include "models/store/cachereader.h"
#include "models/sync/syncengine.h"
#include "models/views/listtablemodel.h"
#include "models/views/objectdetail.h"
#include "network/stripeclient.h"
#include "sandbox/stripesandbox.h"
#include "tests/support/fakenetwork.h"
#include "tests/support/sandboxnetwork.h"
#include "ui/actioncontroller.h"
#include "ui/detailpanel.h"
#include "ui/disputedialog.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk;

// The dispute response form and the accept dialog against the sandbox in process (its clock is
// the real one, so the deadlines Stripe sets are ahead): the form's rules before anything is
// sent, a draft with a file, the one submission, accepting, a killed window's upload resumed,
// and the dispute's detail.
class TestDisputeDialog final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_file;
    std::unique_ptr<sandbox::StripeSandbox> m_sandbox;
    tests::FakeNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<network::StripeClient> m_client;
    models::Cache m_cache;
    std::unique_ptr<models::Outbox> m_outbox;
    QStringList m_disputes; // Made by initTestCase, needing a response.

    static QByteArray pdf(int bytes = 2000)
    {
        QByteArray content("%PDF-1.4\n% evidence\n");
        content.append(QByteArray(std::max<qsizetype>(0, bytes - content.size()), 'x'));
        return content;
    }
    QJsonObject dispute(const QString &id)
    {
        return QJsonDocument::fromJson(
                   models::liveObjectJson(m_cache.database(), QStringLiteral("disputes"), id))
            .object();
    }
    // The dispute as the sandbox has it (GET /v1/disputes/ID).
    QJsonObject atStripe(const QString &id)
    {
        network::StripeRequest get;
        get.path = QStringLiteral("/v1/disputes/") + id;
        QJsonObject out;
        bool done = false;
        m_client->send(get, this, [&](const network::StripeResponse &r) {
            out = r.json;
            done = true;
        });
        [&] {
            QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
        }();
        return out;
    }
    qint64 entries(const QString &action)
    {
        qint64 n = 0;
        for (const models::OutboxEntry &e : m_outbox->entries())
            n += e.action == action;
        return n;
    }
    bool sendAndWait(ui::ActionDialog *d)
    {
        bool ok = false, done = false;
        connect(d, &ui::ActionDialog::succeeded, this, [&] { ok = done = true; });
        connect(d, &QDialog::finished, this, [&] { done = true; });
        d->confirm();
        return QTest::qWaitFor(
                   [&] {
                       return done
                           || (!d->isBlocked() && !d->problemText().isEmpty()
                               && m_outbox->inFlight() == 0 && !m_outbox->busy()
                               && d->entryId() < 0);
                   },
                   20000)
            && ok;
    }
    // A payment confirmed with one of Stripe's test cards; its charge.
    QString pay(qint64 amount, const QString &card)
    {
        network::StripeRequest create;
        create.method = "POST";
        create.path = QStringLiteral("/v1/payment_intents");
        create.params.add(QStringLiteral("amount"), amount);
        create.params.add(QStringLiteral("currency"), QStringLiteral("usd"));
        create.params.add(QStringLiteral("payment_method"), card);
        create.params.add(QStringLiteral("confirm"), true);
        QString charge;
        bool sent = false;
        m_client->send(create, this, [&](const network::StripeResponse &r) {
            charge = r.json.value(QStringLiteral("latest_charge")).toString();
            sent = true;
        });
        [&] {
            QVERIFY(QTest::qWaitFor([&] { return sent; }, 10000));
        }();
        return charge;
    }
    // One sync of the cache from the sandbox; whether it succeeded.
    bool syncNow()
    {
        models::SyncEngine engine(m_client.get(), &m_cache, {});
        bool done = false, ok = false;
        connect(&engine, &models::SyncEngine::finished, this, [&](bool success, const QString &) {
            done = true;
            ok = success;
        });
        engine.start();
        return QTest::qWaitFor([&] { return done; }, 60000) && ok;
    }
    void shot(QWidget *w, const QString &name)
    {
        if (qEnvironmentVariableIsEmpty("PAYDESK_SCREENSHOTS"))
            return;
        w->show();
        QTest::qWait(50);
        QVERIFY(w->grab().save(qEnvironmentVariable("PAYDESK_SCREENSHOTS") + u'/' + name
                               + QStringLiteral(".png")));
    }

private Q_SLOTS:
    void initTestCase();
    void formRulesCheckBeforeAnythingIsSent();
    void draftWithAFileThenOneSubmission();
    void aKilledWindowsUploadIsSentOnce();
    void acceptingConcedesOnce();
    void detailShowsTheDisputeAndItsHistory();
    void disputesListSoonestDeadlineFirst();
    void windowNotifiesANewDispute();
    void radarActionsOnAPayment();
};

void TestDisputeDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    if (qEnvironmentVariable("PAYDESK_SCREENSHOT_THEME") == QLatin1String("dark"))
        ui::theme::apply(ui::theme::Mode::Dark);
    QVERIFY(m_dir.isValid());
    sandbox::SandboxOptions options;
    options.scale = 300;
    options.seed = 3;
    m_sandbox = std::make_unique<sandbox::StripeSandbox>(options);
    QVERIFY(m_sandbox->load());
    network::StripeClientConfig config;
    config.apiKey = "sk_test_disputedialog";
    config.apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
    config.maxRetries = 0;
    m_network = new tests::FakeNetworkAccessManager;
    tests::answerFromSandbox(m_network, m_sandbox.get());
    m_client = std::make_unique<network::StripeClient>(config, m_network);
    // Four cardholders dispute their payment (Stripe's test card).
    for (int i = 0; i < 4; ++i)
        QVERIFY(pay(5000 + i, QStringLiteral("pm_card_createDispute")).startsWith(u"ch_"));
    m_file = m_dir.filePath(QStringLiteral("disputes.sqlite"));
    QVERIFY(m_cache.open(m_file));
    QVERIFY(syncNow());
    models::sql::Statement s = m_cache.database().prepare(
        QStringLiteral("SELECT id FROM disputes WHERE status = 'needs_response' AND due_by > "
                       "strftime('%s', 'now') AND amount >= 5000 AND amount < 5004 ORDER BY "
                       "amount"));
    while (s.step())
        m_disputes << s.text(0);
    QCOMPARE(m_disputes.size(), 4);
    m_outbox = std::make_unique<models::Outbox>(&m_cache, m_client.get());
}

void TestDisputeDialog::formRulesCheckBeforeAnythingIsSent()
{
    ui::DisputeResponseDialog d(dispute(m_disputes.at(0)), QStringLiteral("Cardholder"), {});
    d.setOutbox(m_outbox.get());
    // The guidance of the reason is shown, with its text fields ready.
    QVERIFY(!d.findChild<QLabel *>(QStringLiteral("disputeGuidance"))->text().isEmpty());
    QVERIFY(d.fieldEditor(QStringLiteral("product_description")));
    QVERIFY(d.confirmButton()->isEnabled());
    // The keyboard starts in the first field the guidance asks for (a fraudulent dispute: the
    // customer's name).
    QCOMPARE(d.focusWidget(), d.fieldEditor(QStringLiteral("customer_name")));

    // Nothing given: nothing sent.
    d.confirm();
    QVERIFY2(d.problemText().contains(QStringLiteral("Give some evidence")),
             qPrintable(d.problemText()));
    // A file Stripe refuses is not attached: text, empty, over 5 MB.
    QVERIFY(d.attachFile(QStringLiteral("receipt"), QStringLiteral("notes.txt"), "just text")
                .contains(QStringLiteral("PDF, JPEG or PNG")));
    QVERIFY(d.attachFile(QStringLiteral("receipt"), QStringLiteral("empty.pdf"), {})
                .contains(QStringLiteral("empty")));
    QVERIFY(d.attachFile(QStringLiteral("receipt"), QStringLiteral("huge.pdf"),
                         pdf(int(models::staffactions::kEvidenceFileMaxBytes) + 1))
                .contains(QStringLiteral("at most 5 MB")));
    QVERIFY(d.attachedFiles().isEmpty());
    QCOMPARE(d.filesTable()->rowCount(), 0);
    // A text field is no file field.
    QVERIFY(!d.attachFile(QStringLiteral("product_description"), QStringLiteral("a.pdf"), pdf())
                 .isEmpty());
    // Submitting needs its own confirmation that it happens once.
    d.setFieldText(QStringLiteral("product_description"), QStringLiteral("A blue mug"));
    d.submitBox()->setChecked(true);
    QCOMPARE(d.confirmButton()->text(), QStringLiteral("Submit evidence…"));
    QVERIFY(d.onceBox()->isEnabled());
    d.confirm();
    QCOMPARE(d.problemField(), QStringLiteral("once"));
    // More text than Stripe takes.
    d.submitBox()->setChecked(false);
    d.setFieldText(QStringLiteral("uncategorized_text"), QString(150001, u'x'));
    d.confirm();
    QVERIFY2(d.problemText().contains(QStringLiteral("150,000")), qPrintable(d.problemText()));
    QCOMPARE(m_outbox->entries().size(), 0);
    QCOMPARE(d.entryId(), -1);
}

void TestDisputeDialog::draftWithAFileThenOneSubmission()
{
    const QString id = m_disputes.at(0);
    {
        auto d = std::make_unique<ui::DisputeResponseDialog>(
            dispute(id), QStringLiteral("Cardholder"), ui::ActionDialog::Options {});
        d->setOutbox(m_outbox.get());
        d->setFieldText(QStringLiteral("product_description"),
                        QStringLiteral("Ceramic mug, blue, 350 ml"));
        d->addField(QStringLiteral("shipping_tracking_number"));
        d->setFieldText(QStringLiteral("shipping_tracking_number"), QStringLiteral("1Z999AA1"));
        QVERIFY(d->attachFile(QStringLiteral("receipt"), QStringLiteral("receipt.pdf"), pdf())
                    .isEmpty());
        QCOMPARE(d->filesTable()->rowCount(), 1);
        QCOMPARE(d->filesTable()->item(0, 1)->text(), QStringLiteral("receipt.pdf"));
        shot(d.get(), QStringLiteral("dispute-response-form"));
        // The form fits a 1024×640 screen.
        QVERIFY2(d->sizeHint().height() <= 640,
                 qPrintable(QString::number(d->sizeHint().height())));
        QVERIFY(sendAndWait(d.get()));
    }
    QCOMPARE(entries(QStringLiteral("file.upload")), 1);
    QCOMPARE(entries(QStringLiteral("dispute.evidence")), 1);
    const QJsonObject draft = atStripe(id);
    QCOMPARE(draft.value(QStringLiteral("status")).toString(), QStringLiteral("needs_response"));
    const QJsonObject evidence = draft.value(QStringLiteral("evidence")).toObject();
    QCOMPARE(evidence.value(QStringLiteral("product_description")).toString(),
             QStringLiteral("Ceramic mug, blue, 350 ml"));
    QCOMPARE(evidence.value(QStringLiteral("shipping_tracking_number")).toString(),
             QStringLiteral("1Z999AA1"));
    const QString file = evidence.value(QStringLiteral("receipt")).toString();
    QVERIFY2(file.startsWith(QStringLiteral("file_")), qPrintable(file));

    // The form opened again holds the draft; with nothing changed there is nothing to save.
    {
        ui::DisputeResponseDialog d(dispute(id), QStringLiteral("Cardholder"), {});
        d.setOutbox(m_outbox.get());
        QCOMPARE(d.fieldText(QStringLiteral("product_description")),
                 QStringLiteral("Ceramic mug, blue, 350 ml"));
        QCOMPARE(d.fieldText(QStringLiteral("shipping_tracking_number")),
                 QStringLiteral("1Z999AA1"));
        QCOMPARE(d.filesTable()->rowCount(), 1);
        QVERIFY(d.filesTable()->item(0, 1)->text().contains(file));
        QVERIFY(d.fieldsToSend().isEmpty());
        d.confirm();
        QVERIFY(d.problemText().contains(QStringLiteral("Give some evidence")));
    }
    // Submitted once, as it is.
    {
        ui::DisputeResponseDialog d(dispute(id), QStringLiteral("Cardholder"), {});
        d.setOutbox(m_outbox.get());
        d.submitBox()->setChecked(true);
        d.onceBox()->setChecked(true);
        QVERIFY(sendAndWait(&d));
    }
    QCOMPARE(entries(QStringLiteral("dispute.submit")), 1);
    QCOMPARE(entries(QStringLiteral("file.upload")), 1);
    QCOMPARE(atStripe(id).value(QStringLiteral("status")).toString(),
             QStringLiteral("under_review"));
    // The cache has the answer: a form opened now says why nothing more can go.
    QCOMPARE(dispute(id).value(QStringLiteral("status")).toString(),
             QStringLiteral("under_review"));
    ui::DisputeResponseDialog after(dispute(id), QStringLiteral("Cardholder"), {});
    QVERIFY(!after.confirmButton()->isEnabled());
    QVERIFY2(after.problemText().contains(QStringLiteral("submitted already")),
             qPrintable(after.problemText()));
}

void TestDisputeDialog::aKilledWindowsUploadIsSentOnce()
{
    // A window stored the upload of a file and was killed before sending it: the same response
    // asked for again sends that entry (its key) and no second upload.
    const QString id = m_disputes.at(1);
    const QByteArray content = pdf(3000);
    models::OutboxAction up = models::staffactions::uploadEvidenceFile(
        id, QStringLiteral("shipping_documentation"), QStringLiteral("label.pdf"), content);
    QVERIFY(m_outbox->enqueue(up) > 0);
    const qint64 before = entries(QStringLiteral("file.upload"));
    ui::DisputeResponseDialog d(dispute(id), QStringLiteral("Cardholder"), {});
    d.setOutbox(m_outbox.get());
    d.setFieldText(QStringLiteral("product_description"), QStringLiteral("Desk lamp"));
    QVERIFY(
        d.attachFile(QStringLiteral("shipping_documentation"), QStringLiteral("label.pdf"), content)
            .isEmpty());
    QVERIFY(sendAndWait(&d));
    QCOMPARE(entries(QStringLiteral("file.upload")), before);
    const QJsonObject evidence = atStripe(id).value(QStringLiteral("evidence")).toObject();
    QVERIFY(evidence.value(QStringLiteral("shipping_documentation"))
                .toString()
                .startsWith(QStringLiteral("file_")));
    QCOMPARE(evidence.value(QStringLiteral("product_description")).toString(),
             QStringLiteral("Desk lamp"));
}

void TestDisputeDialog::acceptingConcedesOnce()
{
    const QString id = m_disputes.at(2);
    {
        ui::AcceptDisputeDialog d(dispute(id), QStringLiteral("Cardholder"), {});
        d.setOutbox(m_outbox.get());
        QVERIFY(d.confirmButton()->isEnabled());
        QVERIFY(sendAndWait(&d));
    }
    QCOMPARE(atStripe(id).value(QStringLiteral("status")).toString(), QStringLiteral("lost"));
    QCOMPARE(dispute(id).value(QStringLiteral("status")).toString(), QStringLiteral("lost"));
    // Closed: neither accepted again nor answered.
    ui::AcceptDisputeDialog again(dispute(id), QStringLiteral("Cardholder"), {});
    QVERIFY(!again.confirmButton()->isEnabled());
    QVERIFY(again.problemText().contains(QStringLiteral("closed")));
    ui::DisputeResponseDialog respond(dispute(id), QStringLiteral("Cardholder"), {});
    QVERIFY(!respond.confirmButton()->isEnabled());
    QCOMPARE(entries(QStringLiteral("dispute.accept")), 1);
    // The window offers them only while the dispute takes a response.
    QVERIFY(models::staffActionsOn(QStringLiteral("disputes"), dispute(id)).isEmpty());
    QCOMPARE(models::staffActionsOn(QStringLiteral("disputes"), dispute(m_disputes.at(3))),
             (QList<models::StaffAction> {models::StaffAction::DisputeEvidence,
                                          models::StaffAction::DisputeAccept}));
}

void TestDisputeDialog::detailShowsTheDisputeAndItsHistory()
{
    // Synced again: the events of the submission and the closing are in the cache.
    QVERIFY(syncNow());
    const models::ObjectDetail d = models::ObjectDetail::load(
        m_cache.database(), QStringLiteral("disputes"), m_disputes.at(0));
    QVERIFY(d.found);
    QCOMPARE(d.statusText, QStringLiteral("Under review"));
    QHash<QString, QStringList> sections;
    for (const models::DetailSection &s : d.sections)
        for (const models::DetailField &f : s.fields)
            sections[s.title] << f.label + QStringLiteral(": ") + f.value;
    const QString summary = sections.value(QStringLiteral("Summary")).join(u'\n');
    QVERIFY2(summary.contains(QStringLiteral("Reason: ")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("Payment: ch_")));
    QVERIFY(summary.contains(QStringLiteral("Respond by: ")));
    const QString money = sections.value(QStringLiteral("Money")).join(u'\n');
    QVERIFY2(money.contains(QStringLiteral("withdrawn")) && money.contains(QStringLiteral("fee")),
             qPrintable(money));
    const QString evidence = sections.value(QStringLiteral("Evidence")).join(u'\n');
    QVERIFY2(evidence.contains(QStringLiteral("Submitted: 1 time")), qPrintable(evidence));
    QVERIFY(evidence.contains(QStringLiteral("Product description: Ceramic mug, blue, 350 ml")));
    QVERIFY(evidence.contains(QStringLiteral("Receipt (file): file_")));
    // The guidance is shown while the dispute takes a response.
    QVERIFY(!sections.contains(QStringLiteral("What to show the bank")));
    bool guided = false;
    for (const models::DetailSection &s :
         models::ObjectDetail::load(m_cache.database(), QStringLiteral("disputes"),
                                    m_disputes.at(3))
             .sections)
        guided
            = guided || (s.title == QLatin1String("What to show the bank") && !s.fields.isEmpty());
    QVERIFY(guided);
    const QString history = sections.value(QStringLiteral("Status history")).join(u'\n');
    QVERIFY2(history.contains(QStringLiteral("Opened"))
                 && history.contains(QStringLiteral("Under review")),
             qPrintable(history));

    // The panel offers the response and the accept on an open dispute, nothing on one closed.
    models::CacheReader reader;
    QVERIFY(reader.open(m_file));
    ui::DetailPanel panel;
    panel.setReader(&reader);
    QVERIFY(panel.showObject(QStringLiteral("disputes"), m_disputes.at(3)));
    QCOMPARE(panel.actionNames(),
             (QStringList {QStringLiteral("dispute.evidence"), QStringLiteral("dispute.accept")}));
    QCOMPARE(panel.actionButton(QStringLiteral("dispute.evidence"))->text(),
             QStringLiteral("Respond…"));
    QVERIFY(panel.showObject(QStringLiteral("disputes"), m_disputes.at(2)));
    QVERIFY(panel.actionNames().isEmpty());
    panel.resize(420, 640);
    shot(&panel, QStringLiteral("dispute-detail"));
}

void TestDisputeDialog::disputesListSoonestDeadlineFirst()
{
    models::ListTableModel model(models::ListTableModel::Kind::Disputes);
    QVERIFY(model.open(m_file));
    model.reload();
    QVERIFY(model.rowCount() > 2);
    QCOMPARE(model.sortColumn(), 4);
    QCOMPARE(model.sortOrder(), Qt::AscendingOrder);
    const int status = 1, due = 4;
    bool open = true;
    qint64 last = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString s
            = model.data(model.index(row, status), models::CacheTableModel::StatusRole).toString();
        const bool needs
            = s == QLatin1String("needs_response") || s == QLatin1String("warning_needs_response");
        // Those that need a response come first, by their deadline.
        if (!needs) {
            open = false;
            continue;
        }
        QVERIFY2(open,
                 qPrintable(QStringLiteral("row %1 needs a response after a closed one").arg(row)));
        const qint64 d
            = model.data(model.index(row, due), models::CacheTableModel::RawRole).toLongLong();
        QVERIFY(d >= last);
        last = d;
    }
}

void TestDisputeDialog::windowNotifiesANewDispute()
{
    ui::MainWindow window({QStringLiteral("Northwind"), true, true});
    QSignalSpy notified(&window, &ui::MainWindow::notified);
    window.setCache(m_file);
    // The disputes there when the window opens are not new, and none is due within 72 hours.
    QTest::qWait(200);
    QCOMPARE(window.notifications(), QStringList {});
    // A cardholder disputes a payment; the next sync brings it in.
    QVERIFY(!pay(6100, QStringLiteral("pm_card_createDispute")).isEmpty());
    // The sync's commits are told to the window's reader, as the session wires them.
    window.reader()->observe(m_cache.database());
    QVERIFY(syncNow());
    QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, 10000);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("New dispute"));
    const QString text = notified.at(0).at(1).toString();
    QVERIFY2(text.contains(QStringLiteral("$61.00")) && text.contains(QStringLiteral("days left")),
             qPrintable(text));
    QCOMPARE(window.notifications().size(), 1);
    // Told once: the window reading the cache again says nothing more.
    window.setCache(m_file);
    QTest::qWait(1500);
    QCOMPARE(notified.size(), 1);
}

void TestDisputeDialog::radarActionsOnAPayment()
{
    // Two payments Radar's rule held for review (Stripe's elevated-risk test card).
    QStringList held;
    for (int i = 0; i < 2; ++i)
        held << pay(7300 + i, QStringLiteral("pm_card_riskLevelElevated"));
    QVERIFY(syncNow());
    const auto reviewOf = [this](const QString &charge) {
        models::sql::Statement s = m_cache.database().prepare(
            QStringLiteral("SELECT id, open, closed_reason FROM reviews WHERE charge = ?1"));
        s.bind(1, charge);
        return s.step() ? QStringList {s.text(0), s.text(1), s.text(2)} : QStringList {};
    };
    QCOMPARE(reviewOf(held.at(0)).value(1), QStringLiteral("1"));
    // The payment's detail tells of the review and offers its actions.
    const models::ObjectDetail d
        = models::ObjectDetail::load(m_cache.database(), QStringLiteral("charges"), held.at(0));
    QString risk;
    for (const models::DetailSection &s : d.sections)
        for (const models::DetailField &f : s.fields)
            if (s.title == QLatin1String("Risk"))
                risk += f.label + QStringLiteral(": ") + f.value + u'\n';
    QVERIFY2(risk.contains(QStringLiteral("Review: Open since")), qPrintable(risk));
    models::CacheReader reader;
    QVERIFY(reader.open(m_file));
    ui::DetailPanel panel;
    panel.setReader(&reader);
    QVERIFY(panel.showObject(QStringLiteral("charges"), held.at(0)));
    QCOMPARE(panel.actionNames(),
             (QStringList {QStringLiteral("refund"), QStringLiteral("refund.fraudulent"),
                           QStringLiteral("review.approve")}));

    // Approved from its dialog: the review closes at Stripe and in the cache.
    ui::ActionController controller(nullptr);
    controller.setReader(&reader);
    controller.setOutbox(m_outbox.get(), &m_cache);
    controller.setOnline(true);
    {
        ui::ActionDialog *approve
            = controller.request(QStringLiteral("review.approve"), held.at(0));
        QVERIFY(approve);
        QVERIFY(approve->confirmButton()->isEnabled());
        QVERIFY(sendAndWait(approve));
    }
    QCOMPARE(reviewOf(held.at(0)).value(1), QStringLiteral("0"));
    QCOMPARE(reviewOf(held.at(0)).value(2), QStringLiteral("approved"));
    QVERIFY(panel.showObject(QStringLiteral("charges"), held.at(0)));
    QCOMPARE(panel.actionNames(), QStringList {QStringLiteral("refund")});

    // Refunded as fraudulent: the whole payment, reason fraudulent; its review closes so.
    ui::ActionDialog *refund = controller.request(QStringLiteral("refund.fraudulent"), held.at(1));
    QVERIFY(refund);
    QCOMPARE(
        refund->findChild<QComboBox *>(QStringLiteral("refundReason"))->currentData().toString(),
        QStringLiteral("fraudulent"));
    QVERIFY(sendAndWait(refund));
    QVERIFY(syncNow());
    QCOMPARE(reviewOf(held.at(1)).value(2), QStringLiteral("refunded_as_fraud"));
}

QTEST_MAIN(TestDisputeDialog)
#include "tst_disputedialog.moc"
