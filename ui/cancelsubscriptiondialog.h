#pragma once

#include "ui/actiondialog.h"

#include <QJsonObject>

class QCheckBox;
class QRadioButton;

namespace paydesk::ui {

/*
 * Cancel a subscription now (optionally crediting the unused time, invoiced at once) or at the
 * end of the current period; for a subscription already set to end with its period, undo that
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
};

} // namespace paydesk::ui
