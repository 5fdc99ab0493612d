#include "ui/homepage.h"

#include "models/analytics/analytics.h"
#include "models/currency.h"
#include "models/daterange.h"
#include "models/money.h"
#include "ui/chartcard.h"
#include "ui/charts.h"

#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimeZone>
#include <QVBoxLayout>

namespace paydesk::ui {

namespace {

using namespace models::analytics;

// "▲ 12.3 %" of a change between two amounts; empty when there is nothing to compare with.
QString relative(qint64 now, qint64 before)
{
    if (before == 0)
        return now == 0 ? QObject::tr("no change") : QObject::tr("new");
    const double change = 100.0 * double(now - before) / double(std::abs(before));
    return QStringLiteral("%1 %2 %").arg(change >= 0 ? QStringLiteral("▲") : QStringLiteral("▼"),
                                         QLocale().toString(std::abs(change), 'f', 1));
}

// Percentage points between two rates.
QString points(const Ratio &now, const Ratio &before)
{
    const double d = now.percent() - before.percent();
    return QStringLiteral("%1 %2 pts")
        .arg(d >= 0 ? QStringLiteral("▲") : QStringLiteral("▼"),
             QLocale().toString(std::abs(d), 'f', 2));
}

QString rate(const Ratio &r)
{
    return r.denominator == 0 ? QStringLiteral("—")
                              : QStringLiteral("%1 %").arg(QLocale().toString(r.percent(), 'f', 2));
}

} // namespace

HomePage::HomePage(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox(this))
    , m_currency(new QComboBox(this))
    , m_empty(new QLabel(this))
    , m_tileArea(new QWidget(this))
    , m_tileGrid(new QGridLayout(m_tileArea))
    , m_revenue(new ChartCard(tr("Revenue"), this))
{
    setObjectName(QStringLiteral("homePage"));
    auto *title = new QLabel(tr("Home"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    m_range->setObjectName(QStringLiteral("homeRange"));
    m_range->addItem(tr("Last 7 days"), 7);
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Last 90 days"), 90);
    m_range->addItem(tr("Last 12 months"), 365);
    m_range->setCurrentIndex(1);
    m_currency->setObjectName(QStringLiteral("homeCurrency"));
    m_empty->setObjectName(QStringLiteral("homeEmpty"));
    m_empty->setWordWrap(true);
    m_revenue->setObjectName(QStringLiteral("homeRevenueChart"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(title);
    bar->addStretch(1);
    bar->addWidget(m_range);
    bar->addWidget(m_currency);
    m_tileGrid->setContentsMargins(0, 0, 0, 0);
    m_tileGrid->setSpacing(10);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addLayout(bar);
    layout->addWidget(m_empty);
    layout->addWidget(m_tileArea);
    layout->addWidget(m_revenue, 1);
    connect(m_range, &QComboBox::currentIndexChanged, this, &HomePage::refresh);
    connect(m_currency, &QComboBox::currentIndexChanged, this, &HomePage::refresh);
    m_source = new charts::FigureReader(this, m_currency, [this] { refresh(); });
    refresh();
}

void HomePage::setReader(models::CacheReader *reader)
{
    m_source->setReader(reader);
}

void HomePage::setCache(const QString &path)
{
    m_source->setCache(path);
}

void HomePage::refresh()
{
    const QString currency = m_currency->currentData().toString();
    if (!m_source->isOpen() || currency.isEmpty()) {
        m_tiles.clear();
        m_empty->setText(m_source->isOpen() ? tr("No payments in the cache yet.")
                                            : tr("Connect an account or open the demo to see your "
                                                 "business at a glance."));
        m_empty->show();
        m_tileArea->hide();
        m_revenue->hide();
        return;
    }
    m_empty->hide();
    m_tileArea->show();
    m_revenue->show();
    QElapsedTimer timer;
    timer.start();
    const qint64 now = m_now > 0 ? m_now : QDateTime::currentSecsSinceEpoch();
    const int days = m_range->currentData().toInt();
    const bool monthly = days > 90;
    Range cur, prev;
    cur.currency = prev.currency = currency;
    cur.interval = prev.interval = monthly ? Interval::Month : Interval::Day;
    // Whole days of the reporting time zone up to and including today.
    const QTimeZone zone = models::dates::reportingZone();
    cur.zone = prev.zone = zone;
    const models::dates::Span span = models::dates::lastDays(days, now, zone);
    cur.from = span.from;
    cur.to = span.to;
    // Like with like: today is not over, so the period before is compared up to the same
    // point of its last day (the 30 days to now against the 30 days to this hour 30 days ago).
    // To the hour: the rollups keep hours, so the comparison reads no rows.
    prev.from = models::dates::lastDays(2 * days, now, zone).from;
    const qint64 samePoint
        = QDateTime::fromSecsSinceEpoch(now, zone).addDays(-days).toSecsSinceEpoch();
    prev.to = std::min(cur.from, samePoint - samePoint % 3600);
    const QString versus
        = tr("vs same point of previous %1").arg(m_range->currentText().section(u' ', 1));

    auto sum = [](const QList<RevenueRow> &rows, qint64 *gross, qint64 *net) {
        *gross = *net = 0;
        for (const RevenueRow &r : rows) {
            *gross += r.gross;
            *net += r.net();
        }
    };
    qint64 gross = 0, net = 0, gross0 = 0, net0 = 0;
    const QList<RevenueRow> rows = revenue(m_source->database(), cur);
    sum(rows, &gross, &net);
    sum(revenue(m_source->database(), prev), &gross0, &net0);
    const PaymentStats p = payments(m_source->database(), cur, false);
    const PaymentStats p0 = payments(m_source->database(), prev, false);
    const QList<MrrRow> mrrNow = mrr(m_source->database(), now, currency);
    const MrrRow m = mrrNow.isEmpty() ? MrrRow {} : mrrNow.first();
    // MRR and subscribers then: the billed MRR at the end of the month before the period.
    const Range months {prev.from - 62 * 86400, cur.to, Interval::Month, currency, zone, now};
    const MrrHistory history = mrrHistory(m_source->database(), months);
    const QString startMonth = bucketOf(cur.from - 1, Interval::Month, zone);
    const QString thisMonth = bucketOf(now, Interval::Month, zone);
    MrrMonth atStart, lastMonth, monthBefore;
    QList<MrrMonth> complete;
    for (const MrrMonth &h : history.months) {
        if (h.bucket == startMonth)
            atStart = h;
        if (h.bucket < thisMonth)
            complete.append(h);
    }
    if (!complete.isEmpty())
        lastMonth = complete.last();
    if (complete.size() > 1)
        monthBefore = complete.at(complete.size() - 2);

    auto money = [&](qint64 v) {
        return models::Money(v, currency).toString(QLocale());
    };
    const Ratio failed {p.failed, p.succeeded + p.failed};
    const Ratio failed0 {p0.failed, p0.succeeded + p0.failed};
    m_tiles = {
        {QStringLiteral("gross"), tr("Gross volume"), money(gross),
         relative(gross, gross0) + u' ' + versus, gross >= gross0},
        {QStringLiteral("net"), tr("Net volume"), money(net), relative(net, net0) + u' ' + versus,
         net >= net0},
        {QStringLiteral("mrr"), tr("MRR"), money(m.mrr),
         relative(m.mrr, atStart.mrr) + u' '
             + tr("since %1").arg(charts::labels({startMonth}, true).first()),
         m.mrr >= atStart.mrr},
        {QStringLiteral("subscribers"), tr("Active subscribers"), QLocale().toString(m.customers),
         relative(m.customers, atStart.customers) + u' '
             + tr("since %1").arg(charts::labels({startMonth}, true).first()),
         m.customers >= atStart.customers},
        {QStringLiteral("churn"),
         lastMonth.bucket.isEmpty()
             ? tr("Churn rate")
             : tr("Churn rate (%1)").arg(charts::labels({lastMonth.bucket}, true).value(0)),
         rate(lastMonth.customerChurn()),
         lastMonth.bucket.isEmpty() ? tr("no subscription invoices yet")
                                    : points(lastMonth.customerChurn(), monthBefore.customerChurn())
                 + u' ' + tr("vs month before"),
         lastMonth.customerChurn().percent() <= monthBefore.customerChurn().percent()},
        {QStringLiteral("failed"), tr("Failed payment rate"), rate(failed),
         points(failed, failed0) + u' ' + versus, failed.percent() <= failed0.percent()},
        {QStringLiteral("disputes"), tr("Disputes"),
         tr("%1 (%2)").arg(QLocale().toString(p.disputeRate.numerator), rate(p.disputeRate)),
         relative(p.disputeRate.numerator, p0.disputeRate.numerator) + u' ' + versus,
         p.disputeRate.numerator <= p0.disputeRate.numerator},
    };

    // The revenue chart of the period.
    const QStringList buckets = models::analytics::buckets(cur);
    charts::Series g {tr("Gross volume"), QList<qint64>(buckets.size(), 0)};
    charts::Series n {tr("Net volume"), QList<qint64>(buckets.size(), 0)};
    for (const RevenueRow &r : rows) {
        const qsizetype i = buckets.indexOf(r.bucket);
        if (i >= 0) {
            g.values[i] += r.gross;
            n.values[i] += r.net();
        }
    }
    m_computeMs = double(timer.nsecsElapsed()) / 1e6;
    charts::lines(m_revenue, charts::labels(buckets, monthly), {g, n}, charts::Kind::Money,
                  currency, std::numeric_limits<double>::quiet_NaN(), buckets,
                  buckets.isEmpty() ? QString()
                                    : charts::soFar(buckets.last(), cur.interval, now, zone));
    showTiles();
}

void HomePage::showTiles()
{
    while (QLayoutItem *item = m_tileGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int i = 0;
    for (const Tile &t : std::as_const(m_tiles)) {
        auto *tile = new QFrame(m_tileArea);
        tile->setObjectName(QStringLiteral("tile_") + t.key);
        tile->setFrameShape(QFrame::StyledPanel);
        auto *title = new QLabel(t.title, tile);
        title->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(t.value, tile);
        value->setObjectName(QStringLiteral("tileValue"));
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.5);
        f.setBold(true);
        value->setFont(f);
        auto *change = new QLabel(t.change, tile);
        change->setObjectName(QStringLiteral("tileChange"));
        change->setWordWrap(true);
        change->setStyleSheet(t.good ? QStringLiteral("color: #1b7f3b;")
                                     : QStringLiteral("color: #b3261e;"));
        auto *l = new QVBoxLayout(tile);
        l->setContentsMargins(12, 8, 12, 8);
        l->addWidget(title);
        l->addWidget(value);
        l->addWidget(change);
        m_tileGrid->addWidget(tile, i / 4, i % 4);
        ++i;
    }
}

} // namespace paydesk::ui
