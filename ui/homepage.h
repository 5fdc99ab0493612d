#pragma once

#include "ui/charts.h"

#include <QWidget>

class QComboBox;
class QGridLayout;
class QLabel;

namespace paydesk::ui {

class ChartCard;

/*
 * The Home page: KPI tiles — gross volume, net volume, MRR, active subscribers, churn rate,
 * failed payment rate, disputes — each with its change against the previous period of the same
 * length, and the revenue chart of the period, in the chosen currency. Computed from the cache
 * (docs/metrics.md), again whenever a sync lands.
 */
class HomePage final : public QWidget
{
    Q_OBJECT
public:
    struct Tile
    {
        QString key; // "gross", "net", "mrr", "subscribers", "churn", "failed", "disputes"
        QString title;
        QString value;
        QString change; // "▲ 12.3 % vs previous 30 days"
        bool good = true; // Whether the change is good news (its colour).
    };

    explicit HomePage(QWidget *parent = nullptr);

    // Figures read through the window's reader (see charts::FigureReader).
    void setReader(models::CacheReader *reader);
    void setCache(const QString &path);
    // The "now" the periods end at (tests; 0: the clock).
    void setNow(qint64 now) { m_now = now; }
    void refresh();
    QList<Tile> tiles() const { return m_tiles; }
    ChartCard *revenueChart() const { return m_revenue; }
    QComboBox *rangeBox() const { return m_range; }
    QComboBox *currencyBox() const { return m_currency; }
    // How long the last refresh took to compute everything shown (ms).
    double lastComputeMs() const { return m_computeMs; }

private:
    void showTiles();

    charts::FigureReader *m_source = nullptr;
    qint64 m_now = 0;
    QComboBox *m_range;
    QComboBox *m_currency;
    QLabel *m_empty;
    QWidget *m_tileArea;
    QGridLayout *m_tileGrid;
    ChartCard *m_revenue;
    QList<Tile> m_tiles;
    double m_computeMs = 0;
};

} // namespace paydesk::ui
