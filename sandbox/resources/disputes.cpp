#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>

#define L(s) QStringLiteral(s)

// Responding to a dispute: evidence saved or submitted, or the dispute accepted (closed), with
// Stripe's state machine — nothing after a submission or once closed, nothing after due_by.
namespace paydesk::sandbox {

using namespace detail;

namespace {

// What Stripe counts against its limit of 150,000 characters of evidence text.
constexpr qsizetype kMaxEvidenceText = 150000;

bool respondable(const QString &status)
{
    return status == QLatin1String("needs_response")
        || status == QLatin1String("warning_needs_response");
}

} // namespace

std::optional<StripeSandbox::Reply> StripeSandbox::disputeOpen(const QJsonObject &dispute)
{
    const QString status = dispute.value(L("status")).toString();
    if (status == QLatin1String("won") || status == QLatin1String("lost")
        || status == QLatin1String("warning_closed") || status == QLatin1String("charge_refunded"))
        return error(400, kInvalidRequest, L("This dispute is already closed."), {}, {});
    if (!respondable(status))
        return error(400, kInvalidRequest,
                     L("This dispute's evidence has already been submitted (status %1) and can no "
                       "longer be changed.")
                         .arg(status),
                     {}, {});
    const qint64 due
        = dispute.value(L("evidence_details")).toObject().value(L("due_by")).toInteger();
    if (due > 0 && now() > due)
        return error(400, kInvalidRequest,
                     L("The deadline for responding to this dispute has passed."), {},
                     L("evidence"));
    return {};
}

StripeSandbox::Reply StripeSandbox::updateDispute(const QString &id, const FormParams &params)
{
    const auto existing = m_store.disputes.get(id.toLatin1());
    if (!existing)
        return missing(L("dispute"), id);
    QJsonObject dispute = *existing;
    const QJsonObject tree = params.tree();
    if (const auto bad
        = onlyImplemented(tree, {L("evidence"), L("submit"), L("metadata"), L("expand")}))
        return *bad;
    if (const auto bad = disputeOpen(dispute))
        return *bad;
    QJsonObject evidence = dispute.value(L("evidence")).toObject();
    const QJsonObject given = tree.value(L("evidence")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it) {
        const QString param = L("evidence[%1]").arg(it.key());
        if (!evidence.contains(it.key()))
            return error(400, kInvalidRequest, L("Received unknown parameter: %1").arg(param),
                         L("parameter_unknown"), param);
        // File fields take the id of an uploaded file (POST /v1/files).
        static const QStringList files {L("cancellation_policy"),
                                        L("customer_communication"),
                                        L("customer_signature"),
                                        L("duplicate_charge_documentation"),
                                        L("receipt"),
                                        L("refund_policy"),
                                        L("service_documentation"),
                                        L("shipping_documentation"),
                                        L("uncategorized_file")};
        if (files.contains(it.key()) && !it.value().toString().isEmpty()) {
            // The id of a file uploaded for dispute evidence.
            const auto file = m_store.files.get(it.value().toString().toLatin1());
            if (!file)
                return error(400, kInvalidRequest,
                             L("No such file upload: '%1'").arg(it.value().toString()),
                             L("resource_missing"), param);
            if (file->value(L("purpose")).toString() != QLatin1String("dispute_evidence"))
                return error(400, kInvalidRequest,
                             L("The file %1 was uploaded for %2, not dispute_evidence.")
                                 .arg(it.value().toString(), file->value(L("purpose")).toString()),
                             {}, param);
        }
        if (!it.value().isString())
            return error(400, kInvalidRequest, L("Invalid string: %1").arg(param), {}, param);
        evidence.insert(it.key(), it.value().toString().isEmpty() ? QJsonValue() : it.value());
    }
    qsizetype text = 0;
    for (auto it = evidence.begin(); it != evidence.end(); ++it)
        text += it.value().toString().size();
    if (text > kMaxEvidenceText)
        return error(400, kInvalidRequest,
                     L("The evidence is %1 characters long; Stripe takes at most %2.")
                         .arg(text)
                         .arg(kMaxEvidenceText),
                     {}, L("evidence"));
    const QString submit = params.value(L("submit"));
    if (tree.contains(L("submit")) && submit != QLatin1String("true")
        && submit != QLatin1String("false"))
        return error(400, kInvalidRequest, L("Invalid boolean: %1").arg(submit),
                     L("parameter_invalid_boolean"), L("submit"));
    dispute.insert(L("evidence"), evidence);
    if (tree.contains(L("metadata")))
        dispute.insert(
            L("metadata"),
            mergedMetadata(dispute.value(L("metadata")).toObject(), tree.value(L("metadata"))));
    QJsonObject details = dispute.value(L("evidence_details")).toObject();
    details.insert(L("has_evidence"), true);
    if (isTrue(submit)) {
        const QString status = dispute.value(L("status")).toString();
        dispute.insert(L("status"),
                       status.startsWith(QLatin1String("warning")) ? L("warning_under_review")
                                                                   : L("under_review"));
        details.insert(L("submission_count"), details.value(L("submission_count")).toInteger() + 1);
        dispute.insert(L("is_charge_refundable"), false);
    }
    dispute.insert(L("evidence_details"), details);
    const QJsonObject previous = changedFields(*existing, dispute);
    m_store.disputes.replace(dispute, dispute.value(L("status")).toString().toLatin1());
    if (!previous.isEmpty())
        emitEvent(L("charge.dispute.updated"), dispute, previous);
    return {200, dispute, {}};
}

StripeSandbox::Reply StripeSandbox::closeDispute(const QString &id, const FormParams &params)
{
    const auto existing = m_store.disputes.get(id.toLatin1());
    if (!existing)
        return missing(L("dispute"), id);
    if (const auto bad = onlyImplemented(params.tree(), {L("expand")}))
        return *bad;
    QJsonObject dispute = *existing;
    const QString status = dispute.value(L("status")).toString();
    if (!respondable(status) && status != QLatin1String("under_review")
        && status != QLatin1String("warning_under_review"))
        return error(400, kInvalidRequest, L("This dispute is already closed."), {}, {});
    if (status.contains(QLatin1String("under_review")))
        return error(400, kInvalidRequest,
                     L("This dispute's evidence has been submitted; the bank decides it now."), {},
                     {});
    // Accepting it: the merchant concedes, the money stays withdrawn.
    dispute.insert(L("status"),
                   status.startsWith(QLatin1String("warning")) ? L("warning_closed") : L("lost"));
    dispute.insert(L("is_charge_refundable"), false);
    const QJsonObject previous = changedFields(*existing, dispute);
    m_store.disputes.replace(dispute, dispute.value(L("status")).toString().toLatin1());
    emitEvent(L("charge.dispute.closed"), dispute, previous);
    return {200, dispute, {}};
}

StripeSandbox::Reply StripeSandbox::createFile(const FormParams &params)
{
    static const QStringList kPurposes {L("account_requirement"),
                                        L("additional_verification"),
                                        L("business_icon"),
                                        L("business_logo"),
                                        L("customer_signature"),
                                        L("dispute_evidence"),
                                        L("identity_document"),
                                        L("pci_document"),
                                        L("tax_document_user_upload"),
                                        L("terminal_reader_splashscreen")};
    const QString purpose = params.value(L("purpose"));
    if (purpose.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: purpose."),
                     L("parameter_missing"), L("purpose"));
    if (!kPurposes.contains(purpose))
        return error(400, kInvalidRequest,
                     L("Invalid purpose: must be one of %1").arg(kPurposes.join(L(", "))),
                     L("parameter_invalid_string"), L("purpose"));
    if (!m_upload.present || m_upload.field != QLatin1String("file"))
        return error(400, kInvalidRequest, L("Missing required param: file."),
                     L("parameter_missing"), L("file"));
    // What the file is, from its first bytes (not its name).
    const QByteArray &c = m_upload.content;
    const QString type = c.startsWith("%PDF-") ? L("pdf")
        : c.startsWith("\x89PNG\r\n\x1a\n")    ? L("png")
        : c.startsWith("\xff\xd8\xff")         ? L("jpg")
        : c.startsWith("GIF8")                 ? L("gif")
                                               : QString();
    if (purpose == QLatin1String("dispute_evidence")) {
        if (type != QLatin1String("pdf") && type != QLatin1String("png")
            && type != QLatin1String("jpg"))
            return error(400, kInvalidRequest,
                         L("Invalid file: dispute evidence must be a PDF, JPEG or PNG file."),
                         L("file_invalid"), L("file"));
        if (c.size() > kDisputeEvidenceMaxBytes)
            return error(400, kInvalidRequest,
                         L("The file is %1 bytes; dispute evidence files may be at most 5 MB.")
                             .arg(c.size()),
                         L("file_too_large"), L("file"));
    }
    if (c.isEmpty())
        return error(400, kInvalidRequest, L("The file is empty."), L("file_invalid"), L("file"));
    const QString id = m_ids.next("file");
    const qint64 t = now();
    const QJsonObject file {{L("id"), id},
                            {L("object"), L("file")},
                            {L("created"), t},
                            {L("expires_at"), QJsonValue()},
                            {L("filename"), m_upload.fileName},
                            {L("links"),
                             QJsonObject {{L("object"), L("list")},
                                          {L("data"), QJsonArray()},
                                          {L("has_more"), false},
                                          {L("url"), L("/v1/file_links?file=%1").arg(id)}}},
                            {L("purpose"), purpose},
                            {L("size"), qint64(c.size())},
                            {L("title"), QJsonValue()},
                            {L("type"), type.isEmpty() ? QJsonValue() : QJsonValue(type)},
                            {L("url"), L("https://files.stripe.com/v1/files/%1/contents").arg(id)}};
    m_store.files.insert(file, {}, purpose.toLatin1());
    ++m_counters[L("files")];
    return {200, file, {}};
}

} // namespace paydesk::sandbox
