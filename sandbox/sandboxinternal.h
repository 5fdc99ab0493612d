#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// What the sandbox's request handling and its resources share (internal to sandbox/).
namespace paydesk::sandbox::detail {

extern const QString kInvalidRequest; // Stripe's error type for a request it refuses.

bool isTrue(const QString &v);
// An amount as Stripe's messages write it ("$12.00", "¥500").
QString formatAmount(qint64 amount, const QString &currency);
// Removes the parts of a JSON object that equal those of `after`, for previous_attributes.
QJsonObject changedFields(const QJsonObject &before, const QJsonObject &after);
// Stripe's metadata update rules: `metadata[k]=v` sets, `metadata[k]=` unsets one key and
// `metadata=` unsets all of them.
QJsonObject mergedMetadata(QJsonObject current, const QJsonValue &given);
std::optional<qint64> parseInteger(const QString &s);

} // namespace paydesk::sandbox::detail
