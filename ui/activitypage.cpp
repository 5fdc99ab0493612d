#include "ui/activitypage.h"

#include "models/actions/outbox.h"
#include "models/money.h"
#include "models/store/cachereader.h"
#include "ui/actioncontroller.h"
#include "ui/statusbadge.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

namespace paydesk::ui {

namespace {

constexpr int kShownRows = 2000;

QString when(qint64 t)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(t), QLocale::ShortFormat);
}

QString money(qint64 amount, const QString &currency)
{
    if (amount < 0 || currency.isEmpty())
        return {};
    return models::Money(amount, currency).toLabelledString();
}

QTableWidget *makeTable(const QStringList &headers, const char *name, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(QString::fromLatin1(name));
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setContextMenuPolicy(Qt::CustomContextMenu);
    t->setAlternatingRowColors(true);
    return t;
}

} // namespace

ActivityPage::ActivityPage(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_outbox(makeTable({tr("Time"), tr("Action"), tr("Object"), tr("Amount"), tr("State"),
                          tr("Attempts"), tr("Request-Id"), tr("Message")},
                         "activityOutbox", this))
    , m_audit(makeTable({tr("Time"), tr("User"), tr("Profile"), tr("Mode"), tr("Action"),
                         tr("Object"), tr("Amount"), tr("Result"), tr("Request-Id"), tr("Message")},
                        "activityAudit", this))
    , m_resend(new QPushButton(tr("Send pending now"), this))
    , m_export(new QPushButton(tr("Export audit log…"), this))
    , m_readOnly(new QCheckBox(tr("Read-only: no staff actions from this computer"), this))
{
    setObjectName(QStringLiteral("activityPage"));
    auto *title = new QLabel(tr("Activity"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    m_summary->setObjectName(QStringLiteral("activitySummary"));
    m_summary->setWordWrap(true);
    m_resend->setObjectName(QStringLiteral("activityResend"));
    m_export->setObjectName(QStringLiteral("activityExport"));
    m_readOnly->setObjectName(QStringLiteral("activityReadOnly"));
    m_readOnly->setChecked(QSettings().value(QStringLiteral("actions/readOnly"), false).toBool());

    auto *bar = new QHBoxLayout;
    bar->addWidget(title);
    bar->addStretch(1);
    bar->addWidget(m_readOnly);
    bar->addWidget(m_resend);
    bar->addWidget(m_export);
    auto *actionsTitle = new QLabel(tr("<b>Staff actions</b> — the outbox: each action is stored "
                                       "with its idempotency key before it is sent"),
                                    this);
    auto *auditTitle = new QLabel(tr("<b>Audit log</b> — every outcome, successful or not"), this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(actionsTitle);
    layout->addWidget(m_outbox, 2);
    layout->addWidget(auditTitle);
    layout->addWidget(m_audit, 3);

    connect(m_resend, &QPushButton::clicked, this, [this] {
        if (m_controller && m_controller->outbox() && m_controller->disabledReason().isEmpty())
            m_controller->outbox()->sendPending();
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export audit log"),
                                                          QStringLiteral("paydesk-audit.csv"),
                                                          tr("CSV files (*.csv)"));
        if (file.isEmpty())
            return;
        QString error;
        if (exportAudit(file, &error) < 0)
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    connect(m_readOnly, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("actions/readOnly"), on);
        if (m_controller)
            m_controller->setReadOnly(on);
    });
    connect(m_outbox, &QTableWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { showMenu(m_outbox, pos); });
    connect(m_audit, &QTableWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { showMenu(m_audit, pos); });
    refresh();
}

void ActivityPage::setController(ActionController *controller)
{
    m_controller = controller;
    controller->setReadOnly(m_readOnly->isChecked());
    connect(controller, &ActionController::availabilityChanged, this,
            [this](const QString &reason) {
                m_resend->setEnabled(reason.isEmpty());
                m_resend->setToolTip(reason);
            });
    m_resend->setEnabled(controller->disabledReason().isEmpty());
}

void ActivityPage::setReader(models::CacheReader *reader)
{
    if (m_reader)
        disconnect(m_reader, nullptr, this, nullptr);
    m_reader = reader;
    connect(reader, &models::CacheReader::reopened, this, &ActivityPage::refresh);
    connect(reader, &models::CacheReader::changed, this, [this](const QStringList &tables) {
        if (models::touches(tables, {QStringLiteral("outbox"), QStringLiteral("audit_log")}))
            refresh();
    });
    refresh();
}

void ActivityPage::setCache(const QString &path)
{
    if (!m_reader)
        setReader(new models::CacheReader(this)); // The page shown on its own.
    m_reader->open(path);
}

void ActivityPage::refresh()
{
    m_outbox->setRowCount(0);
    m_audit->setRowCount(0);
    if (!m_reader || !m_reader->isOpen()) {
        m_summary->setText(tr("No account connected yet."));
        m_export->setEnabled(false);
        return;
    }
    auto put = [](QTableWidget *t, int row, int column, const QString &text) {
        auto *item = new QTableWidgetItem(text);
        item->setToolTip(text);
        t->setItem(row, column, item);
    };
    int pending = 0, failed = 0;
    for (const models::OutboxEntry &e : models::recentActions(m_reader->database(), kShownRows)) {
        const int row = m_outbox->rowCount();
        m_outbox->insertRow(row);
        put(m_outbox, row, 0, when(e.updatedAt));
        put(m_outbox, row, 1, e.action);
        put(m_outbox, row, 2, e.objectId);
        put(m_outbox, row, 3, money(e.amount, e.currency));
        put(m_outbox, row, 4, e.state);
        const auto [bg, fg] = StatusBadge::colours(
            e.stateValue() == models::OutboxState::Succeeded    ? StatusBadge::Tone::Success
                : e.stateValue() == models::OutboxState::Failed ? StatusBadge::Tone::Danger
                                                                : StatusBadge::Tone::Warning);
        m_outbox->item(row, 4)->setBackground(bg);
        m_outbox->item(row, 4)->setForeground(fg);
        put(m_outbox, row, 5, QString::number(e.attempts));
        put(m_outbox, row, 6, e.requestId);
        put(m_outbox, row, 7, e.error);
        pending += !e.finished();
        failed += e.stateValue() == models::OutboxState::Failed;
    }
    for (const models::AuditEntry &e : models::recentAudit(m_reader->database(), kShownRows)) {
        const int row = m_audit->rowCount();
        m_audit->insertRow(row);
        const QString cells[] = {when(e.time),
                                 e.osUser,
                                 e.profile,
                                 e.mode,
                                 e.action,
                                 e.objectId,
                                 money(e.amount, e.currency),
                                 e.result,
                                 e.requestId,
                                 e.message};
        for (int c = 0; c < int(std::size(cells)); ++c)
            put(m_audit, row, c, cells[c]);
    }
    m_outbox->resizeColumnsToContents();
    m_audit->resizeColumnsToContents();
    m_export->setEnabled(m_audit->rowCount() > 0);
    if (m_outbox->rowCount() == 0)
        m_summary->setText(tr("No staff actions yet. Refunds, cancellations and customer "
                              "changes made in Paydesk appear here."));
    else
        m_summary->setText(tr("%1 actions: %2 waiting for Stripe's answer, %3 refused.")
                               .arg(m_outbox->rowCount())
                               .arg(pending)
                               .arg(failed));
    Q_EMIT refreshed();
}

qint64 ActivityPage::exportAudit(const QString &file, QString *error)
{
    QSaveFile out(file);
    const bool open = m_reader && m_reader->isOpen();
    if (!open || !out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = open ? out.errorString() : tr("No account connected.");
        return -1;
    }
    const qint64 rows = models::writeAuditCsv(m_reader->database(), &out);
    if (rows < 0 || !out.commit()) {
        if (error)
            *error = out.errorString();
        return -1;
    }
    return rows;
}

void ActivityPage::showMenu(QTableWidget *table, const QPoint &pos)
{
    const QModelIndex index = table->indexAt(pos);
    if (!index.isValid())
        return;
    const int requestColumn = table == m_outbox ? 6 : 7;
    const QString requestId = table->item(index.row(), requestColumn)
        ? table->item(index.row(), requestColumn)->text()
        : QString();
    const QString object = table->item(index.row(), table == m_outbox ? 2 : 5)->text();
    QMenu menu(this);
    menu.addAction(tr("Copy Request-Id"), this,
                   [requestId] { QApplication::clipboard()->setText(requestId); })
        ->setEnabled(!requestId.isEmpty());
    menu.addAction(tr("Copy object ID"), this,
                   [object] { QApplication::clipboard()->setText(object); })
        ->setEnabled(!object.isEmpty());
    menu.exec(table->viewport()->mapToGlobal(pos));
}

} // namespace paydesk::ui
