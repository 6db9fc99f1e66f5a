import { describe, expect, it } from "vitest";
import { AttestationError, formatCheckpoint, parseCheckpoint } from "../src/index.ts";

const ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
const root = new Uint8Array(Buffer.from(ROOT_B64, "base64"));

describe("checkpoints (C2SP tlog-checkpoint)", () => {
  it("formats and parses the spec's example body", () => {
    const body = `example.com/behind-the-sofa\n20852163\n${ROOT_B64}\n`;
    expect(formatCheckpoint({ origin: "example.com/behind-the-sofa", treeSize: 20852163, rootHash: root })).toBe(body);
    expect(parseCheckpoint(body)).toEqual({
      ok: true,
      checkpoint: { origin: "example.com/behind-the-sofa", treeSize: 20852163, rootHash: root, extensions: [] },
    });
  });

  it("keeps extension lines", () => {
    const body = formatCheckpoint({ origin: "o", treeSize: 0, rootHash: root, extensions: ["ext one"] });
    expect(body).toBe(`o\n0\n${ROOT_B64}\next one\n`);
    const parsed = parseCheckpoint(body);
    expect(parsed.ok && parsed.checkpoint.extensions).toEqual(["ext one"]);
  });

  it("handles the largest safe size", () => {
    const body = formatCheckpoint({ origin: "o", treeSize: Number.MAX_SAFE_INTEGER, rootHash: root });
    const parsed = parseCheckpoint(body);
    expect(parsed.ok && parsed.checkpoint.treeSize).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ["no final newline", `o\n1\n${ROOT_B64}`],
    ["two lines", "o\n1\n"],
    ["empty origin", `\n1\n${ROOT_B64}\n`],
    ["leading zero", `o\n01\n${ROOT_B64}\n`],
    ["negative size", `o\n-1\n${ROOT_B64}\n`],
    ["size with a plus", `o\n+1\n${ROOT_B64}\n`],
    ["size beyond 2^53-1", `o\n9007199254740992\n${ROOT_B64}\n`],
    ["short root", "o\n1\nAAAA\n"],
    ["root not base64", "o\n1\n!!!!\n"],
    ["empty extension line", `o\n1\n${ROOT_B64}\n\n`],
    ["carriage return", `o\r\n1\n${ROOT_B64}\n`],
  ])("rejects %s", (_label, body) => {
    expect(parseCheckpoint(body).ok).toBe(false);
  });

  it("refuses to format invalid fields", () => {
    expect(() => formatCheckpoint({ origin: "a\nb", treeSize: 1, rootHash: root })).toThrow(AttestationError);
    expect(() => formatCheckpoint({ origin: "o", treeSize: 1.5, rootHash: root })).toThrow(AttestationError);
    expect(() => formatCheckpoint({ origin: "o", treeSize: 1, rootHash: root.slice(1) })).toThrow(AttestationError);
  });
});
