#include "ui/cancelsubscriptiondialog.h"

#include "models/actions/staffactions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>

namespace paydesk::ui {

CancelSubscriptionDialog::CancelSubscriptionDialog(const QJsonObject &subscription,
                                                   const QString &customerLabel,
                                                   const Options &options, QWidget *parent)
    : ActionDialog(subscription.value(QStringLiteral("cancel_at_period_end")).toBool()
                       ? tr("Keep subscription")
                       : tr("Cancel subscription"),
                   subscription.value(QStringLiteral("cancel_at_period_end")).toBool()
                       ? tr("Keep subscription")
                       : tr("Cancel subscription"),
                   options, parent)
    , m_sub(subscription)
    , m_id(subscription.value(QStringLiteral("id")).toString())
    , m_customer(customerLabel)
    , m_undo(subscription.value(QStringLiteral("cancel_at_period_end")).toBool())
{
    setObjectName(QStringLiteral("cancelSubscriptionDialog"));
    // "Cancel" beside "Cancel subscription" would be read both ways.
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    const QLocale locale;
    const QString periodEnd
        = locale.toString(QDateTime::fromSecsSinceEpoch(
                              subscription.value(QStringLiteral("current_period_end")).toInteger())
                              .date(),
                          QStringLiteral("d MMMM yyyy"));
    auto *who = new QLabel(tr("%1 · %2").arg(m_id, customerLabel.toHtmlEscaped()), this);
    who->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form()->addRow(tr("Subscription"), who);
    const QString status = subscription.value(QStringLiteral("status")).toString();
    if (m_undo) {
        auto *text = new QLabel(
            tr("This subscription ends on %1. Keeping it removes the scheduled cancellation: it "
               "renews as before.")
                .arg(periodEnd),
            this);
        text->setWordWrap(true);
        form()->addRow(text);
    } else {
        m_atEnd
            = new QRadioButton(tr("At the end of the current period (%1)").arg(periodEnd), this);
        m_atEnd->setObjectName(QStringLiteral("cancelAtPeriodEnd"));
        m_now = new QRadioButton(tr("Now"), this);
        m_now->setObjectName(QStringLiteral("cancelNow"));
        m_atEnd->setChecked(true);
        m_prorate = new QCheckBox(tr("Credit the unused time (prorate)"), this);
        m_prorate->setObjectName(QStringLiteral("cancelProrate"));
        m_invoiceNow = new QCheckBox(tr("Invoice the credit and pending usage now"), this);
        m_invoiceNow->setObjectName(QStringLiteral("cancelInvoiceNow"));
        form()->addRow(tr("When"), m_atEnd);
        form()->addRow(QString(), m_now);
        form()->addRow(QString(), m_prorate);
        form()->addRow(QString(), m_invoiceNow);
        registerField(QStringLiteral("prorate"), m_prorate);
        m_feedback = new QComboBox(this);
        m_feedback->setObjectName(QStringLiteral("cancelFeedback"));
        m_feedback->addItem(tr("Not given"), QString());
        const QHash<QString, QString> names {
            {QStringLiteral("too_expensive"), tr("It's too expensive")},
            {QStringLiteral("missing_features"), tr("Some features are missing")},
            {QStringLiteral("switched_service"), tr("Switched to another service")},
            {QStringLiteral("unused"), tr("Not used enough")},
            {QStringLiteral("customer_service"), tr("Customer service was poor")},
            {QStringLiteral("too_complex"), tr("Ease of use was poor")},
            {QStringLiteral("low_quality"), tr("Quality was poor")},
            {QStringLiteral("other"), tr("Other reason")}};
        for (const QString &v : models::staffinput::cancellationFeedbackValues())
            m_feedback->addItem(names.value(v, v), v);
        form()->addRow(tr("Customer feedback"), m_feedback);
        registerField(QStringLiteral("feedback"), m_feedback);
        m_comment = new QLineEdit(this);
        m_comment->setObjectName(QStringLiteral("cancelComment"));
        m_comment->setPlaceholderText(tr("Why it is cancelled (kept with the subscription)"));
        m_comment->setMaxLength(5000);
        form()->addRow(tr("Reason"), m_comment);
        registerField(QStringLiteral("comment"), m_comment);
        auto sync = [this] {
            m_prorate->setEnabled(m_now->isChecked());
            m_invoiceNow->setEnabled(m_now->isChecked() && m_prorate->isChecked());
            if (!m_invoiceNow->isEnabled())
                m_invoiceNow->setChecked(false);
            formChanged();
        };
        connect(m_now, &QRadioButton::toggled, this, sync);
        connect(m_prorate, &QCheckBox::toggled, this, sync);
        sync();
    }
    if (status == QLatin1String("canceled") || status == QLatin1String("incomplete_expired"))
        setBlocked(tr("This subscription has ended already."));
    formChanged();
}

QString CancelSubscriptionDialog::summary() const
{
    if (m_undo)
        return tr("keep subscription %1 of %2").arg(m_id, m_customer);
    return m_now && m_now->isChecked()
        ? tr("cancel subscription %1 of %2 now").arg(m_id, m_customer)
        : tr("cancel subscription %1 of %2 at the end of its period").arg(m_id, m_customer);
}

models::InputProblem CancelSubscriptionDialog::prepare(models::OutboxAction *action)
{
    if (m_undo) {
        *action = models::staffactions::setCancelAtPeriodEnd(m_id, false);
        return {};
    }
    const models::staffactions::CancellationDetails details {m_feedback->currentData().toString(),
                                                             m_comment->text()};
    if (const models::InputProblem p = models::staffinput::cancellationComment(details.comment);
        !p.ok())
        return p;
    if (m_now->isChecked())
        *action = models::staffactions::cancelSubscriptionNow(m_id, m_prorate->isChecked(),
                                                              m_invoiceNow->isChecked(), details);
    else
        *action = models::staffactions::setCancelAtPeriodEnd(m_id, true, details);
    return {};
}

} // namespace paydesk::ui
