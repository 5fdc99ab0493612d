#include "ui/uilogging.h"

namespace paydesk::ui {

Q_LOGGING_CATEGORY(lcUi, "paydesk.ui", QtInfoMsg)

} // namespace paydesk::ui
