#pragma once

#include "models/actions/catalogue.h"
#include "ui/actiondialog.h"

#include <QJsonObject>

class QCheckBox;

namespace paydesk::ui {

/*
 * One invoice action (finalize, send, pay, void, mark uncollectible, delete a draft): the
 * invoice, its customer and what it owes, what the action will do, and for paying the choice
 * between charging the customer's payment method and recording a payment made outside Stripe.
 * An action Stripe does not allow in the invoice's state is shown blocked with the reason.
 */
class InvoiceActionDialog final : public ActionDialog
{
    Q_OBJECT
public:
    InvoiceActionDialog(models::StaffAction action, const QJsonObject &invoice,
                        const QString &customerLabel, const Options &options,
                        QWidget *parent = nullptr);

    QCheckBox *outOfBandBox() const { return m_outOfBand; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    models::StaffAction m_action;
    QJsonObject m_invoice;
    QString m_id;
    QString m_customer;
    QString m_due;
    QCheckBox *m_outOfBand = nullptr;
};

} // namespace paydesk::ui
