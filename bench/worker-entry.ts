// Runs the real worker (apps/worker/src/main.ts, unchanged) and makes it shut down gracefully
// if the benchmark process dies without stopping it: the IPC channel closes, the worker gets
// the same SIGTERM an operator would send.
process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));
await import("../apps/worker/src/main.ts");
