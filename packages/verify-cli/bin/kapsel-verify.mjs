#!/usr/bin/env node
// Runs the TypeScript sources through tsx: packages ship src/*.ts, no build step (docs/decisions/0001).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
