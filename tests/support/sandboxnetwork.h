#pragma once

#include "tests/support/fakenetwork.h"

namespace paydesk::sandbox {
class StripeSandbox;
}

namespace paydesk::tests {

// Makes `network` answer every request from `sandbox` in process, through
// StripeSandbox::handle() (no socket, no subprocess): the sandbox's whole API, its idempotency,
// errors and faults, at the speed of a function call. The sandbox must outlive the network's
// requests. Unit tests of the sync engine and the outbox run on it; the integration tests keep
// real HTTP.
void answerFromSandbox(FakeNetworkAccessManager *network, sandbox::StripeSandbox *sandbox);

} // namespace paydesk::tests
