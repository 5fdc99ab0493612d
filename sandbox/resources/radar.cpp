// Radar: early fraud warnings (the card networks' notice that a payment was reported as fraud)
// and reviews (payments Radar's rules held for a person to look at), with what a refund or a
// dispute of their payment does to them.

#include "sandbox/formparams.h"
#include "sandbox/objects.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

namespace {

// GET of one object at /v1/radar/early_fraud_warnings/ID or /v1/reviews/ID.
QString idOf(const QStringList &segments)
{
    return segments.value(1) == QLatin1String("radar") ? segments.value(3) : segments.value(2);
}

} // namespace

void StripeSandbox::radarRoutes(QList<Route> &r)
{
    r << endpoint("GET", "/v1/radar/early_fraud_warnings", [](StripeSandbox &sb, const Call &c) {
        const QByteArray charge = c.params.value(L("charge")).toLatin1();
        const QByteArray pi = c.params.value(L("payment_intent")).toLatin1();
        std::function<bool(const Collection::Entry &)> filter;
        if (!charge.isEmpty() || !pi.isEmpty())
            filter = [charge, pi](const Collection::Entry &e) {
                return (charge.isEmpty() || e.owner == charge) && (pi.isEmpty() || e.key == pi);
            };
        return sb.list(sb.m_store.earlyFraudWarnings, L("/v1/radar/early_fraud_warnings"), c.params,
                       filter);
    });
    r << endpoint("GET", "/v1/radar/early_fraud_warnings/:id",
                  [](StripeSandbox &sb, const Call &c) {
                      return sb.retrieve(sb.m_store.earlyFraudWarnings, idOf(c.segments), c.params);
                  });
    r << listRoute("/v1/reviews", &Store::reviews);
    r << retrieveRoute("/v1/reviews/:id", &Store::reviews);
    r << endpoint("POST", "/v1/reviews/:id/approve", [](StripeSandbox &sb, const Call &c) {
        return sb.approveReview(c.id(), c.params);
    });
}

StripeSandbox::Reply StripeSandbox::approveReview(const QString &id, const FormParams &params)
{
    const auto existing = m_store.reviews.get(id.toLatin1());
    if (!existing)
        return missing(L("review"), id);
    if (const auto bad = onlyImplemented(params.tree(), {L("expand")}))
        return *bad;
    if (!existing->value(L("open")).toBool())
        return error(400, kInvalidRequest,
                     L("This review is already closed (%1).")
                         .arg(existing->value(L("closed_reason")).toString()),
                     {}, {});
    QJsonObject review = *existing;
    review.insert(L("open"), false);
    review.insert(L("reason"), L("approved"));
    review.insert(L("closed_reason"), L("approved"));
    m_store.reviews.replace(review, QByteArrayLiteral("closed"));
    emitEvent(L("review.closed"), review, changedFields(*existing, review));
    return {200, review, {}};
}

void StripeSandbox::openReview(const QJsonObject &charge)
{
    const QString id = m_ids.next("prv");
    const qint64 t = now();
    const QJsonObject review
        = reviewObject(id, t, charge.value(L("id")).toString(),
                       charge.value(L("payment_intent")).toString(), L("rule"), L("203.0.113.7"));
    m_store.reviews.insert(review, charge.value(L("id")).toString().toLatin1(),
                           QByteArrayLiteral("open"));
    QJsonObject held = charge;
    held.insert(L("review"), id);
    m_store.charges.replace(held);
    emitEvent(L("review.opened"), review);
}

void StripeSandbox::fraudSignalsAfter(const QJsonObject &charge, const QString &closedReason)
{
    const QByteArray chargeId = charge.value(L("id")).toString().toLatin1();
    // A warning stops being actionable once its payment is refunded in full or disputed.
    if (charge.value(L("refunded")).toBool() || charge.value(L("disputed")).toBool()) {
        QList<QJsonObject> warnings;
        m_store.earlyFraudWarnings.forEach([&](const Collection::Entry &e) {
            if (e.owner == chargeId)
                warnings.append(parseObject(e.json()));
        });
        for (QJsonObject w : std::as_const(warnings)) {
            if (!w.value(L("actionable")).toBool())
                continue;
            const QJsonObject before = w;
            w.insert(L("actionable"), false);
            m_store.earlyFraudWarnings.replace(w);
            emitEvent(L("radar.early_fraud_warning.updated"), w, changedFields(before, w));
        }
    }
    // Its open review closes: refunded (as fraud) or disputed.
    const QByteArray reviewId = charge.value(L("review")).toString().toLatin1();
    const auto review = reviewId.isEmpty() ? std::nullopt : m_store.reviews.get(reviewId);
    if (!review || !review->value(L("open")).toBool())
        return;
    QJsonObject closed = *review;
    closed.insert(L("open"), false);
    closed.insert(L("reason"), closedReason);
    closed.insert(L("closed_reason"), closedReason);
    m_store.reviews.replace(closed, QByteArrayLiteral("closed"));
    emitEvent(L("review.closed"), closed, changedFields(*review, closed));
}

} // namespace paydesk::sandbox
