#include "models/actions/staffinput.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

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

InputProblem quantity(const QString &text, qint64 *quantity)
{
    bool ok = false;
    const qint64 n = text.trimmed().toLongLong(&ok);
    if (!ok)
        return {QStringLiteral("quantity"), tr("The quantity is a whole number, such as 3.")};
    if (n <= 0)
        return {QStringLiteral("quantity"),
                tr("The quantity must be at least 1; to stop billing an item, remove it or "
                   "cancel the subscription.")};
    if (n > 10000000)
        return {QStringLiteral("quantity"), tr("The quantity is more than 10,000,000.")};
    *quantity = n;
    return {};
}

InputProblem prorationBehavior(const QString &behavior)
{
    if (behavior == QLatin1String("create_prorations") || behavior == QLatin1String("none")
        || behavior == QLatin1String("always_invoice"))
        return {};
    return {QStringLiteral("proration"),
            tr("The proration must be create_prorations, none or always_invoice.")};
}

InputProblem pauseBehavior(const QString &behavior)
{
    if (behavior == QLatin1String("keep_as_draft")
        || behavior == QLatin1String("mark_uncollectible") || behavior == QLatin1String("void"))
        return {};
    return {QStringLiteral("behavior"),
            behavior.isEmpty()
                ? tr("Choose what happens to invoices while collection is paused: keep_as_draft, "
                     "mark_uncollectible or void.")
                : tr("The pause behaviour must be keep_as_draft, mark_uncollectible or void.")};
}

InputProblem dateTime(const QString &field, const QString &text, qint64 *time)
{
    const QString t = text.trimmed();
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    QDateTime parsed;
    if (dateOnly.match(t).hasMatch()) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (d.isValid())
            parsed = d.startOfDay(QTimeZone::utc());
    } else {
        parsed = QDateTime::fromString(t, Qt::ISODate);
        if (parsed.isValid() && parsed.timeSpec() == Qt::LocalTime)
            parsed.setTimeZone(QTimeZone::utc());
    }
    if (!parsed.isValid())
        return {
            field,
            tr("\"%1\" is not a date (YYYY-MM-DD) or an ISO 8601 date and time.").arg(t.left(40))};
    *time = parsed.toSecsSinceEpoch();
    return {};
}

InputProblem resumesAt(qint64 time, qint64 now)
{
    if (time != 0 && time <= now)
        return {QStringLiteral("resumes_at"),
                tr("Collection can only resume by itself at a time in the future.")};
    return {};
}

InputProblem trialEnd(qint64 time, qint64 now)
{
    if (time <= now)
        return {QStringLiteral("trial_end"),
                tr("A trial can only be extended to a time in the future; to end it, end it "
                   "now.")};
    const qint64 limit
        = QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).addYears(2).toSecsSinceEpoch();
    if (time > limit)
        return {QStringLiteral("trial_end"),
                tr("Stripe allows a trial to end at most two years from now.")};
    return {};
}

const QStringList &cancellationFeedbackValues()
{
    static const QStringList values {
        QStringLiteral("too_expensive"),    QStringLiteral("missing_features"),
        QStringLiteral("switched_service"), QStringLiteral("unused"),
        QStringLiteral("customer_service"), QStringLiteral("too_complex"),
        QStringLiteral("low_quality"),      QStringLiteral("other")};
    return values;
}

InputProblem cancellationFeedback(const QString &feedback)
{
    if (feedback.isEmpty() || cancellationFeedbackValues().contains(feedback))
        return {};
    return {QStringLiteral("feedback"),
            tr("The feedback must be one of %1.")
                .arg(cancellationFeedbackValues().join(QStringLiteral(", ")))};
}

InputProblem cancellationComment(const QString &comment)
{
    if (comment.size() > 5000)
        return {QStringLiteral("comment"), tr("The reason is longer than 5000 characters.")};
    return {};
}

} // namespace paydesk::models::staffinput
