#include "sandbox/stripesandbox.h"

#include "sandbox/demomerchant.h"
#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/sandboxlogging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

StripeSandbox::StripeSandbox(SandboxOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_ids(m_options.seed)
    , m_faultRng(m_options.seed ^ 0xfa017ULL)
{
    if (m_options.now != 0)
        m_clockOffset = m_options.now - QDateTime::currentSecsSinceEpoch();
}

StripeSandbox::~StripeSandbox() = default;

qint64 StripeSandbox::now() const
{
    // With --now the clock starts there and keeps ticking, so new objects sort after old ones.
    return QDateTime::currentSecsSinceEpoch() + m_clockOffset;
}

bool StripeSandbox::load()
{
    if (!m_options.fixtureFile.isEmpty())
        return loadFixture();
    DemoMerchantOptions demo;
    demo.seed = m_options.seed;
    demo.charges = m_options.scale;
    demo.customers = m_options.customers;
    demo.now = m_options.now != 0 ? m_options.now : now();
    generateDemoMerchant(m_store, m_ids, demo);
    qCInfo(lcSandbox) << "demo merchant:" << m_store.customers.size() << "customers,"
                      << m_store.charges.size() << "charges," << m_store.subscriptions.size()
                      << "subscriptions," << m_store.events.size() << "events";
    return true;
}

bool StripeSandbox::loadFixture()
{
    QFile file(m_options.fixtureFile);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = L("cannot read fixture %1: %2").arg(m_options.fixtureFile, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        m_error = L("fixture %1 is not a JSON object: %2")
                      .arg(m_options.fixtureFile, parseError.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    m_store.account
        = root.contains(L("account")) ? root.value(L("account")).toObject() : accountObject(now());
    const QHash<QString, Collection *> collections = {
        {L("customers"), &m_store.customers},
        {L("products"), &m_store.products},
        {L("prices"), &m_store.prices},
        {L("coupons"), &m_store.coupons},
        {L("subscriptions"), &m_store.subscriptions},
        {L("invoices"), &m_store.invoices},
        {L("payment_intents"), &m_store.paymentIntents},
        {L("charges"), &m_store.charges},
        {L("refunds"), &m_store.refunds},
        {L("disputes"), &m_store.disputes},
        {L("balance_transactions"), &m_store.balanceTransactions},
        {L("payment_methods"), &m_store.paymentMethods},
        {L("payouts"), &m_store.payouts},
        {L("early_fraud_warnings"), &m_store.earlyFraudWarnings},
        {L("reviews"), &m_store.reviews},
        {L("events"), &m_store.events},
    };
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() == QLatin1String("account"))
            continue;
        if (it.key() == QLatin1String("restricted_keys")) {
            const QJsonObject keys = it.value().toObject();
            for (auto k = keys.begin(); k != keys.end(); ++k) {
                QStringList permissions;
                for (const QJsonValue &p : k.value().toArray())
                    permissions.append(p.toString());
                addRestrictedKey(k.key().toLatin1(), permissions);
            }
            continue;
        }
        Collection *c = collections.value(it.key());
        if (!c) {
            m_error = L("fixture %1: unknown collection '%2'").arg(m_options.fixtureFile, it.key());
            return false;
        }
        for (const QJsonValue &v : it.value().toArray()) {
            const QJsonObject o = v.toObject();
            if (!o.value(L("id")).isString()) {
                m_error = L("fixture %1: an object in '%2' has no id")
                              .arg(m_options.fixtureFile, it.key());
                return false;
            }
            QByteArray owner = o.value(L("customer")).toString().toLatin1();
            QByteArray key = o.value(L("status")).toString().toLatin1();
            if (c == &m_store.refunds) {
                owner = o.value(L("charge")).toString().toLatin1();
                key = o.value(L("payment_intent")).toString().toLatin1();
            } else if (c == &m_store.charges) {
                key = o.value(L("payment_intent")).toString().toLatin1();
            } else if (c == &m_store.events || c == &m_store.balanceTransactions) {
                key = o.value(L("type")).toString().toLatin1();
            }
            c->appendUnsorted(embedLists(o), owner, key);
            if (c == &m_store.balanceTransactions) {
                const qint64 net = o.value(L("net")).toInteger();
                if (key == "payout")
                    m_store.payoutBook.paidOut += net;
                else
                    m_store.payoutBook
                        .netByDay[Store::payoutDayOf(o.value(L("available_on")).toInteger())]
                        += net;
            }
        }
    }
    // A fixture's balance is what its transactions say; no payouts are made of it.
    m_store.payoutBook.lastDay = -1;
    m_store.finish();
    return true;
}

bool StripeSandbox::listen(quint16 port)
{
    m_server = std::make_unique<HttpServer>([this](const HttpRequest &r) { return handle(r); });
    if (!m_server->listen(port)) {
        m_error = m_server->errorString();
        return false;
    }
    return true;
}

QUrl StripeSandbox::baseUrl() const
{
    return m_server ? QUrl(L("http://127.0.0.1:%1").arg(m_server->port())) : QUrl();
}

void StripeSandbox::addRestrictedKey(const QByteArray &key, const QStringList &permissions)
{
    m_restrictedKeys.insert(key, QSet<QString>(permissions.begin(), permissions.end()));
}

StripeSandbox::Reply StripeSandbox::error(int status, const QString &type, const QString &message,
                                          const QString &code, const QString &param)
{
    return {status, errorBody(type, message, code, param), {}};
}

StripeSandbox::Reply StripeSandbox::missing(const QString &what, const QString &id,
                                            const QString &param)
{
    return error(404, kInvalidRequest, L("No such %1: '%2'").arg(what, id), L("resource_missing"),
                 param);
}

QString StripeSandbox::resourceOf(const QStringList &segments) const
{
    // /v1/customers/cus_1/payment_methods -> payment_methods; /v1/charges/search -> charges.
    if (segments.size() >= 4 && segments.at(3) == QLatin1String("payment_methods"))
        return L("payment_methods");
    // A subscription's items are granted with the subscriptions (the Dashboard has no separate
    // permission for them), as an invoice's lines are with the invoices.
    if (segments.value(1) == QLatin1String("subscription_items"))
        return L("subscriptions");
    // /v1/radar/early_fraud_warnings -> early_fraud_warnings.
    if (segments.value(1) == QLatin1String("radar"))
        return segments.value(2);
    return segments.value(1);
}

std::optional<QByteArray>
StripeSandbox::parseMultipart(const QByteArray &body, const QByteArray &contentType, Upload *upload)
{
    const qsizetype at = contentType.indexOf("boundary=");
    if (at < 0)
        return std::nullopt;
    QByteArray boundary = contentType.mid(at + 9).trimmed();
    if (boundary.startsWith('"') && boundary.endsWith('"'))
        boundary = boundary.mid(1, boundary.size() - 2);
    const QByteArray delimiter = "--" + boundary;
    QByteArray fields; // As a form: name=value&…
    auto add = [&fields](const QByteArray &name, const QByteArray &value) {
        if (!fields.isEmpty())
            fields += '&';
        fields += QUrl::toPercentEncoding(QString::fromUtf8(name), "[]") + '='
            + QUrl::toPercentEncoding(QString::fromUtf8(value));
    };
    qsizetype pos = body.indexOf(delimiter);
    if (pos < 0)
        return std::nullopt;
    while (true) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break; // The closing delimiter.
        pos = body.indexOf("\r\n", pos);
        if (pos < 0)
            return std::nullopt;
        pos += 2;
        const qsizetype headersEnd = body.indexOf("\r\n\r\n", pos);
        if (headersEnd < 0)
            return std::nullopt;
        const QByteArray headers = body.mid(pos, headersEnd - pos);
        const QByteArray framed = "\r\n" + delimiter;
        const qsizetype next = body.indexOf(framed, headersEnd + 4);
        if (next < 0)
            return std::nullopt;
        const QByteArray content = body.mid(headersEnd + 4, next - headersEnd - 4);
        QByteArray name, fileName, mime;
        bool isFile = false;
        for (const QByteArray &line : headers.split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.toLower().startsWith("content-type:"))
                mime = l.mid(13).trimmed();
            if (!l.toLower().startsWith("content-disposition:"))
                continue;
            for (const QByteArray &part : l.split(';')) {
                const QByteArray p = part.trimmed();
                auto value = [&p](const char *key) {
                    QByteArray v = p.mid(qstrlen(key));
                    if (v.startsWith('"') && v.endsWith('"'))
                        v = v.mid(1, v.size() - 2);
                    return v;
                };
                if (p.startsWith("name="))
                    name = value("name=");
                if (p.startsWith("filename=")) {
                    fileName = value("filename=");
                    isFile = true;
                }
            }
        }
        if (isFile) {
            upload->present = true;
            upload->field = QString::fromUtf8(name);
            upload->fileName = QString::fromUtf8(fileName);
            upload->mime = mime;
            upload->content = content;
            add(name, QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
        } else {
            add(name, content);
        }
        pos = next + 2;
    }
    return fields;
}

HttpResponse StripeSandbox::handle(const HttpRequest &request)
{
    HttpResponse response;
    m_currentRequestId = m_ids.next("req");
    response.headers.append({QByteArray("Request-Id"), QByteArray(m_currentRequestId.toLatin1())});
    response.headers.append({QByteArray("Stripe-Version"), QByteArray("2023-08-16")});
    // The server's clock, as Stripe sends it: clients order what they fetch by it.
    response.headers.append({QByteArray("Date"),
                             QLocale::c()
                                 .toString(QDateTime::fromSecsSinceEpoch(now(), QTimeZone::utc()),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                                 .toLatin1()});

    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(request.path));
    QStringList segments = path.split(u'/', Qt::SkipEmptyParts);

    FormParams params = FormParams::parse(request.query);
    m_upload = {};
    bool unreadable = false;
    if (request.method != "GET") {
        const QByteArray type = request.header("content-type");
        if (type.startsWith("multipart/form-data")) {
            // A file upload: its text fields are parameters; the file is kept for the route,
            // and named by its hash among the parameters (a key reused for another file is a
            // different request).
            const std::optional<QByteArray> form = parseMultipart(request.body, type, &m_upload);
            unreadable = !form;
            if (form)
                params.merge(FormParams::parse(*form));
        } else {
            params.merge(FormParams::parse(request.body));
        }
    }

    auto finish = [&](const Reply &reply) {
        response.status = reply.status;
        // Stripe says whether a failed request may be retried: server errors, rate limits and
        // conflicts may; a request Stripe refused for what it says may not.
        if (reply.status >= 400)
            response.headers.append(
                {QByteArray("Stripe-Should-Retry"),
                 reply.status >= 500 || reply.status == 409 || reply.status == 429
                     ? QByteArray("true")
                     : QByteArray("false")});
        response.body = reply.rawBody.isEmpty() ? toCompactJson(reply.body) : reply.rawBody;
        return response;
    };

    if (unreadable)
        return finish(
            error(400, kInvalidRequest, L("The multipart/form-data body could not be read.")));
    if (segments.value(0) == QLatin1String("_sandbox"))
        return finish(control(request, segments, params));
    resumeDuePauses();
    payOutDue();

    const QString endpoint = endpointName(request.method, segments);
    ++m_endpointCounts[endpoint];
    ++m_counters[L("requests")];

    // Before the request takes effect: faults, authentication and permissions, parameters.
    if (const auto refused = injectFaults(&response))
        return finish(*refused);
    if (const auto refused = authenticate(request, segments, params))
        return finish(*refused);
    if (segments.value(0) == QLatin1String("v1"))
        if (const auto refused = checkParameters(endpoint, params))
            return finish(*refused);

    // Idempotency: the stored result of the first request with this key is replayed.
    const QByteArray idempotencyKey = request.header("idempotency-key");
    QByteArray fingerprint;
    m_currentIdempotencyKey = QString::fromLatin1(idempotencyKey);
    if (!idempotencyKey.isEmpty() && request.method != "GET") {
        fingerprint = request.method + ' ' + request.path + '\n';
        for (const auto &[k, v] : params.pairs())
            fingerprint += k.toUtf8() + '=' + v.toUtf8() + '&';
        const auto it = m_idempotency.constFind(idempotencyKey);
        if (it != m_idempotency.cend()) {
            if (it->fingerprint != fingerprint) {
                return finish(error(
                    400, L("idempotency_error"),
                    L("Keys for idempotent requests can only be used with the same parameters "
                      "they were first used with. Try using a key other than '%1' if you meant "
                      "to execute a different request.")
                        .arg(QString::fromLatin1(idempotencyKey))));
            }
            ++m_counters[L("idempotent_replays")];
            response.headers.append({QByteArray("Idempotent-Replayed"), QByteArray("true")});
            response.status = it->status;
            response.body = it->body;
            return response;
        }
    }

    const Reply reply = segments.value(0) == QLatin1String("v1")
        ? route(Call {request, params, segments})
        : error(
            404, kInvalidRequest,
            L("Unrecognized request URL (%1: %2).").arg(QString::fromLatin1(request.method), path));
    finish(reply);
    if (!idempotencyKey.isEmpty() && request.method != "GET" && reply.status < 500)
        m_idempotency.insert(idempotencyKey, {fingerprint, response.status, response.body});

    // Faults that happen after the request took effect: the client cannot know whether it did.
    const FaultOptions &faults = m_options.faults;
    if (faults.dropRate > 0 && m_faultRng.chance(faults.dropRate)) {
        ++m_counters[L("faults.dropped")];
        response.delivery = HttpResponse::Delivery::DropMidBody;
    } else if (faults.malformedRate > 0 && m_faultRng.chance(faults.malformedRate)) {
        ++m_counters[L("faults.malformed")];
        if (m_faultRng.chance(0.5))
            response.body = response.body.left(std::max<qsizetype>(1, response.body.size() / 3));
        else
            response.body = QByteArrayLiteral("<html><body>502 Bad Gateway</body></html>");
    }
    return response;
}

// Faults that happen before the request takes effect: latency, the rate limit, server errors.
std::optional<StripeSandbox::Reply> StripeSandbox::injectFaults(HttpResponse *response)
{
    const FaultOptions &faults = m_options.faults;
    if (faults.latencyMs > 0 || faults.jitterMs > 0)
        response->delayMs = faults.latencyMs + int(m_faultRng.range(0, faults.jitterMs));
    if (faults.rateLimit > 0) {
        const qint64 ms = QDateTime::currentMSecsSinceEpoch();
        if (ms - m_windowStartMs >= 1000) {
            m_windowStartMs = ms;
            m_windowCount = 0;
        }
        if (++m_windowCount > int(faults.rateLimit)) {
            ++m_counters[L("faults.rate_limited")];
            response->headers.append({QByteArray("Retry-After"), QByteArray("1")});
            return error(429, kInvalidRequest,
                         L("Request rate limit exceeded. Learn more about rate limits here "
                           "https://stripe.com/docs/rate-limits."),
                         L("rate_limit"));
        }
    }
    if (faults.failRate > 0 && m_faultRng.chance(faults.failRate)) {
        ++m_counters[L("faults.server_error")];
        const bool unavailable = m_faultRng.chance(0.5);
        return error(unavailable ? 503 : 500, L("api_error"),
                     unavailable ? L("The server is temporarily unavailable. Please try again.")
                                 : L("An unknown error occurred."));
    }
    return std::nullopt;
}

// Authentication (Bearer, or HTTP basic with the key as user name), and a restricted key's
// permissions for the resource.
std::optional<StripeSandbox::Reply> StripeSandbox::authenticate(const HttpRequest &request,
                                                                const QStringList &segments,
                                                                const FormParams &params)
{
    QByteArray key;
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ")) {
        key = authorization.mid(7).trimmed();
    } else if (authorization.startsWith("Basic ")) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        key = decoded.left(decoded.indexOf(':') < 0 ? decoded.size() : decoded.indexOf(':'));
    }
    if (key.isEmpty())
        return (error(401, kInvalidRequest,
                      L("You did not provide an API key. You need to provide your API key in the "
                        "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                        "YOUR_SECRET_KEY').")));
    const bool secret = key.startsWith("sk_test_") && key.size() > 8;
    const bool restricted = key.startsWith("rk_test_") && m_restrictedKeys.contains(key);
    if (!secret && !restricted) {
        const QByteArray masked
            = key.left(std::min<qsizetype>(key.size(), 8)) + QByteArray(4, '*') + key.right(4);
        return (error(401, kInvalidRequest,
                      L("Invalid API Key provided: %1").arg(QString::fromLatin1(masked)),
                      L("api_key_invalid")));
    }
    if (restricted && segments.value(0) == QLatin1String("v1")) {
        QString resource = resourceOf(segments);
        bool write = request.method != "GET";
        const QSet<QString> &granted = m_restrictedKeys.value(key);
        bool allowed = granted.contains(resource + L(":write"))
            || (!write && granted.contains(resource + L(":read")));
        // An expanded object is read too: expanding a payment method takes the permission to
        // read payment methods, as Stripe's restricted keys do.
        for (const QString &e : params.list(L("expand"))) {
            const QString last = e.section(u'.', -1);
            if (!allowed
                || (last != QLatin1String("default_payment_method")
                    && last != QLatin1String("payment_method")))
                continue;
            if (!granted.contains(L("payment_methods:read"))
                && !granted.contains(L("payment_methods:write"))) {
                allowed = false;
                resource = L("payment_methods");
                write = false;
            }
        }
        if (!allowed) {
            ++m_counters[L("permission_denied")];
            return (error(403, kInvalidRequest,
                          L("The provided key '%1' does not have the required permissions for this "
                            "endpoint on account '%2'. Having the '%3' permission would allow this "
                            "request to continue.")
                              .arg(QString::fromLatin1(key.left(8)) + L("***")
                                       + QString::fromLatin1(key.right(4)),
                                   m_store.account.value(L("id")).toString(),
                                   L("rak_%1_%2").arg(resource, write ? L("write") : L("read"))),
                          L("secret_key_required")));
        }
    }

    return std::nullopt;
}

// What each endpoint of Stripe's spec takes, by endpoint ("POST /v1/customers/:id").
const QHash<QString, QSet<QString>> &StripeSandbox::knownParameters()
{
    static const QHash<QString, QSet<QString>> known = [] {
        struct Row
        {
            const char *endpoint;
            const char *parameters;
        };
        static const Row rows[] = {
#include "sandbox/knownparams.inc"
        };
        QHash<QString, QSet<QString>> table;
        for (const Row &r : rows) {
            const QStringList names
                = QString::fromLatin1(r.parameters).split(u' ', Qt::SkipEmptyParts);
            table.insert(QString::fromLatin1(r.endpoint),
                         QSet<QString>(names.cbegin(), names.cend()));
        }
        return table;
    }();
    return known;
}

// Endpoint statistics and Stripe's parameter lists name a request by its path with the ids
// replaced, e.g. "POST /v1/customers/:id" (as sandbox/tools/knownparams.py names the spec's
// paths: a segment with an underscore that is not a resource counts as an id).
QString StripeSandbox::endpointName(const QByteArray &method, QStringList segments)
{
    for (QString &s : segments) {
        if (s.contains(u'_') && s != QLatin1String("payment_methods")
            && s != QLatin1String("balance_transactions") && s != QLatin1String("payment_intents")
            && s != QLatin1String("subscription_items") && s != QLatin1String("promotion_codes")
            && s != QLatin1String("early_fraud_warnings"))
            s = L(":id");
    }
    return QString::fromLatin1(method) + L(" /") + segments.join(u'/');
}

QStringList StripeSandbox::endpoints()
{
    QStringList list;
    for (const Route &r : routes())
        list.append(endpointName(r.method, r.pattern));
    return list;
}

bool StripeSandbox::checksParameters(const QString &endpoint)
{
    return knownParameters().contains(endpoint);
}

// Like Stripe, a parameter the endpoint does not take is refused, so that a misspelled one
// fails a test instead of being ignored.
std::optional<StripeSandbox::Reply> StripeSandbox::checkParameters(const QString &endpoint,
                                                                   const FormParams &params)
{
    const QHash<QString, QSet<QString>> &known = knownParameters();
    const auto accepted = known.constFind(endpoint);
    if (accepted != known.cend()) {
        for (const auto &[name, value] : params.pairs()) {
            const QString top = name.section(u'[', 0, 0);
            if (!accepted->contains(top))
                return (error(400, kInvalidRequest, L("Received unknown parameter: %1").arg(top),
                              L("parameter_unknown"), top));
        }
    }

    return std::nullopt;
}

StripeSandbox::Reply StripeSandbox::control(const HttpRequest &request, const QStringList &segments,
                                            const FormParams &params)
{
    const QString what = segments.value(1);
    if (what == QLatin1String("stats")) {
        QJsonObject endpoints;
        for (auto it = m_endpointCounts.begin(); it != m_endpointCounts.end(); ++it)
            endpoints.insert(it.key(), it.value());
        QJsonObject counters;
        for (auto it = m_counters.begin(); it != m_counters.end(); ++it)
            counters.insert(it.key(), it.value());
        QJsonObject objects;
        for (Collection *c : m_store.all())
            objects.insert(c->objectName(), c->size());
        return {200,
                QJsonObject {{L("endpoints"), endpoints},
                             {L("counters"), counters},
                             {L("objects"), objects}},
                {}};
    }
    if (what == QLatin1String("faults") && request.method == "POST") {
        FaultOptions f = m_options.faults;
        auto number = [&](const char *name, double current) {
            const QString v = params.value(QString::fromLatin1(name));
            return v.isEmpty() ? current : v.toDouble();
        };
        f.latencyMs = int(number("latency_ms", f.latencyMs));
        f.jitterMs = int(number("jitter_ms", f.jitterMs));
        f.rateLimit = number("rate_limit", f.rateLimit);
        f.failRate = number("fail_rate", f.failRate);
        f.dropRate = number("drop_rate", f.dropRate);
        f.malformedRate = number("malformed_rate", f.malformedRate);
        m_options.faults = f;
        return {200,
                QJsonObject {{L("latency_ms"), f.latencyMs},
                             {L("jitter_ms"), f.jitterMs},
                             {L("rate_limit"), f.rateLimit},
                             {L("fail_rate"), f.failRate},
                             {L("drop_rate"), f.dropRate},
                             {L("malformed_rate"), f.malformedRate}},
                {}};
    }
    if (what == QLatin1String("keys") && request.method == "POST") {
        const QString key = params.value(L("key"));
        if (!key.startsWith(QLatin1String("rk_test_")))
            return error(400, kInvalidRequest, L("key must start with rk_test_"), {}, L("key"));
        addRestrictedKey(key.toLatin1(), params.list(L("permissions")));
        return {200,
                QJsonObject {
                    {L("key"), key},
                    {L("permissions"), QJsonArray::fromStringList(params.list(L("permissions")))}},
                {}};
    }
    return error(404, kInvalidRequest, L("Unknown sandbox control endpoint"));
}

std::optional<StripeSandbox::Reply> StripeSandbox::readLimit(const FormParams &params, int *limit)
{
    if (!params.has(L("limit")))
        return std::nullopt;
    const auto value = parseInteger(params.value(L("limit")));
    if (!value || *value < 1 || *value > 100)
        return error(400, kInvalidRequest,
                     L("Invalid integer: %1. This value must be between 1 and 100.")
                         .arg(params.value(L("limit"))),
                     L("parameter_invalid_integer"), L("limit"));
    *limit = int(*value);
    return std::nullopt;
}

StripeSandbox::Reply StripeSandbox::list(Collection &collection, const QString &url,
                                         const FormParams &params,
                                         std::function<bool(const Collection::Entry &)> filter)
{
    Collection::ListQuery q;
    q.filter = std::move(filter);
    if (const std::optional<Reply> bad = readLimit(params, &q.limit))
        return *bad;
    q.startingAfter = params.value(L("starting_after")).toLatin1();
    q.endingBefore = params.value(L("ending_before")).toLatin1();
    if (!q.startingAfter.isEmpty() && !q.endingBefore.isEmpty())
        return error(
            400, kInvalidRequest,
            L("You may only specify one of these parameters: ending_before, starting_after."), {},
            L("ending_before"));
    const QJsonValue created = params.tree().value(L("created"));
    if (created.isString()) {
        const auto exact = parseInteger(created.toString());
        if (!exact)
            return error(400, kInvalidRequest, L("Invalid integer: %1").arg(created.toString()),
                         L("parameter_invalid_integer"), L("created"));
        q.createdGte = q.createdLte = *exact;
    } else if (created.isObject()) {
        const QJsonObject range = created.toObject();
        for (auto it = range.begin(); it != range.end(); ++it) {
            const auto v = parseInteger(it.value().toString());
            if (!v)
                return error(400, kInvalidRequest,
                             L("Invalid integer: %1").arg(it.value().toString()),
                             L("parameter_invalid_integer"), L("created[%1]").arg(it.key()));
            if (it.key() == QLatin1String("gt"))
                q.createdGt = v;
            else if (it.key() == QLatin1String("gte"))
                q.createdGte = v;
            else if (it.key() == QLatin1String("lt"))
                q.createdLt = v;
            else if (it.key() == QLatin1String("lte"))
                q.createdLte = v;
            else
                return error(400, kInvalidRequest,
                             L("Received unknown parameter: created[%1]").arg(it.key()), {},
                             L("created[%1]").arg(it.key()));
        }
    }
    const Collection::Page page = collection.list(q);
    if (!page.error.isEmpty())
        return missing(collection.objectName(), page.error,
                       q.startingAfter.isEmpty() ? L("ending_before") : L("starting_after"));

    QStringList expansions;
    for (const QString &e : params.list(L("expand"))) {
        if (e.startsWith(QLatin1String("data.")))
            expansions.append(e.mid(5));
    }
    // The page is rendered by concatenating the stored JSON: no parsing unless expanding.
    QByteArray body = "{\"object\":\"list\",\"data\":[";
    bool first = true;
    for (const Collection::Entry *e : page.entries) {
        if (!first)
            body += ',';
        first = false;
        if (expansions.isEmpty())
            body += e->json();
        else
            body += toCompactJson(expand(QJsonDocument::fromJson(e->json()).object(), expansions));
    }
    body += "],\"has_more\":";
    body += page.hasMore ? "true" : "false";
    body += ",\"url\":\"" + url.toUtf8() + "\"}";
    return {200, {}, body};
}

QJsonObject StripeSandbox::embedLists(QJsonObject object)
{
    static const std::pair<const char *, const char *> kLists[]
        = {{"invoice", "lines"}, {"subscription", "items"}};
    const QString type = object.value(L("object")).toString();
    const QString id = object.value(L("id")).toString();
    for (const auto &[objectType, key] : kLists) {
        const QLatin1String name(key);
        if (type != QLatin1String(objectType) || !object.value(name).isObject())
            continue;
        QJsonObject list = object.value(name).toObject();
        if (!list.value(L("url")).isString())
            list.insert(L("url"),
                        name == QLatin1String("lines")
                            ? L("/v1/invoices/%1/lines").arg(id)
                            : L("/v1/subscription_items?subscription=") + id);
        const QJsonArray data = list.value(L("data")).toArray();
        const QString full = id + u':' + name;
        if (data.size() > 10) {
            m_store.fullLists.insert(full, data);
            QJsonArray first;
            for (qsizetype i = 0; i < 10; ++i)
                first.append(data.at(i));
            list.insert(L("data"), first);
            list.insert(L("has_more"), true);
        } else if (!list.value(L("has_more")).toBool()) {
            m_store.fullLists.remove(full);
        }
        object.insert(name, list);
    }
    return object;
}

QJsonArray StripeSandbox::fullList(const QJsonObject &object, const char *key) const
{
    return fullList(object.value(L("id")).toString(), object, key);
}

QJsonArray StripeSandbox::fullList(const QString &id, const QJsonObject &object,
                                   const char *key) const
{
    return m_store.fullLists.value(
        id + u':' + QLatin1String(key),
        object.value(QLatin1String(key)).toObject().value(L("data")).toArray());
}

StripeSandbox::Reply StripeSandbox::embeddedList(const QString &id, const char *key,
                                                 const QJsonObject &object, const QString &url,
                                                 const FormParams &params)
{
    const QJsonArray all = fullList(id, object, key);
    int limit = 10;
    if (const std::optional<Reply> bad = readLimit(params, &limit))
        return *bad;
    qsizetype from = 0;
    if (const QString after = params.value(L("starting_after")); !after.isEmpty()) {
        from = -1;
        for (qsizetype i = 0; i < all.size() && from < 0; ++i)
            if (all.at(i).toObject().value(L("id")).toString() == after)
                from = i + 1;
        if (from < 0)
            return missing(QLatin1String(key) == QLatin1String("lines") ? L("line_item")
                                                                        : L("subscription_item"),
                           after, L("starting_after"));
    }
    QJsonArray page;
    for (qsizetype i = from; i < all.size() && page.size() < limit; ++i)
        page.append(all.at(i));
    return {200, listObject(url, page, from + page.size() < all.size()), {}};
}

StripeSandbox::Reply StripeSandbox::retrieve(Collection &collection, const QString &id,
                                             const FormParams &params)
{
    const auto object = collection.get(id.toLatin1());
    if (!object)
        return missing(collection.objectName(), id);
    const QStringList expansions = params.list(L("expand"));
    return {200, expansions.isEmpty() ? *object : expand(*object, expansions), {}};
}

QJsonObject StripeSandbox::expand(QJsonObject object, const QStringList &paths)
{
    for (const QString &path : paths) {
        const QString head = path.section(u'.', 0, 0);
        const QString rest = path.section(u'.', 1);
        const QJsonValue value = object.value(head);
        if (head == QLatin1String("refunds")
            && object.value(L("object")).toString() == QLatin1String("charge")) {
            const QByteArray charge = object.value(L("id")).toString().toLatin1();
            QJsonArray data;
            m_store.refunds.forEach([&](const Collection::Entry &e) {
                if (e.owner == charge)
                    data.prepend(QJsonDocument::fromJson(e.json()).object());
            });
            object.insert(head,
                          listObject(L("/v1/charges/%1/refunds").arg(QString::fromLatin1(charge)),
                                     data, false));
            continue;
        }
        if (value.isObject() && !rest.isEmpty()) {
            object.insert(head, expand(value.toObject(), {rest}));
            continue;
        }
        if (!value.isString())
            continue;
        const QByteArray id = value.toString().toLatin1();
        static const QList<QPair<QByteArray, Collection Store::*>> byPrefix
            = {{"cus_", &Store::customers},     {"txn_", &Store::balanceTransactions},
               {"in_", &Store::invoices},       {"pi_", &Store::paymentIntents},
               {"ch_", &Store::charges},        {"pm_", &Store::paymentMethods},
               {"sub_", &Store::subscriptions}, {"prod_", &Store::products},
               {"price_", &Store::prices},      {"re_", &Store::refunds},
               {"dp_", &Store::disputes},       {"po_", &Store::payouts},
               {"ba_", &Store::bankAccounts},   {"file_", &Store::files}};
        for (const auto &[prefix, member] : byPrefix) {
            if (!id.startsWith(prefix))
                continue;
            if (auto target = (m_store.*member).get(id))
                object.insert(head, rest.isEmpty() ? *target : expand(*target, {rest}));
            break;
        }
    }
    return object;
}

StripeSandbox::Reply StripeSandbox::search(Collection &collection, const QString &url,
                                           const FormParams &params)
{
    const QString query = params.value(L("query")).trimmed();
    if (query.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: query."),
                     L("parameter_missing"), L("query"));
    // Clauses joined by AND or OR (Stripe does not allow mixing them).
    static const QRegularExpression clauseRe(L(
        R"(^\s*(-)?([a-z_.]+)(?:\['([^']+)'\])?\s*(:|~|>=|<=|>|<)\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[0-9]+|null)\s*)"));
    struct Clause
    {
        bool negate;
        QString field, metaKey, op, value;
        bool quoted;
    };
    QList<Clause> clauses;
    bool useOr = false, useAnd = false;
    QString rest = query;
    while (!rest.isEmpty()) {
        const auto match = clauseRe.match(rest);
        if (!match.hasMatch())
            return error(400, kInvalidRequest, L("Invalid query: could not parse '%1'.").arg(rest),
                         {}, L("query"));
        QString value = match.captured(5);
        const bool quoted = value.startsWith(u'\'') || value.startsWith(u'"');
        if (quoted)
            value = value.mid(1, value.size() - 2)
                        .replace(L("\\'"), L("'"))
                        .replace(L("\\\""), L("\""));
        clauses.append({!match.captured(1).isEmpty(), match.captured(2), match.captured(3),
                        match.captured(4), value, quoted});
        rest = rest.mid(match.capturedLength()).trimmed();
        if (rest.startsWith(QLatin1String("AND "))) {
            useAnd = true;
            rest = rest.mid(4);
        } else if (rest.startsWith(QLatin1String("OR "))) {
            useOr = true;
            rest = rest.mid(3);
        } else if (!rest.isEmpty()) {
            return error(400, kInvalidRequest,
                         L("Invalid query: expected AND or OR before '%1'.").arg(rest), {},
                         L("query"));
        }
    }
    if (useAnd && useOr)
        return error(400, kInvalidRequest,
                     L("Invalid query: AND and OR cannot be combined in one query."), {},
                     L("query"));

    auto fieldValue = [](const QJsonObject &o, const Clause &c) -> QJsonValue {
        if (c.field == QLatin1String("metadata"))
            return o.value(L("metadata")).toObject().value(c.metaKey);
        QJsonValue v = o;
        for (const QString &part : c.field.split(u'.'))
            v = v.toObject().value(part);
        return v;
    };
    auto matches = [&](const QJsonObject &o) {
        bool any = false, all = true;
        for (const Clause &c : std::as_const(clauses)) {
            const QJsonValue v = fieldValue(o, c);
            bool hit = false;
            if (c.value == QLatin1String("null") && !c.quoted) {
                hit = v.isNull() || v.isUndefined();
            } else if (c.op == QLatin1String(":")) {
                hit = v.isDouble() ? v.toInteger() == c.value.toLongLong()
                                   : v.toString().compare(c.value, Qt::CaseInsensitive) == 0;
            } else if (c.op == QLatin1String("~")) {
                hit = c.value.size() >= 3 && v.toString().contains(c.value, Qt::CaseInsensitive);
            } else {
                const qint64 lhs = v.toInteger(), rhs = c.value.toLongLong();
                hit = c.op == QLatin1String(">")  ? lhs > rhs
                    : c.op == QLatin1String("<")  ? lhs < rhs
                    : c.op == QLatin1String(">=") ? lhs >= rhs
                                                  : lhs <= rhs;
            }
            if (c.negate)
                hit = !hit;
            any = any || hit;
            all = all && hit;
        }
        return useOr ? any : all;
    };

    int limit = 10;
    if (params.has(L("limit"))) {
        const auto l = parseInteger(params.value(L("limit")));
        if (!l || *l < 1 || *l > 100)
            return error(400, kInvalidRequest,
                         L("Invalid integer: %1. This value must be between 1 and 100.")
                             .arg(params.value(L("limit"))),
                         L("parameter_invalid_integer"), L("limit"));
        limit = int(*l);
    }
    qint64 offset = 0;
    if (params.has(L("page"))) {
        const QByteArray token = QByteArray::fromBase64(params.value(L("page")).toLatin1(),
                                                        QByteArray::Base64UrlEncoding);
        if (!token.startsWith("off:"))
            return error(400, kInvalidRequest, L("Invalid page: %1").arg(params.value(L("page"))),
                         {}, L("page"));
        offset = token.mid(4).toLongLong();
    }
    // Newest first, like lists.
    QList<const Collection::Entry *> hits;
    collection.forEach([&](const Collection::Entry &e) {
        if (matches(QJsonDocument::fromJson(e.json()).object()))
            hits.append(&e);
    });
    std::reverse(hits.begin(), hits.end());
    QByteArray body = "{\"object\":\"search_result\",\"data\":[";
    const qint64 end = std::min<qint64>(hits.size(), offset + limit);
    for (qint64 i = offset; i < end; ++i) {
        if (i > offset)
            body += ',';
        body += hits.at(i)->json();
    }
    const bool hasMore = end < hits.size();
    body += "],\"has_more\":";
    body += hasMore ? "true" : "false";
    body += ",\"next_page\":";
    body += hasMore
        ? QByteArray(
            '"'
            + QByteArray("off:" + QByteArray::number(end)).toBase64(QByteArray::Base64UrlEncoding)
            + '"')
        : QByteArray("null");
    body += ",\"total_count\":" + QByteArray::number(hits.size());
    body += ",\"url\":\"" + url.toUtf8() + "\"}";
    return {200, {}, body};
}

void StripeSandbox::emitEvent(const QString &type, const QJsonObject &object,
                              const QJsonObject &previous)
{
    const QString id = m_ids.next("evt");
    const qint64 created = now();
    const QByteArray event
        = eventJson(id, created, type, toCompactJson(object),
                    previous.isEmpty() ? QByteArray() : toCompactJson(previous), m_currentRequestId,
                    m_currentIdempotencyKey, m_options.webhookUrl.isValid() ? 1 : 0);
    m_store.events.insert(event, id.toLatin1(), created, {}, type.toLatin1());
    ++m_counters[L("events")];
    if (m_options.webhookUrl.isValid())
        deliverWebhook(event);
}

void StripeSandbox::deliverWebhook(const QByteArray &payload)
{
    if (!m_webhookClient)
        m_webhookClient = new QNetworkAccessManager(this);
    const QByteArray timestamp = QByteArray::number(now());
    const QByteArray signature
        = QMessageAuthenticationCode::hash(timestamp + '.' + payload, m_options.webhookSecret,
                                           QCryptographicHash::Sha256)
              .toHex();
    QNetworkRequest request(m_options.webhookUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/json; charset=utf-8"));
    request.setRawHeader("Stripe-Signature", "t=" + timestamp + ",v1=" + signature);
    request.setRawHeader("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    QNetworkReply *reply = m_webhookClient->post(request, payload);
    ++m_counters[L("webhooks_sent")];
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        if (reply->error() != QNetworkReply::NoError)
            ++m_counters[L("webhooks_failed")];
        reply->deleteLater();
    });
}

} // namespace paydesk::sandbox
