#pragma once

#include "models/actions/invoiceplan.h"
#include "ui/actiondialog.h"

#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace paydesk::ui {

/*
 * Creates a one-off invoice for a customer, as the Stripe Dashboard does: lines from the
 * catalogue's one-time prices (with a quantity) or custom amounts with a description, the
 * currency, charged automatically or emailed with a number of days to pay, memo and footer;
 * the totals shown as the lines are added; created as a draft, then finalized and sent if
 * asked. Each step is its own outbox entry sent once the one before succeeded, so the invoice
 * is made once, each line added once, finalized and sent at most once; a step Stripe refuses
 * stops the flow with the draft left as it is (and named).
 */
class CreateInvoiceDialog final : public ActionDialog
{
    Q_OBJECT
public:
    CreateInvoiceDialog(const QJsonObject &customer, const QString &customerLabel,
                        const QList<models::invoiceplan::PriceChoice> &prices,
                        const Options &options, QWidget *parent = nullptr);

    QComboBox *currencyBox() const { return m_currency; }
    QComboBox *priceBox() const { return m_price; }
    QSpinBox *quantityBox() const { return m_quantity; }
    QPushButton *addPriceButton() const { return m_addPrice; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QLineEdit *amountEdit() const { return m_amount; }
    QPushButton *addCustomButton() const { return m_addCustom; }
    QTableWidget *linesTable() const { return m_lines; }
    QPushButton *removeLineButton() const { return m_removeLine; }
    QComboBox *collectionBox() const { return m_collection; }
    QSpinBox *daysUntilDueBox() const { return m_days; }
    QLineEdit *memoEdit() const { return m_memo; }
    QLineEdit *footerEdit() const { return m_footer; }
    QComboBox *afterBox() const { return m_after; }
    QLabel *totalsLabel() const { return m_totals; }
    // The invoice as it will be made (lines, totals) from the form now.
    models::invoiceplan::Plan plan() const;
    // The id of the draft once Stripe made it ("" before).
    QString invoiceId() const { return m_invoiceId; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;
    bool nextStep(const QJsonObject &answer, models::OutboxAction *next) override;
    QJsonObject finalResult(const QJsonObject &lastAnswer) const override;
    QString stepText() const override;
    QString stoppedText() const override;
    qint64 resumeEntry() const override { return m_resume; }
    bool startsLaterStep() const override { return m_done > 0; }

private:
    void addPriceLine();
    void addCustomLine();
    void removeLine();
    void refresh();
    void fillPrices();
    QString stepName(int step) const;
    // Step `step` of the plan being made (0: the draft, then the lines, then the later steps).
    models::OutboxAction stepAction(int step) const;

    QString m_customerId;
    QString m_customerLabel;
    QList<models::invoiceplan::PriceChoice> m_allPrices;
    QList<models::invoiceplan::Line> m_planLines;
    bool m_fixedCurrency = false; // The customer's, set by Stripe.
    // Tells this invoice apart from an identical one made before ("" until the user asks for
    // another one after being told it was made).
    QString m_again;
    qint64 m_resume = -1;
    models::invoiceplan::Plan m_sending; // The plan being made, once confirmed.
    int m_done = 0; // Steps Stripe confirmed.
    QString m_invoiceId;
    QJsonObject m_invoice;
    QComboBox *m_currency;
    QComboBox *m_price;
    QSpinBox *m_quantity;
    QPushButton *m_addPrice;
    QLineEdit *m_description;
    QLineEdit *m_amount;
    QPushButton *m_addCustom;
    QTableWidget *m_lines;
    QPushButton *m_removeLine;
    QComboBox *m_collection;
    QSpinBox *m_days;
    QLineEdit *m_memo;
    QLineEdit *m_footer;
    QComboBox *m_after;
    QLabel *m_totals;
};

} // namespace paydesk::ui
