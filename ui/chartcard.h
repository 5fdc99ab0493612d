#pragma once

#include <QFrame>

#include <functional>

class QChart;
class QChartView;
class QLabel;

namespace paydesk::ui {

/*
 * One chart of the Home and Analytics pages: a titled card around a QChartView, with its data
 * behind it as CSV. Right-click exports the chart as PNG or its data as CSV; hovering a series
 * shows the exact value (the series are given their tooltips by the page).
 */
class ChartCard final : public QFrame
{
    Q_OBJECT
public:
    ChartCard(const QString &title, QWidget *parent = nullptr);

    QChart *chart() const;
    QChartView *view() const { return m_view; }
    // The chart's data as CSV (header first), for "Export data".
    void setCsv(std::function<QString()> csv) { m_csv = std::move(csv); }
    QString csv() const { return m_csv ? m_csv() : QString(); }
    bool exportPng(const QString &file);
    bool exportCsv(const QString &file, QString *error = nullptr);
    // A line under the title ("Nothing in this range", the warning line's meaning, …).
    void setNote(const QString &text);
    // Removes every series and axis (before a refresh).
    void clear();
    // The chart's colours from the application's palette (light or dark theme).
    void followPalette();

protected:
    void changeEvent(QEvent *event) override;

private:
    QChartView *m_view;
    QLabel *m_note;
    std::function<QString()> m_csv;
};

} // namespace paydesk::ui
