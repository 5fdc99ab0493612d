#pragma once

#include "models/analytics/analytics.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <limits>

class QComboBox;
class QWidget;

namespace paydesk::models {
class CacheReader;
}

namespace paydesk::ui {

class ChartCard;

/*
 * Plotting for the chart cards: lines, (stacked, horizontal) bars and donuts over categories
 * (the buckets), with axes, legends, hover tooltips showing the exact value and the card's CSV.
 * Values arrive exact — minor units of one currency, counts, or hundredths of a percent — and
 * are turned into floating point only to be drawn.
 */
namespace charts {

enum class Kind { Money, Count, Percent };

struct Series
{
    QString name;
    QList<qint64> values; // One per category; Percent: hundredths (1234 = 12.34 %).
};

/*
 * What the Home and Analytics pages read their figures through: the window's reader (or one of
 * their own when shown alone). The currency menu offers the cache's currencies, most used first,
 * keeping the one chosen (else the reporting currency of the settings); the page refreshes when
 * another cache opens, and when a commit changes a table its figures come from — at once while
 * it is shown, else the next time it is shown.
 */
class FigureReader final : public QObject
{
public:
    FigureReader(QWidget *page, QComboBox *currencies, std::function<void()> refresh);
    void setReader(models::CacheReader *reader);
    void setCache(const QString &path);
    bool isOpen() const;
    models::sql::Database &database() const;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void reload();

    QWidget *m_page;
    QComboBox *m_currencies;
    std::function<void()> m_refresh;
    QPointer<models::CacheReader> m_reader;
    bool m_stale = false;
};
// "$1,234.56", "1,234", "12.34 %".
QString format(qint64 value, Kind kind, const QString &currency);
// Short labels for buckets: "Nov 2026", "Mon 2 Nov".
QStringList labels(const QStringList &buckets, bool monthly);

// When the bucket starting on `bucket` (an ISO date) has not ended by `now`: what of it has
// passed, for a tooltip ("2 Dec, so far", "1–2 Dec, so far"); empty once it has ended.
QString soFar(const QString &bucket, models::analytics::Interval interval, qint64 now,
              const QTimeZone &zone);

// `keys`: what the CSV's first column holds (ISO dates of the buckets); empty: the labels.
// `soFar` (from soFar()) marks the last category as a period still running: its line segment
// is dashed, its bar paler, and its tooltip says how far it goes.
void lines(ChartCard *card, const QStringList &categories, const QList<Series> &series, Kind kind,
           const QString &currency = {},
           double warningPercent = std::numeric_limits<double>::quiet_NaN(),
           const QStringList &keys = {}, const QString &soFar = {});
void bars(ChartCard *card, const QStringList &categories, const QList<Series> &series, Kind kind,
          const QString &currency = {}, bool stacked = false, bool horizontal = false,
          const QStringList &keys = {}, const QString &soFar = {});
// Axis labels of money and counts: "950", "12.5k", "1.2M" (with the locale's separators).
QString compact(double value);
void donut(ChartCard *card, const QList<std::pair<QString, qint64>> &slices);
// The CSV of a table of series over categories.
QString csv(const QStringList &categories, const QList<Series> &series, Kind kind,
            const QString &currency);

} // namespace charts

} // namespace paydesk::ui
