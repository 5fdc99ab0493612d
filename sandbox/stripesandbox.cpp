#include "sandbox/stripesandbox.h"

#include "sandbox/demomerchant.h"
#include "sandbox/formparams.h"
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

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

namespace {

const QString kInvalidRequest = L("invalid_request_error");

bool isTrue(const QString &v)
{
    return v == QLatin1String("true");
}

// Test payment methods of Stripe's docs: what each does when a PaymentIntent is confirmed.
struct TestCard
{
    const char *id;
    const char *brand;
    const char *last4;
    const char *declineCode; // Empty: succeeds.
    const char *risk;
};
const TestCard kTestCards[] = {
    {"pm_card_visa", "visa", "4242", "", "normal"},
    {"pm_card_mastercard", "mastercard", "4444", "", "normal"},
    {"pm_card_amex", "amex", "8431", "", "normal"},
    {"pm_card_visa_debit", "visa", "5556", "", "normal"},
    {"pm_card_chargeDeclined", "visa", "0002", "generic_decline", "normal"},
    {"pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", "insufficient_funds", "normal"},
    {"pm_card_chargeDeclinedLostCard", "visa", "9987", "lost_card", "normal"},
    {"pm_card_chargeDeclinedStolenCard", "visa", "9979", "stolen_card", "normal"},
    {"pm_card_chargeDeclinedExpiredCard", "visa", "0069", "expired_card", "normal"},
    {"pm_card_chargeDeclinedIncorrectCvc", "visa", "0127", "incorrect_cvc", "normal"},
    {"pm_card_riskLevelElevated", "visa", "9235", "", "elevated"},
    {"pm_card_radarBlock", "visa", "0100", "highest_risk_level", "highest"},
};

QString formatAmount(qint64 amount, const QString &currency)
{
    const bool zeroDecimal = currency == QLatin1String("jpy") || currency == QLatin1String("krw");
    const QString symbol = currency == QLatin1String("usd") ? L("$")
        : currency == QLatin1String("eur")                  ? L("€")
        : currency == QLatin1String("gbp")                  ? L("£")
        : currency == QLatin1String("jpy")                  ? L("¥")
                                                            : currency.toUpper() + u' ';
    if (zeroDecimal)
        return symbol + QString::number(amount);
    return symbol + QString::number(amount / 100) + u'.'
        + QString::number(amount % 100).rightJustified(2, u'0');
}

// Removes the parts of a JSON object that equal those of `after`, for previous_attributes.
QJsonObject changedFields(const QJsonObject &before, const QJsonObject &after)
{
    QJsonObject previous;
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (before.value(it.key()) != it.value())
            previous.insert(it.key(), before.value(it.key()));
    }
    return previous;
}

// Stripe's metadata update rules: `metadata[k]=v` sets, `metadata[k]=` unsets one key and
// `metadata=` unsets all of them.
QJsonObject mergedMetadata(QJsonObject current, const QJsonValue &given)
{
    if (given.isString())
        return {};
    const QJsonObject changes = given.toObject();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (it.value().toString().isEmpty())
            current.remove(it.key());
        else
            current.insert(it.key(), it.value());
    }
    return current;
}

std::optional<qint64> parseInteger(const QString &s)
{
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace

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
        }
    }
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
    return segments.value(1);
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
    if (request.method != "GET")
        params.merge(FormParams::parse(request.body));

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

    if (segments.value(0) == QLatin1String("_sandbox"))
        return finish(control(request, segments, params));

    // Endpoint statistics use the path with ids replaced, e.g. "POST /v1/customers/:id".
    QStringList pattern = segments;
    for (QString &s : pattern) {
        if (s.contains(u'_') && s != QLatin1String("payment_methods")
            && s != QLatin1String("balance_transactions") && s != QLatin1String("payment_intents")
            && s != QLatin1String("subscription_items"))
            s = L(":id");
    }
    const QString endpoint = QString::fromLatin1(request.method) + L(" /") + pattern.join(u'/');
    ++m_endpointCounts[endpoint];
    ++m_counters[L("requests")];

    // Faults that happen before the request takes effect.
    const FaultOptions &faults = m_options.faults;
    if (faults.latencyMs > 0 || faults.jitterMs > 0)
        response.delayMs = faults.latencyMs + int(m_faultRng.range(0, faults.jitterMs));
    if (faults.rateLimit > 0) {
        const qint64 ms = QDateTime::currentMSecsSinceEpoch();
        if (ms - m_windowStartMs >= 1000) {
            m_windowStartMs = ms;
            m_windowCount = 0;
        }
        if (++m_windowCount > int(faults.rateLimit)) {
            ++m_counters[L("faults.rate_limited")];
            response.headers.append({QByteArray("Retry-After"), QByteArray("1")});
            return finish(error(429, kInvalidRequest,
                                L("Request rate limit exceeded. Learn more about rate limits here "
                                  "https://stripe.com/docs/rate-limits."),
                                L("rate_limit")));
        }
    }
    if (faults.failRate > 0 && m_faultRng.chance(faults.failRate)) {
        ++m_counters[L("faults.server_error")];
        const bool unavailable = m_faultRng.chance(0.5);
        return finish(error(unavailable ? 503 : 500, L("api_error"),
                            unavailable
                                ? L("The server is temporarily unavailable. Please try again.")
                                : L("An unknown error occurred.")));
    }

    // Authentication: Bearer or HTTP basic with the key as user name.
    QByteArray key;
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ")) {
        key = authorization.mid(7).trimmed();
    } else if (authorization.startsWith("Basic ")) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        key = decoded.left(decoded.indexOf(':') < 0 ? decoded.size() : decoded.indexOf(':'));
    }
    if (key.isEmpty())
        return finish(
            error(401, kInvalidRequest,
                  L("You did not provide an API key. You need to provide your API key in the "
                    "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                    "YOUR_SECRET_KEY').")));
    const bool secret = key.startsWith("sk_test_") && key.size() > 8;
    const bool restricted = key.startsWith("rk_test_") && m_restrictedKeys.contains(key);
    if (!secret && !restricted) {
        const QByteArray masked
            = key.left(std::min<qsizetype>(key.size(), 8)) + QByteArray(4, '*') + key.right(4);
        return finish(error(401, kInvalidRequest,
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
            return finish(
                error(403, kInvalidRequest,
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

    // Like Stripe, a parameter the endpoint does not take is refused, so that a misspelled one
    // fails a test instead of being ignored.
    if (segments.value(0) == QLatin1String("v1")) {
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
        const auto accepted = known.constFind(endpoint);
        if (accepted != known.cend()) {
            for (const auto &[name, value] : params.pairs()) {
                const QString top = name.section(u'[', 0, 0);
                if (!accepted->contains(top))
                    return finish(error(400, kInvalidRequest,
                                        L("Received unknown parameter: %1").arg(top),
                                        L("parameter_unknown"), top));
            }
        }
    }

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
        ? route(request, segments, params)
        : error(
            404, kInvalidRequest,
            L("Unrecognized request URL (%1: %2).").arg(QString::fromLatin1(request.method), path));
    finish(reply);
    if (!idempotencyKey.isEmpty() && request.method != "GET" && reply.status < 500)
        m_idempotency.insert(idempotencyKey, {fingerprint, response.status, response.body});

    // Faults that happen after the request took effect: the client cannot know whether it did.
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

StripeSandbox::Reply StripeSandbox::route(const HttpRequest &request, const QStringList &s,
                                          const FormParams &params)
{
    const QByteArray &m = request.method;
    const QString resource = s.value(1);
    const QString id = s.value(2);
    const qsizetype n = s.size();
    const bool get = m == "GET", post = m == "POST", del = m == "DELETE";
    const QString url = L("/v1/") + resource;
    auto byOwner = [&](const QString &field) -> std::function<bool(const Collection::Entry &)> {
        const QByteArray value = params.value(field).toLatin1();
        if (value.isEmpty())
            return {};
        return [value](const Collection::Entry &e) {
            return e.owner == value;
        };
    };

    if (resource == QLatin1String("account") && get && n == 2)
        return {200, m_store.account, {}};
    if (resource == QLatin1String("balance") && get && n == 2)
        return balance();

    if (resource == QLatin1String("customers")) {
        if (n == 2 && get) {
            const QString email = params.value(L("email"));
            if (email.isEmpty())
                return list(m_store.customers, url, params);
            // The email as it appears in the stored JSON: {"e":"…"} minus the wrapper.
            const QByteArray encoded
                = QJsonDocument(QJsonObject {{L("e"), email}}).toJson(QJsonDocument::Compact);
            const QByteArray needle = QByteArray("\"email\":") + encoded.mid(5, encoded.size() - 6);
            return list(m_store.customers, url, params,
                        [needle](const Collection::Entry &e) { return e.json().contains(needle); });
        }
        if (n == 2 && post)
            return createCustomer(params);
        if (n == 3 && id == QLatin1String("search") && get)
            return search(m_store.customers, url + L("/search"), params);
        if (n == 3 && get)
            return retrieve(m_store.customers, id, params);
        if (n == 3 && post)
            return updateCustomer(id, params);
        if (n == 3 && del)
            return deleteCustomer(id);
        if (n == 4 && s.at(3) == QLatin1String("payment_methods") && get) {
            if (!m_store.customers.contains(id.toLatin1()))
                return missing(L("customer"), id);
            const QByteArray owner = id.toLatin1();
            return list(m_store.paymentMethods, url + u'/' + id + L("/payment_methods"), params,
                        [owner](const Collection::Entry &e) { return e.owner == owner; });
        }
    }
    if (resource == QLatin1String("payment_methods") && get) {
        if (n == 2) {
            if (params.value(L("customer")).isEmpty())
                return error(400, kInvalidRequest, L("Missing required param: customer."),
                             L("parameter_missing"), L("customer"));
            return list(m_store.paymentMethods, url, params, byOwner(L("customer")));
        }
        if (n == 3)
            return retrieve(m_store.paymentMethods, id, params);
    }

    struct Simple
    {
        const char *name;
        Collection *collection;
        const char *object;
    };
    const Simple readOnly[]
        = {{"products", &m_store.products, "product"},
           {"prices", &m_store.prices, "price"},
           {"coupons", &m_store.coupons, "coupon"},
           {"balance_transactions", &m_store.balanceTransactions, "balance_transaction"},
           {"disputes", &m_store.disputes, "dispute"},
           {"events", &m_store.events, "event"}};
    for (const Simple &r : readOnly) {
        if (resource != QLatin1String(r.name) || !get)
            continue;
        if (n == 3)
            return retrieve(*r.collection, id, params);
        if (n != 2)
            break;
        std::function<bool(const Collection::Entry &)> filter;
        if (r.collection == &m_store.events) {
            QStringList types = params.list(L("types"));
            if (!params.value(L("type")).isEmpty())
                types.append(params.value(L("type")));
            if (!types.isEmpty()) {
                QList<QRegularExpression> patterns;
                for (const QString &t : std::as_const(types))
                    patterns.append(QRegularExpression(QRegularExpression::anchoredPattern(
                        QRegularExpression::escape(t).replace(L("\\*"), L(".*")))));
                filter = [patterns](const Collection::Entry &e) {
                    const QString type = QString::fromLatin1(e.key);
                    return std::any_of(
                        patterns.begin(), patterns.end(),
                        [&](const QRegularExpression &p) { return p.match(type).hasMatch(); });
                };
            }
        } else if (r.collection == &m_store.balanceTransactions
                   && !params.value(L("type")).isEmpty()) {
            const QByteArray type = params.value(L("type")).toLatin1();
            filter = [type](const Collection::Entry &e) {
                return e.key == type;
            };
        } else if (r.collection == &m_store.disputes) {
            const QByteArray charge = params.value(L("charge")).toLatin1();
            const QByteArray needle = QByteArray("\"charge\":\"") + charge + '"';
            if (!charge.isEmpty())
                filter = [needle](const Collection::Entry &e) {
                    return e.json().contains(needle);
                };
        } else if (r.collection == &m_store.prices && !params.value(L("product")).isEmpty()) {
            const QByteArray needle
                = QByteArray("\"product\":\"") + params.value(L("product")).toLatin1() + '"';
            filter = [needle](const Collection::Entry &e) {
                return e.json().contains(needle);
            };
        }
        return list(*r.collection, url, params, filter);
    }

    if (resource == QLatin1String("charges") && get) {
        if (n == 2) {
            const QByteArray pi = params.value(L("payment_intent")).toLatin1();
            auto owner = byOwner(L("customer"));
            std::function<bool(const Collection::Entry &)> filter = owner;
            if (!pi.isEmpty())
                filter = [pi, owner](const Collection::Entry &e) {
                    return e.key == pi && (!owner || owner(e));
                };
            return list(m_store.charges, url, params, filter);
        }
        if (n == 3 && id == QLatin1String("search"))
            return search(m_store.charges, url + L("/search"), params);
        if (n == 3)
            return retrieve(m_store.charges, id, params);
    }
    if (resource == QLatin1String("payment_intents")) {
        if (n == 2 && get)
            return list(m_store.paymentIntents, url, params, byOwner(L("customer")));
        if (n == 2 && post)
            return createPaymentIntent(params);
        if (n == 3 && id == QLatin1String("search") && get)
            return search(m_store.paymentIntents, url + L("/search"), params);
        if (n == 3 && get)
            return retrieve(m_store.paymentIntents, id, params);
        if (n == 4 && s.at(3) == QLatin1String("confirm") && post)
            return confirmPaymentIntent(id, params);
    }
    if (resource == QLatin1String("refunds")) {
        if (n == 2 && get) {
            const QByteArray charge = params.value(L("charge")).toLatin1();
            const QByteArray pi = params.value(L("payment_intent")).toLatin1();
            std::function<bool(const Collection::Entry &)> filter;
            if (!charge.isEmpty() || !pi.isEmpty())
                filter = [charge, pi](const Collection::Entry &e) {
                    return (charge.isEmpty() || e.owner == charge) && (pi.isEmpty() || e.key == pi);
                };
            return list(m_store.refunds, url, params, filter);
        }
        if (n == 2 && post)
            return createRefund(params);
        if (n == 3 && get)
            return retrieve(m_store.refunds, id, params);
    }
    if (resource == QLatin1String("subscriptions")) {
        if (n == 2 && get) {
            const QString status = params.value(L("status"));
            const QByteArray customer = params.value(L("customer")).toLatin1();
            const QByteArray price = params.value(L("price")).toLatin1();
            const QByteArray priceNeedle = QByteArray("\"id\":\"") + price + '"';
            // Stripe lists every status but canceled unless asked.
            const QByteArray wanted = status.isEmpty() ? QByteArray() : status.toLatin1();
            return list(m_store.subscriptions, url, params, [=](const Collection::Entry &e) {
                if (!customer.isEmpty() && e.owner != customer)
                    return false;
                if (!price.isEmpty() && !e.json().contains(priceNeedle))
                    return false;
                if (wanted.isEmpty())
                    return e.key != "canceled";
                if (wanted == "all")
                    return true;
                if (wanted == "ended")
                    return e.key == "canceled" || e.key == "incomplete_expired";
                return e.key == wanted;
            });
        }
        if (n == 3 && id == QLatin1String("search") && get)
            return search(m_store.subscriptions, url + L("/search"), params);
        if (n == 3 && get)
            return retrieve(m_store.subscriptions, id, params);
        if (n == 3 && post)
            return updateSubscription(id, params);
        if (n == 3 && del)
            return cancelSubscription(id, params);
    }
    if (resource == QLatin1String("subscription_items") && get) {
        if (n == 2) {
            const QString sub = params.value(L("subscription"));
            if (sub.isEmpty())
                return error(400, kInvalidRequest, L("Missing required param: subscription."),
                             L("parameter_missing"), L("subscription"));
            const auto object = m_store.subscriptions.get(sub.toLatin1());
            if (!object)
                return missing(L("subscription"), sub, L("subscription"));
            return embeddedList(sub, "items", *object, L("/v1/subscription_items"), params);
        }
        if (n == 3) {
            std::optional<QJsonObject> found;
            m_store.subscriptions.forEach([&](const Collection::Entry &e) {
                if (found || !e.json().contains(id.toLatin1()))
                    return;
                const QJsonObject sub = QJsonDocument::fromJson(e.json()).object();
                for (const QJsonValue &item :
                     sub.value(L("items")).toObject().value(L("data")).toArray()) {
                    if (item.toObject().value(L("id")).toString() == id)
                        found = item.toObject();
                }
            });
            return found ? Reply {200, *found, {}} : missing(L("subscription_item"), id);
        }
    }
    if (resource == QLatin1String("invoices") && get) {
        if (n == 2) {
            const QByteArray customer = params.value(L("customer")).toLatin1();
            const QByteArray sub = params.value(L("subscription")).toLatin1();
            const QByteArray status = params.value(L("status")).toLatin1();
            const QByteArray subNeedle = QByteArray("\"subscription\":\"") + sub + '"';
            std::function<bool(const Collection::Entry &)> filter;
            if (!customer.isEmpty() || !sub.isEmpty() || !status.isEmpty())
                filter = [=](const Collection::Entry &e) {
                    return (customer.isEmpty() || e.owner == customer)
                        && (status.isEmpty() || e.key == status)
                        && (sub.isEmpty() || e.json().contains(subNeedle));
                };
            return list(m_store.invoices, url, params, filter);
        }
        if (n == 3 && id == QLatin1String("search"))
            return search(m_store.invoices, url + L("/search"), params);
        if (n == 3)
            return retrieve(m_store.invoices, id, params);
        if (n == 4 && s.at(3) == QLatin1String("lines")) {
            const auto invoice = m_store.invoices.get(id.toLatin1());
            if (!invoice)
                return missing(L("invoice"), id);
            return embeddedList(id, "lines", *invoice, L("/v1/invoices/%1/lines").arg(id), params);
        }
    }
    return error(
        404, kInvalidRequest,
        L("Unrecognized request URL (%1: %2). Please see https://stripe.com/docs or we can help at "
          "https://support.stripe.com/.")
            .arg(QString::fromLatin1(request.method), L("/") + s.join(u'/')));
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

StripeSandbox::Reply StripeSandbox::embeddedList(const QString &id, const char *key,
                                                 const QJsonObject &object, const QString &url,
                                                 const FormParams &params)
{
    const QJsonArray all = m_store.fullLists.value(
        id + u':' + QLatin1String(key),
        object.value(QLatin1String(key)).toObject().value(L("data")).toArray());
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
               {"dp_", &Store::disputes}};
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

StripeSandbox::Reply StripeSandbox::balance()
{
    qint64 available = 0;
    m_store.balanceTransactions.forEach([&](const Collection::Entry &e) {
        const QJsonObject o = QJsonDocument::fromJson(e.json()).object();
        available += o.value(L("net")).toInteger();
    });
    const QJsonArray amounts {
        QJsonObject {{L("amount"), available},
                     {L("currency"), L("usd")},
                     {L("source_types"), QJsonObject {{L("card"), available}}}}};
    return {200,
            QJsonObject {{L("object"), L("balance")},
                         {L("available"), amounts},
                         {L("livemode"), false},
                         {L("pending"),
                          QJsonArray {QJsonObject {{L("amount"), 0}, {L("currency"), L("usd")}}}}},
            {}};
}

StripeSandbox::Reply StripeSandbox::createCustomer(const FormParams &params)
{
    const QString email = params.value(L("email"));
    static const QRegularExpression emailRe(L(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)"));
    if (params.has(L("email")) && !email.isEmpty() && !emailRe.match(email).hasMatch())
        return error(400, kInvalidRequest, L("Invalid email address: %1").arg(email),
                     L("email_invalid"), L("email"));
    const QString id = m_ids.next("cus");
    QJsonObject c = parseObject(
        customerJson(id, now(), email, params.value(L("name")), params.value(L("phone")), {}, {}));
    if (params.has(L("description")))
        c.insert(L("description"), params.value(L("description")));
    c.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    if (params.has(L("address"))) {
        QJsonObject address = c.value(L("address")).toObject();
        const QJsonObject given = params.object(L("address"));
        for (auto it = given.begin(); it != given.end(); ++it)
            address.insert(it.key(), it.value());
        c.insert(L("address"), address);
    }
    m_store.customers.insert(c, id.toLatin1());
    ++m_counters[L("customers_created")];
    emitEvent(L("customer.created"), c);
    return {200, c, {}};
}

StripeSandbox::Reply StripeSandbox::updateCustomer(const QString &id, const FormParams &params)
{
    const auto existing = m_store.customers.get(id.toLatin1());
    if (!existing)
        return missing(L("customer"), id);
    QJsonObject c = *existing;
    const QJsonObject tree = params.tree();
    static const char *const plain[] = {"name", "email", "phone", "description"};
    for (const char *field : plain) {
        const QString key = QString::fromLatin1(field);
        if (!tree.contains(key))
            continue;
        const QString v = tree.value(key).toString();
        if (key == QLatin1String("email") && !v.isEmpty() && !v.contains(u'@'))
            return error(400, kInvalidRequest, L("Invalid email address: %1").arg(v),
                         L("email_invalid"), key);
        c.insert(key, v.isEmpty() ? QJsonValue() : QJsonValue(v)); // Empty unsets.
    }
    if (tree.contains(L("metadata")))
        c.insert(L("metadata"),
                 mergedMetadata(c.value(L("metadata")).toObject(), tree.value(L("metadata"))));
    if (tree.contains(L("address"))) {
        QJsonObject address = c.value(L("address")).toObject();
        const QJsonObject given = tree.value(L("address")).toObject();
        for (auto it = given.begin(); it != given.end(); ++it)
            address.insert(it.key(), it.value().toString().isEmpty() ? QJsonValue() : it.value());
        c.insert(L("address"), address);
    }
    const QJsonObject previous = changedFields(*existing, c);
    m_store.customers.replace(c);
    if (!previous.isEmpty())
        emitEvent(L("customer.updated"), c, previous);
    return {200, c, {}};
}

StripeSandbox::Reply StripeSandbox::deleteCustomer(const QString &id)
{
    const auto existing = m_store.customers.get(id.toLatin1());
    if (!existing)
        return missing(L("customer"), id);
    m_store.customers.remove(id.toLatin1());
    emitEvent(L("customer.deleted"), *existing);
    return {
        200, QJsonObject {{L("id"), id}, {L("object"), L("customer")}, {L("deleted"), true}}, {}};
}

StripeSandbox::Reply StripeSandbox::createPaymentIntent(const FormParams &params)
{
    const auto amount = parseInteger(params.value(L("amount")));
    if (!params.has(L("amount")))
        return error(400, kInvalidRequest, L("Missing required param: amount."),
                     L("parameter_missing"), L("amount"));
    if (!amount || *amount < 1)
        return error(400, kInvalidRequest, L("Invalid positive integer"),
                     L("parameter_invalid_integer"), L("amount"));
    const QString currency = params.value(L("currency")).toLower();
    if (currency.isEmpty())
        return error(400, kInvalidRequest, L("Missing required param: currency."),
                     L("parameter_missing"), L("currency"));
    if (currency.size() != 3)
        return error(400, kInvalidRequest, L("Invalid currency: %1.").arg(currency),
                     L("parameter_invalid_string"), L("currency"));
    if (*amount < 50 && currency == QLatin1String("usd"))
        return error(400, kInvalidRequest, L("Amount must be at least $0.50 usd"),
                     L("amount_too_small"), L("amount"));
    const QString customer = params.value(L("customer"));
    if (!customer.isEmpty() && !m_store.customers.contains(customer.toLatin1()))
        return missing(L("customer"), customer, L("customer"));

    ChargeSpec spec;
    spec.paymentIntent = m_ids.next("pi");
    spec.created = now();
    spec.amount = *amount;
    spec.currency = currency;
    spec.customer = customer;
    spec.description = params.value(L("description"));
    spec.receiptEmail = params.value(L("receipt_email"));
    spec.paymentMethod = params.value(L("payment_method"));
    QJsonObject pi = parseObject(paymentIntentJson(spec));
    pi.insert(L("latest_charge"), QJsonValue());
    pi.insert(L("amount_received"), 0);
    pi.insert(L("payment_method"),
              spec.paymentMethod.isEmpty() ? QJsonValue() : QJsonValue(spec.paymentMethod));
    pi.insert(L("status"),
              spec.paymentMethod.isEmpty() ? L("requires_payment_method")
                                           : L("requires_confirmation"));
    pi.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    m_store.paymentIntents.insert(pi, customer.toLatin1(),
                                  pi.value(L("status")).toString().toLatin1());
    ++m_counters[L("payment_intents_created")];
    emitEvent(L("payment_intent.created"), pi);
    if (isTrue(params.value(L("confirm"))))
        return confirmPaymentIntent(spec.paymentIntent, FormParams());
    return {200, pi, {}};
}

StripeSandbox::Reply StripeSandbox::confirmPaymentIntent(const QString &id,
                                                         const FormParams &params)
{
    auto existing = m_store.paymentIntents.get(id.toLatin1());
    if (!existing)
        return missing(L("payment_intent"), id);
    QJsonObject pi = *existing;
    if (params.has(L("payment_method")))
        pi.insert(L("payment_method"), params.value(L("payment_method")));
    const QString status = pi.value(L("status")).toString();
    if (status == QLatin1String("succeeded"))
        return error(
            400, kInvalidRequest,
            L("This PaymentIntent's payment_method could not be updated because it has a status of "
              "succeeded. You may only update the payment_method of a PaymentIntent with one of "
              "the "
              "following statuses: requires_payment_method, requires_confirmation, "
              "requires_action."),
            L("payment_intent_unexpected_state"));
    const QString pmId = pi.value(L("payment_method")).toString();
    if (pmId.isEmpty())
        return error(
            400, kInvalidRequest,
            L("You cannot confirm this PaymentIntent because it's missing a payment method."),
            L("payment_intent_unexpected_state"), L("payment_method"));
    const TestCard *card = nullptr;
    for (const TestCard &t : kTestCards) {
        if (pmId == QLatin1String(t.id))
            card = &t;
    }
    std::optional<QJsonObject> savedMethod;
    if (!card) {
        savedMethod = m_store.paymentMethods.get(pmId.toLatin1());
        if (!savedMethod)
            return missing(L("payment_method"), pmId, L("payment_method"));
    }
    ChargeSpec spec;
    spec.id = m_ids.next("ch");
    spec.paymentIntent = id;
    spec.created = now();
    spec.amount = pi.value(L("amount")).toInteger();
    spec.currency = pi.value(L("currency")).toString();
    spec.customer = pi.value(L("customer")).toString();
    spec.description = pi.value(L("description")).toString();
    spec.receiptEmail = pi.value(L("receipt_email")).toString();
    spec.paymentMethod = pmId;
    if (card) {
        spec.card = {QString::fromLatin1(card->brand),
                     QString::fromLatin1(card->last4),
                     L("US"),
                     L("credit"),
                     12,
                     2034};
        spec.riskLevel = QString::fromLatin1(card->risk);
        spec.riskScore = spec.riskLevel == QLatin1String("highest") ? 85
            : spec.riskLevel == QLatin1String("elevated")           ? 70
                                                                    : 20;
        spec.succeeded = QByteArray(card->declineCode).isEmpty();
        spec.declineCode = QString::fromLatin1(card->declineCode);
        spec.failureCode = spec.declineCode == QLatin1String("expired_card") ? L("expired_card")
            : spec.declineCode == QLatin1String("incorrect_cvc")             ? L("incorrect_cvc")
                                                                             : L("card_declined");
    } else {
        const QJsonObject c = savedMethod->value(L("card")).toObject();
        spec.card
            = {c.value(L("brand")).toString(),           c.value(L("last4")).toString(),
               c.value(L("country")).toString(),         c.value(L("funding")).toString(),
               int(c.value(L("exp_month")).toInteger()), int(c.value(L("exp_year")).toInteger())};
        spec.succeeded = true;
    }
    if (spec.succeeded) {
        spec.balanceTransaction = m_ids.next("txn");
        const qint64 usd = toUsdMinor(spec.amount, spec.currency);
        m_store.balanceTransactions.insert(
            balanceTransactionJson(spec.balanceTransaction, spec.created, spec.id, L("charge"), usd,
                                   stripeFee(usd, spec.card.country), L("usd"),
                                   spec.currency == QLatin1String("usd") ? 0.0
                                                                         : usdRate(spec.currency),
                                   spec.description),
            spec.balanceTransaction.toLatin1(), spec.created, {}, QByteArrayLiteral("charge"));
    }
    const QByteArray chargeBytes = chargeJson(spec);
    m_store.charges.insert(chargeBytes, spec.id.toLatin1(), spec.created, spec.customer.toLatin1(),
                           id.toLatin1());
    const QJsonObject charge = parseObject(chargeBytes);
    QJsonObject updated = parseObject(paymentIntentJson(spec));
    updated.insert(L("metadata"), pi.value(L("metadata")));
    if (!spec.succeeded)
        updated.insert(L("payment_method"), QJsonValue());
    m_store.paymentIntents.replace(updated, updated.value(L("status")).toString().toLatin1());
    if (spec.succeeded) {
        emitEvent(L("charge.succeeded"), charge);
        emitEvent(L("payment_intent.succeeded"), updated);
        return {200, updated, {}};
    }
    emitEvent(L("charge.failed"), charge);
    emitEvent(L("payment_intent.payment_failed"), updated);
    QJsonObject body = errorBody(L("card_error"), charge.value(L("failure_message")).toString(),
                                 spec.failureCode, {}, spec.declineCode);
    QJsonObject err = body.value(L("error")).toObject();
    err.insert(L("charge"), spec.id);
    err.insert(L("payment_intent"), updated);
    body.insert(L("error"), err);
    return {402, body, {}};
}

StripeSandbox::Reply StripeSandbox::createRefund(const FormParams &params)
{
    QString chargeId = params.value(L("charge"));
    const QString piId = params.value(L("payment_intent"));
    if (chargeId.isEmpty() && piId.isEmpty())
        return error(400, kInvalidRequest,
                     L("One of the following params should be provided for this request: "
                       "payment_intent or charge."),
                     L("parameter_missing"));
    if (!piId.isEmpty()) {
        const auto pi = m_store.paymentIntents.get(piId.toLatin1());
        if (!pi)
            return missing(L("payment_intent"), piId, L("payment_intent"));
        const QString latest = pi->value(L("latest_charge")).toString();
        if (!chargeId.isEmpty() && chargeId != latest)
            return error(
                400, kInvalidRequest,
                L("The charge %1 does not belong to payment_intent %2.").arg(chargeId, piId), {},
                L("charge"));
        if (pi->value(L("status")).toString() != QLatin1String("succeeded") || latest.isEmpty())
            return error(400, kInvalidRequest,
                         L("This PaymentIntent does not have a successful charge to refund."),
                         L("charge_not_refundable"), L("payment_intent"));
        chargeId = latest;
    }
    const auto existing = m_store.charges.get(chargeId.toLatin1());
    if (!existing)
        return missing(L("charge"), chargeId, L("charge"));
    QJsonObject charge = *existing;
    const QString currency = charge.value(L("currency")).toString();
    if (charge.value(L("status")).toString() != QLatin1String("succeeded"))
        return error(400, kInvalidRequest,
                     L("Charge %1 has not been captured and cannot be refunded.").arg(chargeId),
                     L("charge_not_refundable"), L("charge"));
    const qint64 amount = charge.value(L("amount")).toInteger();
    const qint64 already = charge.value(L("amount_refunded")).toInteger();
    if (charge.value(L("refunded")).toBool() || already >= amount)
        return error(400, kInvalidRequest, L("Charge %1 has already been refunded.").arg(chargeId),
                     L("charge_already_refunded"));
    if (charge.value(L("disputed")).toBool())
        return error(400, kInvalidRequest,
                     L("Charge %1 has been charged back; cannot issue a refund.").arg(chargeId),
                     L("charge_disputed"));
    qint64 refundAmount = amount - already;
    if (params.has(L("amount"))) {
        const auto requested = parseInteger(params.value(L("amount")));
        if (!requested || *requested < 1)
            return error(400, kInvalidRequest, L("Invalid positive integer"),
                         L("parameter_invalid_integer"), L("amount"));
        if (*requested > amount - already)
            return error(400, kInvalidRequest,
                         L("Refund amount (%1) is greater than unrefunded amount on charge (%2)")
                             .arg(formatAmount(*requested, currency),
                                  formatAmount(amount - already, currency)),
                         L("amount_too_large"), L("amount"));
        refundAmount = *requested;
    }
    const QString reason = params.value(L("reason"));
    if (!reason.isEmpty() && reason != QLatin1String("duplicate")
        && reason != QLatin1String("fraudulent")
        && reason != QLatin1String("requested_by_customer"))
        return error(
            400, kInvalidRequest,
            L("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer"),
            L("parameter_invalid_string"), L("reason"));

    const QString refundId = m_ids.next("re");
    const QString txn = m_ids.next("txn");
    const qint64 t = now();
    m_store.balanceTransactions.insert(
        balanceTransactionJson(
            txn, t, refundId, L("refund"), -toUsdMinor(refundAmount, currency), 0, L("usd"),
            currency == QLatin1String("usd") ? 0.0 : usdRate(currency), L("REFUND FOR CHARGE")),
        txn.toLatin1(), t, {}, QByteArrayLiteral("refund"));
    const QString paymentIntent = charge.value(L("payment_intent")).toString();
    QJsonObject refund = parseObject(
        refundJson(refundId, t, chargeId, paymentIntent, refundAmount, currency, reason, txn));
    refund.insert(L("metadata"), mergedMetadata({}, params.tree().value(L("metadata"))));
    m_store.refunds.insert(refund, chargeId.toLatin1(), paymentIntent.toLatin1());

    const QJsonObject before = charge;
    charge.insert(L("amount_refunded"), already + refundAmount);
    charge.insert(L("refunded"), already + refundAmount >= amount);
    m_store.charges.replace(charge);
    ++m_counters[L("refunds_created")];
    emitEvent(L("refund.created"), refund);
    emitEvent(L("charge.refunded"), charge, changedFields(before, charge));
    return {200, refund, {}};
}

StripeSandbox::Reply StripeSandbox::updateSubscription(const QString &id, const FormParams &params)
{
    const auto existing = m_store.subscriptions.get(id.toLatin1());
    if (!existing)
        return missing(L("subscription"), id);
    QJsonObject sub = *existing;
    const bool canceled = sub.value(L("status")).toString() == QLatin1String("canceled");
    const QJsonObject tree = params.tree();
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString &k = it.key();
        if (k == QLatin1String("metadata") || k == QLatin1String("cancellation_details")
            || k == QLatin1String("expand"))
            continue;
        if (canceled)
            return error(400, kInvalidRequest,
                         L("A canceled subscription can only update its cancellation_details and "
                           "metadata."));
        if (k != QLatin1String("cancel_at_period_end") && k != QLatin1String("description"))
            return error(400, kInvalidRequest, L("Received unknown parameter: %1").arg(k), {}, k);
    }
    if (tree.contains(L("cancel_at_period_end"))) {
        const QString v = params.value(L("cancel_at_period_end"));
        if (v != QLatin1String("true") && v != QLatin1String("false"))
            return error(400, kInvalidRequest, L("Invalid boolean: %1").arg(v),
                         L("parameter_invalid_boolean"), L("cancel_at_period_end"));
        const bool atEnd = isTrue(v);
        sub.insert(L("cancel_at_period_end"), atEnd);
        sub.insert(L("cancel_at"), atEnd ? sub.value(L("current_period_end")) : QJsonValue());
        sub.insert(L("canceled_at"), atEnd ? QJsonValue(now()) : QJsonValue());
        QJsonObject details = sub.value(L("cancellation_details")).toObject();
        details.insert(L("reason"), atEnd ? QJsonValue(L("cancellation_requested")) : QJsonValue());
        sub.insert(L("cancellation_details"), details);
    }
    if (tree.contains(L("description")))
        sub.insert(L("description"),
                   params.value(L("description")).isEmpty()
                       ? QJsonValue()
                       : QJsonValue(params.value(L("description"))));
    if (tree.contains(L("metadata")))
        sub.insert(L("metadata"),
                   mergedMetadata(sub.value(L("metadata")).toObject(), tree.value(L("metadata"))));
    sub = embedLists(sub); // Stored, announced and answered as Stripe embeds it.
    const QJsonObject previous = changedFields(*existing, sub);
    m_store.subscriptions.replace(sub);
    if (!previous.isEmpty())
        emitEvent(L("customer.subscription.updated"), sub, previous);
    return {
        200, params.list(L("expand")).isEmpty() ? sub : expand(sub, params.list(L("expand"))), {}};
}

StripeSandbox::Reply StripeSandbox::cancelSubscription(const QString &id, const FormParams &params)
{
    const auto existing = m_store.subscriptions.get(id.toLatin1());
    if (!existing)
        return missing(L("subscription"), id);
    QJsonObject sub = *existing;
    if (sub.value(L("status")).toString() == QLatin1String("canceled"))
        return missing(L("subscription"),
                       id); // Stripe: a canceled subscription cannot be canceled again.
    const qint64 t = now();
    sub.insert(L("status"), L("canceled"));
    sub.insert(L("canceled_at"), t);
    sub.insert(L("ended_at"), t);
    sub.insert(L("cancel_at_period_end"), false);
    QJsonObject details = sub.value(L("cancellation_details")).toObject();
    details.insert(L("reason"), L("cancellation_requested"));
    sub.insert(L("cancellation_details"), details);

    // With prorate and invoice_now, the unused part of the period is credited on a final invoice.
    if (isTrue(params.value(L("prorate"))) && isTrue(params.value(L("invoice_now")))) {
        const qint64 start = sub.value(L("current_period_start")).toInteger();
        const qint64 end = sub.value(L("current_period_end")).toInteger();
        const QJsonObject item
            = sub.value(L("items")).toObject().value(L("data")).toArray().first().toObject();
        const QJsonObject price = item.value(L("price")).toObject();
        const qint64 full = price.value(L("unit_amount")).toInteger()
            * std::max<qint64>(1, item.value(L("quantity")).toInteger());
        const qint64 credit = end > start && t < end ? -(full * (end - t) / (end - start)) : 0;
        const QString invoiceId = m_ids.next("in");
        LineItemSpec line;
        line.id = m_ids.next("il");
        line.amount = credit;
        line.currency = sub.value(L("currency")).toString();
        line.description = L("Unused time after cancellation");
        line.proration = true;
        line.periodStart = t;
        line.periodEnd = end;
        line.price = toCompactJson(price);
        line.unitAmount = price.value(L("unit_amount")).toInteger();
        line.quantity = std::max<qint64>(1, item.value(L("quantity")).toInteger());
        line.subscription = id;
        line.subscriptionItem = item.value(L("id")).toString();
        InvoiceSpec spec;
        spec.id = invoiceId;
        spec.created = t;
        spec.customer = sub.value(L("customer")).toString();
        spec.subscription = id;
        spec.currency = line.currency;
        spec.billingReason = L("subscription_update");
        spec.lines = '[' + lineItemJson(line) + ']';
        spec.subtotal = spec.total = spec.endingBalance = credit;
        spec.status = L("paid");
        spec.periodStart = start;
        spec.periodEnd = t;
        const QJsonObject invoice = parseObject(invoiceJson(spec));
        m_store.invoices.insert(invoice, sub.value(L("customer")).toString().toLatin1(),
                                QByteArrayLiteral("paid"));
        sub.insert(L("latest_invoice"), invoiceId);
        emitEvent(L("invoice.created"), invoice);
    }
    sub = embedLists(sub);
    m_store.subscriptions.replace(sub, QByteArrayLiteral("canceled"));
    ++m_counters[L("subscriptions_canceled")];
    emitEvent(L("customer.subscription.deleted"), sub);
    return {200, sub, {}};
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
