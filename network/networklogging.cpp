#include "network/networklogging.h"

namespace paydesk::network {

Q_LOGGING_CATEGORY(lcNetwork, "paydesk.network", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWebhook, "paydesk.webhook", QtInfoMsg)

} // namespace paydesk::network
