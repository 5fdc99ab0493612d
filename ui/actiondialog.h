#pragma once

#include "models/actions/catalogue.h"
#include "models/actions/outbox.h"
#include "models/actions/staffinput.h"

#include <QDialog>
#include <QHash>
#include <QJsonObject>

class QCheckBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace paydesk::ui {

/*
 * What every staff action dialog shares: a form, one line for the problem with the field at
 * fault outlined, a live-mode confirmation that names what will happen, and a confirm button
 * that acts once. Confirming checks the form (nothing is stored or sent on bad input), commits
 * the action to the outbox, sends it and waits for Stripe's answer without blocking the
 * window: on success the dialog closes; on a refusal Stripe's reason is shown (with the
 * Request-Id to copy) and the form can be corrected; when the answer is lost the action stays
 * queued with its idempotency key and the dialog offers to send it again — never a second
 * action.
 */
class ActionDialog : public QDialog
{
    Q_OBJECT
public:
    struct Options
    {
        bool livemode = false;
        QString disabledReason; // Non-empty: actions are off (offline, read-only).
    };

    void setOutbox(models::Outbox *outbox) { m_outbox = outbox; }
    // The outbox entry of this dialog (-1 until confirmed).
    qint64 entryId() const { return m_entry; }
    QString problemText() const;
    // The field outlined as being at fault ("" when none).
    QString problemField() const { return m_problemField; }
    QPushButton *confirmButton() const { return m_confirm; }
    QCheckBox *liveConfirmation() const { return m_liveConfirm; }
    // The Stripe object the action returned (after success).
    QJsonObject result() const { return m_result; }
    bool isBlocked() const { return m_blocked; }

    // What the confirm button does (also for tests): check, commit, send.
    void confirm();

Q_SIGNALS:
    // Stripe confirmed the action; the cache holds the result.
    void succeeded(const QJsonObject &object);

protected:
    ActionDialog(const QString &title, const QString &confirmText, const Options &options,
                 QWidget *parent);

    // Checks the form and builds the action; a problem names its field.
    virtual models::InputProblem prepare(models::OutboxAction *action) = 0;
    // For the live-mode confirmation: "Refund $40.00 to Emma Rossi".
    virtual QString summary() const = 0;
    // An action of several steps (an invoice: the draft, its lines, finalize, send): called
    // when the step sent last succeeded, with Stripe's answer; fills in the next step and
    // returns true, or returns false when there is none left. Each step is its own outbox
    // entry (own intent and idempotency key), sent only once the one before it succeeded.
    virtual bool nextStep(const QJsonObject &answer, models::OutboxAction *next);
    // What the dialog reports as its result once the last step succeeded (the last answer).
    virtual QJsonObject finalResult(const QJsonObject &lastAnswer) const { return lastAnswer; }
    // After prepare(): an unfinished outbox entry (pending, or sent without an answer — a killed
    // window's) that is this very step, to be sent again with its own key instead of a new
    // entry (-1: none). And whether the step is a later one (earlier steps succeeded before).
    virtual qint64 resumeEntry() const { return -1; }
    virtual bool startsLaterStep() const { return false; }
    // While a step is sent: "Step 2 of 4: adding line 1…" ("" for a one-step action).
    virtual QString stepText() const { return {}; }
    // After a later step was refused, what exists and what was not done (the form stays
    // locked: the steps that succeeded are never made again from this dialog).
    virtual QString stoppedText() const { return {}; }
    void keyPressEvent(QKeyEvent *event) override;
    // Called when the form changes, to refresh the summary and dependent widgets.
    void formChanged();

    QFormLayout *form() const { return m_form; }
    models::Outbox *outbox() const { return m_outbox; }
    // The widget a problem with `field` outlines and focuses.
    void registerField(const QString &field, QWidget *widget);
    void showProblem(const QString &field, const QString &message);
    void clearProblem();
    // Money moves or data goes for good: Enter in a field does not confirm, only the button
    // does (a fat-fingered Enter on an empty amount would refund everything).
    void requireExplicitConfirm();
    // The text of the button that closes without acting ("Cancel").
    void setDismissText(const QString &text);
    // Prevents confirming at all (nothing to refund, …), with the reason shown.
    void setBlocked(const QString &reason);
    // Blocked with Stripe's rule when it refuses `action` on `object` in its state
    // (models::staffActionRefusal); returns whether it was.
    bool blockUnlessAllowed(models::StaffAction action, const QJsonObject &object);

private:
    void setBusy(bool busy, const QString &text = {});
    void entryFinished(qint64 id, bool ok);
    void outboxIdle();

    models::Outbox *m_outbox = nullptr;
    Options m_options;
    QFormLayout *m_form;
    QLabel *m_problem;
    QToolButton *m_copyRequestId;
    QString m_requestId;
    QCheckBox *m_liveConfirm = nullptr;
    QProgressBar *m_busy;
    QDialogButtonBox *m_buttons;
    QPushButton *m_confirm;
    QHash<QString, QWidget *> m_fields;
    QString m_problemField;
    qint64 m_entry = -1;
    bool m_sending = false;
    bool m_blocked = false;
    bool m_explicitConfirm = false;
    bool m_chained = false; // A step after the first was sent.
    QJsonObject m_result;
};

} // namespace paydesk::ui
