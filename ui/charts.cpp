#include "ui/charts.h"

#include "models/analytics/analytics.h"
#include "models/csv.h"
#include "models/currency.h"
#include "models/money.h"
#include "models/store/cachereader.h"
#include "ui/chartcard.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QComboBox>
#include <QCursor>
#include <QDate>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QPieSeries>
#include <QPieSlice>
#include <QSettings>
#include <QStackedBarSeries>
#include <QTimeZone>
#include <QToolTip>

#include <cmath>

namespace paydesk::ui::charts {

namespace {

double plotted(qint64 value, Kind kind, const QString &currency)
{
    if (kind == Kind::Percent)
        return double(value) / 100.0;
    if (kind == Kind::Money)
        return double(value) / std::pow(10.0, models::currency::decimals(currency));
    return double(value);
}

// The value axis: ticks at round numbers, labelled compactly ("25k") so that they are never
// elided, even at 1024 pixels.
QCategoryAxis *valueAxis(Kind kind, const QString &currency)
{
    auto *axis = new QCategoryAxis;
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    // Qt would elide them to "…" in a short chart whose category labels stand upright; compact,
    // they fit as they are.
    axis->setTruncateLabels(false);
    if (kind == Kind::Money)
        axis->setTitleText(models::currency::normalized(currency));
    return axis;
}

void niceRange(QCategoryAxis *axis, double lo, double hi, Kind kind)
{
    lo = std::min(0.0, lo);
    if (hi <= lo)
        hi = lo + 1;
    // A step of 1, 2 or 5 × 10ⁿ giving at most six intervals.
    const double raw = (hi - lo) / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw)
            break;
    }
    const double first = std::floor(lo / step) * step;
    const double last = std::ceil(hi / step) * step;
    const bool percent = kind == Kind::Percent;
    for (double v = first; v <= last + step / 2; v += step) {
        const double tick = std::abs(v) < step / 2 ? 0.0 : v;
        axis->append(percent ? QStringLiteral("%1 %").arg(QLocale().toString(tick, 'g', 4))
                             : compact(tick),
                     tick);
    }
    axis->setStartValue(first);
    axis->setRange(first, last);
}

QString tipLabel(const QStringList &categories, qsizetype i, const QString &soFar)
{
    return i == categories.size() - 1 && !soFar.isEmpty() ? soFar : categories.value(i);
}

// What hovering a point or bar of one series shows: "Gross volume · 1–2 Dec, so far: $12.00".
struct Tip
{
    QString name;
    QList<qint64> values;
    QStringList categories;
    Kind kind;
    QString currency;
    QString soFar;

    void operator()(qsizetype i, bool on) const
    {
        if (!on || i < 0 || i >= values.size())
            return QToolTip::hideText();
        QToolTip::showText(
            QCursor::pos(),
            QStringLiteral("%1 · %2: %3")
                .arg(name, tipLabel(categories, i, soFar), format(values.at(i), kind, currency)));
    }
};

} // namespace

FigureReader::FigureReader(QWidget *page, QComboBox *currencies, std::function<void()> refresh)
    : QObject(page)
    , m_page(page)
    , m_currencies(currencies)
    , m_refresh(std::move(refresh))
{
    page->installEventFilter(this);
}

void FigureReader::setReader(models::CacheReader *reader)
{
    if (m_reader)
        disconnect(m_reader, nullptr, this, nullptr);
    m_reader = reader;
    connect(reader, &models::CacheReader::reopened, this, &FigureReader::reload);
    connect(reader, &models::CacheReader::changed, this, [this](const QStringList &tables) {
        if (!models::touches(tables, models::analytics::sourceTables()))
            return;
        m_stale = true;
        if (m_page->isVisible())
            reload();
    });
    reload();
}

void FigureReader::setCache(const QString &path)
{
    if (!m_reader)
        setReader(new models::CacheReader(this)); // A page shown on its own.
    m_reader->open(path);
}

bool FigureReader::isOpen() const
{
    return m_reader && m_reader->isOpen();
}

models::sql::Database &FigureReader::database() const
{
    return m_reader->database();
}

bool FigureReader::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_page && event->type() == QEvent::Show && m_stale)
        reload();
    return QObject::eventFilter(watched, event);
}

void FigureReader::reload()
{
    m_stale = false;
    QString chosen = m_currencies->currentData().toString();
    if (chosen.isEmpty())
        chosen = QSettings().value(QStringLiteral("reporting/currency")).toString();
    {
        const QSignalBlocker quiet(m_currencies);
        m_currencies->clear();
        if (isOpen())
            for (const QString &c : models::analytics::currencies(database()))
                m_currencies->addItem(models::currency::normalized(c), c);
        const int index = m_currencies->findData(chosen);
        m_currencies->setCurrentIndex(index >= 0 ? index : 0);
    }
    m_refresh();
}

QString compact(double value)
{
    const double a = std::abs(value);
    const QLocale locale;
    auto shortened = [&](double v, const QString &suffix) -> QString {
        // "12.5k", "125k", "1.25M": three significant digits at most.
        const double av = std::abs(v);
        const int decimals = av >= 100 ? 0 : av >= 10 ? 1 : 2;
        QString text = locale.toString(v, 'f', decimals);
        if (decimals > 0) {
            while (text.endsWith(u'0'))
                text.chop(1);
            if (text.endsWith(locale.decimalPoint()))
                text.chop(locale.decimalPoint().size());
        }
        return text + suffix;
    };
    if (a >= 1e9)
        return shortened(value / 1e9, QStringLiteral("B"));
    if (a >= 1e6)
        return shortened(value / 1e6, QStringLiteral("M"));
    if (a >= 1e4)
        return shortened(value / 1e3, QStringLiteral("k"));
    return locale.toString(value, 'g', 6);
}

QString soFar(const QString &bucket, models::analytics::Interval interval, qint64 now,
              const QTimeZone &zone)
{
    using models::analytics::Interval;
    const QDate start = QDate::fromString(bucket, Qt::ISODate);
    if (!start.isValid())
        return {};
    const QDate end = interval == Interval::Day ? start.addDays(1)
        : interval == Interval::Week            ? start.addDays(7)
                                                : start.addMonths(1);
    if (end.startOfDay(zone).toSecsSinceEpoch() <= now)
        return {};
    const QDate today = QDateTime::fromSecsSinceEpoch(now, zone).date();
    const QLocale locale;
    const QString to = locale.toString(today, QStringLiteral("d MMM"));
    if (today <= start)
        return QObject::tr("%1, so far").arg(to);
    const QString from = start.month() == today.month()
        ? locale.toString(start, QStringLiteral("d"))
        : locale.toString(start, QStringLiteral("d MMM"));
    return QObject::tr("%1–%2, so far").arg(from, to);
}

QString format(qint64 value, Kind kind, const QString &currency)
{
    if (kind == Kind::Money)
        return models::Money(value, currency).toString(QLocale());
    if (kind == Kind::Percent)
        return QStringLiteral("%1 %").arg(QLocale().toString(double(value) / 100.0, 'f', 2));
    return QLocale().toString(value);
}

QStringList labels(const QStringList &buckets, bool monthly)
{
    QStringList out;
    for (const QString &b : buckets) {
        const QDate d = QDate::fromString(b, Qt::ISODate);
        out.append(monthly ? QLocale().toString(d, QStringLiteral("MMM yy"))
                           : QLocale().toString(d, QStringLiteral("d MMM")));
    }
    return out;
}

void lines(ChartCard *card, const QStringList &categories, const QList<Series> &series, Kind kind,
           const QString &currency, double warningPercent, const QStringList &keys,
           const QString &soFar)
{
    card->clear();
    QChart *chart = card->chart();
    // At most about eight labels, evenly spread, so that none is cut off.
    auto *x = new QCategoryAxis;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    // Qt elides a label ("Jan …") as soon as it is a pixel wider than its share of the axis;
    // spread out, they fit whole at 1024 pixels.
    x->setTruncateLabels(false);
    const qsizetype step = std::max<qsizetype>(1, (categories.size() + 7) / 8);
    for (qsizetype i = 0; i < categories.size(); i += step)
        x->append(categories.at(i), double(i));
    x->setRange(-0.3, std::max(0.0, double(categories.size() - 1)) + 0.3);
    x->setGridLineVisible(false);
    QCategoryAxis *y = valueAxis(kind, currency);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lo = 0, hi = 0;
    // A running period ends the line with a dashed segment of the same colour.
    const bool partial = !soFar.isEmpty() && categories.size() >= 2;
    for (const Series &s : series) {
        auto *line = new QLineSeries;
        line->setName(s.name);
        line->setPointsVisible(categories.size() <= 40);
        const qsizetype solid = partial ? s.values.size() - 1 : s.values.size();
        for (qsizetype i = 0; i < s.values.size(); ++i) {
            const double v = plotted(s.values.at(i), kind, currency);
            if (i < solid)
                line->append(double(i), v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        const Tip tip {s.name, s.values, categories, kind, currency, soFar};
        auto hover = [tip](const QPointF &p, bool on) {
            tip(qsizetype(std::lround(p.x())), on);
        };
        QObject::connect(line, &QLineSeries::hovered, card, hover);
        if (partial && s.values.size() >= 2) {
            auto *tail = new QLineSeries;
            tail->setName(s.name + QObject::tr(" (so far)"));
            tail->setProperty("paydeskSoFar", true);
            tail->append(double(solid - 1), plotted(s.values.at(solid - 1), kind, currency));
            tail->append(double(solid), plotted(s.values.at(solid), kind, currency));
            tail->setPointsVisible(categories.size() <= 40);
            chart->addSeries(tail);
            tail->attachAxis(x);
            tail->attachAxis(y);
            QPen pen = line->pen();
            pen.setStyle(Qt::DashLine);
            tail->setPen(pen);
            QObject::connect(tail, &QLineSeries::hovered, card, hover);
        }
    }
    if (!std::isnan(warningPercent) && !categories.isEmpty()) {
        auto *warning = new QLineSeries;
        warning->setName(QObject::tr("Card networks' warning line (%1 %)").arg(warningPercent));
        QPen pen(QColor(0xb3, 0x26, 0x1e));
        pen.setStyle(Qt::DashLine);
        pen.setWidth(2);
        warning->setPen(pen);
        warning->append(0, warningPercent);
        warning->append(double(categories.size() - 1), warningPercent);
        chart->addSeries(warning);
        warning->attachAxis(x);
        warning->attachAxis(y);
        hi = std::max(hi, warningPercent);
    }
    niceRange(y, lo, hi, kind);
    chart->legend()->setVisible(series.size() > 1 || !std::isnan(warningPercent));
    // The dashed tails share their line's entry.
    for (QAbstractSeries *added : chart->series()) {
        if (added->property("paydeskSoFar").toBool())
            for (QLegendMarker *marker : chart->legend()->markers(added))
                marker->setVisible(false);
    }
    card->setCsv([rows = keys.isEmpty() ? categories : keys, series, kind, currency] {
        return csv(rows, series, kind, currency);
    });
}

void bars(ChartCard *card, const QStringList &categories, const QList<Series> &series, Kind kind,
          const QString &currency, bool stacked, bool horizontal, const QStringList &keys,
          const QString &soFar)
{
    card->clear();
    QChart *chart = card->chart();
    QAbstractBarSeries *bars = nullptr;
    if (horizontal)
        bars = stacked ? static_cast<QAbstractBarSeries *>(new QHorizontalStackedBarSeries)
                       : new QHorizontalBarSeries;
    else
        bars = stacked ? static_cast<QAbstractBarSeries *>(new QStackedBarSeries) : new QBarSeries;
    double lo = 0, hi = 0;
    QList<double> positive(categories.size(), 0), negative(categories.size(), 0);
    for (const Series &s : series) {
        auto *set = new QBarSet(s.name);
        for (qsizetype i = 0; i < s.values.size(); ++i) {
            const double v = plotted(s.values.at(i), kind, currency);
            *set << v;
            if (stacked) {
                (v >= 0 ? positive : negative)[i] += v;
                hi = std::max(hi, positive.at(i));
                lo = std::min(lo, negative.at(i));
            } else {
                hi = std::max(hi, v);
                lo = std::min(lo, v);
            }
        }
        const Tip tip {s.name, s.values, categories, kind, currency, soFar};
        QObject::connect(set, &QBarSet::hovered, card, [tip](bool on, int i) { tip(i, on); });
        bars->append(set);
    }
    chart->addSeries(bars);
    // A running period's bar is drawn paler: the theme has given each set its colour by now.
    if (!soFar.isEmpty() && !categories.isEmpty()) {
        for (QBarSet *set : bars->barSets()) {
            QColor pale = set->color();
            pale.setAlphaF(0.45);
            set->setSelectedColor(pale);
            set->selectBar(int(categories.size() - 1));
        }
    }
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    // Decline reasons and countries are read in full, not as "…".
    categoryAxis->setTruncateLabels(false);
    QCategoryAxis *valueAx = valueAxis(kind, currency);
    chart->addAxis(categoryAxis, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    chart->addAxis(valueAx, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    // Upright labels would be cut off when there are many; standing, they fit.
    if (!horizontal && categories.size() > 8)
        categoryAxis->setLabelsAngle(-90);
    bars->attachAxis(categoryAxis);
    bars->attachAxis(valueAx);
    niceRange(valueAx, lo, hi, kind);
    chart->legend()->setVisible(series.size() > 1);
    card->setCsv([rows = keys.isEmpty() ? categories : keys, series, kind, currency] {
        return csv(rows, series, kind, currency);
    });
}

void donut(ChartCard *card, const QList<std::pair<QString, qint64>> &slices)
{
    card->clear();
    auto *pie = new QPieSeries;
    pie->setHoleSize(0.45);
    qint64 total = 0;
    for (const auto &[name, n] : slices)
        total += n;
    for (const auto &[name, n] : slices) {
        QPieSlice *slice
            = pie->append(QStringLiteral("%1 (%2)").arg(name, QLocale().toString(n)), double(n));
        const QString tip
            = QStringLiteral("%1: %2 (%3 %)")
                  .arg(name, QLocale().toString(n),
                       QLocale().toString(total ? 100.0 * double(n) / double(total) : 0.0, 'f', 1));
        QObject::connect(slice, &QPieSlice::hovered, card, [slice, tip](bool on) {
            slice->setExploded(on);
            if (on)
                QToolTip::showText(QCursor::pos(), tip);
            else
                QToolTip::hideText();
        });
    }
    card->chart()->addSeries(pie);
    card->chart()->legend()->setVisible(true);
    card->chart()->legend()->setAlignment(Qt::AlignRight);
    card->setCsv([slices] {
        QString out = QStringLiteral("status,count\r\n");
        for (const auto &[name, n] : slices)
            out += models::csv::field(name) + u',' + QString::number(n) + QStringLiteral("\r\n");
        return out;
    });
}

QString csv(const QStringList &categories, const QList<Series> &series, Kind kind,
            const QString &currency)
{
    QStringList header {QStringLiteral("bucket")};
    for (const Series &s : series)
        header.append(models::csv::field(s.name));
    if (kind == Kind::Money)
        header.append(QStringLiteral("currency"));
    QString out = header.join(u',') + QStringLiteral("\r\n");
    for (qsizetype i = 0; i < categories.size(); ++i) {
        QStringList row {models::csv::field(categories.at(i))};
        for (const Series &s : series) {
            const qint64 v = s.values.value(i);
            row.append(kind == Kind::Money         ? models::Money(v, currency).toDecimalString()
                           : kind == Kind::Percent ? QString::number(double(v) / 100.0, 'f', 2)
                                                   : QString::number(v));
        }
        if (kind == Kind::Money)
            row.append(models::currency::normalized(currency));
        out += row.join(u',') + QStringLiteral("\r\n");
    }
    return out;
}

} // namespace paydesk::ui::charts
