/** Process entry point (bin/kapsel-verify.mjs imports this). */
import { runCli } from "./cli.ts";
import { nodeIo } from "./io.ts";

// `kapsel-verify receipt.json | head -1` closes the pipe early; that is not an error of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// exitCode rather than process.exit(): lets piped stdout drain before the process ends.
process.exitCode = await runCli(process.argv.slice(2), nodeIo);
