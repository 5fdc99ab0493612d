#pragma once

#include "models/money.h"

#include <QJsonObject>
#include <QLocale>
#include <QMap>
#include <QString>

namespace paydesk::models {

// What is wrong with one field of a staff action's form; empty `message`: nothing.
struct InputProblem
{
    QString field; // "amount", "email", "metadata", …
    QString message;
    bool ok() const { return message.isEmpty(); }
};

// A customer's editable fields, as the customer dialog and `paydesk customer create` fill them.
struct CustomerFields
{
    QString name;
    QString email;
    QString phone;
    QString description;
    QString line1, line2, city, postalCode, state, country; // The address.
    QMap<QString, QString> metadata;

    static CustomerFields fromJson(const QJsonObject &customer);
    bool operator==(const CustomerFields &) const = default;
};

/*
 * The checks a staff action's input passes before anything is stored or sent: every rule of
 * the refund and customer forms, shared by the dialogs and the command line so that both
 * refuse the same input with the same words.
 */
namespace staffinput {

// A refund amount typed in `locale` for a payment in `currency` with `refundable` minor units
// left: empty means the whole refundable amount. Zero, negative, non-numeric, too many
// decimals for the currency (any for JPY), above the refundable amount and overflow are
// refused. On success `amount` holds the minor units.
InputProblem refundAmount(const QString &text, const QString &currency, qint64 refundable,
                          qint64 *amount, const QLocale &locale = QLocale());
// Stripe's refund reasons: duplicate, fraudulent, requested_by_customer (or none).
InputProblem refundReason(const QString &reason);
// An email address as Stripe accepts it (empty is allowed when `required` is false).
InputProblem email(const QString &text, bool required);
// Metadata as Stripe accepts it: at most 50 keys, keys up to 40 characters without square
// brackets, values up to 500 characters.
InputProblem metadata(const QMap<QString, QString> &values);
// Every field of a customer form; `create`: the email is required.
InputProblem customer(const CustomerFields &fields, bool create);
// Parses "key=value" lines (or --metadata arguments); a line without '=' is refused.
InputProblem metadataLines(const QStringList &lines, QMap<QString, QString> *metadata);

// A quantity typed for a subscription item: a whole number from 1 to 10,000,000.
InputProblem quantity(const QString &text, qint64 *quantity);
// Stripe's proration behaviours: create_prorations, none, always_invoice.
InputProblem prorationBehavior(const QString &behavior);
// Stripe's pause_collection behaviours: keep_as_draft, mark_uncollectible, void.
InputProblem pauseBehavior(const QString &behavior);
// A date or time typed on the command line: YYYY-MM-DD (the start of that day, UTC) or an
// ISO 8601 date and time (UTC unless it names an offset). On success `time` holds Unix time.
InputProblem dateTime(const QString &field, const QString &text, qint64 *time);
// When paused collection resumes by itself (0: not by itself): after `now`.
InputProblem resumesAt(qint64 time, qint64 now);
// A new end of a trial: after `now`, at most two years from it (Stripe's limit).
InputProblem trialEnd(qint64 time, qint64 now);
// Why a subscription is cancelled: Stripe's cancellation feedback (customer_service,
// low_quality, missing_features, other, switched_service, too_complex, too_expensive, unused
// or none) and a free comment of at most 5000 characters.
InputProblem cancellationFeedback(const QString &feedback);
InputProblem cancellationComment(const QString &comment);
// Stripe's feedback values, in the order a menu lists them.
const QStringList &cancellationFeedbackValues();

} // namespace staffinput

} // namespace paydesk::models
