#include "ui/invoicecreatedialog.h"

#include "models/currency.h"
#include "models/money.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

namespace paydesk::ui {

namespace {

// Stripe puts at most 250 invoice items on one invoice.
constexpr qsizetype MaxLines = 250;

QString money(qint64 minor, const QString &currency)
{
    return models::Money(minor, currency).toString(QLocale());
}

QWidget *row(QWidget *parent, std::initializer_list<QWidget *> widgets, int stretchOf = 0)
{
    auto *w = new QWidget(parent);
    auto *l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    int i = 0;
    for (QWidget *child : widgets)
        l->addWidget(child, i++ == stretchOf ? 1 : 0);
    return w;
}

} // namespace

CreateInvoiceDialog::CreateInvoiceDialog(const QJsonObject &customer, const QString &customerLabel,
                                         const QList<models::invoiceplan::PriceChoice> &prices,
                                         const Options &options, QWidget *parent)
    : ActionDialog(tr("Create invoice"), tr("Create invoice"), options, parent)
    , m_customerId(customer.value(QStringLiteral("id")).toString())
    , m_customerLabel(customerLabel)
    , m_allPrices(prices)
    , m_currency(new QComboBox(this))
    , m_price(new QComboBox(this))
    , m_quantity(new QSpinBox(this))
    , m_addPrice(new QPushButton(tr("Add"), this))
    , m_description(new QLineEdit(this))
    , m_amount(new QLineEdit(this))
    , m_addCustom(new QPushButton(tr("Add"), this))
    , m_lines(new QTableWidget(0, 3, this))
    , m_removeLine(new QPushButton(tr("Remove line"), this))
    , m_collection(new QComboBox(this))
    , m_days(new QSpinBox(this))
    , m_memo(new QLineEdit(this))
    , m_footer(new QLineEdit(this))
    , m_after(new QComboBox(this))
    , m_totals(new QLabel(this))
{
    setObjectName(QStringLiteral("createInvoiceDialog"));
    setMinimumWidth(560);
    requireExplicitConfirm();
    setDismissText(tr("Close"));

    auto *who = new QLabel(QStringLiteral("%1 · %2").arg(m_customerId, customerLabel), this);
    who->setTextFormat(Qt::PlainText);
    who->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form()->addRow(tr("Customer"), who);

    // Stripe bills a customer in one currency once it has one.
    m_currency->setObjectName(QStringLiteral("invoiceCurrency"));
    m_currency->setAccessibleName(tr("Currency"));
    const QString fixed = customer.value(QStringLiteral("currency")).toString();
    m_fixedCurrency = !fixed.isEmpty();
    if (m_fixedCurrency) {
        m_currency->addItem(fixed.toUpper(), fixed);
        m_currency->setEnabled(false);
        m_currency->setToolTip(tr("Stripe bills this customer in %1.").arg(fixed.toUpper()));
    } else {
        QStringList codes;
        for (const models::invoiceplan::PriceChoice &p : prices)
            if (!codes.contains(p.currency))
                codes.append(p.currency);
        if (codes.isEmpty())
            codes.append(QStringLiteral("usd"));
        for (const QString &c : std::as_const(codes))
            m_currency->addItem(c.toUpper(), c);
    }
    form()->addRow(tr("Currency"), m_currency);
    registerField(QStringLiteral("currency"), m_currency);

    m_price->setObjectName(QStringLiteral("invoicePrice"));
    m_price->setAccessibleName(tr("Price from the catalogue"));
    m_quantity->setObjectName(QStringLiteral("invoiceQuantity"));
    m_quantity->setAccessibleName(tr("Quantity"));
    m_quantity->setRange(1, 10000000);
    m_quantity->setPrefix(tr("× "));
    m_addPrice->setObjectName(QStringLiteral("invoiceAddPrice"));
    m_addPrice->setAccessibleName(tr("Add the price as a line"));
    m_addPrice->setAutoDefault(false);
    form()->addRow(tr("Price line"), row(this, {m_price, m_quantity, m_addPrice}));
    registerField(QStringLiteral("price"), m_price);

    m_description->setObjectName(QStringLiteral("invoiceDescription"));
    m_description->setAccessibleName(tr("Description of a custom line"));
    m_description->setPlaceholderText(tr("Description"));
    m_description->setMaxLength(500);
    m_amount->setObjectName(QStringLiteral("invoiceAmount"));
    m_amount->setAccessibleName(tr("Amount of a custom line"));
    m_amount->setPlaceholderText(tr("Amount"));
    m_amount->setMaximumWidth(120);
    m_addCustom->setObjectName(QStringLiteral("invoiceAddCustom"));
    m_addCustom->setAccessibleName(tr("Add the custom line"));
    m_addCustom->setAutoDefault(false);
    form()->addRow(tr("Custom line"), row(this, {m_description, m_amount, m_addCustom}));
    registerField(QStringLiteral("description"), m_description);
    registerField(QStringLiteral("amount"), m_amount);

    m_lines->setObjectName(QStringLiteral("invoiceLines"));
    m_lines->setAccessibleName(tr("Invoice lines"));
    m_lines->setHorizontalHeaderLabels({tr("Line"), tr("Quantity"), tr("Amount")});
    m_lines->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_lines->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_lines->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_lines->verticalHeader()->hide();
    m_lines->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_lines->setSelectionMode(QAbstractItemView::SingleSelection);
    m_lines->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lines->setTabKeyNavigation(false); // One Tab stop; arrows move inside.
    m_lines->setMinimumHeight(m_lines->fontMetrics().lineSpacing() * 6);
    m_lines->setMaximumHeight(m_lines->fontMetrics().lineSpacing() * 9);
    m_removeLine->setObjectName(QStringLiteral("invoiceRemoveLine"));
    m_removeLine->setAutoDefault(false);
    auto *linesBox = new QWidget(this);
    auto *linesLayout = new QVBoxLayout(linesBox);
    linesLayout->setContentsMargins(0, 0, 0, 0);
    linesLayout->addWidget(m_lines);
    linesLayout->addWidget(m_removeLine, 0, Qt::AlignRight);
    form()->addRow(tr("Lines"), linesBox);
    registerField(QStringLiteral("lines"), m_lines);

    m_collection->setObjectName(QStringLiteral("invoiceCollection"));
    m_collection->setAccessibleName(tr("Payment"));
    m_collection->addItem(tr("Charge the default payment method"),
                          QStringLiteral("charge_automatically"));
    m_collection->addItem(tr("Email the invoice for the customer to pay"),
                          QStringLiteral("send_invoice"));
    m_days->setObjectName(QStringLiteral("invoiceDaysUntilDue"));
    m_days->setAccessibleName(tr("Days until due"));
    m_days->setRange(0, 1825); // Stripe's limit: five years.
    m_days->setValue(30);
    m_days->setSuffix(tr(" days to pay"));
    form()->addRow(tr("Payment"), row(this, {m_collection, m_days}));
    registerField(QStringLiteral("days_until_due"), m_days);

    m_memo->setObjectName(QStringLiteral("invoiceMemo"));
    m_memo->setAccessibleName(tr("Memo"));
    m_memo->setMaxLength(5000);
    m_memo->setPlaceholderText(tr("Shown on the invoice (optional)"));
    form()->addRow(tr("Memo"), m_memo);
    m_footer->setObjectName(QStringLiteral("invoiceFooter"));
    m_footer->setAccessibleName(tr("Footer"));
    m_footer->setMaxLength(5000);
    m_footer->setPlaceholderText(tr("Optional"));
    form()->addRow(tr("Footer"), m_footer);

    m_after->setObjectName(QStringLiteral("invoiceAfter"));
    m_after->setAccessibleName(tr("Once created"));
    form()->addRow(tr("Once created"), m_after);
    registerField(QStringLiteral("after"), m_after);
    // Every control is locked while the steps are sent and once one was refused.
    registerField(QStringLiteral("quantity"), m_quantity);
    registerField(QStringLiteral("add_price"), m_addPrice);
    registerField(QStringLiteral("add_custom"), m_addCustom);
    registerField(QStringLiteral("remove_line"), m_removeLine);
    registerField(QStringLiteral("collection_method"), m_collection);
    registerField(QStringLiteral("memo"), m_memo);
    registerField(QStringLiteral("footer"), m_footer);

    m_totals->setObjectName(QStringLiteral("invoiceTotals"));
    m_totals->setTextFormat(Qt::PlainText);
    m_totals->setWordWrap(true);
    m_totals->setMinimumHeight(m_totals->fontMetrics().lineSpacing() * 2);
    m_totals->setAccessibleName(tr("Invoice totals"));
    form()->addRow(tr("Totals"), m_totals);

    connect(m_currency, &QComboBox::currentIndexChanged, this, [this] {
        fillPrices();
        refresh();
    });
    connect(m_addPrice, &QPushButton::clicked, this, &CreateInvoiceDialog::addPriceLine);
    connect(m_addCustom, &QPushButton::clicked, this, &CreateInvoiceDialog::addCustomLine);
    connect(m_amount, &QLineEdit::returnPressed, this, &CreateInvoiceDialog::addCustomLine);
    connect(m_removeLine, &QPushButton::clicked, this, &CreateInvoiceDialog::removeLine);
    connect(m_lines, &QTableWidget::itemSelectionChanged, this, [this] {
        m_removeLine->setEnabled(!m_planLines.isEmpty() && m_lines->currentRow() >= 0);
    });
    connect(m_collection, &QComboBox::currentIndexChanged, this, &CreateInvoiceDialog::refresh);
    connect(m_days, &QSpinBox::valueChanged, this, &CreateInvoiceDialog::refresh);
    connect(m_after, &QComboBox::currentIndexChanged, this, &CreateInvoiceDialog::formChanged);
    connect(m_memo, &QLineEdit::textChanged, this, &CreateInvoiceDialog::formChanged);

    fillPrices();
    if (customer.value(QStringLiteral("deleted")).toBool())
        setBlocked(tr("The customer is deleted."));
    refresh();
}

void CreateInvoiceDialog::fillPrices()
{
    const QString currency = m_currency->currentData().toString();
    m_price->clear();
    for (const models::invoiceplan::PriceChoice &p : std::as_const(m_allPrices))
        if (p.currency == currency)
            m_price->addItem(p.label, p.id);
    const bool any = m_price->count() > 0;
    if (!any)
        m_price->addItem(tr("No one-time prices in %1").arg(currency.toUpper()));
    m_price->setEnabled(any);
    m_quantity->setEnabled(any);
    m_addPrice->setEnabled(any);
}

void CreateInvoiceDialog::addPriceLine()
{
    clearProblem();
    if (m_planLines.size() >= MaxLines)
        return showProblem(QStringLiteral("lines"),
                           tr("Stripe puts at most %1 lines on one invoice.").arg(MaxLines));
    const QString id = m_price->currentData().toString();
    for (const models::invoiceplan::PriceChoice &p : std::as_const(m_allPrices)) {
        if (p.id != id)
            continue;
        models::invoiceplan::Line l;
        l.price = p.id;
        l.quantity = m_quantity->value();
        l.unitAmount = p.unitAmount;
        l.description = p.label;
        m_planLines.append(l);
        refresh();
        m_lines->selectRow(int(m_planLines.size()) - 1);
        return;
    }
    showProblem(QStringLiteral("price"), tr("Choose a one-time price from the catalogue."));
}

void CreateInvoiceDialog::addCustomLine()
{
    clearProblem();
    if (m_planLines.size() >= MaxLines)
        return showProblem(QStringLiteral("lines"),
                           tr("Stripe puts at most %1 lines on one invoice.").arg(MaxLines));
    const QString description = m_description->text().trimmed();
    if (description.isEmpty())
        return showProblem(QStringLiteral("description"),
                           tr("A custom line needs a description the customer will read."));
    const QString currency = m_currency->currentData().toString();
    const models::MoneyParseResult m = models::Money::parse(m_amount->text(), currency);
    if (!m.ok())
        return showProblem(QStringLiteral("amount"), m.message);
    if (m.value->minorUnits() <= 0)
        return showProblem(QStringLiteral("amount"), tr("A line's amount must be more than zero."));
    models::invoiceplan::Line l;
    l.description = description;
    l.amount = m.value->minorUnits();
    m_planLines.append(l);
    m_description->clear();
    m_amount->clear();
    refresh();
    m_lines->selectRow(int(m_planLines.size()) - 1);
    m_description->setFocus(Qt::OtherFocusReason);
}

void CreateInvoiceDialog::removeLine()
{
    const int r = m_lines->currentRow();
    if (r < 0 || r >= m_planLines.size())
        return;
    m_planLines.removeAt(r);
    refresh();
    if (!m_planLines.isEmpty())
        m_lines->selectRow(std::min(r, int(m_planLines.size()) - 1));
}

models::invoiceplan::Plan CreateInvoiceDialog::plan() const
{
    models::invoiceplan::Plan p;
    p.customer = m_customerId;
    p.currency = m_currency->currentData().toString();
    p.lines = m_planLines;
    const bool send = m_collection->currentData().toString() == QLatin1String("send_invoice");
    p.daysUntilDue = send ? m_days->value() : -1;
    p.memo = m_memo->text().trimmed();
    p.footer = m_footer->text().trimmed();
    const QString after = m_after->currentData().toString();
    p.finalize = after != QLatin1String("draft");
    p.send = after == QLatin1String("send");
    p.pay = after == QLatin1String("pay");
    return p;
}

void CreateInvoiceDialog::refresh()
{
    const QString currency = m_currency->currentData().toString();
    // The currency stays as the lines were read in.
    if (!m_fixedCurrency)
        m_currency->setEnabled(m_currency->count() > 1 && m_planLines.isEmpty());
    const int selected = m_lines->currentRow();
    const QSignalBlocker rebuilding(m_lines);
    m_lines->setRowCount(int(m_planLines.size()));
    for (int r = 0; r < m_planLines.size(); ++r) {
        const models::invoiceplan::Line &l = m_planLines.at(r);
        const qint64 amount = l.custom() ? l.amount : l.unitAmount * l.quantity;
        const QStringList cells {l.description, QString::number(l.quantity),
                                 money(amount, currency)};
        for (int c = 0; c < 3; ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_lines->setItem(r, c, item);
        }
    }
    if (selected >= 0 && selected < m_lines->rowCount())
        m_lines->selectRow(selected);
    m_removeLine->setEnabled(!m_planLines.isEmpty() && m_lines->currentRow() >= 0);

    const bool send = m_collection->currentData().toString() == QLatin1String("send_invoice");
    m_days->setEnabled(send);
    {
        const QString was = m_after->currentData().toString();
        const QSignalBlocker b(m_after);
        m_after->clear();
        m_after->addItem(tr("Keep it as a draft"), QStringLiteral("draft"));
        m_after->addItem(tr("Finalize it"), QStringLiteral("finalize"));
        if (send)
            m_after->addItem(tr("Finalize and email it to the customer"), QStringLiteral("send"));
        else
            m_after->addItem(tr("Finalize and charge it now"), QStringLiteral("pay"));
        m_after->setCurrentIndex(std::max(0, m_after->findData(was)));
    }

    const models::invoiceplan::Plan p = plan();
    const models::invoiceplan::Totals t = models::invoiceplan::totals(p);
    if (p.lines.isEmpty()) {
        m_totals->setText(tr("No lines yet: add a price or a custom line."));
    } else {
        QString text = tr("%n line(s) · Subtotal %1 · Total %2 · Amount due %2", nullptr,
                          int(p.lines.size()))
                           .arg(money(t.subtotal, currency), money(t.total, currency));
        if (send)
            text += u'\n'
                + tr("Due %1 (in %n day(s) from today).", nullptr, m_days->value())
                      .arg(QLocale().toString(QDate::currentDate().addDays(m_days->value()),
                                              QStringLiteral("d MMM yyyy")));
        else
            text += u'\n' + tr("Charged to the customer's default payment method.");
        m_totals->setText(text);
    }
    formChanged();
}

QString CreateInvoiceDialog::summary() const
{
    const models::invoiceplan::Plan p = plan();
    const models::invoiceplan::Totals t = models::invoiceplan::totals(p);
    return tr("invoice %1 for %2 (%n line(s))", nullptr, int(p.lines.size()))
        .arg(money(t.total, p.currency), m_customerLabel);
}

models::InputProblem CreateInvoiceDialog::prepare(models::OutboxAction *action)
{
    models::invoiceplan::Plan p = plan();
    if (!models::currency::isValidCode(p.currency))
        return {QStringLiteral("currency"), tr("Choose the invoice's currency.")};
    if (p.lines.isEmpty())
        return {QStringLiteral("lines"),
                tr("An invoice needs at least one line: add a price or a custom line.")};
    if (p.daysUntilDue > 1825)
        return {QStringLiteral("days_until_due"),
                tr("Stripe lets an invoice fall due at most five years (1825 days) ahead.")};
    // The same invoice asked for again (a window killed part way, a refused step retried) goes
    // on from the first step Stripe has not confirmed: one invoice, each step once.
    p.intent
        = models::invoiceplan::intentOf(p, m_again.isEmpty() ? QStringLiteral("window") : m_again);
    m_sending = p;
    m_invoiceId.clear();
    m_invoice = {};
    m_resume = -1;
    const qint64 since = QDateTime::currentSecsSinceEpoch() - 24 * 3600;
    const int total = models::invoiceplan::stepCount(p);
    for (m_done = 0; m_done < total; ++m_done) {
        const models::OutboxEntry done
            = outbox()->lastSucceeded(stepAction(m_done).intent, {}, since);
        if (done.id == 0)
            break;
        if (m_done == 0) {
            m_invoice = QJsonDocument::fromJson(done.response).object();
            m_invoiceId = m_invoice.value(QStringLiteral("id")).toString();
        }
    }
    if (m_done == total) {
        m_again = QStringLiteral("again ") + QString::number(QDateTime::currentMSecsSinceEpoch());
        const QString made = m_invoiceId;
        m_done = 0;
        m_invoiceId.clear();
        return {
            QStringLiteral("lines"),
            tr("This invoice was made already (%1). Confirm again to make another one.").arg(made)};
    }
    const models::OutboxAction step = stepAction(m_done);
    // Only the unfinished entries of this action on this object are read, not the whole outbox.
    for (const models::OutboxEntry &e : outbox()->unfinished(
             step.action, step.objectId.isEmpty() ? QStringLiteral("") : step.objectId))
        if (e.intent == step.intent)
            m_resume = e.id;
    *action = step;
    return {};
}

models::OutboxAction CreateInvoiceDialog::stepAction(int step) const
{
    const qsizetype lines = m_sending.lines.size();
    if (step == 0)
        return models::invoiceplan::createDraft(m_sending);
    if (step <= lines)
        return models::invoiceplan::addLine(m_sending, m_invoiceId, step - 1);
    return models::invoiceplan::laterStep(
        m_sending, m_invoiceId, models::invoiceplan::laterSteps(m_sending).at(step - 1 - lines));
}

bool CreateInvoiceDialog::nextStep(const QJsonObject &answer, models::OutboxAction *next)
{
    ++m_done;
    m_resume = -1;
    if (answer.value(QStringLiteral("object")).toString() == QLatin1String("invoice")) {
        m_invoice = answer;
        m_invoiceId = answer.value(QStringLiteral("id")).toString();
    }
    if (m_done >= models::invoiceplan::stepCount(m_sending))
        return false;
    *next = stepAction(m_done);
    return true;
}

QJsonObject CreateInvoiceDialog::finalResult(const QJsonObject &lastAnswer) const
{
    return lastAnswer.value(QStringLiteral("object")).toString() == QLatin1String("invoice")
        ? lastAnswer
        : m_invoice;
}

QString CreateInvoiceDialog::stepName(int step) const
{
    const qsizetype lines = m_sending.lines.size();
    if (step == 0)
        return tr("creating the draft");
    if (step <= lines)
        return tr("adding line %1 of %2").arg(step).arg(lines);
    const QString verb = models::invoiceplan::laterSteps(m_sending).value(step - 1 - int(lines));
    return verb == QLatin1String("send") ? tr("emailing it to the customer")
        : verb == QLatin1String("pay")   ? tr("charging it")
                                         : tr("finalizing it");
}

QString CreateInvoiceDialog::stepText() const
{
    return tr("Step %1 of %2: %3…")
        .arg(m_done + 1)
        .arg(models::invoiceplan::stepCount(m_sending))
        .arg(stepName(m_done));
}

QString CreateInvoiceDialog::stoppedText() const
{
    return tr("Invoice %1 was created and %2 of its %3 steps succeeded; \"%4\" was not done and "
              "nothing after it was sent. The Invoices page shows the invoice as Stripe has it: "
              "finish it there, or void or delete it.")
        .arg(m_invoiceId)
        .arg(m_done)
        .arg(models::invoiceplan::stepCount(m_sending))
        .arg(stepName(m_done));
}

} // namespace paydesk::ui
