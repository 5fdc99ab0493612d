#pragma once

#include <QLoggingCategory>

namespace paydesk::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

} // namespace paydesk::sandbox
