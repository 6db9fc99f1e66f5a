#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on these machines.
# `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY names an existing file; it never
# runs it. Migrations are applied by Kapsel's own migrator (packages/db/src/migrator.ts).
echo "schema engine unavailable: Kapsel applies migrations itself (npm start / packages/db)" >&2
exit 1
