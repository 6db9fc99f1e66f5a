/** `kapsel-verify consistency <old-note> <new-note> <proof.json>`: read, check, render. */
import type { Command } from "./args.ts";
import { consistencyJson, consistencyText } from "./consistency-output.ts";
import { EXIT_FAILED, EXIT_VERIFIED, type ExitCode, UsageError } from "./exit-codes.ts";
import { readJson, readText } from "./input.ts";
import type { CliIo } from "./io.ts";
import { parseTrustedKeys } from "./keys.ts";
import { checkConsistency } from "./verify-consistency.ts";

export type ConsistencyCommand = Extract<Command, { kind: "consistency" }>;

/** Throws UsageError without --key or for unreadable input; otherwise returns the output and exit code. */
export async function runConsistencyCommand(
  command: ConsistencyCommand,
  io: CliIo,
): Promise<{ exitCode: ExitCode; output: string }> {
  if (command.keys.length === 0) {
    throw new UsageError(
      "consistency needs --key <verifier key>: signed notes carry no keys, so the log's published verifier key must be given",
    );
  }
  const trustedKeys = parseTrustedKeys(command.keys);
  const oldNote = await readText(io, command.oldNote, "old checkpoint note");
  const newNote = await readText(io, command.newNote, "new checkpoint note");
  const proof = await readJson(io, command.proof, "proof");
  const verification = checkConsistency({ oldNote, newNote, proof, trustedKeys });
  const output = command.json
    ? `${JSON.stringify(consistencyJson(verification), null, 2)}\n`
    : consistencyText(verification);
  return { exitCode: verification.ok ? EXIT_VERIFIED : EXIT_FAILED, output };
}
