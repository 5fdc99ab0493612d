#pragma once

#include <functional>

namespace paydesk::app {

// Runs `handler` in the event loop when SIGTERM or SIGINT arrives (self-pipe trick: the signal
// handler itself only writes a byte). Installed once per process.
void onTerminationSignal(std::function<void()> handler);

} // namespace paydesk::app
