#include "models/actions/disputeform.h"
#include "models/actions/staffactions.h"
#include "models/views/disputewatch.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace paydesk::models;
namespace df = paydesk::models::disputeform;

// The rules of a dispute response (shared by the window's form and `paydesk dispute evidence`),
// Stripe's guidance per reason, and which notifications the disputes deserve.
class TestDisputeForm final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyReasonHasGuidance();
    void problems_data();
    void problems();
    void intentIsTheResponse();
    void currentEvidenceReadsDraftsAndFiles();
    void watchTellsEachThingOnce();
};

void TestDisputeForm::everyReasonHasGuidance()
{
    // Stripe's reasons (the spec's enum for the pinned version).
    const QStringList reasons {QStringLiteral("bank_cannot_process"),
                               QStringLiteral("check_returned"),
                               QStringLiteral("credit_not_processed"),
                               QStringLiteral("customer_initiated"),
                               QStringLiteral("debit_not_authorized"),
                               QStringLiteral("duplicate"),
                               QStringLiteral("fraudulent"),
                               QStringLiteral("general"),
                               QStringLiteral("incorrect_account_details"),
                               QStringLiteral("insufficient_funds"),
                               QStringLiteral("product_not_received"),
                               QStringLiteral("product_unacceptable"),
                               QStringLiteral("subscription_canceled"),
                               QStringLiteral("unrecognized")};
    QSet<QString> titles;
    for (const QString &r : reasons) {
        const df::Guidance g = df::guidanceFor(r);
        QVERIFY2(!g.title.isEmpty() && g.title != r, qPrintable(r));
        QVERIFY(!g.advice.isEmpty());
        QVERIFY(!g.fields.isEmpty());
        titles.insert(g.title);
        bool text = false;
        for (const QString &f : g.fields) {
            // Every field named is one Stripe takes, with a label and help of its own.
            QVERIFY2(staffactions::disputeTextFields().contains(f)
                         || staffactions::disputeFileFields().contains(f),
                     qPrintable(r + u' ' + f));
            QVERIFY(df::fieldLabel(f) != f);
            QVERIFY(!df::fieldHelp(f).isEmpty());
            text = text || !df::isFileField(f);
        }
        QVERIFY2(text, qPrintable(r + QStringLiteral(": the form would show no text field")));
    }
    QCOMPARE(titles.size(), reasons.size());
    // What the guidance asks for follows the reason.
    QVERIFY(df::guidanceFor(QStringLiteral("product_not_received"))
                .fields.contains(QStringLiteral("shipping_tracking_number")));
    QVERIFY(df::guidanceFor(QStringLiteral("duplicate"))
                .fields.contains(QStringLiteral("duplicate_charge_id")));
    QVERIFY(df::guidanceFor(QStringLiteral("subscription_canceled"))
                .fields.contains(QStringLiteral("cancellation_rebuttal")));
    for (const QString &f : staffactions::disputeTextFields() + staffactions::disputeFileFields())
        QVERIFY2(df::fieldLabel(f) != f, qPrintable(f));
}

void TestDisputeForm::problems_data()
{
    QTest::addColumn<QStringList>("fields"); // key=value
    QTest::addColumn<QStringList>("files"); // field=content
    QTest::addColumn<bool>("submit");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    const QString pdf = QStringLiteral("%PDF-1.4 x");
    QTest::newRow("fine") << QStringList {QStringLiteral("product_description=Mug")}
                          << QStringList {QStringLiteral("receipt=") + pdf} << false << QString()
                          << QString();
    QTest::newRow("nothing") << QStringList {} << QStringList {} << false
                             << QStringLiteral("evidence") << QStringLiteral("Give some evidence");
    QTest::newRow("blank text is nothing")
        << QStringList {QStringLiteral("product_description=  ")} << QStringList {} << false
        << QStringLiteral("evidence") << QStringLiteral("Give some evidence");
    QTest::newRow("submitting the draft as it is")
        << QStringList {} << QStringList {} << true << QString() << QString();
    QTest::newRow("unknown text field")
        << QStringList {QStringLiteral("favourite=blue")} << QStringList {} << false
        << QStringLiteral("favourite") << QStringLiteral("not an evidence text field");
    QTest::newRow("file field as text")
        << QStringList {QStringLiteral("receipt=file_1")} << QStringList {} << false
        << QStringLiteral("receipt") << QStringLiteral("takes a file");
    QTest::newRow("text field as file")
        << QStringList {} << QStringList {QStringLiteral("product_description=") + pdf} << false
        << QStringLiteral("product_description")
        << QStringLiteral("not an evidence field that takes a file");
    QTest::newRow("not a pdf") << QStringList {} << QStringList {QStringLiteral("receipt=hello")}
                               << false << QStringLiteral("receipt")
                               << QStringLiteral("PDF, JPEG or PNG");
    QTest::newRow("two files in one field")
        << QStringList {}
        << QStringList {QStringLiteral("receipt=") + pdf, QStringLiteral("receipt=") + pdf} << false
        << QStringLiteral("receipt") << QStringLiteral("two files");
    QTest::newRow("too much text")
        << QStringList {QStringLiteral("uncategorized_text=") + QString(100000, u'a'),
                        QStringLiteral("product_description=") + QString(50001, u'b')}
        << QStringList {} << false << QStringLiteral("evidence") << QStringLiteral("150,000");
    QTest::newRow("just at the limit")
        << QStringList {QStringLiteral("uncategorized_text=") + QString(100000, u'a'),
                        QStringLiteral("product_description=") + QString(50000, u'b')}
        << QStringList {} << false << QString() << QString();
}

void TestDisputeForm::problems()
{
    QFETCH(QStringList, fields);
    QFETCH(QStringList, files);
    QFETCH(bool, submit);
    QFETCH(QString, field);
    QFETCH(QString, message);
    QMap<QString, QString> f;
    for (const QString &kv : fields)
        f.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    QList<df::EvidenceFile> attached;
    for (const QString &kv : files)
        attached.append(
            {kv.section(u'=', 0, 0), QStringLiteral("x.pdf"), kv.section(u'=', 1).toLatin1()});
    const InputProblem p = df::problem(f, attached, submit);
    QCOMPARE(p.field, field);
    if (message.isEmpty())
        QVERIFY2(p.ok(), qPrintable(p.message));
    else
        QVERIFY2(p.message.contains(message), qPrintable(p.message));
}

void TestDisputeForm::intentIsTheResponse()
{
    const QMap<QString, QString> fields {
        {QStringLiteral("product_description"), QStringLiteral("Mug")},
        {QStringLiteral("customer_name"), QStringLiteral("Ada")}};
    const QList<df::EvidenceFile> files {
        {QStringLiteral("receipt"), QStringLiteral("r.pdf"), "%PDF-1"}};
    const QString intent = df::intentOf(QStringLiteral("dp_1"), fields, files, false);
    // The command line's own words: the same response from the window and the command is one.
    QCOMPARE(intent,
             QStringLiteral("dispute evidence dp_1 customer_name=Ada product_description=Mug "
                            "receipt=sha256:%1")
                 .arg(QString::fromLatin1(
                     QCryptographicHash::hash("%PDF-1", QCryptographicHash::Sha256).toHex())));
    // The file's name does not change the response; its content, the text or submitting do.
    QCOMPARE(df::intentOf(QStringLiteral("dp_1"), fields,
                          {{QStringLiteral("receipt"), QStringLiteral("other.pdf"), "%PDF-1"}},
                          false),
             intent);
    QVERIFY(df::intentOf(QStringLiteral("dp_1"), fields,
                         {{QStringLiteral("receipt"), QStringLiteral("r.pdf"), "%PDF-2"}}, false)
            != intent);
    QVERIFY(df::intentOf(QStringLiteral("dp_1"), fields, files, true) != intent);
    QVERIFY(df::intentOf(QStringLiteral("dp_2"), fields, files, false) != intent);
}

void TestDisputeForm::currentEvidenceReadsDraftsAndFiles()
{
    const QJsonObject dispute = QJsonDocument::fromJson(R"({"evidence": {
        "product_description": "Mug", "receipt": "file_1", "shipping_carrier": null,
        "customer_signature": {"id": "file_2", "object": "file"}, "billing_address": ""}})")
                                    .object();
    const QMap<QString, QString> current = df::currentEvidence(dispute);
    QCOMPARE(current,
             (QMap<QString, QString> {
                 {QStringLiteral("product_description"), QStringLiteral("Mug")},
                 {QStringLiteral("receipt"), QStringLiteral("file_1")},
                 {QStringLiteral("customer_signature"), QStringLiteral("file_2")}}));
}

void TestDisputeForm::watchTellsEachThingOnce()
{
    const qint64 now = 1800000000;
    DisputeWatch watch;
    const OpenDispute far {QStringLiteral("dp_far"), 4000,
                           QStringLiteral("usd"),    QStringLiteral("fraudulent"),
                           now + 10 * 86400,         now - 86400};
    const OpenDispute soon {QStringLiteral("dp_soon"), 2500,
                            QStringLiteral("eur"),     QStringLiteral("duplicate"),
                            now + 24 * 3600,           now - 20 * 86400};
    // The first reading: what is there is not new; the one due within 72 hours is told.
    QList<DisputeAlert> a = watch.update({far, soon}, now);
    QCOMPARE(a.size(), 1);
    QCOMPARE(a.at(0).kind, DisputeAlert::Kind::DueSoon);
    QCOMPARE(a.at(0).ids, QStringList {QStringLiteral("dp_soon")});
    QVERIFY2(a.at(0).text.contains(QStringLiteral("Duplicate")), qPrintable(a.at(0).text));
    // Nothing changed: nothing told again.
    QVERIFY(watch.update({far, soon}, now + 600).isEmpty());
    // A new dispute arrives.
    const OpenDispute fresh {QStringLiteral("dp_new"), 990,
                             QStringLiteral("usd"),    QStringLiteral("product_not_received"),
                             now + 20 * 86400,         now};
    a = watch.update({far, soon, fresh}, now + 1200);
    QCOMPARE(a.size(), 1);
    QCOMPARE(a.at(0).kind, DisputeAlert::Kind::New);
    QCOMPARE(a.at(0).ids, QStringList {QStringLiteral("dp_new")});
    QVERIFY(a.at(0).text.contains(QStringLiteral("Product not received")));
    // Days later the first one's deadline comes within 72 hours: told once.
    const qint64 later = far.dueBy - 71 * 3600;
    a = watch.update({far, fresh}, later);
    QCOMPARE(a.size(), 1);
    QCOMPARE(a.at(0).ids, QStringList {QStringLiteral("dp_far")});
    QVERIFY(watch.update({far, fresh}, later + 60).isEmpty());
    // Overdue disputes are not "due within 72 hours".
    DisputeWatch other;
    const OpenDispute overdue {QStringLiteral("dp_late"), 100,      QStringLiteral("usd"),
                               QStringLiteral("general"), now - 60, now - 30 * 86400};
    QVERIFY(other.update({overdue}, now).isEmpty());
}

QTEST_GUILESS_MAIN(TestDisputeForm)
#include "tst_disputeform.moc"
