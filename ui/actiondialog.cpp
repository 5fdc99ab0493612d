#include "ui/actiondialog.h"

#include "models/actions/staffactions.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace paydesk::ui {

ActionDialog::ActionDialog(const QString &title, const QString &confirmText, const Options &options,
                           QWidget *parent)
    : QDialog(parent)
    , m_options(options)
    , m_form(new QFormLayout)
    , m_problem(new QLabel(this))
    , m_copyRequestId(new QToolButton(this))
    , m_busy(new QProgressBar(this))
    , m_buttons(new QDialogButtonBox(this))
{
    setWindowTitle(title);
    setModal(true);
    setMinimumWidth(460);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);

    m_problem->setObjectName(QStringLiteral("actionProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->hide();
    m_copyRequestId->setObjectName(QStringLiteral("copyRequestId"));
    m_copyRequestId->setText(tr("Copy Request-Id"));
    m_copyRequestId->hide();
    connect(m_copyRequestId, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_requestId); });

    m_busy->setObjectName(QStringLiteral("actionBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(6);
    m_busy->hide();

    m_confirm = m_buttons->addButton(confirmText, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("actionConfirm"));
    m_confirm->setDefault(true);
    m_buttons->addButton(QDialogButtonBox::Cancel);
    // Confirming is ours: the button box would close the dialog before Stripe answered.
    disconnect(m_buttons, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_confirm, &QPushButton::clicked, this, &ActionDialog::confirm);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    if (options.livemode) {
        m_liveConfirm = new QCheckBox(this);
        m_liveConfirm->setObjectName(QStringLiteral("liveConfirm"));
        m_liveConfirm->setStyleSheet(QStringLiteral("font-weight: bold;"));
        layout->addWidget(m_liveConfirm);
        registerField(QStringLiteral("confirm"), m_liveConfirm);
    }
    auto *problemRow = new QHBoxLayout;
    problemRow->addWidget(m_problem, 1);
    problemRow->addWidget(m_copyRequestId, 0, Qt::AlignTop);
    layout->addLayout(problemRow);
    layout->addWidget(m_busy);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    if (!options.disabledReason.isEmpty())
        setBlocked(options.disabledReason);
}

QString ActionDialog::problemText() const
{
    return m_problem->text(); // clearProblem() empties it.
}

void ActionDialog::registerField(const QString &field, QWidget *widget)
{
    m_fields.insert(field, widget);
}

void ActionDialog::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (m_explicitConfirm && enter && !qobject_cast<QPushButton *>(focusWidget())) {
        event->accept(); // Enter in a field does nothing here; the button must be pressed.
        return;
    }
    QDialog::keyPressEvent(event);
}

void ActionDialog::requireExplicitConfirm()
{
    m_explicitConfirm = true;
    for (QAbstractButton *b : m_buttons->buttons()) {
        if (auto *push = qobject_cast<QPushButton *>(b)) {
            push->setDefault(false);
            push->setAutoDefault(false);
        }
    }
}

void ActionDialog::setDismissText(const QString &text)
{
    if (QPushButton *b = m_buttons->button(QDialogButtonBox::Cancel))
        b->setText(text);
}

void ActionDialog::formChanged()
{
    // A problem of the form is stale once the form changes (Stripe's answers stay).
    if (!m_blocked && !m_sending && m_entry < 0 && m_requestId.isEmpty())
        clearProblem();
    if (m_liveConfirm)
        m_liveConfirm->setText(tr("LIVE mode: %1. Real money moves.").arg(summary()));
}

void ActionDialog::clearProblem()
{
    m_problem->clear();
    m_problem->hide();
    m_copyRequestId->hide();
    m_requestId.clear();
    if (QWidget *w = m_fields.value(m_problemField)) {
        w->setProperty("invalid", false);
        w->setStyleSheet(QString());
    }
    m_problemField.clear();
}

void ActionDialog::showProblem(const QString &field, const QString &message)
{
    clearProblem();
    m_problem->setText(message);
    m_problem->show();
    if (QWidget *w = m_fields.value(field)) {
        m_problemField = field;
        w->setProperty("invalid", true);
        w->setStyleSheet(QStringLiteral("border: 2px solid #b3261e; border-radius: 3px;"));
        w->setFocus(Qt::OtherFocusReason);
    }
}

void ActionDialog::setBlocked(const QString &reason)
{
    m_blocked = true;
    m_confirm->setEnabled(false);
    m_confirm->setToolTip(reason);
    m_problem->setText(reason);
    m_problem->show();
}

bool ActionDialog::blockUnlessAllowed(models::StaffAction action, const QJsonObject &object)
{
    const QString refusal = models::staffActionRefusal(action, object);
    if (!refusal.isEmpty())
        setBlocked(refusal);
    return !refusal.isEmpty();
}

void ActionDialog::setBusy(bool busy, const QString &text)
{
    m_sending = busy;
    m_busy->setVisible(busy);
    m_confirm->setEnabled(!busy && !m_blocked);
    for (QWidget *w : std::as_const(m_fields))
        w->setEnabled(!busy && m_entry < 0);
    if (!text.isEmpty()) {
        m_problem->setText(text);
        m_problem->show();
    }
}

void ActionDialog::confirm()
{
    // One action per dialog: a second click, or Enter held down, does nothing while sending.
    if (m_sending || m_blocked || !m_outbox)
        return;
    if (m_entry >= 0) {
        // The answer of an earlier send was lost: the same entry (same key) goes again.
        setBusy(true, tr("Sending again with the same idempotency key…"));
        if (m_outbox->sendPending() == 0 && !m_outbox->busy())
            outboxIdle();
        return;
    }
    clearProblem();
    models::OutboxAction action;
    const models::InputProblem problem = prepare(&action);
    if (!problem.ok()) {
        showProblem(problem.field, problem.message);
        return;
    }
    if (m_liveConfirm && !m_liveConfirm->isChecked()) {
        showProblem(QStringLiteral("confirm"),
                    tr("This is live mode: tick the confirmation to go ahead."));
        return;
    }
    m_chained = startsLaterStep();
    qint64 id = resumeEntry();
    if (id < 0) {
        QString error;
        id = m_outbox->enqueue(action, &error);
        if (id < 0) {
            showProblem({},
                        tr("The action could not be stored, so nothing was sent: %1").arg(error));
            return;
        }
    }
    m_entry = id;
    connect(m_outbox, &models::Outbox::entryFinished, this,
            [this](qint64 finished, bool ok) { entryFinished(finished, ok); });
    connect(m_outbox, &models::Outbox::idle, this, &ActionDialog::outboxIdle, Qt::QueuedConnection);
    setBusy(true, stepText().isEmpty() ? tr("Sending to Stripe…") : stepText());
    m_outbox->sendPending();
}

bool ActionDialog::nextStep(const QJsonObject &, models::OutboxAction *)
{
    return false;
}

void ActionDialog::entryFinished(qint64 id, bool ok)
{
    if (id != m_entry)
        return;
    const models::OutboxEntry e = m_outbox->entry(id);
    if (ok) {
        // Stays busy: a done action has nothing left to confirm.
        const QJsonObject answer = QJsonDocument::fromJson(e.response).object();
        models::OutboxAction next;
        if (nextStep(answer, &next)) {
            m_chained = true;
            QString error;
            const qint64 nextId = m_outbox->enqueue(next, &error);
            if (nextId < 0) {
                setBusy(false);
                setBlocked(
                    tr("The next step could not be stored, so it was not sent: %1").arg(error)
                    + u'\n' + stoppedText());
                return;
            }
            m_entry = nextId;
            setBusy(true, stepText());
            m_outbox->sendPending();
            return;
        }
        m_result = finalResult(answer);
        Q_EMIT succeeded(m_result);
        accept();
        return;
    }
    const models::StaffError error = models::staffactions::readError(e);
    if (m_chained) {
        // Earlier steps happened: the form stays locked and nothing more is sent from here.
        setBusy(false);
        setBlocked(error.message + u'\n' + stoppedText());
        m_requestId = error.requestId;
        m_copyRequestId->setVisible(!error.requestId.isEmpty());
        return;
    }
    // Refused: this entry is over; the corrected form makes a new one.
    m_entry = -1;
    setBusy(false);
    showProblem(error.field, error.message);
    if (!error.requestId.isEmpty()) {
        m_requestId = error.requestId;
        m_problem->setText(error.message + u'\n' + tr("Request-Id: %1").arg(error.requestId));
        m_copyRequestId->show();
    }
}

void ActionDialog::outboxIdle()
{
    if (m_entry < 0 || !m_sending)
        return;
    const models::OutboxEntry e = m_outbox->entry(m_entry);
    if (e.finished())
        return; // entryFinished() has it.
    setBusy(false);
    m_confirm->setText(tr("Send again"));
    showProblem({},
                tr("Stripe's answer did not arrive (%1). The action is kept with its "
                   "idempotency key: sending it again cannot make it happen twice. It is "
                   "also resent when Paydesk starts; see Activity.")
                    .arg(e.error.isEmpty() ? tr("no answer") : e.error));
}

} // namespace paydesk::ui
