#include "ui/invoicedialog.h"

#include "models/actions/staffactions.h"
#include "models/money.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>

namespace paydesk::ui {

namespace {

QString title(models::StaffAction action)
{
    switch (action) {
    case models::StaffAction::InvoiceFinalize:
        return InvoiceActionDialog::tr("Finalize invoice");
    case models::StaffAction::InvoiceSend:
        return InvoiceActionDialog::tr("Send invoice");
    case models::StaffAction::InvoicePay:
        return InvoiceActionDialog::tr("Pay invoice");
    case models::StaffAction::InvoiceVoid:
        return InvoiceActionDialog::tr("Void invoice");
    case models::StaffAction::InvoiceMarkUncollectible:
        return InvoiceActionDialog::tr("Mark invoice uncollectible");
    case models::StaffAction::InvoiceDelete:
        return InvoiceActionDialog::tr("Delete draft invoice");
    default:
        return {};
    }
}

QString explanation(models::StaffAction action)
{
    switch (action) {
    case models::StaffAction::InvoiceFinalize:
        return InvoiceActionDialog::tr("The draft becomes an open invoice with a number: it can "
                                       "no longer be edited, only paid, sent or voided.");
    case models::StaffAction::InvoiceSend:
        return InvoiceActionDialog::tr("Stripe e-mails the invoice to the customer with a link to "
                                       "pay it (a draft is finalized first).");
    case models::StaffAction::InvoicePay:
        return InvoiceActionDialog::tr("Stripe charges the customer's default payment method for "
                                       "what the invoice still owes.");
    case models::StaffAction::InvoiceVoid:
        return InvoiceActionDialog::tr("The invoice is cancelled for good: nothing more is owed "
                                       "on it, and it cannot be reopened.");
    case models::StaffAction::InvoiceMarkUncollectible:
        return InvoiceActionDialog::tr("The invoice is written off as unlikely to be paid; it can "
                                       "still be paid or voided later.");
    case models::StaffAction::InvoiceDelete:
        return InvoiceActionDialog::tr("The draft is deleted for good.");
    default:
        return {};
    }
}

} // namespace

InvoiceActionDialog::InvoiceActionDialog(models::StaffAction action, const QJsonObject &invoice,
                                         const QString &customerLabel, const Options &options,
                                         QWidget *parent)
    : ActionDialog(title(action), title(action), options, parent)
    , m_action(action)
    , m_invoice(invoice)
    , m_id(invoice.value(QStringLiteral("id")).toString())
    , m_customer(customerLabel)
{
    setObjectName(QStringLiteral("invoiceActionDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    const QString currency = invoice.value(QStringLiteral("currency")).toString();
    m_due = models::Money(invoice.value(QStringLiteral("amount_remaining")).toInteger(), currency)
                .toString(QLocale());
    const QString number = invoice.value(QStringLiteral("number")).toString();
    auto *who
        = new QLabel(tr("%1 · %2").arg(number.isEmpty() ? m_id : number, customerLabel), this);
    who->setTextFormat(Qt::PlainText);
    who->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form()->addRow(tr("Invoice"), who);
    form()->addRow(tr("Status"),
                   new QLabel(invoice.value(QStringLiteral("status")).toString(), this));
    form()->addRow(tr("Still owed"), new QLabel(m_due, this));
    auto *text = new QLabel(explanation(action), this);
    text->setWordWrap(true);
    // Wide enough for the explanation to wrap on two or three lines, not to be cut off.
    text->setMinimumWidth(420);
    text->setMinimumHeight(text->heightForWidth(420));
    form()->addRow(text);
    if (action == models::StaffAction::InvoicePay) {
        m_outOfBand = new QCheckBox(tr("Paid outside Stripe: record it, charge nothing"), this);
        m_outOfBand->setToolTip(tr("Marks the invoice paid out of band, for a payment received by "
                                   "bank transfer, cheque or cash."));
        m_outOfBand->setObjectName(QStringLiteral("invoiceOutOfBand"));
        form()->addRow(QString(), m_outOfBand);
        connect(m_outOfBand, &QCheckBox::toggled, this, [this] { formChanged(); });
    }
    blockUnlessAllowed(action, invoice);
    formChanged();
}

QString InvoiceActionDialog::summary() const
{
    if (m_outOfBand && m_outOfBand->isChecked())
        return tr("mark invoice %1 of %2 as paid outside Stripe (%3)").arg(m_id, m_customer, m_due);
    if (m_action == models::StaffAction::InvoicePay)
        return tr("charge %1 for invoice %2 of %3").arg(m_due, m_id, m_customer);
    return tr("%1: invoice %2 of %3 (%4 owed)").arg(title(m_action), m_id, m_customer, m_due);
}

models::InputProblem InvoiceActionDialog::prepare(models::OutboxAction *action)
{
    *action = models::staffactions::invoiceAction(m_id, m_action,
                                                  m_outOfBand && m_outOfBand->isChecked());
    return {};
}

} // namespace paydesk::ui
