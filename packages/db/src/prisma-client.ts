import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

/**
 * Prisma 7 runs without a native query engine through the pg driver adapter. Used for the
 * non-hot paths (admin, API); hot paths use hand-written SQL in ./sql.
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

export type { PrismaClient };
