export { MemoryBudget, type Reservation } from "./memory-budget.ts";
export { type BodyResult, type ReadBodyOptions, readBody } from "./read-body.ts";
export { isUploadTooSlow, type MinimumUploadRate } from "./upload-rate.ts";
