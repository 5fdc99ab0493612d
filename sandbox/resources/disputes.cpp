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
        // File fields take the id of an uploaded file; the sandbox has no uploads yet.
        static const QStringList files {L("cancellation_policy"),
                                        L("customer_communication"),
                                        L("customer_signature"),
                                        L("duplicate_charge_documentation"),
                                        L("receipt"),
                                        L("refund_policy"),
                                        L("service_documentation"),
                                        L("shipping_documentation"),
                                        L("uncategorized_file")};
        if (files.contains(it.key()))
            return error(400, kInvalidRequest,
                         L("No such file upload: '%1'").arg(it.value().toString()),
                         L("resource_missing"), param);
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

} // namespace paydesk::sandbox
