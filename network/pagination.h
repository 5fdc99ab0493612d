#pragma once

#include "network/stripeclient.h"

#include <QJsonArray>
#include <QMap>
#include <QObject>
#include <QPointer>

#include <deque>

namespace paydesk::network {

/*
 * Reads a whole Stripe list one page after the other: forward with `starting_after` (newest to
 * oldest), in reverse with `ending_before` (towards newer objects, from the cursor the caller
 * puts in the params), or a search with `page`/`next_page`. Deletes itself when done.
 */
class Pager final : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Forward, Reverse, Search };
    // Return false to stop early.
    using PageCallback = std::function<bool(const QJsonArray &objects)>;
    using DoneCallback = std::function<void(const StripeError &error, qint64 objects)>;

    static Pager *start(StripeClient *client, const QString &path, StripeParams params,
                        QObject *context, PageCallback onPage, DoneCallback onDone,
                        Mode mode = Mode::Forward);
    void cancel();

private:
    Pager(StripeClient *client, QString path, StripeParams params, QObject *context,
          PageCallback onPage, DoneCallback onDone, Mode mode);
    void fetch();
    void finish(const StripeError &error);

    QPointer<StripeClient> m_client;
    QString m_path;
    StripeParams m_params;
    QPointer<QObject> m_context;
    PageCallback m_onPage;
    DoneCallback m_onDone;
    Mode m_mode;
    qint64 m_objects = 0;
    quint64 m_request = 0;
};

/*
 * Lists every object of a list endpoint concurrently under the client's shared rate limiter.
 * The `created` range starts as equal time slices; their first pages measure how objects are
 * spread over time, and the remaining work is then re-cut into about one equal-sized slice per
 * slot, so that slices end together and few requests fetch a half-empty last page. Slices still
 * running at the end are halved into idle slots. Every object is delivered exactly once
 * (objects sharing a boundary timestamp stay with the slice whose cursor passed them), in no
 * particular order.
 */
class ParallelLister final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 createdFrom = 1262304000; // 2010-01-01, before any Stripe object.
        qint64 createdTo = 0; // Exclusive; 0: now + 1 day.
        int concurrency = 10;
        int pageSize = 100;
        // How many planned slices per slot; more gives smaller slices (tests use it to put many
        // boundaries where objects could be lost).
        int slicesPerSlot = 1;
        // Resume: list exactly these [from, to) ranges (a checkpoint()) instead of
        // [createdFrom, createdTo).
        QList<QPair<qint64, qint64>> ranges;
        // Every object of the type, not a window: a probe without time bound first (a type
        // that fits in one page takes one request), then the slices, the oldest open below
        // createdFrom (objects older than the account exist: connected, migrated accounts).
        bool wholeAccount = false;
        // The list takes no `created` filter (Radar's early fraud warnings): one walk from the
        // newest with starting_after, not sliced; a resumed one walks again from the top.
        bool createdFilter = true;
    };

    ParallelLister(StripeClient *client, QString path, StripeParams params, Options options,
                   QObject *parent = nullptr);
    ~ParallelLister() override;

    void start();
    void cancel();
    qint64 received() const { return m_received; }
    int requestsSent() const { return m_requests; }
    int slicesCreated() const { return m_slices; }
    // The work still to do as disjoint [from, to) `created` ranges, consistent with every
    // objectsReceived() emitted so far (call it from that signal to store a checkpoint next to
    // the objects). A slice part-way through restarts at its cursor's second: the few objects
    // listed again there are the same objects, so storing them twice changes nothing.
    QList<QPair<qint64, qint64>> checkpoint() const;
    // Objects received plus the estimate of what is left, from the measured density; -1 until
    // the first pages have measured it.
    qint64 estimatedTotal() const;

Q_SIGNALS:
    // `raw` holds each object's bytes as the server sent them (empty if they could not be
    // split out of the page).
    void objectsReceived(const QJsonArray &objects, const QList<QByteArray> &raw);
    void progress(qint64 received, int activeSlices, int queuedSlices);
    void finished(bool ok, const QString &errorMessage);

private:
    struct Slice
    {
        qint64 lo = 0; // created >= lo
        qint64 hi = 0; // created < hi
        QString cursor;
        qint64 cursorCreated = 0;
        bool initial = false;
        bool probe = false; // The first page of everything, without a time bound.
        bool unbounded = false; // The whole list, without a time bound (createdFilter off).
    };

    int addSlice(const Slice &slice, bool front = false);
    void launch();
    // Hands a page's objects on, then reports progress and sends what the freed slot allows.
    void deliver(const QJsonArray &objects, const QList<QByteArray> &raw);
    void fetch(int sliceId);
    void plan();
    // After the probe found more than a page: slices of [createdFrom, below) for the rest.
    void sliceAfterProbe(qint64 below, double density);
    // The oldest slice of a whole-account listing has no lower bound.
    bool isOpenBelow(const Slice &slice) const;
    double densityAt(qint64 t) const;
    double estimate(qint64 from, qint64 to) const;
    void fail(const StripeError &error);

    QPointer<StripeClient> m_client;
    QString m_path;
    StripeParams m_params;
    Options m_options;
    QHash<int, Slice> m_slicesById;
    std::deque<int> m_queue;
    QHash<int, quint64> m_inFlight; // Slice id -> client request id.
    QMap<qint64, double> m_density; // Objects per second around a creation time.
    int m_nextSlice = 0;
    int m_initialPending = 0;
    bool m_planned = false;
    qint64 m_received = 0;
    int m_requests = 0;
    int m_slices = 0;
    bool m_done = false;
};

} // namespace paydesk::network
