#pragma once

#include "ui/charts.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace paydesk::ui {

class ChartCard;

/*
 * The Analytics page: revenue, MRR and its movements, churn, subscription statuses, decline
 * reasons, card brands and countries, the dispute rate with the card networks' 0.75 % line, and
 * the cohort table — for a date range preset, an interval and a currency, from the cache
 * (docs/metrics.md). Every chart exports to PNG and its data to CSV from its context menu.
 */
class AnalyticsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit AnalyticsPage(QWidget *parent = nullptr);

    // Figures read through the window's reader (see charts::FigureReader).
    void setReader(models::CacheReader *reader);
    void setCache(const QString &path);
    void setNow(qint64 now) { m_now = now; }
    void refresh();
    // "revenue", "mrr", "movements", "churn", "statuses", "declines", "brands", "countries",
    // "disputes".
    ChartCard *chart(const QString &key) const { return m_charts.value(key); }
    QStringList chartKeys() const { return m_order; }
    QTableWidget *cohortTable() const { return m_cohorts; }
    // Succeeded payments by UTC weekday (rows, Monday first) and hour (columns).
    QTableWidget *hourOfWeekTable() const { return m_heatmap; }
    // "Success rate 57.14 % · refund rate … · average value …".
    QString paymentSummary() const;
    QComboBox *rangeBox() const { return m_range; }
    QComboBox *intervalBox() const { return m_interval; }
    QComboBox *currencyBox() const { return m_currency; }
    double lastComputeMs() const { return m_computeMs; }
    double lastDrawMs() const { return m_drawMs; }

protected:
    void changeEvent(QEvent *event) override;

private:
    ChartCard *addChart(const QString &key, const QString &title, int row, int column);

    charts::FigureReader *m_source = nullptr;
    qint64 m_now = 0;
    QComboBox *m_range;
    QComboBox *m_interval;
    QComboBox *m_currency;
    QLabel *m_empty;
    QWidget *m_body;
    QHash<QString, ChartCard *> m_charts;
    QStringList m_order;
    QTableWidget *m_cohorts;
    QTableWidget *m_heatmap;
    QLabel *m_summary;
    double m_computeMs = 0;
    double m_drawMs = 0;
};

} // namespace paydesk::ui
