#include "network/pagination.h"

#include <QDateTime>
#include <QJsonObject>

#include <cmath>

namespace paydesk::network {

Pager *Pager::start(StripeClient *client, const QString &path, StripeParams params,
                    QObject *context, PageCallback onPage, DoneCallback onDone, Mode mode)
{
    auto *pager = new Pager(client, path, std::move(params), context, std::move(onPage),
                            std::move(onDone), mode);
    pager->fetch();
    return pager;
}

Pager::Pager(StripeClient *client, QString path, StripeParams params, QObject *context,
             PageCallback onPage, DoneCallback onDone, Mode mode)
    : QObject(client)
    , m_client(client)
    , m_path(std::move(path))
    , m_params(std::move(params))
    , m_context(context)
    , m_onPage(std::move(onPage))
    , m_onDone(std::move(onDone))
    , m_mode(mode)
{
    if (m_params.value(QStringLiteral("limit")).isNull())
        m_params.set(QStringLiteral("limit"), 100);
    if (context)
        connect(context, &QObject::destroyed, this, &Pager::cancel);
}

void Pager::cancel()
{
    if (m_client && m_request)
        m_client->cancel(m_request);
    m_onDone = nullptr;
    deleteLater();
}

void Pager::fetch()
{
    StripeRequest request;
    request.path = m_path;
    request.params = m_params;
    m_request = m_client->send(request, this, [this](const StripeResponse &r) {
        m_request = 0;
        if (!r.ok()) {
            finish(r.error);
            return;
        }
        const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
        m_objects += data.size();
        const bool wantMore = !m_context.isNull() && m_onPage ? m_onPage(data) : false;
        const bool hasMore = r.json.value(QStringLiteral("has_more")).toBool();
        if (!wantMore || !hasMore || data.isEmpty()) {
            finish({});
            return;
        }
        switch (m_mode) {
        case Mode::Forward:
            m_params.set(QStringLiteral("starting_after"),
                         data.last().toObject().value(QStringLiteral("id")).toString());
            break;
        case Mode::Reverse:
            // Pages come newest first; the next newer page ends before the newest seen.
            m_params.set(QStringLiteral("ending_before"),
                         data.first().toObject().value(QStringLiteral("id")).toString());
            break;
        case Mode::Search:
            m_params.set(QStringLiteral("page"),
                         r.json.value(QStringLiteral("next_page")).toString());
            break;
        }
        fetch();
    });
}

void Pager::finish(const StripeError &error)
{
    if (m_onDone && !m_context.isNull())
        m_onDone(error, m_objects);
    m_onDone = nullptr;
    deleteLater();
}

ParallelLister::ParallelLister(StripeClient *client, QString path, StripeParams params,
                               Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_path(std::move(path))
    , m_params(std::move(params))
    , m_options(options)
{
    if (m_options.createdTo <= 0)
        m_options.createdTo = QDateTime::currentSecsSinceEpoch() + 86400;
    m_options.concurrency = std::max(1, m_options.concurrency);
}

ParallelLister::~ParallelLister()
{
    cancel();
}

void ParallelLister::start()
{
    // Equal time slices to start with; dense ones are split as they are discovered.
    const int slices = m_options.concurrency;
    const qint64 span = std::max<qint64>(1, m_options.createdTo - m_options.createdFrom);
    for (int i = 0; i < slices; ++i) {
        const qint64 lo = m_options.createdFrom + span * i / slices;
        const qint64 hi = i == slices - 1 ? m_options.createdTo
                                          : m_options.createdFrom + span * (i + 1) / slices;
        if (hi > lo) {
            m_queue.push_back({lo, hi, {}});
            ++m_slices;
        }
    }
    launch();
}

void ParallelLister::cancel()
{
    m_done = true;
    m_queue.clear();
    if (m_client) {
        for (quint64 id : std::as_const(m_inFlight))
            m_client->cancel(id);
    }
    m_inFlight.clear();
}

void ParallelLister::launch()
{
    while (!m_done && !m_queue.empty() && m_inFlight.size() < m_options.concurrency) {
        const Slice slice = m_queue.front();
        m_queue.pop_front();
        fetch(slice);
    }
    if (!m_done && m_queue.empty() && m_inFlight.isEmpty()) {
        m_done = true;
        Q_EMIT finished(true, {});
    }
}

void ParallelLister::fetch(const Slice &slice)
{
    StripeRequest request;
    request.path = m_path;
    request.params = m_params;
    request.params.set(QStringLiteral("limit"), m_options.pageSize);
    request.params.set(
        QStringLiteral("created"),
        QVariantMap {{QStringLiteral("gte"), slice.lo}, {QStringLiteral("lt"), slice.hi}});
    if (!slice.cursor.isEmpty())
        request.params.set(QStringLiteral("starting_after"), slice.cursor);
    ++m_requests;
    const int token = m_nextToken++;
    const quint64 id = m_client->send(request, this, [this, slice, token](const StripeResponse &r) {
        m_inFlight.remove(token);
        if (m_done)
            return;
        if (!r.ok()) {
            fail(r.error);
            return;
        }
        const QJsonArray data = r.json.value(QStringLiteral("data")).toArray();
        m_received += data.size();
        if (!data.isEmpty())
            Q_EMIT objectsReceived(data);
        if (r.json.value(QStringLiteral("has_more")).toBool() && !data.isEmpty()) {
            const QJsonObject last = data.last().toObject();
            const qint64 lastCreated = last.value(QStringLiteral("created")).toInteger();
            Slice next {slice.lo, slice.hi, last.value(QStringLiteral("id")).toString()};
            // Everything newer than lastCreated in this slice has been seen. If a slot is idle,
            // give this slice only about minObjectsPerSlice more objects at the density of the
            // page just read, and hand everything older to a new slice (which measures its own
            // density when it starts). Objects at exactly lastCreated stay with this slice's
            // cursor, so nothing is read twice or skipped. Slices sized by measured density end
            // with few half-empty pages, which is what keeps the objects per request high.
            const int capacity
                = m_options.concurrency - int(m_inFlight.size()) - int(m_queue.size());
            const qint64 firstCreated
                = data.first().toObject().value(QStringLiteral("created")).toInteger();
            const double perSecond
                = double(data.size()) / double(std::max<qint64>(1, firstCreated - lastCreated + 1));
            // Towards the end there is less left than minObjectsPerSlice per slot: halve what
            // remains instead, down to a few pages, so the last slices do not run one at a time.
            const double remaining = perSecond * double(lastCreated - slice.lo);
            const double keepObjects
                = std::min(double(m_options.minObjectsPerSlice), remaining / 2);
            const qint64 keep = qint64(std::ceil(keepObjects / perSecond));
            const qint64 cut = lastCreated - std::max<qint64>(1, keep);
            // In the last stretch (nothing queued) even a one-page piece is worth a request
            // that would otherwise wait behind this slice's cursor.
            const double minimumKeep = (m_queue.empty() ? 2.0 : 4.0) * m_options.pageSize;
            if (capacity > 0 && keepObjects >= minimumKeep && cut > slice.lo) {
                m_queue.push_back({slice.lo, cut, {}});
                ++m_slices;
                next.lo = cut;
            }
            m_queue.push_front(next);
        }
        Q_EMIT progress(m_received, int(m_inFlight.size()), int(m_queue.size()));
        launch();
    });
    m_inFlight.insert(token, id);
}

void ParallelLister::fail(const StripeError &error)
{
    const QString message = error.userMessage();
    cancel();
    Q_EMIT finished(false, message);
}

} // namespace paydesk::network
