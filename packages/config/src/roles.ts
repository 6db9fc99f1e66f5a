import { z } from "zod";

/** What a Kapsel process can run; `npm start` and the worker run a subset chosen by KAPSEL_ROLES. */
export const ROLES = ["ingest", "deliver", "attest", "api", "console"] as const;
export type Role = (typeof ROLES)[number];
/** The roles the worker app runs itself; `api` and `console` are their own apps. */
export const WORKER_ROLES = ["ingest", "deliver", "attest"] as const satisfies readonly Role[];

export type Roles = Readonly<Record<Role, boolean>> & {
  /** Every role runs: the one-command demo. */
  readonly all: boolean;
  /** The roles that run, in the order of ROLES (for logs and banners). */
  readonly names: readonly Role[];
};

const MESSAGE = `must be a comma-separated list of ${ROLES.join(", ")}, or all`;

/** KAPSEL_ROLES: "ingest,deliver", "all" (the default), ... Unknown names are refused. */
export const rolesSetting = z
  .string()
  .default("all")
  .superRefine((value, ctx) => {
    const names = splitRoles(value);
    if (names.length === 0 || names.some((n) => n !== "all" && !(ROLES as readonly string[]).includes(n))) {
      ctx.addIssue({ code: "custom", message: MESSAGE });
    }
  })
  .transform((value) => rolesFrom(splitRoles(value)));

/** Roles from a list of names ("all" stands for every role). */
export function rolesFrom(names: readonly string[]): Roles {
  const all = names.includes("all");
  const has = (role: Role) => all || names.includes(role);
  const roles = Object.fromEntries(ROLES.map((role) => [role, has(role)])) as Record<Role, boolean>;
  return { ...roles, all: ROLES.every((role) => roles[role]), names: ROLES.filter((role) => roles[role]) };
}

function splitRoles(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
}
