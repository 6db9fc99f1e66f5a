/** `kapsel-verify <receipt.json>`: read the inputs, run verifyReceipt, render the verdict. */
import type { Command } from "./args.ts";
import { checkReceipt } from "./check-receipt.ts";
import { EXIT_FAILED, EXIT_VERIFIED, type ExitCode } from "./exit-codes.ts";
import { readBytes, readJson } from "./input.ts";
import type { CliIo } from "./io.ts";
import { parseTrustedKeys } from "./keys.ts";
import { receiptJson, receiptText } from "./receipt-output.ts";

export type ReceiptCommand = Extract<Command, { kind: "receipt" }>;

/** Throws UsageError for bad keys or unreadable input; otherwise returns the output and exit code. */
export async function runReceiptCommand(
  command: ReceiptCommand,
  io: CliIo,
): Promise<{ exitCode: ExitCode; output: string }> {
  const keys = parseTrustedKeys(command.keys);
  const receipt = await readJson(io, command.receipt, "receipt");
  const payload = command.payload === undefined ? undefined : await readBytes(io, command.payload, "payload");
  const report = checkReceipt(receipt, keys, payload);
  const output = command.json ? `${JSON.stringify(receiptJson(report), null, 2)}\n` : receiptText(report);
  return { exitCode: report.verification.ok ? EXIT_VERIFIED : EXIT_FAILED, output };
}
