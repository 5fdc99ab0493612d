#include "ui/detailpanel.h"

#include "models/payouts/reconciliation.h"
#include "models/store/cachereader.h"
#include "ui/actioncontroller.h"
#include "ui/statusbadge.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace paydesk::ui {

DetailPanel::DetailPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_status(new StatusBadge(this))
    , m_tabs(new QTabWidget(this))
    , m_overview(new QTextBrowser(this))
    , m_json(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("detailPanel"));
    setMinimumWidth(360);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setObjectName(QStringLiteral("detailSubtitle"));
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setWordWrap(true);

    auto *copyId = new QToolButton(this);
    copyId->setText(tr("Copy ID"));
    copyId->setObjectName(QStringLiteral("detailCopyId"));
    connect(copyId, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_detail.id); });
    auto *dashboard = new QToolButton(this);
    dashboard->setText(tr("Open in Stripe"));
    dashboard->setToolTip(tr("Open this object in the Stripe Dashboard"));
    connect(dashboard, &QToolButton::clicked, this, [this] {
        QDesktopServices::openUrl(
            QUrl(models::ObjectDetail::dashboardUrl(m_detail.table, m_detail.id, m_testMode)));
    });
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close the panel (Esc)"));
    close->setAutoRaise(true);
    close->setObjectName(QStringLiteral("detailClose"));
    dashboard->setObjectName(QStringLiteral("detailDashboard"));
    connect(close, &QToolButton::clicked, this, &DetailPanel::closeRequested);

    auto *head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    head->addWidget(m_status);
    head->addWidget(close);
    // The subtitle has the whole width: ids are long and do not wrap.
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The object's staff actions on rows of their own (two a row: an invoice has up to four,
    // a subscription in its trial five), never squeezed below their text; the id and the dashboard
    // link after them.
    auto *actions = new QHBoxLayout;
    m_actionRow = new QGridLayout;
    m_actionRow->setHorizontalSpacing(6);
    m_actionRow->setVerticalSpacing(6);
    auto *staffRow = new QHBoxLayout;
    staffRow->addLayout(m_actionRow);
    staffRow->addStretch(1);
    actions->addStretch(1);
    actions->addWidget(copyId);
    actions->addWidget(dashboard);

    m_overview->setObjectName(QStringLiteral("detailOverview"));
    m_overview->setOpenLinks(false);
    m_overview->setFrameShape(QFrame::NoFrame);
    connect(m_overview, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("paydesk")) {
            const QString path = url.path().mid(1);
            if (path.startsWith(QLatin1String("filter/")))
                Q_EMIT showCustomerRows(path.section(u'/', 1, 1), path.section(u'/', 2),
                                        m_detail.title);
            else
                Q_EMIT openObject(path.section(u'/', 0, 0), path.section(u'/', 1));
        } else if (url.scheme() == QLatin1String("https")) {
            QDesktopServices::openUrl(url);
        }
    });
    m_json->setObjectName(QStringLiteral("detailJson"));
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_json, tr("JSON"));
    m_tabs->setDocumentMode(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 12, 12);
    layout->addLayout(head);
    layout->addWidget(m_subtitle);
    layout->addLayout(staffRow);
    layout->addLayout(actions);
    m_actionsOff = new QLabel(this);
    m_actionsOff->setObjectName(QStringLiteral("detailActionsOff"));
    m_actionsOff->setWordWrap(true);
    m_actionsOff->setForegroundRole(QPalette::PlaceholderText);
    m_actionsOff->hide();
    layout->addWidget(m_actionsOff);
    layout->addWidget(m_tabs, 1);
    clear();
}

void DetailPanel::setReader(models::CacheReader *reader)
{
    m_reader = reader;
    clear();
}

void DetailPanel::clear()
{
    m_detail = {};
    m_title->setText(tr("Nothing selected"));
    m_subtitle->setText(tr("Select a row to see its details."));
    m_status->hide();
    m_overview->clear();
    m_json->clear();
    updateActions();
}

void DetailPanel::setActionReasons(const QHash<QString, QString> &reasons)
{
    m_reasons = reasons;
    updateActions();
}

QStringList DetailPanel::actionNames() const
{
    QStringList names;
    for (const QPushButton *b : m_actionButtons)
        names.append(b->property("action").toString());
    return names;
}

QPushButton *DetailPanel::actionButton(const QString &action) const
{
    for (QPushButton *b : m_actionButtons)
        if (b->property("action").toString() == action)
            return b;
    return nullptr;
}

void DetailPanel::updateActions()
{
    qDeleteAll(m_actionButtons);
    m_actionButtons.clear();
    QList<std::pair<QString, QString>> actions;
    if (m_detail.found) {
        QJsonObject o = QJsonDocument::fromJson(m_detail.raw).object();
        // A payment's actions depend on its Radar review and early fraud warning too.
        if (m_detail.table == QLatin1String("charges") && m_reader)
            o = models::withFraudSignals(m_reader->database(), o);
        for (models::StaffAction a : models::staffActionsOn(m_detail.table, o))
            actions.append(
                {QLatin1String(models::staffActionInfo(a)->name), ActionController::label(a, o)});
    }
    QString off; // What the panel says under its buttons: the first reason one is off.
    for (const auto &[name, text] : actions) {
        const QString reason = m_reasons.value(name);
        if (off.isEmpty())
            off = reason;
        auto *b = new QPushButton(text, this);
        b->setObjectName(QStringLiteral("detailAction_") + name);
        b->setProperty("action", name);
        b->setEnabled(reason.isEmpty());
        b->setToolTip(reason);
        b->setMinimumWidth(b->sizeHint().width());
        connect(b, &QPushButton::clicked, this,
                [this, name] { Q_EMIT actionRequested(name, m_detail.id); });
        const int n = int(m_actionButtons.size());
        m_actionRow->addWidget(b, n / 2, n % 2);
        m_actionButtons.append(b);
    }
    if (m_detail.found && m_detail.table == QLatin1String("payouts")) {
        // The payout's reconciliation as CSV, the same as `paydesk report payouts --lines`.
        auto *b = new QPushButton(tr("Export reconciliation…"), this);
        b->setObjectName(QStringLiteral("detailExportReconciliation"));
        b->setProperty("action", QStringLiteral("payout.export"));
        b->setToolTip(tr("Every balance transaction of this payout, its groups and total, as "
                         "CSV"));
        b->setMinimumWidth(b->sizeHint().width());
        connect(b, &QPushButton::clicked, this, [this] {
            const QString file = QFileDialog::getSaveFileName(
                this, tr("Export payout reconciliation"),
                QStringLiteral("paydesk-%1.csv").arg(m_detail.id), tr("CSV files (*.csv)"));
            if (file.isEmpty())
                return;
            QString error;
            if (!exportReconciliation(file, &error))
                QMessageBox::warning(this, tr("Export failed"), error);
        });
        const int n = int(m_actionButtons.size());
        m_actionRow->addWidget(b, n / 2, n % 2);
        m_actionButtons.append(b);
    }
    m_actionsOff->setText(off);
    m_actionsOff->setVisible(!actions.isEmpty() && !off.isEmpty());
    chainTabOrder();
}

bool DetailPanel::exportReconciliation(const QString &file, QString *error)
{
    if (!m_reader || m_detail.table != QLatin1String("payouts")) {
        *error = tr("No payout is shown.");
        return false;
    }
    const models::payouts::Reconciliation r
        = models::payouts::reconcile(m_reader->database(), m_detail.id);
    if (!r.linked) {
        *error = tr("The transactions of payout %1 are not read from Stripe yet (they are read "
                    "when the payout is shown and Paydesk is online); nothing was written.")
                     .arg(m_detail.id);
        return false;
    }
    if (!r.addsUp()) {
        *error = tr("The transactions of payout %1 do not add up to its amount (%2 apart); "
                    "nothing was written. Sync and try again.")
                     .arg(m_detail.id)
                     .arg(r.difference());
        return false;
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = out.errorString();
        return false;
    }
    out.write(models::payouts::toCsv(r).toUtf8());
    if (!out.commit()) {
        *error = out.errorString();
        return false;
    }
    return true;
}

void DetailPanel::setTabPredecessor(QWidget *previous)
{
    m_tabPredecessor = previous;
    chainTabOrder();
}

void DetailPanel::chainTabOrder()
{
    // Tab follows the screen: the staff actions, Copy ID, Open in Stripe, the tabs, the
    // overview, then Close (the buttons made in updateActions() would otherwise come after
    // everything).
    QList<QWidget *> chain;
    if (m_tabPredecessor)
        chain << m_tabPredecessor.data();
    chain << QList<QWidget *>(m_actionButtons.cbegin(), m_actionButtons.cend())
          << findChild<QToolButton *>(QStringLiteral("detailCopyId"))
          << findChild<QToolButton *>(QStringLiteral("detailDashboard")) << m_tabs << m_overview
          << m_json << findChild<QToolButton *>(QStringLiteral("detailClose"));
    for (qsizetype i = 1; i < chain.size(); ++i)
        QWidget::setTabOrder(chain.at(i - 1), chain.at(i));
}

bool DetailPanel::showObject(const QString &table, const QString &id)
{
    m_detail = m_reader ? models::ObjectDetail::load(m_reader->database(), table, id)
                        : models::ObjectDetail();
    if (!m_detail.found) {
        m_title->setText(id);
        m_subtitle->setText(tr("This object is not in the local cache (yet)."));
        m_status->hide();
        m_overview->clear();
        m_json->clear();
        updateActions();
        return false;
    }
    m_title->setText(m_detail.title.isEmpty() ? id : m_detail.title);
    m_subtitle->setText(m_detail.subtitle + QStringLiteral(" · ") + id);
    m_status->setVisible(!m_detail.statusText.isEmpty());
    m_status->setText(m_detail.statusText);
    m_status->setTone(StatusBadge::toneFor(m_detail.status));
    m_overview->setHtml(html());
    m_json->setPlainText(
        QString::fromUtf8(QJsonDocument::fromJson(m_detail.raw).toJson(QJsonDocument::Indented)));
    updateActions();
    Q_EMIT objectShown(table, id);
    return true;
}

QString DetailPanel::overviewHtml() const
{
    return html();
}

QString DetailPanel::html() const
{
    QString out = QStringLiteral("<style>td { padding: 2px 10px 2px 0; vertical-align: top; } "
                                 "td.label { color: #6a7383; } h3 { margin: 14px 0 4px 0; }"
                                 "</style>");
    for (const models::DetailSection &section : m_detail.sections) {
        out += QStringLiteral("<h3>%1</h3><table width=\"100%\">")
                   .arg(section.title.toHtmlEscaped());
        for (const models::DetailField &f : section.fields) {
            QString value = f.value.toHtmlEscaped();
            if (f.link.startsWith(QLatin1String("https://")))
                value = QStringLiteral("<a href=\"%1\">%2</a>").arg(f.link.toHtmlEscaped(), value);
            else if (!f.link.isEmpty())
                value = QStringLiteral("<a href=\"paydesk:/%1\">%2</a>").arg(f.link, value);
            else if (f.value.startsWith(QLatin1String("https://")))
                value = QStringLiteral("<a href=\"%1\">%2</a>").arg(f.value.toHtmlEscaped(), value);
            out += QStringLiteral("<tr><td class=\"label\" width=\"35%\">%1</td><td>%2</td></tr>")
                       .arg(f.label.toHtmlEscaped(), value);
        }
        out += QStringLiteral("</table>");
    }
    return out;
}

} // namespace paydesk::ui
