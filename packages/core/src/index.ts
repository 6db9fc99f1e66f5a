export { type Clock, ManualClock, systemClock } from "./clock.ts";
export { ERROR_CODES, type ErrorBody, type ErrorCode, errorBody } from "./error-codes.ts";
export { ID_PREFIXES, type IdKind, isId, newId } from "./ids.ts";
