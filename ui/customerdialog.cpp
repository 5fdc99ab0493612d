#include "ui/customerdialog.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace paydesk::ui {

namespace {

struct Field
{
    const char *name;
    const char *label;
    QString models::CustomerFields::*member;
};

const Field kFields[] = {
    {"name", QT_TRANSLATE_NOOP("CustomerDialog", "Name"), &models::CustomerFields::name},
    {"email", QT_TRANSLATE_NOOP("CustomerDialog", "Email"), &models::CustomerFields::email},
    {"phone", QT_TRANSLATE_NOOP("CustomerDialog", "Phone"), &models::CustomerFields::phone},
    {"description", QT_TRANSLATE_NOOP("CustomerDialog", "Description"),
     &models::CustomerFields::description},
    {"line1", QT_TRANSLATE_NOOP("CustomerDialog", "Address"), &models::CustomerFields::line1},
    {"line2", QT_TRANSLATE_NOOP("CustomerDialog", "Address line 2"),
     &models::CustomerFields::line2},
    {"city", QT_TRANSLATE_NOOP("CustomerDialog", "City"), &models::CustomerFields::city},
    {"postal_code", QT_TRANSLATE_NOOP("CustomerDialog", "Postal code"),
     &models::CustomerFields::postalCode},
    {"state", QT_TRANSLATE_NOOP("CustomerDialog", "State / region"),
     &models::CustomerFields::state},
    {"country", QT_TRANSLATE_NOOP("CustomerDialog", "Country (ISO code)"),
     &models::CustomerFields::country},
};

QString metadataText(const QMap<QString, QString> &m)
{
    QStringList lines;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        lines.append(it.key() + u'=' + it.value());
    return lines.join(u'\n');
}

} // namespace

CustomerDialog::CustomerDialog(const QString &id, const models::CustomerFields &current,
                               const Options &options, QWidget *parent)
    : ActionDialog(id.isEmpty() ? tr("New customer") : tr("Edit customer"),
                   id.isEmpty() ? tr("Create customer") : tr("Save changes"), options, parent)
    , m_id(id)
    , m_before(current)
    , m_metadata(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("customerDialog"));
    if (!id.isEmpty()) {
        auto *idLabel = new QLabel(id, this);
        idLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form()->addRow(tr("Customer"), idLabel);
    }
    for (const Field &f : kFields) {
        auto *edit = new QLineEdit(current.*(f.member), this);
        const QString name = QString::fromLatin1(f.name);
        edit->setObjectName(QStringLiteral("customer_") + name);
        form()->addRow(tr(f.label), edit);
        m_edits.insert(name, edit);
        registerField(name == QLatin1String("postal_code") ? QStringLiteral("postalCode") : name,
                      edit);
        connect(edit, &QLineEdit::textChanged, this, &CustomerDialog::formChanged);
    }
    m_edits.value(QStringLiteral("email"))->setPlaceholderText(tr("name@example.com"));
    m_edits.value(QStringLiteral("country"))->setPlaceholderText(tr("DE, US, JP, …"));
    m_edits.value(QStringLiteral("country"))->setMaxLength(2);
    m_metadata->setObjectName(QStringLiteral("customer_metadata"));
    m_metadata->setPlaceholderText(tr("key=value, one per line"));
    m_metadata->setTabChangesFocus(true);
    m_metadata->setPlainText(metadataText(current.metadata));
    m_metadata->setFixedHeight(m_metadata->fontMetrics().lineSpacing() * 4 + 12);
    form()->addRow(tr("Metadata"), m_metadata);
    registerField(QStringLiteral("metadata"), m_metadata);
    m_edits.value(QStringLiteral("name"))->setFocus(Qt::OtherFocusReason);
    formChanged();
}

models::CustomerFields CustomerDialog::fields() const
{
    models::CustomerFields f;
    for (const Field &field : kFields)
        f.*(field.member) = m_edits.value(QString::fromLatin1(field.name))->text().trimmed();
    f.country = f.country.toUpper();
    models::staffinput::metadataLines(m_metadata->toPlainText().split(u'\n'), &f.metadata);
    return f;
}

QString CustomerDialog::summary() const
{
    const QString email = m_edits.value(QStringLiteral("email"))->text().trimmed();
    return m_id.isEmpty() ? tr("create the customer %1").arg(email)
                          : tr("change customer %1 (%2)").arg(m_id, email);
}

models::InputProblem CustomerDialog::prepare(models::OutboxAction *action)
{
    models::CustomerFields after = fields();
    models::InputProblem p = models::staffinput::metadataLines(
        m_metadata->toPlainText().split(u'\n'), &after.metadata);
    if (!p.ok())
        return p;
    if (p = models::staffinput::customer(after, m_id.isEmpty()); !p.ok())
        return p;
    if (m_id.isEmpty()) {
        *action = models::staffactions::createCustomer(after);
        return {};
    }
    if (after == m_before)
        return {QString(), tr("Nothing changed.")};
    *action = models::staffactions::updateCustomer(m_id, m_before, after);
    return {};
}

DeleteCustomerDialog::DeleteCustomerDialog(const QString &id, const QString &email,
                                           const QString &name, const Options &options,
                                           QWidget *parent)
    : ActionDialog(tr("Delete customer"), tr("Delete customer"), options, parent)
    , m_id(id)
    , m_label(name.isEmpty() ? (email.isEmpty() ? id : email) : name)
    , m_expected(email.isEmpty() ? id : email)
    , m_typed(new QLineEdit(this))
{
    setObjectName(QStringLiteral("deleteCustomerDialog"));
    auto *warning = new QLabel(
        tr("<b>%1</b> (%2) will be deleted at Stripe. Their subscriptions are canceled at once "
           "and this cannot be undone.")
            .arg(m_label.toHtmlEscaped(), id.toHtmlEscaped()),
        this);
    warning->setWordWrap(true);
    form()->addRow(warning);
    m_typed->setObjectName(QStringLiteral("deleteConfirmText"));
    m_typed->setPlaceholderText(m_expected);
    form()->addRow(tr("Type %1 to confirm").arg(m_expected), m_typed);
    registerField(QStringLiteral("typed"), m_typed);
    confirmButton()->setEnabled(false);
    requireExplicitConfirm();
    m_typed->setFocus(Qt::OtherFocusReason);
    connect(m_typed, &QLineEdit::textChanged, this, [this](const QString &text) {
        confirmButton()->setEnabled(text.trimmed() == m_expected && !isBlocked());
        formChanged();
    });
    formChanged();
}

QString DeleteCustomerDialog::summary() const
{
    return tr("delete the customer %1").arg(m_label);
}

models::InputProblem DeleteCustomerDialog::prepare(models::OutboxAction *action)
{
    if (m_typed->text().trimmed() != m_expected)
        return {QStringLiteral("typed"), tr("Type %1 exactly to confirm.").arg(m_expected)};
    *action = models::staffactions::deleteCustomer(m_id);
    return {};
}

} // namespace paydesk::ui
