export { type CommitResult, commitBatch } from "./commit-batch.ts";
export { AttestationCommitter, type CommitterOptions } from "./committer.ts";
export { buildConsistencyProof, type ConsistencyResult } from "./consistency.ts";
export { type LoadSignerResult, type LogSigner, loadLogSigner } from "./log-signer.ts";
export { databaseHashReader } from "./node-store.ts";
export { buildReceipt, type ReceiptResult } from "./receipts.ts";
