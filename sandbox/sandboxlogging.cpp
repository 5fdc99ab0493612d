#include "sandbox/sandboxlogging.h"

namespace paydesk::sandbox {

Q_LOGGING_CATEGORY(lcSandbox, "paydesk.sandbox", QtInfoMsg)

} // namespace paydesk::sandbox
