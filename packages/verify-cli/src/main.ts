/** Process entry point (bin/kapsel-verify.mjs imports this). */
import { runCli } from "./cli.ts";
import { nodeIo } from "./io.ts";

// exitCode rather than process.exit(): lets piped stdout drain before the process ends.
process.exitCode = await runCli(process.argv.slice(2), nodeIo);
