/** Command-line parsing. Knows nothing about verification; throws UsageError on bad arguments. */
import { parseArgs } from "node:util";
import { UsageError } from "./exit-codes.ts";

export type Command =
  | { kind: "help" }
  | {
      kind: "receipt";
      /** Path, or "-" for standard input. */
      receipt: string;
      /** --key values, as given (validated later). */
      keys: string[];
      payload?: string;
      json: boolean;
    }
  | {
      kind: "consistency";
      oldNote: string;
      newNote: string;
      proof: string;
      keys: string[];
      json: boolean;
    };

export const STDIN = "-";

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        key: { type: "string", multiple: true },
        payload: { type: "string", multiple: true },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseCommandLine(argv: readonly string[]): Command {
  const { values, positionals } = parse(argv);
  if (values.help) return { kind: "help" };
  const keys = values.key ?? [];
  const json = values.json === true;
  const payloads = values.payload ?? [];
  if (payloads.length > 1) throw new UsageError("--payload may be given only once");

  let command: Command;
  if (positionals[0] === "consistency") {
    if (payloads.length > 0) throw new UsageError("--payload applies to receipts, not to consistency");
    const files = positionals.slice(1);
    if (files.length !== 3) {
      throw new UsageError(`consistency needs three files, <old-note> <new-note> <proof.json>; got ${files.length}`);
    }
    const [oldNote, newNote, proof] = files as [string, string, string];
    command = { kind: "consistency", oldNote, newNote, proof, keys, json };
  } else {
    if (positionals.length === 0) throw new UsageError("missing the receipt file (or - for standard input)");
    if (positionals.length > 1) throw new UsageError(`expected one receipt file, got ${positionals.length} arguments`);
    command = { kind: "receipt", receipt: positionals[0]!, keys, json };
    if (payloads[0] !== undefined) command.payload = payloads[0];
  }

  const stdinUses = [
    ...(command.kind === "receipt"
      ? [command.receipt, command.payload]
      : [command.oldNote, command.newNote, command.proof]),
  ].filter((f) => f === STDIN).length;
  if (stdinUses > 1) throw new UsageError("only one input can be read from standard input (-)");
  return command;
}
