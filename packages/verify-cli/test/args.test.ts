// In-process unit tests of the small pure pieces: argument parsing, proof.json, display escaping.
import { describe, expect, it } from "vitest";
import { displaySafe, parseCommandLine, parseProofFile, UsageError } from "../src/index.ts";

describe("parseCommandLine", () => {
  it("parses the receipt command with repeated --key, --payload and --json in any order", () => {
    expect(parseCommandLine(["--json", "r.json", "--key", "a", "--key=b", "--payload", "p"])).toEqual({
      kind: "receipt",
      receipt: "r.json",
      keys: ["a", "b"],
      payload: "p",
      json: true,
    });
    expect(parseCommandLine(["-"])).toEqual({ kind: "receipt", receipt: "-", keys: [], json: false });
  });

  it("parses the consistency command", () => {
    expect(parseCommandLine(["consistency", "a.note", "b.note", "p.json", "--key", "k"])).toEqual({
      kind: "consistency",
      oldNote: "a.note",
      newNote: "b.note",
      proof: "p.json",
      keys: ["k"],
      json: false,
    });
  });

  it("--help and -h win over everything else", () => {
    expect(parseCommandLine(["r.json", "--help"])).toEqual({ kind: "help" });
    expect(parseCommandLine(["-h"])).toEqual({ kind: "help" });
  });

  it("rejects bad command lines with a UsageError", () => {
    for (const argv of [
      [],
      ["a", "b"],
      ["r.json", "--payload", "x", "--payload", "y"],
      ["r.json", "--nope"],
      ["consistency", "a", "b"],
      ["consistency", "a", "b", "c", "--payload", "p"],
      ["consistency", "-", "-", "c"],
    ]) {
      expect(() => parseCommandLine(argv), argv.join(" ")).toThrow(UsageError);
    }
  });
});

describe("parseProofFile", () => {
  const hash = Buffer.alloc(32, 7).toString("base64");

  it("accepts {from, to, proof} with strict base64 hashes, ignoring unknown fields", () => {
    const parsed = parseProofFile({ from: 3, to: 5, proof: [hash], served_at: "now" });
    expect(parsed.ok && parsed.file.proof[0]).toEqual(new Uint8Array(32).fill(7));
  });

  it("rejects other shapes and non-canonical base64", () => {
    const nonCanonical = `${hash.slice(0, 42)}d=`; // same bytes decoded leniently, unused bits set
    for (const value of [
      null,
      [],
      { from: "3", to: 5, proof: [] },
      { from: 3, to: -1, proof: [] },
      { from: 3, to: 5.5, proof: [] },
      { from: 3, to: 5 },
      { from: 3, to: 5, proof: ["AAAA"] },
      { from: 3, to: 5, proof: [nonCanonical] },
      { from: 3, to: 5, proof: [` ${hash}`] },
    ]) {
      expect(parseProofFile(value).ok, JSON.stringify(value)).toBe(false);
    }
  });
});

describe("displaySafe", () => {
  it("escapes control, format and line-separator characters, keeps other Unicode", () => {
    expect(displaySafe("https://bank.example/\u202egnp.exe")).toBe("https://bank.example/\\u{202e}gnp.exe");
    expect(displaySafe("a\u0007b\u2028c")).toBe("a\\u{0007}b\\u{2028}c");
    expect(displaySafe("https://receiver.example/é")).toBe("https://receiver.example/é");
  });
});
