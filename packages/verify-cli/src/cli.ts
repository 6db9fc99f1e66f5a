/** Dispatch: parse arguments, run a command, write its output, map errors to exit codes. */
import { parseCommandLine } from "./args.ts";
import { runConsistencyCommand } from "./consistency-command.ts";
import { EXIT_INTERNAL, EXIT_USAGE, EXIT_VERIFIED, type ExitCode, UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import { runReceiptCommand } from "./receipt-command.ts";
import { USAGE } from "./usage.ts";

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  if (argv.length === 0) {
    io.stderr(USAGE);
    return EXIT_USAGE;
  }
  try {
    const command = parseCommandLine(argv);
    if (command.kind === "help") {
      io.stdout(USAGE);
      return EXIT_VERIFIED;
    }
    const { exitCode, output } =
      command.kind === "receipt" ? await runReceiptCommand(command, io) : await runConsistencyCommand(command, io);
    io.stdout(output);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kapsel-verify: ${error.message}\nRun kapsel-verify --help for usage.\n`);
      return EXIT_USAGE;
    }
    io.stderr(
      `kapsel-verify: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_INTERNAL;
  }
}
