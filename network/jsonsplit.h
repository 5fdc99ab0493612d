#pragma once

#include <QByteArray>
#include <QList>

namespace paydesk::network {

// The exact bytes of each element of the top-level "data" array of a Stripe list body, so the
// cache can keep the raw JSON as Stripe sent it without serialising every object again (which
// costs more than parsing it). Empty when the body is not a JSON object with a "data" array;
// the body is expected to have been parsed successfully already.
QList<QByteArray> splitListData(const QByteArray &body);

} // namespace paydesk::network
