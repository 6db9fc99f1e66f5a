// Every case from transparency-dev/merkle's testdata (copied to ../shared/vectors) must give the
// expected verdict: an independent implementation's view of RFC 6962 / RFC 9162 proofs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion } from "../src/index.ts";

// packages/attestation/test -> repo root (/work/main) -> its parent holds shared/.
// Copied unchanged from transparency-dev/merkle (Apache-2.0, LICENSE beside them) via ../shared/vectors.
const VECTORS = fileURLToPath(new URL("./vectors/rfc6962-proofs", import.meta.url));

function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listJson(path);
    return name.endsWith(".json") ? [path] : [];
  });
}

function loadFiles(): string[] {
  let files: string[];
  try {
    files = listJson(VECTORS);
  } catch (error) {
    throw new Error(`RFC 6962 proof vectors not found at ${VECTORS}: ${String(error)}`);
  }
  if (files.length < 100) throw new Error(`expected at least 100 vector files in ${VECTORS}, found ${files.length}`);
  return files.sort();
}

const files = loadFiles();
const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

describe("RFC 6962 proof vectors (transparency-dev/merkle testdata)", () => {
  it("finds the vector folders", () => {
    expect(files.some((f) => f.includes("/inclusion/"))).toBe(true);
    expect(files.some((f) => f.includes("/consistency/"))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  for (const file of files) {
    const name = relative(VECTORS, file);
    const data = JSON.parse(readFileSync(file, "utf8"));
    if (name.startsWith("inclusion/")) {
      const c = data as InclusionCase;
      it(`${name}: ${c.wantErr ? "rejects" : "verifies"}`, () => {
        const verdict = verifyInclusion({
          leafIndex: c.leafIdx,
          treeSize: c.treeSize,
          leafHash: b64(c.leafHash),
          proof: (c.proof ?? []).map(b64),
          root: b64(c.root),
        });
        expect(verdict.ok, JSON.stringify(verdict)).toBe(!c.wantErr);
      });
    } else if (name.startsWith("consistency/")) {
      const c = data as ConsistencyCase;
      it(`${name}: ${c.wantErr ? "rejects" : "verifies"}`, () => {
        const verdict = verifyConsistency({
          size1: c.size1,
          size2: c.size2,
          root1: b64(c.root1),
          root2: b64(c.root2),
          proof: (c.proof ?? []).map(b64),
        });
        expect(verdict.ok, JSON.stringify(verdict)).toBe(!c.wantErr);
      });
    } else {
      it(`${name} is in a known folder`, () => {
        throw new Error(`unexpected vector file ${name}`);
      });
    }
  }
});

describe("reference tree roots from the vectors README", () => {
  const inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
  const roots = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  ];
  const hashes = inputs.map((hex) => leafHash(new Uint8Array(Buffer.from(hex, "hex"))));
  roots.forEach((root, size) => {
    it(`root of the first ${size} leaves`, () => {
      expect(Buffer.from(rootFromLeafHashes(hashes.slice(0, size))).toString("hex")).toBe(root);
    });
  });
});
