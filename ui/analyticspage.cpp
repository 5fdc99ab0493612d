#include "ui/analyticspage.h"

#include "models/analytics/analytics.h"
#include "models/currency.h"
#include "models/daterange.h"
#include "models/money.h"
#include "ui/chartcard.h"
#include "ui/charts.h"
#include "ui/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <string_view>

namespace {

// A heat map cell: from the table's base colour (nothing) to the accent (the most), light or
// dark with the theme; the text stays readable on either.
void paintHeat(QTableWidgetItem *item, double share)
{
    share = std::clamp(share, 0.0, 1.0);
    const bool dark = paydesk::ui::theme::isDark();
    const QColor from = dark ? QColor(0x1b, 0x1d, 0x22) : QColor(255, 255, 255);
    const QColor to = dark ? QColor(0x6a, 0x62, 0xf0) : QColor(85, 105, 255);
    auto mix = [share](int a, int b) {
        return a + int(double(b - a) * share);
    };
    item->setBackground(QColor(mix(from.red(), to.red()), mix(from.green(), to.green()),
                               mix(from.blue(), to.blue())));
    item->setForeground(dark || share > 0.6 ? QColor(Qt::white) : QColor(Qt::black));
}

} // namespace

namespace paydesk::ui {

namespace {

using namespace models::analytics;

qint64 hundredths(const Ratio &r)
{
    return r.denominator == 0
        ? 0
        : qint64(std::llround(10000.0 * double(r.numerator) / double(r.denominator)));
}

} // namespace

AnalyticsPage::AnalyticsPage(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox(this))
    , m_interval(new QComboBox(this))
    , m_currency(new QComboBox(this))
    , m_empty(new QLabel(this))
    , m_body(new QWidget(this))
    , m_cohorts(new QTableWidget(m_body))
    , m_heatmap(new QTableWidget(7, 24, m_body))
    , m_summary(new QLabel(m_body))
{
    setObjectName(QStringLiteral("analyticsPage"));
    auto *title = new QLabel(tr("Analytics"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    m_range->setObjectName(QStringLiteral("analyticsRange"));
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Last 90 days"), 90);
    m_range->addItem(tr("Last 12 months"), 12);
    m_range->addItem(tr("Last 24 months"), 24);
    m_range->setCurrentIndex(2);
    m_interval->setObjectName(QStringLiteral("analyticsInterval"));
    m_interval->addItem(tr("By day"), int(Interval::Day));
    m_interval->addItem(tr("By week"), int(Interval::Week));
    m_interval->addItem(tr("By month"), int(Interval::Month));
    m_interval->setCurrentIndex(2);
    m_currency->setObjectName(QStringLiteral("analyticsCurrency"));
    m_empty->setWordWrap(true);
    auto *bar = new QHBoxLayout;
    bar->addWidget(title);
    bar->addStretch(1);
    bar->addWidget(m_range);
    bar->addWidget(m_interval);
    bar->addWidget(m_currency);

    auto *grid = new QGridLayout(m_body);
    grid->setSpacing(12);
    addChart(QStringLiteral("revenue"), tr("Revenue"), 0, 0);
    addChart(QStringLiteral("mrr"), tr("MRR at each month's end"), 0, 1);
    addChart(QStringLiteral("movements"), tr("MRR movements"), 1, 0);
    addChart(QStringLiteral("churn"), tr("Churn"), 1, 1);
    addChart(QStringLiteral("statuses"), tr("Subscriptions by status"), 2, 0);
    addChart(QStringLiteral("declines"), tr("Decline reasons"), 2, 1);
    addChart(QStringLiteral("brands"), tr("Card brands"), 3, 0);
    addChart(QStringLiteral("countries"), tr("Card countries (top 10)"), 3, 1);
    addChart(QStringLiteral("disputes"), tr("Dispute rate"), 4, 0);
    auto *cohortCard = new QFrame(m_body);
    cohortCard->setFrameShape(QFrame::StyledPanel);
    auto *cohortTitle = new QLabel(tr("<b>Cohorts</b> — customers by their first paid month: "
                                      "share still paying · net MRR retention"),
                                   cohortCard);
    cohortTitle->setWordWrap(true);
    m_cohorts->setObjectName(QStringLiteral("cohortTable"));
    m_cohorts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_cohorts->verticalHeader()->setDefaultSectionSize(34);
    m_cohorts->setMinimumHeight(240);
    auto *cl = new QVBoxLayout(cohortCard);
    cl->addWidget(cohortTitle);
    cl->addWidget(m_cohorts, 1);
    grid->addWidget(cohortCard, 4, 1);
    addChart(QStringLiteral("risk"), tr("Radar risk levels"), 5, 0);
    addChart(QStringLiteral("customers"), tr("New and returning paying customers"), 5, 1);
    addChart(QStringLiteral("funding"), tr("Card funding"), 6, 0);
    addChart(QStringLiteral("methods"), tr("Payment methods"), 6, 1);
    auto *heatCard = new QFrame(m_body);
    heatCard->setFrameShape(QFrame::StyledPanel);
    auto *heatTitle = new QLabel(tr("<b>When customers pay</b> — succeeded payments by weekday "
                                    "and hour (UTC)"),
                                 heatCard);
    heatTitle->setObjectName(QStringLiteral("hourOfWeekTitle"));
    m_heatmap->setObjectName(QStringLiteral("hourOfWeek"));
    m_heatmap->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_heatmap->horizontalHeader()->setDefaultSectionSize(30);
    m_heatmap->horizontalHeader()->setMinimumSectionSize(20);
    m_heatmap->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_heatmap->verticalHeader()->setDefaultSectionSize(24);
    QStringList hours;
    for (int h = 0; h < 24; ++h)
        hours.append(QString::number(h));
    m_heatmap->setHorizontalHeaderLabels(hours);
    QStringList weekdays;
    for (int d = 1; d <= 7; ++d)
        weekdays.append(QLocale().dayName(d, QLocale::ShortFormat));
    m_heatmap->setVerticalHeaderLabels(weekdays);
    m_heatmap->setMinimumHeight(7 * 24 + 40);
    auto *hl = new QVBoxLayout(heatCard);
    hl->addWidget(heatTitle);
    hl->addWidget(m_heatmap, 1);
    grid->addWidget(heatCard, 7, 0, 1, 2);
    for (int c = 0; c < 2; ++c)
        grid->setColumnStretch(c, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_body);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addLayout(bar);
    layout->addWidget(m_empty);
    m_summary->setObjectName(QStringLiteral("analyticsSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    layout->addWidget(scroll, 1);
    for (QComboBox *box : {m_range, m_interval})
        connect(box, &QComboBox::currentIndexChanged, this, &AnalyticsPage::refresh);
    connect(m_currency, &QComboBox::currentIndexChanged, this, &AnalyticsPage::refresh);
    m_source = new charts::FigureReader(this, m_currency, [this] { refresh(); });
    refresh();
}

QString AnalyticsPage::paymentSummary() const
{
    return m_summary->text();
}

ChartCard *AnalyticsPage::addChart(const QString &key, const QString &title, int row, int column)
{
    auto *card = new ChartCard(title, m_body);
    card->setObjectName(QStringLiteral("chart_") + key);
    static_cast<QGridLayout *>(m_body->layout())->addWidget(card, row, column);
    m_charts.insert(key, card);
    m_order.append(key);
    return card;
}

void AnalyticsPage::setReader(models::CacheReader *reader)
{
    m_source->setReader(reader);
}

void AnalyticsPage::setCache(const QString &path)
{
    m_source->setCache(path);
}

void AnalyticsPage::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The heat maps are painted for the theme: again when it changes.
    if (event->type() == QEvent::PaletteChange && isVisible())
        refresh();
}

void AnalyticsPage::refresh()
{
    const QString currency = m_currency->currentData().toString();
    if (!m_source->isOpen() || currency.isEmpty()) {
        m_empty->setText(m_source->isOpen() ? tr("No payments in the cache yet.")
                                            : tr("Connect an account or open the demo to see "
                                                 "revenue, MRR, churn and payment analytics."));
        m_empty->show();
        m_body->hide();
        m_summary->clear();
        return;
    }
    m_empty->hide();
    m_body->show();
    QElapsedTimer timer;
    timer.start();
    const qint64 now = m_now > 0 ? m_now : QDateTime::currentSecsSinceEpoch();
    // Whole days of the reporting time zone.
    const QTimeZone zone = models::dates::reportingZone();
    const int span = m_range->currentData().toInt();
    const bool days = span == 30 || span == 90;
    Range range;
    range.currency = currency;
    range.zone = zone;
    range.interval = Interval(m_interval->currentData().toInt());
    const models::dates::Span picked = days ? models::dates::lastDays(span, now, zone)
                                            : models::dates::lastMonths(span, now, zone);
    range.from = picked.from;
    range.to = picked.to;
    const Range monthly {QDate::fromString(bucketOf(range.from, Interval::Month, zone), Qt::ISODate)
                             .startOfDay(zone)
                             .toSecsSinceEpoch(),
                         range.to,
                         Interval::Month,
                         currency,
                         zone,
                         now};

    const QStringList buckets = models::analytics::buckets(range);
    const QList<RevenueRow> rev = revenue(m_source->database(), range);
    const MrrHistory history = mrrHistory(m_source->database(), monthly);
    const PaymentStats pay = payments(m_source->database(), range);
    const QMap<QString, qint64> statuses = subscriptionStatuses(m_source->database(), currency);
    const QList<std::pair<QString, Ratio>> disputes = disputeRates(m_source->database(), range);
    m_computeMs = double(timer.nsecsElapsed()) / 1e6;

    timer.restart();
    const bool byMonth = range.interval == Interval::Month;
    const QStringList labels = charts::labels(buckets, byMonth);
    charts::Series gross {tr("Gross volume"), QList<qint64>(buckets.size(), 0)};
    charts::Series refunds {tr("Refunds"), QList<qint64>(buckets.size(), 0)};
    charts::Series net {tr("Net volume"), QList<qint64>(buckets.size(), 0)};
    for (const RevenueRow &r : rev) {
        const qsizetype i = buckets.indexOf(r.bucket);
        if (i < 0)
            continue;
        gross.values[i] += r.gross;
        refunds.values[i] += r.refunds;
        net.values[i] += r.net();
    }
    const double none = std::numeric_limits<double>::quiet_NaN();
    auto running = [&](const QStringList &keys, Interval interval) {
        return keys.isEmpty() ? QString() : charts::soFar(keys.last(), interval, now, zone);
    };
    charts::lines(chart(QStringLiteral("revenue")), labels, {gross, net, refunds},
                  charts::Kind::Money, currency, none, buckets, running(buckets, range.interval));

    QStringList months;
    charts::Series mrrLine {tr("MRR"), {}};
    charts::Series added {tr("New"), {}}, expansion {tr("Expansion"), {}},
        reactivation {tr("Reactivation"), {}}, contraction {tr("Contraction"), {}},
        churned {tr("Churn"), {}};
    charts::Series customerChurn {tr("Customer churn"), {}},
        revenueChurn {tr("Gross revenue churn"), {}};
    // The current month's end is ahead: it is read as the subscriptions are now, "so far".
    const QString thisMonth = bucketOf(now, Interval::Month, zone);
    bool partial = false;
    for (const MrrMonth &m : history.months) {
        if (m.currency != currency)
            continue;
        partial = partial || m.bucket >= thisMonth;
        months.append(m.bucket);
        mrrLine.values.append(m.mrr);
        added.values.append(m.newMrr);
        expansion.values.append(m.expansion);
        reactivation.values.append(m.reactivation);
        contraction.values.append(-m.contraction);
        churned.values.append(-m.churn);
        customerChurn.values.append(hundredths(m.customerChurn()));
        revenueChurn.values.append(hundredths(m.grossRevenueChurn()));
    }
    const QStringList monthLabels = charts::labels(months, true);
    const QString noInvoices = months.isEmpty() ? tr("No subscription invoices in this range.")
        : partial                               ? tr("%1 so far: MRR as the subscriptions are now.")
                        .arg(charts::labels({thisMonth}, true).value(0))
                  : QString();
    for (const char *key : {"mrr", "movements", "churn"})
        chart(QString::fromLatin1(key))->setNote(noInvoices);
    const QString monthSoFar = running(months, Interval::Month);
    charts::lines(chart(QStringLiteral("mrr")), monthLabels, {mrrLine}, charts::Kind::Money,
                  currency, none, months, monthSoFar);
    charts::bars(chart(QStringLiteral("movements")), monthLabels,
                 {added, expansion, reactivation, contraction, churned}, charts::Kind::Money,
                 currency, true, false, months, monthSoFar);
    charts::lines(chart(QStringLiteral("churn")), monthLabels, {customerChurn, revenueChurn},
                  charts::Kind::Percent, {}, none, months, monthSoFar);

    QList<std::pair<QString, qint64>> slices;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        slices.append({it.key(), it.value()});
    charts::donut(chart(QStringLiteral("statuses")), slices);

    // The first `n` keys of a breakdown, as succeeded and failed series.
    auto top = [](const QList<Breakdown> &list, int n) {
        QStringList keys;
        charts::Series ok {tr("Succeeded"), {}}, failed {tr("Failed"), {}};
        for (const Breakdown &b : list.mid(0, n)) {
            keys.append(b.key);
            ok.values.append(b.succeeded);
            failed.values.append(b.failed);
        }
        return std::make_tuple(keys, ok, failed);
    };
    {
        const auto [keys, ok, failed] = top(pay.declines, 10);
        charts::bars(chart(QStringLiteral("declines")), keys, {failed}, charts::Kind::Count, {},
                     false, true);
        chart(QStringLiteral("declines"))
            ->setNote(keys.isEmpty() ? tr("No failed payments in this range.") : QString());
    }
    const std::pair<const char *, const QList<Breakdown> *> breakdowns[]
        = {{"brands", &pay.byBrand}, {"countries", &pay.byCountry}};
    for (const auto &[key, list] : breakdowns) {
        const auto [keys, ok, failed] = top(*list, key == std::string_view("brands") ? 8 : 10);
        charts::bars(chart(QString::fromLatin1(key)), keys, {ok, failed}, charts::Kind::Count);
    }
    charts::Series disputeRate {tr("Dispute rate"), {}};
    QStringList disputeBuckets;
    for (const auto &[bucket, ratio] : disputes) {
        disputeBuckets.append(bucket);
        disputeRate.values.append(hundredths(ratio));
    }
    charts::lines(chart(QStringLiteral("disputes")), charts::labels(disputeBuckets, byMonth),
                  {disputeRate}, charts::Kind::Percent, {}, kDisputeWarningPercent, disputeBuckets,
                  running(disputeBuckets, range.interval));
    chart(QStringLiteral("disputes"))
        ->setNote(tr("Disputes opened ÷ succeeded payments. Above the dashed 0.75 % line card "
                     "networks start monitoring programs."));

    // Payments: risk, customers, funding, methods, the week's rhythm, the headline rates.
    QList<std::pair<QString, qint64>> risk;
    for (auto it = pay.riskLevels.cbegin(); it != pay.riskLevels.cend(); ++it)
        risk.append({it.key(), it.value()});
    charts::donut(chart(QStringLiteral("risk")), risk);
    charts::bars(chart(QStringLiteral("customers")), {tr("New"), tr("Returning")},
                 {{tr("Customers"), {pay.newCustomers, pay.returningCustomers}}},
                 charts::Kind::Count);
    const std::pair<const char *, const QList<Breakdown> *> more[]
        = {{"funding", &pay.byFunding}, {"methods", &pay.byMethod}};
    for (const auto &[key, list] : more) {
        const auto [keys, ok, failed] = top(*list, 6);
        charts::bars(chart(QString::fromLatin1(key)), keys, {ok, failed}, charts::Kind::Count);
    }
    const QString zoneName = isUtc(zone) ? QStringLiteral("UTC") : QString::fromUtf8(zone.id());
    if (auto *title = findChild<QLabel *>(QStringLiteral("hourOfWeekTitle")))
        title->setText(tr("<b>When customers pay</b> — succeeded payments by weekday and hour "
                          "(%1)")
                           .arg(zoneName));
    qint64 busiest = 1;
    for (qint64 v : pay.hourOfWeek)
        busiest = std::max(busiest, v);
    for (int d = 0; d < 7; ++d) {
        for (int h = 0; h < 24; ++h) {
            const qint64 v = pay.hourOfWeek.value(d * 24 + h);
            auto *item = new QTableWidgetItem(v ? QLocale().toString(v) : QString());
            const double share = double(v) / double(busiest);
            paintHeat(item, share);
            item->setTextAlignment(Qt::AlignCenter);
            item->setToolTip(tr("%1 %2:00–%2:59 %3: %4 succeeded payments")
                                 .arg(QLocale().dayName(d + 1))
                                 .arg(h)
                                 .arg(zoneName)
                                 .arg(v));
            m_heatmap->setItem(d, h, item);
        }
    }
    QStringList averages;
    for (auto it = pay.averageValue.cbegin(); it != pay.averageValue.cend(); ++it)
        averages.append(models::Money(it.value(), it.key()).toString(QLocale()));
    auto pct = [](const Ratio &r) {
        return r.denominator == 0
            ? QStringLiteral("—")
            : QStringLiteral("%1 %").arg(QLocale().toString(r.percent(), 'f', 2));
    };
    const Ratio trials = trialConversion(m_source->database(), range);
    m_summary->setText(tr("Success rate %1 · refund rate %2 · dispute rate %3 · average payment %4 "
                          "· trial conversion %5")
                           .arg(pct(pay.successRate), pct(pay.refundRate), pct(pay.disputeRate),
                                averages.isEmpty() ? QStringLiteral("—") : averages.join(u' '),
                                pct(trials)));

    // Cohorts: a row per first-paid month, a column per month since.
    QList<CohortRow> cohorts;
    for (const CohortRow &c : history.cohorts)
        if (c.currency == currency)
            cohorts.append(c);
    int columns = 0;
    for (const CohortRow &c : std::as_const(cohorts))
        columns = std::max(columns, int(c.paying.size()));
    m_cohorts->clear();
    m_cohorts->setRowCount(int(cohorts.size()));
    m_cohorts->setColumnCount(columns + 1);
    QStringList headers {tr("Customers")};
    for (int j = 0; j < columns; ++j)
        headers.append(tr("Month %1").arg(j));
    m_cohorts->setHorizontalHeaderLabels(headers);
    QStringList rowLabels;
    for (int i = 0; i < cohorts.size(); ++i) {
        const CohortRow &c = cohorts.at(i);
        rowLabels.append(QLocale().toString(QDate::fromString(c.cohort, Qt::ISODate),
                                            QStringLiteral("MMMM yyyy")));
        m_cohorts->setItem(i, 0, new QTableWidgetItem(QLocale().toString(c.customers)));
        for (int j = 0; j < c.paying.size(); ++j) {
            const double share = c.customers ? double(c.paying.at(j)) / double(c.customers) : 0;
            const double retention = c.startMrr ? double(c.mrr.at(j)) / double(c.startMrr) : 0;
            auto *item
                = new QTableWidgetItem(QStringLiteral("%1 %\n%2 %")
                                           .arg(QLocale().toString(100 * share, 'f', 0),
                                                QLocale().toString(100 * retention, 'f', 0)));
            item->setToolTip(tr("%1 of %2 customers still paying; MRR %3 of %4")
                                 .arg(c.paying.at(j))
                                 .arg(c.customers)
                                 .arg(models::Money(c.mrr.at(j), currency).toString(QLocale()),
                                      models::Money(c.startMrr, currency).toString(QLocale())));
            // Stronger is better retained.
            paintHeat(item, share);
            item->setTextAlignment(Qt::AlignCenter);
            m_cohorts->setItem(i, j + 1, item);
        }
    }
    m_cohorts->setVerticalHeaderLabels(rowLabels);
    m_cohorts->resizeColumnsToContents();
    m_drawMs = double(timer.nsecsElapsed()) / 1e6;
}

} // namespace paydesk::ui
