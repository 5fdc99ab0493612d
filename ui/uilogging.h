#pragma once

#include <QLoggingCategory>

namespace paydesk::ui {

Q_DECLARE_LOGGING_CATEGORY(lcUi)

} // namespace paydesk::ui
