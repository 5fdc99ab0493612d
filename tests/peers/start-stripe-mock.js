#!/usr/bin/env node
// Starts stripe-stateful-mock (an independent third-party Stripe fake) on 127.0.0.1 and a free
// port, then prints "listening on http://127.0.0.1:PORT" on stdout, the same line the Paydesk
// sandbox prints, so that tests start either peer the same way. Stops on SIGTERM or when stdin
// closes (the test process died).
"use strict";

const log = require("loglevel");
log.setLevel(process.env.LOG_LEVEL || "silent");

const { createExpressApp } = require("stripe-stateful-mock");

const port = Number(process.argv[2] || 0);
const server = createExpressApp().listen(port, "127.0.0.1", () => {
    process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});

function stop() {
    server.close(() => process.exit(0));
    // Keep-alive connections would hold close() open; the peer has no state worth draining.
    setTimeout(() => process.exit(0), 500).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
