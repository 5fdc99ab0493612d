#pragma once

#include "models/actions/staffactions.h"
#include "ui/actiondialog.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace paydesk::ui {

/*
 * Refund a payment in full or in part. Shows what was paid, what is refunded already and what
 * is still refundable, in the payment's currency with its own decimals; the amount is typed in
 * the user's locale (empty: everything left). Refunds at or above the confirmation threshold
 * need the amount typed a second time.
 */
class RefundDialog final : public ActionDialog
{
    Q_OBJECT
public:
    // `threshold`: major units of the payment's currency from which the amount is typed twice
    // (0: never).
    RefundDialog(const models::RefundTarget &target, qint64 threshold, const Options &options,
                 QWidget *parent = nullptr);

    QLineEdit *amountField() const { return m_amount; }
    QLineEdit *amountAgainField() const { return m_again; }
    QComboBox *reasonBox() const { return m_reason; }
    QPlainTextEdit *metadataField() const { return m_metadata; }
    // Shown when the amount is one already refunded on this payment in the last 24 hours.
    QLabel *repeatWarning() const { return m_repeat; }
    bool needsAmountAgain() const;
    // Chooses the reason ("fraudulent" for a payment reported as fraud).
    void presetReason(const QString &reason);

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    void update();
    qint64 typedAmount() const; // Minor units, -1 when the field does not parse.

    models::RefundTarget m_target;
    qint64 m_thresholdMinor = 0;
    QLocale m_locale;
    QLineEdit *m_amount;
    QLabel *m_againLabel;
    QLineEdit *m_again;
    QComboBox *m_reason;
    QPlainTextEdit *m_metadata;
    QLabel *m_repeat;
};

} // namespace paydesk::ui
