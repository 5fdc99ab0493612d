#pragma once

#include "sandbox/httpserver.h"
#include "sandbox/objects.h"
#include "sandbox/store.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace paydesk::sandbox {

class FormParams;

struct FaultOptions
{
    int latencyMs = 0;
    int jitterMs = 0;
    double rateLimit = 0; // Requests per second; 0 = unlimited.
    double failRate = 0; // 500/503 with Stripe-Should-Retry: true.
    double dropRate = 0; // Connection dropped mid-body (after the request took effect).
    double malformedRate = 0; // Truncated or non-JSON body (after the request took effect).
};

struct SandboxOptions
{
    quint64 seed = 1;
    qint64 scale = 50000;
    qint64 customers = 0; // Demo merchant's customers; 0: one per 25 charges.
    qint64 now = 0; // 0: the real clock.
    QString fixtureFile; // Load these objects instead of generating the demo merchant.
    FaultOptions faults;
    QUrl webhookUrl;
    QByteArray webhookSecret;
};

/*
 * A local, stateful Stripe: the REST API of version 2023-08-16 over HTTP on 127.0.0.1, seeded
 * with the demo merchant (or a fixture), with Stripe's idempotency, errors, events and
 * webhooks, and fault injection for testing clients. `/_sandbox/stats` counts what happened so
 * tests can prove that an action took effect exactly once; `/_sandbox/faults` changes the
 * fault rates at run time and `/_sandbox/keys` configures restricted keys.
 */
class StripeSandbox final : public QObject
{
    Q_OBJECT
public:
    explicit StripeSandbox(SandboxOptions options, QObject *parent = nullptr);
    ~StripeSandbox() override;

    // Generates or loads the data. Returns false with errorString() on a bad fixture.
    bool load();
    bool listen(quint16 port = 0);
    QUrl baseUrl() const;
    QString errorString() const { return m_error; }

    // Answers one request (also usable without a socket, by benchmarks and tests).
    HttpResponse handle(const HttpRequest &request);

    Store &store() { return m_store; }
    qint64 now() const;
    void setFaults(const FaultOptions &faults) { m_options.faults = faults; }
    // A restricted key and the permissions it has ("customers:read", "refunds:write", …).
    void addRestrictedKey(const QByteArray &key, const QStringList &permissions);
    // Every endpoint the route table answers ("GET /v1/customers/:id"), and whether the
    // parameters a request to one gives are checked against Stripe's spec.
    static QStringList endpoints();
    static bool checksParameters(const QString &endpoint);

private:
    struct Reply
    {
        int status = 200;
        QJsonObject body;
        QByteArray rawBody; // Used instead of body when set (pre-rendered lists).
    };
    struct IdempotentResult
    {
        QByteArray fingerprint;
        int status = 200;
        QByteArray body;
    };

    // One request as its route's handler sees it.
    struct Call
    {
        const HttpRequest &request;
        const FormParams &params;
        QStringList segments; // "v1", "customers", "cus_…", …
        QString id() const { return segments.value(2); }
        QString url() const { return QStringLiteral("/v1/") + segments.value(1); }
    };
    using Handler = std::function<Reply(StripeSandbox &, const Call &)>;
    // An endpoint: its method, its path ("/v1/customers/:id"; ":id" takes any segment) and
    // what answers it. A path that two routes match goes to the one with more literal segments
    // ("/v1/customers/search" before "/v1/customers/:id").
    struct Route
    {
        QByteArray method;
        QStringList pattern;
        Handler handler;
    };
    static Route endpoint(const char *method, const QByteArray &path, Handler handler);
    // GET `path`/:id of one collection, GET `path`/search, and GET `path` listing it unfiltered.
    static Route retrieveRoute(const char *path, Collection Store::*collection);
    static Route searchRoute(const char *path, Collection Store::*collection);
    static Route listRoute(const char *path, Collection Store::*collection);
    // The route table: each resource's file adds its endpoints (sandbox/resources/).
    static const QList<Route> &routes();
    static void accountRoutes(QList<Route> &routes);
    static void customerRoutes(QList<Route> &routes);
    static void paymentRoutes(QList<Route> &routes);
    static void billingRoutes(QList<Route> &routes);
    static void payoutRoutes(QList<Route> &routes);
    static void radarRoutes(QList<Route> &routes);
    Reply route(const Call &call);
    // The steps every /v1 request passes before its route, in order; each may answer it.
    std::optional<Reply> injectFaults(HttpResponse *response);
    std::optional<Reply> authenticate(const HttpRequest &request, const QStringList &segments,
                                      const FormParams &params);
    static const QHash<QString, QSet<QString>> &knownParameters();
    static QString endpointName(const QByteArray &method, QStringList segments);
    std::optional<Reply> checkParameters(const QString &endpoint, const FormParams &params);
    // Stripe's filter of a list by the owner id in parameter `field`, none when it is absent.
    static std::function<bool(const Collection::Entry &)> byOwner(const FormParams &params,
                                                                  const QString &field);
    Reply control(const HttpRequest &request, const QStringList &segments,
                  const FormParams &params);
    bool loadFixture();

    Reply list(Collection &collection, const QString &url, const FormParams &params,
               std::function<bool(const Collection::Entry &)> filter = {});
    // As Stripe: an invoice's lines and a subscription's items are embedded 10 at most, with
    // has_more and the URL that pages the rest.
    QJsonObject embedLists(QJsonObject object);
    // All of an embedded list of `object` ("lines", "items"), not only the 10 it embeds.
    QJsonArray fullList(const QJsonObject &object, const char *key) const;
    QJsonArray fullList(const QString &id, const QJsonObject &object, const char *key) const;
    // The `limit` of a list request (left as it is when absent), or Stripe's 400 for a bad one.
    static std::optional<Reply> readLimit(const FormParams &params, int *limit);
    Reply embeddedList(const QString &id, const char *key, const QJsonObject &object,
                       const QString &url, const FormParams &params);
    Reply retrieve(Collection &collection, const QString &id, const FormParams &params);
    Reply search(Collection &collection, const QString &url, const FormParams &params);
    QJsonObject expand(QJsonObject object, const QStringList &paths);

    Reply createCustomer(const FormParams &params);
    Reply updateCustomer(const QString &id, const FormParams &params);
    Reply deleteCustomer(const QString &id);
    Reply createPaymentIntent(const FormParams &params);
    Reply confirmPaymentIntent(const QString &id, const FormParams &params);
    Reply createRefund(const FormParams &params);
    Reply updateSubscription(const QString &id, const FormParams &params);
    Reply cancelSubscription(const QString &id, const FormParams &params);
    // Resumes the payment collection of every subscription whose resumes_at has come, as Stripe
    // does at that time (before a request is answered).
    void resumeDuePauses();
    // Makes the automatic payouts whose time has come and lands those in transit that have
    // arrived (sandbox/resources/payouts.cpp), before a request is answered.
    void payOutDue();
    // Dispute evidence saved (submit=false) or submitted, and a dispute accepted.
    Reply updateDispute(const QString &id, const FormParams &params);
    // The cardholder disputes `charge` now (test card pm_card_createDispute).
    void openDispute(const QJsonObject &charge, const QString &reason);
    Reply closeDispute(const QString &id, const FormParams &params);
    // Radar (sandbox/resources/radar.cpp): a review approved; what a refund or a dispute of a
    // payment does to its early fraud warnings (no longer actionable) and its open review
    // (closed with `closedReason`: refunded, refunded_as_fraud, disputed).
    Reply approveReview(const QString &id, const FormParams &params);
    // Radar's rule holds `charge` (elevated risk) for review: an open review, named on it.
    void openReview(const QJsonObject &charge);
    void fraudSignalsAfter(const QJsonObject &charge, const QString &closedReason);
    // Why a dispute takes no evidence now (closed, submitted, past due_by), if it does not.
    std::optional<Reply> disputeOpen(const QJsonObject &dispute);
    // The parts of a subscription update (sandbox/resources/subscriptions.cpp): each changes
    // `sub` or answers Stripe's 400 for the value given.
    std::optional<Reply> applyCancellationDetails(QJsonObject *sub, const QJsonValue &given);
    std::optional<Reply> applyPauseCollection(QJsonObject *sub, const QJsonValue &given);
    std::optional<Reply> applyCoupon(QJsonObject *sub, const QString &couponId);
    std::optional<Reply> applyTrialEnd(QJsonObject *sub, const QString &given);
    // Changes the items of `sub` as items[i][id|price|quantity|deleted] say, at `at`: the
    // proration lines of the change (the unused time of what is replaced is credited, the rest
    // of the period of what replaces it charged) go to `prorations`; `newPeriod` is set when the
    // billing interval changes (the period restarts at `at`).
    std::optional<Reply> applyItems(QJsonObject *sub, const QJsonValue &given, qint64 at,
                                    QList<LineItemSpec> *prorations, bool *newPeriod);
    // proration_behavior / proration_date of an update (or subscription_proration_* of an
    // upcoming invoice), checked.
    std::optional<Reply> readProration(const FormParams &params, const QString &prefix,
                                       const QJsonObject &sub, QString *behavior, qint64 *at);
    Reply upcomingInvoice(const FormParams &params);
    LineItemSpec periodLine(const QJsonObject &sub, const QJsonObject &item, qint64 from,
                            qint64 to);
    static QString priceName(const QJsonObject &price);
    InvoiceSpec invoiceOf(const QJsonObject &sub, const QList<LineItemSpec> &lines,
                          const QString &billingReason);
    // Bills `lines` on a new invoice of `sub` now and charges it (a credit stays with the
    // customer); false when the charge failed.
    bool invoiceNow(QJsonObject *sub, const QList<LineItemSpec> &lines,
                    const QString &billingReason);
    // finalize, send, pay, void, mark_uncollectible: Stripe's state machine and events.
    Reply invoiceAction(const QString &id, const QString &action, const FormParams &params);
    Reply deleteInvoice(const QString &id);
    // A draft invoice for a customer, and the one-off items added to it
    // (sandbox/resources/invoicecreate.cpp).
    Reply createInvoice(const FormParams &params);
    // Stripe parameters the sandbox does not act on are refused, never silently ignored.
    static std::optional<Reply> onlyImplemented(const QJsonObject &tree,
                                                const QStringList &implemented);
    Reply createInvoiceItem(const FormParams &params);
    Reply balance();
    // POST /v1/files (multipart/form-data) and what Stripe takes as dispute evidence.
    struct Upload
    {
        bool present = false;
        QString field;
        QString fileName;
        QByteArray mime;
        QByteArray content;
    };
    static std::optional<QByteArray> parseMultipart(const QByteArray &body,
                                                    const QByteArray &contentType, Upload *upload);
    Reply createFile(const FormParams &params);
    static constexpr qsizetype kDisputeEvidenceMaxBytes = 5 * 1024 * 1024;

    void emitEvent(const QString &type, const QJsonObject &object,
                   const QJsonObject &previous = {});
    void deliverWebhook(const QByteArray &payload);
    QString resourceOf(const QStringList &segments) const;

    static Reply error(int status, const QString &type, const QString &message,
                       const QString &code = {}, const QString &param = {});
    static Reply missing(const QString &what, const QString &id,
                         const QString &param = QStringLiteral("id"));

    SandboxOptions m_options;
    Store m_store;
    IdGenerator m_ids;
    Rng m_faultRng;
    std::unique_ptr<HttpServer> m_server;
    QString m_error;
    QHash<QByteArray, IdempotentResult> m_idempotency;
    QHash<QByteArray, QSet<QString>> m_restrictedKeys;
    QString m_currentRequestId;
    QString m_currentIdempotencyKey;
    Upload m_upload; // The file of the request being answered, if it carries one.
    // Rate limiter: requests counted in the current one-second window.
    qint64 m_windowStartMs = 0;
    int m_windowCount = 0;
    // Counters for /_sandbox/stats.
    QHash<QString, qint64> m_endpointCounts;
    QHash<QString, qint64> m_counters;
    QNetworkAccessManager *m_webhookClient = nullptr;
    qint64 m_clockOffset = 0;
};

} // namespace paydesk::sandbox
