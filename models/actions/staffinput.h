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

} // namespace staffinput

} // namespace paydesk::models
