/** The text printed by --help (stdout, exit 0) and after a usage error (stderr, exit 2). */
export const USAGE = `kapsel-verify: check Kapsel delivery receipts and log checkpoints offline (docs/receipts.md).

Usage:
  kapsel-verify <receipt.json | -> [--key <verifier key>]... [--payload <file>] [--json]
  kapsel-verify consistency <old-note> <new-note> <proof.json> --key <verifier key>... [--json]
  kapsel-verify --help

Receipt: checks that the receipt's record (a delivery attempt or an audit record) is in the log,
at a checkpoint signed by the log's key. "-" reads the receipt from standard input.
  --key <verifier key>  trust this key (<name>+<key id>+<base64 key>, from the operator's
                        published key list); repeat for several (e.g. across a key rotation).
                        Without --key the signature is checked against the key(s) inside the
                        receipt, which anyone can forge: that shows self-consistency, not trust.
  --payload <file>      also check that the file's SHA-256 equals the leaf's payload_sha256
                        (attempt receipts only: an audit record has no payload).
  --json                print one JSON object { ok, checks, leafKind, leaf, keySource, leafIndex,
                        checkpoint, signedBy } instead of text.

Consistency (for monitors): checks that the log at the new checkpoint extends the log at the old
one without rewriting it.
  <old-note> <new-note> signed checkpoint notes (C2SP signed-note), exactly as the log serves them.
  <proof.json>          {"from": <old size>, "to": <new size>, "proof": ["<base64 hash>", ...]},
                        as served by GET /attestation/consistency?from=<old size>&to=<new size>.
  --key                 required: signed notes carry no keys.
  --json                print one JSON object { ok, checks, old, new, keySource }.

Exit codes:
  0  verified: every check passed
  1  verification failed: the output names the failing check
  2  usage or input error: bad arguments, invalid --key, unreadable file, input that is not JSON
  3  internal error in kapsel-verify
`;
