#include "ui/charts.h"

#include "models/analytics.h"
#include "models/cachetablemodel.h"
#include "models/currency.h"
#include "models/money.h"
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
#include <QLineSeries>
#include <QPen>
#include <QPieSeries>
#include <QPieSlice>
#include <QSettings>
#include <QStackedBarSeries>
#include <QToolTip>
#include <QValueAxis>

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

QValueAxis *valueAxis(Kind kind, const QString &currency)
{
    auto *axis = new QValueAxis;
    axis->setLabelFormat(kind == Kind::Percent ? QStringLiteral("%.4g %%")
                                               : QStringLiteral("%.8g"));
    if (kind == Kind::Money)
        axis->setTitleText(models::currency::normalized(currency));
    return axis;
}

void niceRange(QValueAxis *axis, double lo, double hi)
{
    if (hi <= lo)
        hi = lo + 1;
    axis->setRange(std::min(0.0, lo), hi * 1.05);
    axis->applyNiceNumbers();
}

} // namespace

void openCache(models::sql::Database *db, const QString &path, QComboBox *currencies)
{
    db->close();
    if (!path.isEmpty() && db->open(path, false))
        db->exec(QStringLiteral("PRAGMA query_only = 1"));
    // The choice made on the page, else the reporting currency of the settings.
    QString chosen = currencies->currentData().toString();
    if (chosen.isEmpty())
        chosen = QSettings().value(QStringLiteral("reporting/currency")).toString();
    currencies->clear();
    if (db->isOpen())
        for (const QString &c : models::analytics::currencies(*db))
            currencies->addItem(models::currency::normalized(c), c);
    const int index = currencies->findData(chosen);
    currencies->setCurrentIndex(index >= 0 ? index : 0);
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
           const QString &currency, double warningPercent, const QStringList &keys)
{
    card->clear();
    QChart *chart = card->chart();
    // At most about eight labels, evenly spread, so that none is cut off.
    auto *x = new QCategoryAxis;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    const qsizetype step = std::max<qsizetype>(1, (categories.size() + 7) / 8);
    for (qsizetype i = 0; i < categories.size(); i += step)
        x->append(categories.at(i), double(i));
    x->setRange(-0.3, std::max(0.0, double(categories.size() - 1)) + 0.3);
    x->setGridLineVisible(false);
    QValueAxis *y = valueAxis(kind, currency);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lo = 0, hi = 0;
    for (const Series &s : series) {
        auto *line = new QLineSeries;
        line->setName(s.name);
        line->setPointsVisible(categories.size() <= 40);
        for (qsizetype i = 0; i < s.values.size(); ++i) {
            const double v = plotted(s.values.at(i), kind, currency);
            line->append(double(i), v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        const QList<qint64> values = s.values;
        const QString name = s.name;
        QObject::connect(line, &QLineSeries::hovered, card,
                         [values, name, categories, kind, currency](const QPointF &p, bool on) {
                             const qsizetype i = qsizetype(std::lround(p.x()));
                             if (!on || i < 0 || i >= values.size())
                                 return QToolTip::hideText();
                             QToolTip::showText(QCursor::pos(),
                                                QStringLiteral("%1 · %2: %3")
                                                    .arg(name, categories.value(i),
                                                         format(values.at(i), kind, currency)));
                         });
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
    niceRange(y, lo, hi);
    chart->legend()->setVisible(series.size() > 1 || !std::isnan(warningPercent));
    card->setCsv([rows = keys.isEmpty() ? categories : keys, series, kind, currency] {
        return csv(rows, series, kind, currency);
    });
}

void bars(ChartCard *card, const QStringList &categories, const QList<Series> &series, Kind kind,
          const QString &currency, bool stacked, bool horizontal, const QStringList &keys)
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
        const QList<qint64> values = s.values;
        const QString name = s.name;
        QObject::connect(set, &QBarSet::hovered, card,
                         [values, name, categories, kind, currency](bool on, int i) {
                             if (!on || i < 0 || i >= values.size())
                                 return QToolTip::hideText();
                             QToolTip::showText(QCursor::pos(),
                                                QStringLiteral("%1 · %2: %3")
                                                    .arg(name, categories.value(i),
                                                         format(values.at(i), kind, currency)));
                         });
        bars->append(set);
    }
    chart->addSeries(bars);
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    // Decline reasons and countries are read in full, not as "…".
    categoryAxis->setTruncateLabels(false);
    QValueAxis *valueAx = valueAxis(kind, currency);
    chart->addAxis(categoryAxis, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    chart->addAxis(valueAx, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    // Upright labels would be cut off when there are many; standing, they fit.
    if (!horizontal && categories.size() > 8)
        categoryAxis->setLabelsAngle(-90);
    bars->attachAxis(categoryAxis);
    bars->attachAxis(valueAx);
    niceRange(valueAx, lo, hi);
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
            out += models::CacheTableModel::csvField(name) + u',' + QString::number(n)
                + QStringLiteral("\r\n");
        return out;
    });
}

QString csv(const QStringList &categories, const QList<Series> &series, Kind kind,
            const QString &currency)
{
    QStringList header {QStringLiteral("bucket")};
    for (const Series &s : series)
        header.append(models::CacheTableModel::csvField(s.name));
    if (kind == Kind::Money)
        header.append(QStringLiteral("currency"));
    QString out = header.join(u',') + QStringLiteral("\r\n");
    for (qsizetype i = 0; i < categories.size(); ++i) {
        QStringList row {models::CacheTableModel::csvField(categories.at(i))};
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
