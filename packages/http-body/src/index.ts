export { MemoryBudget } from "./memory-budget.ts";
export { type BodyResult, readBody } from "./read-body.ts";
