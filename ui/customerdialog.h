#pragma once

#include "models/actions/staffactions.h"
#include "ui/actiondialog.h"

class QLineEdit;
class QPlainTextEdit;

namespace paydesk::ui {

/*
 * Create a customer, or edit one (only what changed is sent; a cleared field is unset at
 * Stripe): name, email, phone, description, address and metadata.
 */
class CustomerDialog final : public ActionDialog
{
    Q_OBJECT
public:
    // An empty `id`: a new customer.
    CustomerDialog(const QString &id, const models::CustomerFields &current, const Options &options,
                   QWidget *parent = nullptr);

    QLineEdit *field(const QString &name) const { return m_edits.value(name); }
    QPlainTextEdit *metadataField() const { return m_metadata; }
    models::CustomerFields fields() const;

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    models::CustomerFields m_before;
    QHash<QString, QLineEdit *> m_edits;
    QPlainTextEdit *m_metadata;
};

/*
 * Delete a customer: cannot be undone, so the customer's email (or id) must be typed to enable
 * the button.
 */
class DeleteCustomerDialog final : public ActionDialog
{
    Q_OBJECT
public:
    DeleteCustomerDialog(const QString &id, const QString &email, const QString &name,
                         const Options &options, QWidget *parent = nullptr);

    QLineEdit *confirmationField() const { return m_typed; }
    QString expected() const { return m_expected; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    QString m_label;
    QString m_expected;
    QLineEdit *m_typed;
};

} // namespace paydesk::ui
