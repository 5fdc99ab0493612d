#include "ui/chartcard.h"

#include "ui/theme.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QVBoxLayout>

namespace paydesk::ui {

ChartCard::ChartCard(const QString &title, QWidget *parent)
    : QFrame(parent)
    , m_view(new QChartView(this))
    , m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("chartCard"));
    setFrameShape(QFrame::StyledPanel);
    auto *heading = new QLabel(title, this);
    QFont bold = heading->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    heading->setFont(bold);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    m_note->hide();
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(240);
    m_view->chart()->legend()->setAlignment(Qt::AlignBottom);
    m_view->chart()->setMargins(QMargins(4, 4, 4, 4));
    m_view->chart()->setBackgroundRoundness(0);
    followPalette();
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QChartView::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.addAction(tr("Export chart to PNG…"), this, [this] {
            const QString file = QFileDialog::getSaveFileName(
                this, tr("Export chart"), QStringLiteral("chart.png"), tr("PNG images (*.png)"));
            if (!file.isEmpty() && !exportPng(file))
                QMessageBox::warning(this, tr("Export failed"),
                                     tr("Could not write %1.").arg(file));
        });
        menu.addAction(tr("Export data to CSV…"), this,
                       [this] {
                           const QString file = QFileDialog::getSaveFileName(
                               this, tr("Export data"), QStringLiteral("chart.csv"),
                               tr("CSV files (*.csv)"));
                           QString error;
                           if (!file.isEmpty() && !exportCsv(file, &error))
                               QMessageBox::warning(this, tr("Export failed"), error);
                       })
            ->setEnabled(bool(m_csv));
        menu.exec(m_view->mapToGlobal(pos));
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addWidget(heading);
    layout->addWidget(m_note);
    layout->addWidget(m_view, 1);
}

void ChartCard::followPalette()
{
    // The chart's theme follows the application's palette (the theme setting), then its
    // background and text take the palette's own colours.
    QChart *c = m_view->chart();
    c->setTheme(theme::isDark() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    c->setBackgroundBrush(palette().color(QPalette::Base));
    c->legend()->setLabelColor(palette().color(QPalette::Text));
    for (QAbstractAxis *axis : c->axes()) {
        axis->setLabelsColor(palette().color(QPalette::Text));
        axis->setTitleBrush(palette().color(QPalette::Text));
    }
}

void ChartCard::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        followPalette();
}

QChart *ChartCard::chart() const
{
    return m_view->chart();
}

void ChartCard::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void ChartCard::clear()
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
}

bool ChartCard::exportPng(const QString &file)
{
    return m_view->grab().save(file, "PNG");
}

bool ChartCard::exportCsv(const QString &file, QString *error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = out.errorString();
        return false;
    }
    out.write(csv().toUtf8());
    if (!out.commit()) {
        if (error)
            *error = out.errorString();
        return false;
    }
    return true;
}

} // namespace paydesk::ui
