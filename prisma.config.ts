import { defineConfig } from "prisma/config";

// Prisma 7 reads connection settings here, not from schema.prisma. Only the CLI uses this file;
// at run time the client gets its connection through the pg driver adapter (packages/db).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/kapsel" },
});
