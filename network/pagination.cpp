#include "network/pagination.h"

#include "network/jsonsplit.h"

#include <QDateTime>
#include <QJsonObject>

#include <cmath>
#include <limits>

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
    if (!m_options.createdFilter) {
        Slice all {m_options.createdFrom, m_options.createdTo, {}, 0, false};
        all.unbounded = true;
        addSlice(all);
        launch();
        return;
    }
    // Equal time slices to start with. Their first pages measure the density of the whole
    // range; then the remaining work is re-cut into slices of about equal size (plan()).
    if (!m_options.ranges.isEmpty()) {
        for (const auto &[lo, hi] : std::as_const(m_options.ranges)) {
            if (hi > lo) {
                addSlice({lo, hi, {}, 0, true});
                ++m_initialPending;
            }
        }
        launch();
        return;
    }
    // A probe first: the newest page of everything, with no time bound. A type that fits in
    // it is done in one request; otherwise its density decides how many slices the rest takes.
    if (m_options.wholeAccount) {
        Slice probe {m_options.createdFrom, m_options.createdTo, {}, 0, false};
        probe.probe = true;
        addSlice(probe);
    } else {
        sliceAfterProbe(m_options.createdTo, -1);
    }
    launch();
}

bool ParallelLister::isOpenBelow(const Slice &slice) const
{
    return m_options.wholeAccount && slice.lo <= m_options.createdFrom;
}

void ParallelLister::sliceAfterProbe(qint64 below, double density)
{
    // About four pages a slice to start with (each slice ends on a part page); plan() re-cuts
    // them once their first pages measured the whole range.
    if (below <= m_options.createdFrom + 1) {
        // Everything left is older than the window's start: one slice, open below.
        addSlice({std::min(m_options.createdFrom, below - 1), below, {}, 0, true});
        ++m_initialPending;
        return;
    }
    const qint64 span = std::max<qint64>(1, below - m_options.createdFrom);
    // Without a probe (density < 0): one slice per slot.
    const double expected = density * double(span);
    const int slices = density < 0
        ? m_options.concurrency
        : std::clamp(int(std::ceil(expected / (4.0 * m_options.pageSize))), 1,
                     m_options.concurrency);
    for (int i = 0; i < slices; ++i) {
        const qint64 lo = m_options.createdFrom + span * i / slices;
        const qint64 hi = i == slices - 1 ? below : m_options.createdFrom + span * (i + 1) / slices;
        if (hi > lo) {
            addSlice({lo, hi, {}, 0, true});
            ++m_initialPending;
        }
    }
}

int ParallelLister::addSlice(const Slice &slice, bool front)
{
    const int id = m_nextSlice++;
    m_slicesById.insert(id, slice);
    if (front)
        m_queue.push_front(id);
    else
        m_queue.push_back(id);
    ++m_slices;
    return id;
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

void ParallelLister::deliver(const QJsonArray &objects, const QList<QByteArray> &raw)
{
    if (!objects.isEmpty())
        Q_EMIT objectsReceived(objects, raw);
    if (m_done)
        return; // Cancelled or failed by a receiver.
    Q_EMIT progress(m_received, int(m_inFlight.size()), int(m_queue.size()));
    launch();
}

void ParallelLister::launch()
{
    while (!m_done && !m_queue.empty() && m_inFlight.size() < m_options.concurrency) {
        const int id = m_queue.front();
        m_queue.pop_front();
        fetch(id);
    }
    if (!m_done && m_queue.empty() && m_inFlight.isEmpty()) {
        m_done = true;
        Q_EMIT finished(true, {});
    }
}

double ParallelLister::densityAt(qint64 t) const
{
    if (m_density.isEmpty())
        return 0;
    auto after = m_density.lowerBound(t);
    if (after == m_density.cend())
        return std::prev(after).value();
    if (after == m_density.cbegin() || after.key() == t)
        return after.value();
    const auto before = std::prev(after);
    const double f = double(t - before.key()) / double(after.key() - before.key());
    return before.value() + f * (after.value() - before.value());
}

double ParallelLister::estimate(qint64 from, qint64 to) const
{
    // Objects created in [from, to], from the density samples (trapezoids on 32 steps).
    if (to <= from)
        return 0;
    constexpr int steps = 32;
    double sum = 0;
    for (int i = 0; i < steps; ++i) {
        const qint64 a = from + (to - from) * i / steps, b = from + (to - from) * (i + 1) / steps;
        sum += (densityAt(a) + densityAt(b)) / 2 * double(b - a);
    }
    return sum;
}

void ParallelLister::plan()
{
    // Remaining work of every unfinished slice, in estimated objects.
    QList<int> ids = m_slicesById.keys();
    QList<Slice> newSlices;
    double total = 0;
    QHash<int, double> remaining;
    for (int id : std::as_const(ids)) {
        const Slice &s = m_slicesById[id];
        const qint64 top = s.cursor.isEmpty() ? s.hi - 1 : s.cursorCreated;
        remaining[id] = estimate(s.lo, top);
        total += remaining[id];
    }
    if (total / m_options.concurrency < 2.0 * m_options.pageSize)
        return; // Little left: the tail rule in fetch() is enough.
    const double perSlot = total / (m_options.concurrency * std::max(1, m_options.slicesPerSlot));
    for (int id : std::as_const(ids)) {
        Slice &s = m_slicesById[id];
        const int pieces
            = std::clamp(int(std::lround(remaining[id] / perSlot)), 1,
                         2 * m_options.concurrency * std::max(1, m_options.slicesPerSlot));
        if (pieces < 2)
            continue;
        const qint64 top = s.cursor.isEmpty() ? s.hi - 1 : s.cursorCreated;
        // Walk down from the top, cutting whenever a piece's share is reached.
        const double share = remaining[id] / pieces;
        QList<qint64> cuts;
        double acc = 0;
        const qint64 step = std::max<qint64>(1, (top - s.lo) / 256);
        for (qint64 t = top; t > s.lo && cuts.size() < pieces - 1; t -= step) {
            const qint64 a = std::max(s.lo, t - step);
            acc += (densityAt(a) + densityAt(t)) / 2 * double(t - a);
            if (acc >= share * (cuts.size() + 1) && a > s.lo)
                cuts.append(a);
        }
        if (cuts.isEmpty())
            continue;
        // This slice keeps the newest piece; the older pieces become new slices (added after
        // the loop: inserting into m_slicesById would invalidate `s`).
        qint64 upper = cuts.first();
        for (qsizetype i = 1; i <= cuts.size(); ++i) {
            const qint64 lower = i < cuts.size() ? cuts.at(i) : s.lo;
            if (upper > lower)
                newSlices.append({lower, upper, {}, 0, false});
            upper = lower;
        }
        s.lo = cuts.first();
    }
    for (const Slice &piece : std::as_const(newSlices))
        addSlice(piece);
}

void ParallelLister::fetch(int sliceId)
{
    const Slice slice = m_slicesById.value(sliceId);
    StripeRequest request;
    request.path = m_path;
    request.params = m_params;
    request.params.set(QStringLiteral("limit"), m_options.pageSize);
    // The oldest slice is open below: objects older than the account's creation exist (a
    // connected or migrated account) and are listed too.
    if (slice.unbounded) {
        // No time bound: the cursor alone walks the list.
    } else if (!slice.probe && isOpenBelow(slice))
        request.params.set(QStringLiteral("created"),
                           QVariantMap {{QStringLiteral("lt"), slice.hi}});
    else if (!slice.probe)
        request.params.set(
            QStringLiteral("created"),
            QVariantMap {{QStringLiteral("gte"), slice.lo}, {QStringLiteral("lt"), slice.hi}});
    if (!slice.cursor.isEmpty())
        request.params.set(QStringLiteral("starting_after"), slice.cursor);
    ++m_requests;
    const quint64 id = m_client->send(request, this, [this, sliceId](const StripeResponse &r) {
        m_inFlight.remove(sliceId);
        if (m_done)
            return;
        if (!r.ok()) {
            fail(r.error);
            return;
        }
        Slice &slice = m_slicesById[sliceId];
        const QJsonArray page = r.json.value(QStringLiteral("data")).toArray();
        const bool probe = slice.probe;
        // Objects created before `lowest` are not this request's to deliver: below the slice
        // (plan() may have raised its lower bound while the request was out; reaching them
        // means the slice is done) or, for the probe, of the second its page ended in (more of
        // them may follow: the slices after the probe list that second).
        qint64 lowest
            = isOpenBelow(slice) || slice.unbounded ? std::numeric_limits<qint64>::min() : slice.lo;
        if (probe) {
            m_slicesById.remove(sliceId); // `slice` is not used after this.
            if (r.json.value(QStringLiteral("has_more")).toBool() && !page.isEmpty()) {
                const qint64 first
                    = page.first().toObject().value(QStringLiteral("created")).toInteger();
                const qint64 last
                    = page.last().toObject().value(QStringLiteral("created")).toInteger();
                const double density
                    = double(page.size()) / double(std::max<qint64>(1, first - last + 1));
                m_density.insert(first, density);
                lowest = last + 1;
                sliceAfterProbe(lowest, density);
            }
        }
        QList<QByteArray> rawPage = splitListData(r.body);
        if (rawPage.size() != page.size())
            rawPage.clear();
        QJsonArray data;
        QList<QByteArray> raw;
        bool reachedBottom = false;
        for (qsizetype i = 0; i < page.size(); ++i) {
            const QJsonValue v = page.at(i);
            if (v.toObject().value(QStringLiteral("created")).toInteger() < lowest) {
                reachedBottom = true;
            } else {
                data.append(v);
                if (!rawPage.isEmpty())
                    raw.append(rawPage.at(i));
            }
        }
        m_received += data.size();
        if (probe) {
            deliver(data, raw);
            return;
        }

        const bool firstPage = slice.cursor.isEmpty();
        const bool initial = slice.initial;
        const bool hasMore = r.json.value(QStringLiteral("has_more")).toBool() && !reachedBottom
            && !data.isEmpty();
        if (firstPage && !page.isEmpty()) {
            // A density sample at the top of the slice: objects per second of this page, or of
            // the whole slice when it fitted in one page.
            const qint64 first
                = page.first().toObject().value(QStringLiteral("created")).toInteger();
            const qint64 last = page.last().toObject().value(QStringLiteral("created")).toInteger();
            const double density = hasMore
                ? double(page.size()) / double(std::max<qint64>(1, first - last + 1))
                : double(page.size()) / double(std::max<qint64>(1, slice.hi - slice.lo));
            m_density.insert(hasMore ? first : (slice.lo + slice.hi) / 2, density);
        } else if (firstPage && initial) {
            m_density.insert((slice.lo + slice.hi) / 2, 0.0);
        }

        if (hasMore) {
            const QJsonObject last = data.last().toObject();
            slice.cursor = last.value(QStringLiteral("id")).toString();
            slice.cursorCreated = last.value(QStringLiteral("created")).toInteger();
            // In the last stretch (nothing queued, a slot idle) hand the older half of this
            // slice to a new one, down to two pages, so the last slices do not run one at a time.
            // Objects at exactly cursorCreated stay with this slice's cursor.
            const int capacity
                = m_options.concurrency - int(m_inFlight.size()) - int(m_queue.size());
            if (m_planned && m_queue.empty() && capacity > 0) {
                const qint64 firstCreated
                    = data.first().toObject().value(QStringLiteral("created")).toInteger();
                const double perSecond = double(data.size())
                    / double(std::max<qint64>(1, firstCreated - slice.cursorCreated + 1));
                const double keepObjects = perSecond * double(slice.cursorCreated - slice.lo) / 2;
                const qint64 cut = slice.cursorCreated
                    - std::max<qint64>(1, qint64(std::ceil(keepObjects / perSecond)));
                if (keepObjects >= 2.0 * m_options.pageSize && cut > slice.lo) {
                    const qint64 lo = slice.lo;
                    slice.lo = cut;
                    addSlice({lo, cut, {}, 0, false}); // `slice` is not used after this.
                }
            }
            m_queue.push_front(sliceId);
        } else {
            m_slicesById.remove(sliceId);
        }
        if (firstPage && initial && --m_initialPending == 0 && !m_planned) {
            m_planned = true;
            plan();
        }
        // After the slices moved past these objects, so that checkpoint() covers them.
        deliver(data, raw);
    });
    m_inFlight.insert(sliceId, id);
}

QList<QPair<qint64, qint64>> ParallelLister::checkpoint() const
{
    QList<QPair<qint64, qint64>> ranges;
    for (const Slice &s : m_slicesById) {
        const qint64 hi = s.cursor.isEmpty() ? s.hi : s.cursorCreated + 1;
        if (hi > s.lo)
            ranges.append({s.lo, hi});
    }
    std::sort(ranges.begin(), ranges.end());
    return ranges;
}

qint64 ParallelLister::estimatedTotal() const
{
    if (!m_planned && m_initialPending > 0)
        return -1;
    double left = 0;
    for (const Slice &s : m_slicesById)
        left += estimate(s.lo, s.cursor.isEmpty() ? s.hi - 1 : s.cursorCreated);
    return m_received + qint64(std::llround(left));
}

void ParallelLister::fail(const StripeError &error)
{
    const QString message = error.userMessage();
    cancel();
    Q_EMIT finished(false, message);
}

} // namespace paydesk::network
