import fc from "fast-check";

/** Valid event type names: 1-4 segments of [A-Za-z0-9_-], at most 128 characters. */
const segmentChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
export const segmentArb = fc.string({ unit: segmentChar, minLength: 1, maxLength: 12 });
export const typeNameArb = fc
  .array(segmentArb, { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join("."))
  .filter((name) => name.length <= 128);
