/**
 * Save-time validation of a payload filter: a MongoDB-style query restricted to a fixed
 * allow-list of operators, with limits on depth, size and operator count (docs/routing.md,
 * "Payload filters"; docs/decisions/0023-payload-filter-language.md). It runs before the
 * filter reaches the query library, so the library only ever sees filters it is safe to run.
 */

export const PAYLOAD_FILTER_LIMITS = Object.freeze({
  /** Nesting of JSON objects and arrays in the filter document (`{"a": {"$in": [1]}}` is 3). */
  maxDepth: 8,
  /** UTF-8 bytes of the filter serialized as JSON. */
  maxBytes: 8 * 1024,
  /** `$` operators in the whole filter. */
  maxOperators: 64,
});

/** Operators that compare one field's value(s). */
export const FIELD_OPERATORS = Object.freeze([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$type",
  "$not",
  "$all",
  "$size",
  "$elemMatch",
] as const);

/** Operators that combine whole filters. */
export const LOGICAL_OPERATORS = Object.freeze(["$and", "$or", "$nor"] as const);

/** The full allow-list, in the order docs/routing.md documents them. */
export const PAYLOAD_FILTER_OPERATORS: readonly string[] = Object.freeze(
  "$eq $ne $gt $gte $lt $lte $in $nin $exists $type $and $or $nor $not $all $size $elemMatch".split(" "),
);

/** `$type` aliases: the JSON kinds a payload can hold (MongoDB's names). */
export const TYPE_ALIASES = Object.freeze(["string", "number", "bool", "object", "array", "null"] as const);
export type TypeAlias = (typeof TYPE_ALIASES)[number];

const CODE = "runs code inside Kapsel: a tenant's filter would be remote code execution";
/** Operators MongoDB or the query libraries know that Kapsel refuses, with the reason given to the user. */
const REFUSED: Readonly<Record<string, string>> = Object.freeze({
  $where: `$where ${CODE}`,
  $function: `$function ${CODE}`,
  $accumulator: `$accumulator ${CODE}`,
  $expr: "$expr (aggregation expressions, which include $function) is not supported",
  $regex:
    "$regex is not supported: JavaScript regular expressions can backtrack for exponential time on crafted input (use $eq or $in)",
  $options: "$options belongs to $regex, which is not supported",
  $jsonSchema: "$jsonSchema is not supported in payload filters",
  $text: "$text is not supported in payload filters",
  $mod: "$mod is not supported in payload filters",
});

const RESERVED_PATH_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

export interface FilterError {
  /** RFC 6901 pointer into the filter document ("" is the filter itself). */
  path: string;
  message: string;
}

const isFieldOperator = (key: string) => (FIELD_OPERATORS as readonly string[]).includes(key);
const isLogicalOperator = (key: string) => (LOGICAL_OPERATORS as readonly string[]).includes(key);

/** All problems of a filter; an empty list means it is valid. Never throws. */
export function validatePayloadFilter(filter: unknown): FilterError[] {
  if (!isPlainObject(filter)) {
    return [{ path: "", message: 'a payload filter is a JSON object, e.g. {"data.object.amount": {"$gte": 1000}}' }];
  }
  const shape: FilterError[] = [];
  checkShape(filter, "", 1, shape, { nodes: 0 });
  if (shape.length > 0) return shape;
  const bytes = Buffer.byteLength(JSON.stringify(filter), "utf8");
  if (bytes > PAYLOAD_FILTER_LIMITS.maxBytes) {
    return [
      {
        path: "",
        message: `a payload filter has at most ${PAYLOAD_FILTER_LIMITS.maxBytes} bytes of JSON (this one has ${bytes})`,
      },
    ];
  }
  const ctx: Ctx = { errors: [], operators: 0 };
  validateQuery(filter, "", ctx, false);
  if (ctx.operators > PAYLOAD_FILTER_LIMITS.maxOperators) {
    ctx.errors.push({
      path: "",
      message: `a payload filter has at most ${PAYLOAD_FILTER_LIMITS.maxOperators} operators (this one has ${ctx.operators})`,
    });
  }
  return ctx.errors;
}

// Enough for any filter within maxBytes; stops a hostile in-memory object before stringify.
const MAX_SHAPE_NODES = PAYLOAD_FILTER_LIMITS.maxBytes;

/** JSON values only, nested at most maxDepth, bounded node count: one bounded walk. */
function checkShape(value: unknown, path: string, depth: number, errors: FilterError[], seen: { nodes: number }) {
  if (++seen.nodes > MAX_SHAPE_NODES) {
    if (seen.nodes === MAX_SHAPE_NODES + 1) errors.push({ path: "", message: "the payload filter is too big" });
    return;
  }
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) errors.push({ path, message: "not a JSON value (numbers must be finite)" });
    return;
  }
  const container = Array.isArray(value) || isPlainObject(value);
  if (!container) {
    errors.push({ path, message: "not a JSON value" });
    return;
  }
  if (depth > PAYLOAD_FILTER_LIMITS.maxDepth) {
    errors.push({ path, message: `a payload filter nests at most ${PAYLOAD_FILTER_LIMITS.maxDepth} levels` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && errors.length === 0; i++)
      checkShape(value[i], `${path}/${i}`, depth + 1, errors, seen);
    return;
  }
  for (const key of Object.keys(value as object)) {
    if (errors.length > 0) return;
    checkShape((value as Record<string, unknown>)[key], `${path}/${escapeToken(key)}`, depth + 1, errors, seen);
  }
}

interface Ctx {
  errors: FilterError[];
  operators: number;
}

/** A query document: field conditions and $and/$or/$nor; `$elemMatch` bodies also allow field operators. */
function validateQuery(query: Record<string, unknown>, path: string, ctx: Ctx, elemMatch: boolean) {
  for (const key of Object.keys(query)) {
    const value = query[key];
    const at = `${path}/${escapeToken(key)}`;
    if (!key.startsWith("$")) {
      const problem = fieldPathProblem(key);
      if (problem) ctx.errors.push({ path: at, message: problem });
      else validateCondition(value, at, ctx);
      continue;
    }
    ctx.operators++;
    if (isLogicalOperator(key)) {
      validateLogical(key, value, at, ctx, elemMatch);
    } else if (elemMatch && isFieldOperator(key)) {
      validateOperator(key, value, at, ctx);
    } else if (isFieldOperator(key)) {
      ctx.errors.push({ path: at, message: `${key} applies to a field, e.g. {"amount": {"${key}": ...}}` });
    } else {
      ctx.errors.push({ path: at, message: operatorNotAllowed(key) });
    }
  }
}

function validateLogical(key: string, value: unknown, at: string, ctx: Ctx, elemMatch: boolean) {
  if (!Array.isArray(value) || value.length === 0) {
    ctx.errors.push({ path: at, message: `${key} takes a non-empty list of filters` });
    return;
  }
  value.forEach((child, i) => {
    if (!isPlainObject(child))
      ctx.errors.push({ path: `${at}/${i}`, message: `each entry of ${key} is a filter object` });
    else validateQuery(child, `${at}/${i}`, ctx, elemMatch);
  });
}

/** A field's condition: an object of field operators, or a literal (implicit $eq). */
function validateCondition(value: unknown, at: string, ctx: Ctx) {
  if (!isPlainObject(value)) return validateLiteral(value, at, ctx);
  const keys = Object.keys(value);
  const operators = keys.filter((k) => k.startsWith("$"));
  if (operators.length === 0) return validateLiteral(value, at, ctx);
  if (operators.length !== keys.length) {
    ctx.errors.push({ path: at, message: "a field condition is either all operators or a literal value, not both" });
    return;
  }
  for (const op of operators) {
    ctx.operators++;
    const opAt = `${at}/${escapeToken(op)}`;
    if (isFieldOperator(op)) validateOperator(op, value[op], opAt, ctx);
    else if (isLogicalOperator(op))
      ctx.errors.push({ path: opAt, message: `${op} combines whole filters; put it at the top level` });
    else ctx.errors.push({ path: opAt, message: operatorNotAllowed(op) });
  }
}

function validateOperator(op: string, operand: unknown, at: string, ctx: Ctx) {
  const problem = (message: string) => ctx.errors.push({ path: at, message });
  switch (op) {
    case "$eq":
    case "$ne":
      return validateLiteral(operand, at, ctx);
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      if (typeof operand !== "number" && typeof operand !== "string") problem(`${op} takes a number or a string`);
      return;
    case "$in":
    case "$nin":
    case "$all":
      if (!Array.isArray(operand)) return problem(`${op} takes a list of values`);
      if (op === "$all" && operand.length === 0) return problem("$all takes at least one value");
      for (let i = 0; i < operand.length; i++) validateLiteral(operand[i], `${at}/${i}`, ctx);
      return;
    case "$exists":
      if (typeof operand !== "boolean") problem("$exists takes true or false");
      return;
    case "$type": {
      const aliases = Array.isArray(operand) ? operand : [operand];
      if (aliases.length === 0 || !aliases.every((a) => (TYPE_ALIASES as readonly unknown[]).includes(a))) {
        problem(`$type takes one of ${TYPE_ALIASES.map((a) => `"${a}"`).join(", ")} or a list of them`);
      }
      return;
    }
    case "$size":
      if (!Number.isSafeInteger(operand) || (operand as number) < 0) problem("$size takes a whole number >= 0");
      return;
    case "$not":
      if (!isPlainObject(operand) || Object.keys(operand).length === 0) {
        return problem('$not takes an object of operators, e.g. {"$not": {"$gt": 5}}');
      }
      for (const inner of Object.keys(operand)) {
        ctx.operators++;
        const innerAt = `${at}/${escapeToken(inner)}`;
        if (isFieldOperator(inner)) validateOperator(inner, operand[inner], innerAt, ctx);
        else
          ctx.errors.push({
            path: innerAt,
            message: inner.startsWith("$") ? operatorNotAllowed(inner) : "$not takes operators only",
          });
      }
      return;
    case "$elemMatch":
      if (!isPlainObject(operand) || Object.keys(operand).length === 0) {
        return problem("$elemMatch takes a non-empty filter object");
      }
      return validateQuery(operand, at, ctx, true);
  }
}

/** A literal to compare with: any JSON value, but no `$` keys hidden inside objects. */
function validateLiteral(value: unknown, at: string, ctx: Ctx) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) validateLiteral(value[i], `${at}/${i}`, ctx);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith("$")) {
      ctx.errors.push({
        path: `${at}/${escapeToken(key)}`,
        message: "operators cannot appear inside a literal value; use a dotted path for nested fields",
      });
    } else validateLiteral(value[key], `${at}/${escapeToken(key)}`, ctx);
  }
}

function fieldPathProblem(path: string): string | null {
  if (path === "") return "a field path must not be empty";
  for (const segment of path.split(".")) {
    if (segment === "") return "a field path is dot-separated names; no name may be empty";
    if (segment.startsWith("$")) return "a field name in a path may not start with '$'";
    if (RESERVED_PATH_SEGMENTS.has(segment)) return `"${segment}" is not supported as a field name in a filter`;
  }
  return null;
}

function operatorNotAllowed(op: string): string {
  if (isLogicalOperator(op)) return `${op} combines whole filters; put it at the top level or in $elemMatch`;
  if (Object.hasOwn(REFUSED, op)) return REFUSED[op]!;
  return `unknown operator ${op}; allowed: ${PAYLOAD_FILTER_OPERATORS.join(" ")}`;
}

/** RFC 6901 escaping of one reference token. */
function escapeToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
