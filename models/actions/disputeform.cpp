#include "models/actions/disputeform.h"

#include "models/actions/staffactions.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonValue>

namespace paydesk::models::disputeform {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DisputeForm", text);
}

struct FieldInfo
{
    const char *field;
    const char *label;
    const char *help;
};

// Every evidence field Stripe takes, text and file, with what Stripe's reference says it is.
const QList<FieldInfo> &fieldInfos()
{
    static const QList<FieldInfo> infos {
        {"access_activity_log", QT_TRANSLATE_NOOP("DisputeForm", "Access activity log"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Server or activity logs showing that the customer accessed or "
                           "downloaded the digital product: IP addresses, times, activity.")},
        {"billing_address", QT_TRANSLATE_NOOP("DisputeForm", "Billing address"),
         QT_TRANSLATE_NOOP("DisputeForm", "The billing address the customer gave.")},
        {"cancellation_policy", QT_TRANSLATE_NOOP("DisputeForm", "Cancellation policy (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Your subscription cancellation policy, as shown to the customer.")},
        {"cancellation_policy_disclosure",
         QT_TRANSLATE_NOOP("DisputeForm", "Cancellation policy disclosure"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "How and when the customer was shown the cancellation policy before "
                           "buying.")},
        {"cancellation_rebuttal", QT_TRANSLATE_NOOP("DisputeForm", "Cancellation rebuttal"),
         QT_TRANSLATE_NOOP("DisputeForm", "Why the customer's subscription was not cancelled.")},
        {"customer_communication",
         QT_TRANSLATE_NOOP("DisputeForm", "Customer communication (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Messages with the customer that matter to the case: emails showing "
                           "they received the product or service, or used it.")},
        {"customer_email_address", QT_TRANSLATE_NOOP("DisputeForm", "Customer email address"),
         QT_TRANSLATE_NOOP("DisputeForm", "The customer's email address.")},
        {"customer_name", QT_TRANSLATE_NOOP("DisputeForm", "Customer name"),
         QT_TRANSLATE_NOOP("DisputeForm", "The customer's name.")},
        {"customer_purchase_ip", QT_TRANSLATE_NOOP("DisputeForm", "Customer purchase IP"),
         QT_TRANSLATE_NOOP("DisputeForm", "The IP address the customer bought from.")},
        {"customer_signature", QT_TRANSLATE_NOOP("DisputeForm", "Customer signature (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "A document or contract showing the customer's signature.")},
        {"duplicate_charge_documentation",
         QT_TRANSLATE_NOOP("DisputeForm", "Duplicate charge documentation (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Documentation of the prior charge that identifies it, such as a "
                           "receipt or shipping label.")},
        {"duplicate_charge_explanation",
         QT_TRANSLATE_NOOP("DisputeForm", "Duplicate charge explanation"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "How the disputed charge differs from the prior one that looks like "
                           "a duplicate.")},
        {"duplicate_charge_id", QT_TRANSLATE_NOOP("DisputeForm", "Duplicate charge id"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "The Stripe id of the prior charge that looks like a duplicate.")},
        {"product_description", QT_TRANSLATE_NOOP("DisputeForm", "Product description"),
         QT_TRANSLATE_NOOP("DisputeForm", "What was sold: the product or service.")},
        {"receipt", QT_TRANSLATE_NOOP("DisputeForm", "Receipt (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "A receipt or message sent to the customer about the charge.")},
        {"refund_policy", QT_TRANSLATE_NOOP("DisputeForm", "Refund policy (file)"),
         QT_TRANSLATE_NOOP("DisputeForm", "Your refund policy, as shown to the customer.")},
        {"refund_policy_disclosure", QT_TRANSLATE_NOOP("DisputeForm", "Refund policy disclosure"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "How the customer was shown the refund policy before buying.")},
        {"refund_refusal_explanation",
         QT_TRANSLATE_NOOP("DisputeForm", "Refund refusal explanation"),
         QT_TRANSLATE_NOOP("DisputeForm", "Why the customer is not entitled to a refund.")},
        {"service_date", QT_TRANSLATE_NOOP("DisputeForm", "Service date"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "When the customer received or began receiving the service, "
                           "written out clearly.")},
        {"service_documentation", QT_TRANSLATE_NOOP("DisputeForm", "Service documentation (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Proof that the service was provided: a signed work order, a "
                           "confirmation of completion.")},
        {"shipping_address", QT_TRANSLATE_NOOP("DisputeForm", "Shipping address"),
         QT_TRANSLATE_NOOP("DisputeForm", "The full address the product was shipped to.")},
        {"shipping_carrier", QT_TRANSLATE_NOOP("DisputeForm", "Shipping carrier"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "The delivery service (FedEx, UPS, USPS…); several separated by "
                           "commas.")},
        {"shipping_date", QT_TRANSLATE_NOOP("DisputeForm", "Shipping date"),
         QT_TRANSLATE_NOOP("DisputeForm", "When the product was sent, written out clearly.")},
        {"shipping_documentation",
         QT_TRANSLATE_NOOP("DisputeForm", "Shipping documentation (file)"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "Proof the product was shipped to the customer's address: a "
                           "shipping label, a delivery confirmation.")},
        {"shipping_tracking_number", QT_TRANSLATE_NOOP("DisputeForm", "Shipping tracking number"),
         QT_TRANSLATE_NOOP("DisputeForm",
                           "The carrier's tracking number; several separated by commas.")},
        {"uncategorized_file", QT_TRANSLATE_NOOP("DisputeForm", "Other evidence (file)"),
         QT_TRANSLATE_NOOP("DisputeForm", "Any other evidence or statement.")},
        {"uncategorized_text", QT_TRANSLATE_NOOP("DisputeForm", "Other evidence"),
         QT_TRANSLATE_NOOP("DisputeForm", "Any other evidence or statement.")},
    };
    return infos;
}

const FieldInfo *infoOf(const QString &field)
{
    for (const FieldInfo &f : fieldInfos())
        if (field == QLatin1String(f.field))
            return &f;
    return nullptr;
}

QStringList list(std::initializer_list<const char *> fields)
{
    QStringList out;
    for (const char *f : fields)
        out << QString::fromLatin1(f);
    return out;
}

} // namespace

Guidance guidanceFor(const QString &reason)
{
    Guidance g;
    g.reason = reason;
    if (reason == QLatin1String("fraudulent")) {
        g.title = tr("Fraudulent");
        g.advice = tr("The cardholder says they did not make this payment. Show that they did: "
                      "who bought (name, email, IP address, billing address matching the card), "
                      "that the goods reached their address or they used the service, and any "
                      "earlier undisputed payments of theirs.");
        g.fields = list({"customer_name", "customer_email_address", "billing_address",
                         "customer_purchase_ip", "product_description", "shipping_address",
                         "shipping_tracking_number", "shipping_documentation",
                         "access_activity_log", "customer_communication", "receipt"});
    } else if (reason == QLatin1String("product_not_received")) {
        g.title = tr("Product not received");
        g.advice = tr("The customer says the goods or service never arrived. Show that they "
                      "were delivered: carrier, tracking number and shipping date to the address "
                      "they gave, or proof the service was provided or the download used.");
        g.fields
            = list({"product_description", "shipping_carrier", "shipping_tracking_number",
                    "shipping_date", "shipping_address", "shipping_documentation", "service_date",
                    "service_documentation", "access_activity_log", "customer_communication"});
    } else if (reason == QLatin1String("product_unacceptable")) {
        g.title = tr("Product unacceptable");
        g.advice = tr("The customer says the product was defective or not as described. Show "
                      "that it was as described and delivered, that they were shown your refund "
                      "policy, and why no refund is due (or that they never asked for one).");
        g.fields = list({"product_description", "refund_policy", "refund_policy_disclosure",
                         "refund_refusal_explanation", "customer_communication", "receipt",
                         "shipping_documentation", "service_documentation"});
    } else if (reason == QLatin1String("subscription_canceled")) {
        g.title = tr("Subscription cancelled");
        g.advice = tr("The customer says they cancelled and were charged anyway. Show the "
                      "cancellation policy they agreed to, that they did not cancel as it asks "
                      "(or cancelled after this charge), and that they kept using the service.");
        g.fields = list({"cancellation_policy", "cancellation_policy_disclosure",
                         "cancellation_rebuttal", "customer_communication", "access_activity_log",
                         "product_description", "receipt"});
    } else if (reason == QLatin1String("duplicate")) {
        g.title = tr("Duplicate");
        g.advice = tr("The customer says they were charged twice for one purchase. Show that "
                      "the two payments were for different things, with the other payment's id "
                      "and its receipt, or that the other one was refunded.");
        g.fields = list({"duplicate_charge_id", "duplicate_charge_explanation",
                         "duplicate_charge_documentation", "receipt", "product_description",
                         "customer_communication"});
    } else if (reason == QLatin1String("credit_not_processed")) {
        g.title = tr("Credit not processed");
        g.advice = tr("The customer says a refund or credit they were promised never came. Show "
                      "your refund policy as they saw it and why no refund is due, or that the "
                      "refund was made.");
        g.fields = list({"refund_policy", "refund_policy_disclosure", "refund_refusal_explanation",
                         "customer_communication", "product_description", "receipt"});
    } else if (reason == QLatin1String("unrecognized")) {
        g.title = tr("Unrecognized");
        g.advice = tr("The cardholder does not recognise the payment. Show who bought what: "
                      "the product, the receipt sent to them, their name and email, and any "
                      "messages with them.");
        g.fields = list({"product_description", "receipt", "customer_name",
                         "customer_email_address", "billing_address", "customer_communication",
                         "shipping_documentation", "access_activity_log"});
    } else {
        // general, bank_cannot_process, check_returned, customer_initiated,
        // debit_not_authorized, incorrect_account_details, insufficient_funds, noncompliant.
        static const QMap<QString, const char *> titles {
            {QStringLiteral("general"), QT_TRANSLATE_NOOP("DisputeForm", "General")},
            {QStringLiteral("bank_cannot_process"),
             QT_TRANSLATE_NOOP("DisputeForm", "Bank cannot process")},
            {QStringLiteral("check_returned"), QT_TRANSLATE_NOOP("DisputeForm", "Check returned")},
            {QStringLiteral("customer_initiated"),
             QT_TRANSLATE_NOOP("DisputeForm", "Customer initiated")},
            {QStringLiteral("debit_not_authorized"),
             QT_TRANSLATE_NOOP("DisputeForm", "Debit not authorized")},
            {QStringLiteral("incorrect_account_details"),
             QT_TRANSLATE_NOOP("DisputeForm", "Incorrect account details")},
            {QStringLiteral("insufficient_funds"),
             QT_TRANSLATE_NOOP("DisputeForm", "Insufficient funds")},
            {QStringLiteral("noncompliant"), QT_TRANSLATE_NOOP("DisputeForm", "Noncompliant")},
        };
        g.title = titles.contains(reason) ? tr(titles.value(reason))
                                          : (reason.isEmpty() ? tr("Unknown reason") : reason);
        g.advice = tr("Show that the payment was authorised and the customer received what they "
                      "paid for: what was sold, the receipt, the messages with the customer, "
                      "and anything else that answers the bank's question.");
        g.fields
            = list({"product_description", "receipt", "customer_communication", "customer_name",
                    "customer_email_address", "uncategorized_text", "uncategorized_file"});
    }
    return g;
}

QString fieldLabel(const QString &field)
{
    const FieldInfo *f = infoOf(field);
    return f ? tr(f->label) : field;
}

QString fieldHelp(const QString &field)
{
    const FieldInfo *f = infoOf(field);
    return f ? tr(f->help) : QString();
}

bool isFileField(const QString &field)
{
    return staffactions::disputeFileFields().contains(field);
}

InputProblem problem(const QMap<QString, QString> &fields, const QList<EvidenceFile> &files,
                     bool submit)
{
    qsizetype text = 0;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (isFileField(it.key()))
            return {it.key(), tr("%1 takes a file, not text.").arg(it.key())};
        if (!staffactions::disputeTextFields().contains(it.key()))
            return {it.key(),
                    tr("%1 is not an evidence text field Stripe takes; they are: %2")
                        .arg(it.key(), staffactions::disputeTextFields().join(u", "))};
        text += it.value().size();
    }
    QStringList seen;
    for (const EvidenceFile &f : files) {
        if (!isFileField(f.field))
            return {f.field,
                    tr("%1 is not an evidence field that takes a file; they are: %2")
                        .arg(f.field, staffactions::disputeFileFields().join(u", "))};
        if (seen.contains(f.field))
            return {f.field, tr("%1 has two files; a field takes one.").arg(fieldLabel(f.field))};
        seen << f.field;
        if (fields.contains(f.field))
            return {f.field, tr("%1 is given as text and as a file.").arg(f.field)};
        if (const QString p = staffactions::evidenceFileProblem(f.content); !p.isEmpty())
            return {f.field, tr("%1: %2").arg(f.fileName, p)};
    }
    if (text > kMaxEvidenceText)
        return {QStringLiteral("evidence"),
                tr("The evidence is %1 characters long; Stripe takes at most 150,000.").arg(text)};
    bool any = !files.isEmpty();
    for (const QString &v : fields)
        any = any || !v.trimmed().isEmpty();
    if (!any && !submit)
        return {QStringLiteral("evidence"),
                tr("Give some evidence: fill in a field or attach a file.")};
    return {};
}

QString intentOf(const QString &dispute, const QMap<QString, QString> &fields,
                 const QList<EvidenceFile> &files, bool submit)
{
    QStringList intent {QStringLiteral("dispute"), QStringLiteral("evidence"), dispute};
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        intent << it.key() + u'=' + it.value();
    QMap<QString, QByteArray> byField;
    for (const EvidenceFile &f : files)
        byField.insert(f.field,
                       QCryptographicHash::hash(f.content, QCryptographicHash::Sha256).toHex());
    for (auto it = byField.cbegin(); it != byField.cend(); ++it)
        intent << it.key() + QStringLiteral("=sha256:") + QString::fromLatin1(it.value());
    if (submit)
        intent << QStringLiteral("--submit");
    return intent.join(u' ');
}

QMap<QString, QString> currentEvidence(const QJsonObject &dispute)
{
    QMap<QString, QString> out;
    const QJsonObject evidence = dispute.value(QLatin1String("evidence")).toObject();
    for (auto it = evidence.constBegin(); it != evidence.constEnd(); ++it) {
        // A file field may be expanded to the file object.
        const QString v = it.value().isObject()
            ? it.value().toObject().value(QLatin1String("id")).toString()
            : it.value().toString();
        if (!v.isEmpty())
            out.insert(it.key(), v);
    }
    return out;
}

} // namespace paydesk::models::disputeform
