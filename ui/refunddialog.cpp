#include "ui/refunddialog.h"

#include "models/currency.h"
#include "models/money.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace paydesk::ui {

RefundDialog::RefundDialog(const models::RefundTarget &target, qint64 threshold,
                           const Options &options, QWidget *parent)
    : ActionDialog(tr("Refund payment"), tr("Refund"), options, parent)
    , m_target(target)
    , m_amount(new QLineEdit(this))
    , m_againLabel(new QLabel(tr("Amount again"), this))
    , m_again(new QLineEdit(this))
    , m_reason(new QComboBox(this))
    , m_metadata(new QPlainTextEdit(this))
    , m_repeat(new QLabel(this))
{
    setObjectName(QStringLiteral("refundDialog"));
    // The threshold in the payment's own minor units: 500 means ¥500 and $500.00.
    qint64 scale = 1;
    for (int i = 0; i < models::currency::decimals(target.currency); ++i)
        scale *= 10;
    m_thresholdMinor = threshold > 0 ? threshold * scale : 0;

    auto money = [&](qint64 minor) {
        return models::Money(minor, target.currency).toString(m_locale);
    };
    auto addInfo = [&](const QString &label, const QString &value, const char *name) {
        auto *l = new QLabel(value, this);
        l->setObjectName(QString::fromLatin1(name));
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form()->addRow(label, l);
    };
    addInfo(tr("Payment"),
            target.chargeId
                + (target.description.isEmpty() ? QString()
                                                : QStringLiteral(" · ") + target.description),
            "refundPayment");
    if (!target.customerLabel.isEmpty() || !target.customerId.isEmpty())
        addInfo(tr("Customer"),
                target.customerLabel.isEmpty() ? target.customerId : target.customerLabel,
                "refundCustomer");
    addInfo(tr("Paid"), money(target.amount), "refundPaid");
    addInfo(tr("Refunded already"), money(target.refunded), "refundAlready");
    addInfo(tr("Refundable"), money(target.refundable()), "refundRefundable");

    m_amount->setObjectName(QStringLiteral("refundAmount"));
    m_amount->setPlaceholderText(tr("%1 (everything left)").arg(money(target.refundable())));
    form()->addRow(tr("Amount (%1)").arg(models::currency::normalized(target.currency)), m_amount);
    registerField(QStringLiteral("amount"), m_amount);
    m_again->setObjectName(QStringLiteral("refundAmountAgain"));
    m_again->setPlaceholderText(tr("Type the amount again to confirm"));
    form()->addRow(m_againLabel, m_again);
    registerField(QStringLiteral("amountAgain"), m_again);

    m_reason->setObjectName(QStringLiteral("refundReason"));
    m_reason->addItem(tr("No reason given"), QString());
    m_reason->addItem(tr("Requested by customer"), QStringLiteral("requested_by_customer"));
    m_reason->addItem(tr("Duplicate"), QStringLiteral("duplicate"));
    m_reason->addItem(tr("Fraudulent"), QStringLiteral("fraudulent"));
    form()->addRow(tr("Reason"), m_reason);
    registerField(QStringLiteral("reason"), m_reason);

    m_metadata->setObjectName(QStringLiteral("refundMetadata"));
    m_metadata->setPlaceholderText(tr("key=value, one per line (optional)"));
    m_metadata->setTabChangesFocus(true);
    m_metadata->setFixedHeight(m_metadata->fontMetrics().lineSpacing() * 4 + 12);
    form()->addRow(tr("Metadata"), m_metadata);
    registerField(QStringLiteral("metadata"), m_metadata);

    // The same amount refunded on this payment in the last 24 hours: say so before it is
    // refunded twice (a retried ticket, a double click in another tool).
    m_repeat->setObjectName(QStringLiteral("refundRepeatWarning"));
    m_repeat->setWordWrap(true);
    m_repeat->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_repeat->setStyleSheet(QStringLiteral("QLabel { color: palette(window-text); background: "
                                           "rgba(230, 160, 0, 0.22); border-left: 3px solid "
                                           "#d08a00; padding: 6px; }"));
    m_repeat->setAccessibleName(tr("Warning: refunded already"));
    m_repeat->hide();
    form()->addRow(m_repeat);

    connect(m_amount, &QLineEdit::textChanged, this, &RefundDialog::update);
    requireExplicitConfirm();
    m_amount->setFocus(Qt::OtherFocusReason);
    update();
    if (target.status != QLatin1String("succeeded"))
        setBlocked(
            tr("Only a succeeded payment can be refunded (this one is %1).").arg(target.status));
    else if (target.refundable() <= 0)
        setBlocked(tr("This payment has been refunded in full."));
    else if (target.disputed)
        setBlocked(tr("This payment is disputed: respond to the dispute instead of refunding."));
}

qint64 RefundDialog::typedAmount() const
{
    if (m_amount->text().trimmed().isEmpty())
        return m_target.refundable();
    const models::MoneyParseResult r
        = models::Money::parse(m_amount->text(), m_target.currency, m_locale);
    return r.ok() ? r.value->minorUnits() : -1;
}

bool RefundDialog::needsAmountAgain() const
{
    return m_thresholdMinor > 0 && typedAmount() >= m_thresholdMinor;
}

void RefundDialog::update()
{
    const bool again = needsAmountAgain();
    m_again->setVisible(again);
    m_againLabel->setVisible(again);
    // The button says what it does: "Refund €45.00".
    const qint64 amount = typedAmount();
    // Never more than can be refunded: an amount above it names nothing (and is refused).
    confirmButton()->setText(
        amount > 0 && amount <= m_target.refundable()
            ? tr("Refund %1").arg(models::Money(amount, m_target.currency).toString(m_locale))
            : tr("Refund"));
    const models::RecentRefund *same = nullptr;
    for (const models::RecentRefund &r : std::as_const(m_target.recent))
        if (r.amount == amount && !same)
            same = &r;
    if (same) {
        const qint64 minutes
            = std::max<qint64>(0, (QDateTime::currentSecsSinceEpoch() - same->created) / 60);
        const qint64 hours = minutes / 60;
        const QString ago = minutes < 1 ? tr("just now")
            : minutes < 60 ? (minutes == 1 ? tr("1 minute ago") : tr("%1 minutes ago").arg(minutes))
                           : (hours == 1 ? tr("1 hour ago") : tr("%1 hours ago").arg(hours));
        m_repeat->setText(
            tr("%1 was refunded on this payment %2 (%3, %4). Refunding the same "
               "amount again makes a second refund.")
                .arg(models::Money(same->amount, m_target.currency).toString(m_locale), ago,
                     same->id,
                     m_locale.toString(QDateTime::fromSecsSinceEpoch(same->created),
                                       QLocale::ShortFormat)));
    }
    m_repeat->setVisible(same != nullptr);
    // The dialog grows to show the warning whole (a wrapped label gets no room of its own).
    if (same && isVisible()) {
        layout()->activate();
        const int needed = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                                         : layout()->totalSizeHint().height();
        if (needed > height())
            resize(width(), needed);
    }
    formChanged();
}

QString RefundDialog::summary() const
{
    const qint64 amount = typedAmount();
    const QString money = amount >= 0 ? models::Money(amount, m_target.currency).toString(m_locale)
                                      : tr("the amount typed");
    const QString who
        = m_target.customerLabel.isEmpty() ? m_target.customerId : m_target.customerLabel;
    return who.isEmpty() ? tr("refund %1 of %2").arg(money, m_target.chargeId)
                         : tr("refund %1 to %2").arg(money, who);
}

void RefundDialog::presetReason(const QString &reason)
{
    if (const int i = m_reason->findData(reason); i >= 0)
        m_reason->setCurrentIndex(i);
}

models::InputProblem RefundDialog::prepare(models::OutboxAction *action)
{
    qint64 amount = 0;
    models::InputProblem p = models::staffinput::refundAmount(
        m_amount->text(), m_target.currency, m_target.refundable(), &amount, m_locale);
    if (!p.ok())
        return p;
    if (m_thresholdMinor > 0 && amount >= m_thresholdMinor) {
        qint64 again = -1;
        const models::MoneyParseResult r
            = models::Money::parse(m_again->text(), m_target.currency, m_locale);
        if (r.ok())
            again = r.value->minorUnits();
        if (again != amount)
            return {QStringLiteral("amountAgain"),
                    tr("This refund is %1 or more: type the amount (%2) again to confirm it.")
                        .arg(models::Money(m_thresholdMinor, m_target.currency).toString(m_locale),
                             models::Money(amount, m_target.currency).toString(m_locale))};
    }
    const QString reason = m_reason->currentData().toString();
    if (p = models::staffinput::refundReason(reason); !p.ok())
        return p;
    QMap<QString, QString> metadata;
    if (p = models::staffinput::metadataLines(m_metadata->toPlainText().split(u'\n'), &metadata);
        !p.ok())
        return p;
    *action = models::staffactions::refund(m_target, amount, reason, metadata);
    return {};
}

} // namespace paydesk::ui
