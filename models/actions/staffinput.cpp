#include "models/actions/staffinput.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace paydesk::models::staffinput {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StaffInput", text);
}

} // namespace

InputProblem refundAmount(const QString &text, const QString &currency, qint64 refundable,
                          qint64 *amount, const QLocale &locale)
{
    const QString field = QStringLiteral("amount");
    if (refundable <= 0)
        return {field, tr("Nothing is left to refund on this payment.")};
    if (text.trimmed().isEmpty()) {
        *amount = refundable;
        return {};
    }
    const MoneyParseResult parsed = Money::parse(text, currency, locale);
    if (!parsed.ok())
        return {field, parsed.message};
    const qint64 minor = parsed.value->minorUnits();
    if (minor <= 0)
        return {field, tr("A refund must be more than zero.")};
    if (minor > refundable)
        return {
            field,
            tr("At most %1 can be refunded.")
                .arg(locale.language() == QLocale::C
                         ? Money(refundable, currency).toDecimalString() + u' ' + currency.toUpper()
                         : Money(refundable, currency).toString(locale))};
    *amount = minor;
    return {};
}

InputProblem refundReason(const QString &reason)
{
    static const QStringList reasons {QStringLiteral("duplicate"), QStringLiteral("fraudulent"),
                                      QStringLiteral("requested_by_customer")};
    if (reason.isEmpty() || reasons.contains(reason))
        return {};
    return {QStringLiteral("reason"),
            tr("The reason must be duplicate, fraudulent or requested_by_customer.")};
}

InputProblem email(const QString &text, bool required)
{
    const QString value = text.trimmed();
    if (value.isEmpty())
        return required ? InputProblem {QStringLiteral("email"), tr("Enter an email address.")}
                        : InputProblem {};
    // One @, something before it, a dot in the domain, no spaces: what Stripe checks too.
    static const QRegularExpression form(QStringLiteral("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$"));
    if (value.size() > 512 || !form.match(value).hasMatch())
        return {QStringLiteral("email"), tr("This is not an email address.")};
    return {};
}

InputProblem metadata(const QMap<QString, QString> &values)
{
    const QString field = QStringLiteral("metadata");
    if (values.size() > 50)
        return {field, tr("Stripe keeps at most 50 metadata keys.")};
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const QString &key = it.key();
        if (key.trimmed().isEmpty())
            return {field, tr("A metadata key is empty.")};
        if (key.size() > 40)
            return {field,
                    tr("The metadata key \"%1…\" is longer than 40 characters.").arg(key.left(20))};
        if (key.contains(u'[') || key.contains(u']'))
            return {field, tr("The metadata key \"%1\" contains square brackets.").arg(key)};
        if (it.value().size() > 500)
            return {field, tr("The value of \"%1\" is longer than 500 characters.").arg(key)};
    }
    return {};
}

InputProblem customer(const CustomerFields &f, bool create)
{
    if (const InputProblem p = email(f.email, create); !p.ok())
        return p;
    if (f.name.size() > 256)
        return {QStringLiteral("name"), tr("The name is longer than 256 characters.")};
    if (!f.phone.isEmpty()) {
        // Digits with the usual separators; Stripe stores the text but a typo here is a lost
        // customer call.
        static const QRegularExpression phone(QStringLiteral("^\\+?[0-9 ()./-]{4,30}$"));
        if (!phone.match(f.phone.trimmed()).hasMatch())
            return {QStringLiteral("phone"),
                    tr("A phone number has digits, spaces, ( ) . - / and an optional leading +.")};
    }
    if (f.description.size() > 350)
        return {QStringLiteral("description"),
                tr("The description is longer than 350 characters.")};
    if (!f.country.isEmpty()) {
        static const QRegularExpression iso(QStringLiteral("^[A-Z]{2}$"));
        if (!iso.match(f.country).hasMatch())
            return {QStringLiteral("country"),
                    tr("The country is a two-letter ISO code such as DE or US.")};
    }
    return metadata(f.metadata);
}

InputProblem metadataLines(const QStringList &lines, QMap<QString, QString> *metadata)
{
    metadata->clear();
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            return {QStringLiteral("metadata"),
                    tr("Metadata is written key=value; \"%1\" is not.").arg(line.left(40))};
        const QString key = line.left(eq).trimmed();
        if (metadata->contains(key))
            return {QStringLiteral("metadata"),
                    tr("The metadata key \"%1\" is given twice.").arg(key)};
        metadata->insert(key, line.mid(eq + 1).trimmed());
    }
    return staffinput::metadata(*metadata);
}

} // namespace paydesk::models::staffinput
