/**
 * @kapsel/verify-cli: the `kapsel-verify` command, which checks receipts and checkpoint
 * consistency offline (docs/receipts.md). The pieces are exported for in-process use and tests.
 */
export { type Command, parseCommandLine, STDIN } from "./args.ts";
export { checkReceipt, type ReceiptReport } from "./check-receipt.ts";
export { runCli } from "./cli.ts";
export { type ConsistencyCommand, runConsistencyCommand } from "./consistency-command.ts";
export { consistencyJson, consistencyText } from "./consistency-output.ts";
export { displaySafe } from "./display.ts";
export {
  EXIT_FAILED,
  EXIT_INTERNAL,
  EXIT_USAGE,
  EXIT_VERIFIED,
  type ExitCode,
  UsageError,
} from "./exit-codes.ts";
export { readBytes, readJson, readText } from "./input.ts";
export { type CliIo, nodeIo } from "./io.ts";
export { keyLabel, parseTrustedKeys } from "./keys.ts";
export { type ProofFile, parseProofFile } from "./proof-file.ts";
export { type ReceiptCommand, runReceiptCommand } from "./receipt-command.ts";
export { outcomeText, receiptJson, receiptText } from "./receipt-output.ts";
export { USAGE } from "./usage.ts";
export {
  type ConsistencyCheck,
  type ConsistencyCheckName,
  type ConsistencyInput,
  type ConsistencyVerification,
  checkConsistency,
  type SignedCheckpoint,
} from "./verify-consistency.ts";
