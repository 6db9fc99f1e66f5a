// Runs the real API (apps/api/src/main.ts, unchanged) and makes it shut down gracefully if the
// benchmark process dies without stopping it: the IPC channel closes and the API gets the same
// SIGTERM an operator would send.
process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));
await import("../apps/api/src/main.ts");
