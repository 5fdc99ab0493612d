#include "models/modelslogging.h"

namespace paydesk::models {

Q_LOGGING_CATEGORY(lcCache, "paydesk.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSync, "paydesk.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOutbox, "paydesk.outbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAnalytics, "paydesk.analytics", QtInfoMsg)

} // namespace paydesk::models
