#pragma once

#include <QString>

namespace paydesk::tests {

// Loads a fixture file into `paydesk sandbox --fixture` and syncs it into `cache` with the real
// `paydesk sync`, as a merchant's data would arrive. Returns an empty string, or what failed.
QString syncFixture(const QString &fixture, const QString &cache);

} // namespace paydesk::tests
