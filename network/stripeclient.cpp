#include "network/stripeclient.h"

#include "network/networklogging.h"
#include "network/redaction.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace paydesk::network {

namespace {
const QByteArray kApiVersion = QByteArrayLiteral("2023-08-16");
} // namespace

struct StripeClient::Pending
{
    quint64 id = 0;
    StripeRequest request;
    QPointer<QObject> context;
    QMetaObject::Connection contextConnection;
    Callback done;
    int attempt = 0; // Sends so far.
    QNetworkReply *reply = nullptr;
    QTimer *timer = nullptr; // Waits (rate limit, backoff) and the attempt timeout.
    QTimer *stallTimer = nullptr; // Reset whenever bytes move.
    bool timedOut = false;
    bool stalled = false;
};

StripeClient::StripeClient(StripeClientConfig config, QObject *parent)
    : StripeClient(std::move(config), new QNetworkAccessManager, parent)
{
    const int managers = std::max(1, (m_config.maxConnections + 5) / 6);
    for (int i = 1; i < managers; ++i) {
        auto *network = new QNetworkAccessManager(this);
        network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        m_networks.append(network);
    }
}

StripeClient::StripeClient(StripeClientConfig config, QNetworkAccessManager *network,
                           QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_networks({network})
    , m_limiter(RateLimiter::shared(
          QCryptographicHash::hash(
              QByteArray(m_config.apiKey + '\n' + m_config.apiBase.toEncoded()),
              QCryptographicHash::Sha256),
          m_config.rateLimit > 0 ? m_config.rateLimit
                                 : RateLimiter::defaultRateForKey(m_config.apiKey),
          m_config.rateBurst))
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
    , m_userAgent("Paydesk/" PAYDESK_VERSION " (Qt " QT_VERSION_STR ")")
{
    network->setParent(this);
    // Redirects could carry the key to another host; Stripe never redirects API calls.
    network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

StripeClient::~StripeClient()
{
    const auto pending = m_pending.values();
    for (Pending *p : pending)
        drop(p);
}

QByteArray StripeClient::apiVersion()
{
    return kApiVersion;
}

QString StripeClient::validateApiBase(const QUrl &base)
{
    if (!base.isValid() || base.host().isEmpty())
        return QStringLiteral("'%1' is not a valid API base URL").arg(base.toString());
    if (base.scheme() == QLatin1String("https"))
        return {};
    if (base.scheme() != QLatin1String("http"))
        return QStringLiteral("the API base URL must use https, not '%1'").arg(base.scheme());
    const QString host = base.host();
    const QHostAddress address(host);
    if (host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback()))
        return {};
    return QStringLiteral(
               "plain http is only allowed to a loopback address, not to '%1'; use https")
        .arg(host);
}

qint64 StripeClient::backoffMs(int retry, double random01, int initialMs, int maxMs)
{
    const double base
        = std::min(double(maxMs), double(initialMs) * std::pow(2.0, std::max(0, retry - 1)));
    return qint64(base * (0.5 + 0.5 * std::clamp(random01, 0.0, 1.0)));
}

quint64 StripeClient::send(const StripeRequest &request, QObject *context, Callback done)
{
    auto *p = new Pending;
    p->id = m_nextId++;
    p->request = request;
    p->request.method = request.method.toUpper();
    p->context = context;
    p->done = std::move(done);
    if (p->request.method == "POST" && p->request.idempotencyKey.isEmpty())
        p->request.idempotencyKey = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    m_pending.insert(p->id, p);
    if (context) {
        const quint64 id = p->id;
        p->contextConnection
            = connect(context, &QObject::destroyed, this, [this, id] { cancel(id); });
    }

    StripeResponse invalid;
    if (const QString problem = validateApiBase(m_config.apiBase); !problem.isEmpty()) {
        invalid.error.kind = StripeError::Kind::Configuration;
        invalid.error.message = problem;
    } else if (m_config.apiKey.isEmpty()) {
        invalid.error.kind = StripeError::Kind::Configuration;
        invalid.error.message = QStringLiteral("No Stripe API key is configured.");
    }
    if (invalid.error.isError()) {
        // Report asynchronously, like every other outcome.
        QTimer::singleShot(0, this, [this, id = p->id, invalid] {
            if (Pending *q = m_pending.value(id))
                complete(q, invalid);
        });
        return p->id;
    }
    schedule(p, 0);
    return p->id;
}

void StripeClient::cancel(quint64 id)
{
    if (Pending *p = m_pending.value(id))
        drop(p);
}

void StripeClient::drop(Pending *p)
{
    m_pending.remove(p->id);
    disconnect(p->contextConnection);
    if (p->reply) {
        p->reply->disconnect(this);
        p->reply->abort();
        p->reply->deleteLater();
    }
    delete p->timer;
    delete p->stallTimer;
    delete p;
}

void StripeClient::schedule(Pending *p, qint64 delayMs)
{
    const qint64 wait = std::max(delayMs, m_limiter->reserve());
    if (!p->timer) {
        p->timer = new QTimer;
        p->timer->setSingleShot(true);
        // Coarse timers may fire up to 5 % early: too early for Retry-After or the rate limit.
        p->timer->setTimerType(Qt::PreciseTimer);
    }
    p->timer->disconnect();
    if (wait <= 0) {
        startAttempt(p);
        return;
    }
    connect(p->timer, &QTimer::timeout, this, [this, id = p->id] {
        if (Pending *q = m_pending.value(id))
            startAttempt(q);
    });
    p->timer->start(int(std::min<qint64>(wait, std::numeric_limits<int>::max())));
}

QNetworkRequest StripeClient::buildRequest(const Pending &p, QByteArray *body) const
{
    QUrl url = m_config.apiBase;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + p.request.path);
    const QByteArray encoded = p.request.method != "GET" && !p.request.encodedBody.isEmpty()
        ? p.request.encodedBody
        : p.request.params.encode();
    if (p.request.method == "GET") {
        if (!encoded.isEmpty())
            url.setQuery(QString::fromLatin1(encoded), QUrl::StrictMode);
    } else {
        *body = encoded;
    }
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_config.apiKey);
    request.setRawHeader("Stripe-Version", kApiVersion);
    request.setRawHeader("User-Agent", m_userAgent);
    request.setRawHeader("Accept", "application/json");
    if (!m_config.stripeAccount.isEmpty())
        request.setRawHeader("Stripe-Account", m_config.stripeAccount.toLatin1());
    if (!p.request.idempotencyKey.isEmpty())
        request.setRawHeader("Idempotency-Key", p.request.idempotencyKey);
    if (p.request.method != "GET")
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          p.request.contentType.isEmpty()
                              ? QByteArrayLiteral("application/x-www-form-urlencoded")
                              : p.request.contentType);
    return request;
}

QNetworkAccessManager *StripeClient::networkForNextRequest()
{
    // The least busy manager: its connections are the most likely to be free.
    QNetworkAccessManager *best = m_networks.first();
    for (QNetworkAccessManager *n : std::as_const(m_networks)) {
        if (m_inFlight.value(n) < m_inFlight.value(best))
            best = n;
    }
    return best;
}

void StripeClient::startAttempt(Pending *p)
{
    ++p->attempt;
    p->timedOut = p->stalled = false;
    QByteArray body;
    const QNetworkRequest request = buildRequest(*p, &body);
    qCDebug(lcNetwork).noquote() << "attempt" << p->attempt
                                 << QString::fromLatin1(p->request.method)
                                 << redactSecrets(request.url().toString());
    QNetworkAccessManager *network = networkForNextRequest();
    p->reply = network->sendCustomRequest(request, p->request.method, body);
    ++m_inFlight[network];
    connect(p->reply, &QObject::destroyed, this, [this, network] { --m_inFlight[network]; });

    const quint64 id = p->id;
    connect(p->reply, &QNetworkReply::finished, this, [this, id] {
        if (Pending *q = m_pending.value(id))
            onReplyFinished(q);
    });
    // Any movement of bytes proves the transfer is alive.
    auto alive = [this, id] {
        if (Pending *q = m_pending.value(id); q && q->stallTimer)
            q->stallTimer->start();
    };
    connect(p->reply, &QNetworkReply::downloadProgress, this, alive);
    connect(p->reply, &QNetworkReply::uploadProgress, this, alive);
    connect(p->reply, &QNetworkReply::metaDataChanged, this, alive);

    p->timer->disconnect();
    connect(p->timer, &QTimer::timeout, this, [this, id] {
        if (Pending *q = m_pending.value(id); q && q->reply) {
            q->timedOut = true;
            q->reply->abort();
        }
    });
    p->timer->start(m_config.timeoutMs);
    if (!p->stallTimer) {
        p->stallTimer = new QTimer;
        p->stallTimer->setSingleShot(true);
        connect(p->stallTimer, &QTimer::timeout, this, [this, id] {
            if (Pending *q = m_pending.value(id); q && q->reply) {
                q->stalled = true;
                q->reply->abort();
            }
        });
    }
    p->stallTimer->start(m_config.stallTimeoutMs);
}

void StripeClient::onReplyFinished(Pending *p)
{
    QNetworkReply *reply = p->reply;
    p->reply = nullptr;
    p->timer->stop();
    p->stallTimer->stop();
    reply->deleteLater();

    StripeResponse response;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QNetworkReply::NetworkError netError = reply->error();
    const QByteArray body = reply->readAll();
    if (p->timedOut || p->stalled) {
        response.error.kind = StripeError::Kind::Timeout;
        response.error.message = p->stalled
            ? QStringLiteral("Stripe stopped sending data for %1 s.")
                  .arg(m_config.stallTimeoutMs / 1000.0)
            : QStringLiteral("Stripe did not answer within %1 s.").arg(m_config.timeoutMs / 1000.0);
    } else if (netError == QNetworkReply::SslHandshakeFailedError
               || netError == QNetworkReply::InsecureRedirectError) {
        response.error.kind = StripeError::Kind::Tls;
        response.error.message = QStringLiteral("TLS error talking to %1: %2")
                                     .arg(m_config.apiBase.host(), reply->errorString());
    } else if (status.isValid()) {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        response = parseStripeResponse(status.toInt(), body, reply->rawHeaderPairs(),
                                       length.isValid() ? length.toLongLong() : -1);
        if (!response.error.isError() && netError != QNetworkReply::NoError
            && status.toInt() < 400) {
            // A complete-looking 2xx body but the connection failed underneath it.
            response.error.kind = StripeError::Kind::Network;
            response.error.message = reply->errorString();
        }
    } else {
        response.error.kind = StripeError::Kind::Network;
        response.error.message = QStringLiteral("Network error talking to %1: %2")
                                     .arg(m_config.apiBase.host(), reply->errorString());
    }

    const int status429
        = response.error.kind == StripeError::Kind::Api && response.httpStatus == 429;
    if (status429)
        m_limiter->onRateLimited();
    else if (!response.error.isError())
        m_limiter->onSuccess();

    const int retriesDone = p->attempt - 1;
    if (response.error.isError() && response.error.isRetryable()
        && retriesDone < m_config.maxRetries) {
        qint64 delay
            = backoffMs(p->attempt, m_random(), m_config.initialBackoffMs, m_config.maxBackoffMs);
        if (status429) {
            for (const auto &[name, value] : reply->rawHeaderPairs()) {
                bool ok = false;
                const qint64 seconds = value.trimmed().toLongLong(&ok);
                if (name.compare("retry-after", Qt::CaseInsensitive) == 0 && ok)
                    delay = std::max(delay, seconds * 1000);
            }
        }
        qCInfo(lcNetwork).noquote()
            << "retrying" << QString::fromLatin1(p->request.method) << p->request.path << "after"
            << StripeError::kindName(response.error.kind) << response.httpStatus << "in" << delay
            << "ms";
        schedule(p, delay);
        return;
    }
    response.attempts = p->attempt;
    complete(p, response);
}

void StripeClient::complete(Pending *p, StripeResponse response)
{
    Callback done = std::move(p->done);
    const bool hadContext = !p->context.isNull();
    QPointer<QObject> context = p->context;
    if (response.attempts == 0)
        response.attempts = p->attempt;
    if (response.error.isError())
        qCInfo(lcNetwork).noquote() << QString::fromLatin1(p->request.method) << p->request.path
                                    << "failed:" << redactSecrets(response.error.userMessage());
    drop(p);
    if (done && (hadContext ? !context.isNull() : true))
        done(response);
}

} // namespace paydesk::network
