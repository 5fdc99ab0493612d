#pragma once

#include <QLoggingCategory>

namespace paydesk::network {

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)
Q_DECLARE_LOGGING_CATEGORY(lcWebhook)

} // namespace paydesk::network
