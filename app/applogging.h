#pragma once

#include <QLoggingCategory>

namespace paydesk::app {

Q_DECLARE_LOGGING_CATEGORY(lcApp)

} // namespace paydesk::app
