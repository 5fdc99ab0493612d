#include "app/applogging.h"

namespace paydesk::app {

Q_LOGGING_CATEGORY(lcApp, "paydesk.app", QtInfoMsg)

} // namespace paydesk::app
