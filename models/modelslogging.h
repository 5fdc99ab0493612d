#pragma once

#include <QLoggingCategory>

namespace paydesk::models {

Q_DECLARE_LOGGING_CATEGORY(lcCache)
Q_DECLARE_LOGGING_CATEGORY(lcSync)
Q_DECLARE_LOGGING_CATEGORY(lcOutbox)
Q_DECLARE_LOGGING_CATEGORY(lcAnalytics)

} // namespace paydesk::models
