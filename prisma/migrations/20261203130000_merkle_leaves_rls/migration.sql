-- Row-level security on merkle_leaves for the API's role (issue #11, finding 7).
-- A leaf's bytes name its tenant, endpoint and destination URL (docs/receipts.md): tenant data,
-- though the log's hashes are public. kapsel_api now sees a leaf only when it sees the attempt or
-- audit record the leaf commits to; those tables' own policies (20261123080000, 20261203120000)
-- apply inside this policy's subqueries, so the tenant filter is theirs. Proofs are built from
-- merkle_nodes and signed_tree_heads, which stay public; the committer and the public receipt route
-- run as the tables' owner, which row-level security does not restrict.
ALTER TABLE merkle_leaves ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON merkle_leaves TO kapsel_api
  USING (
    EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.id = merkle_leaves.attempt_id)
    OR EXISTS (SELECT 1 FROM audit_records r WHERE r.id = merkle_leaves.audit_id)
  );
