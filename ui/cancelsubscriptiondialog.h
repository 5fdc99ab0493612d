#pragma once

#include "ui/actiondialog.h"

#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QRadioButton;

namespace paydesk::ui {

/*
 * Cancel a subscription now (optionally crediting the unused time, invoiced at once) or at the
 * end of the current period, with the customer's feedback and a comment recorded as Stripe's
 * cancellation_details; for a subscription already set to end with its period, undo that
 * instead.
 */
class CancelSubscriptionDialog final : public ActionDialog
{
    Q_OBJECT
public:
    CancelSubscriptionDialog(const QJsonObject &subscription, const QString &customerLabel,
                             const Options &options, QWidget *parent = nullptr);

    QRadioButton *nowButton() const { return m_now; }
    QRadioButton *atPeriodEndButton() const { return m_atEnd; }
    QCheckBox *prorateBox() const { return m_prorate; }
    QCheckBox *invoiceNowBox() const { return m_invoiceNow; }
    QComboBox *feedbackBox() const { return m_feedback; }
    QLineEdit *commentEdit() const { return m_comment; }
    bool isUndo() const { return m_undo; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QJsonObject m_sub;
    QString m_id;
    QString m_customer;
    bool m_undo = false;
    QRadioButton *m_now = nullptr;
    QRadioButton *m_atEnd = nullptr;
    QCheckBox *m_prorate = nullptr;
    QCheckBox *m_invoiceNow = nullptr;
    QComboBox *m_feedback = nullptr; // Stripe's cancellation feedback.
    QLineEdit *m_comment = nullptr; // cancellation_details[comment].
};

} // namespace paydesk::ui
