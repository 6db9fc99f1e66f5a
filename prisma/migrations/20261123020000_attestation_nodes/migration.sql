-- Stored Merkle node hashes: every complete perfect subtree of the log, level 0 being the leaf
-- hashes. A proof for any tree size reads O(log n) rows by primary key in one query; nothing
-- rebuilds the tree in memory. Append-only like the leaves.
CREATE TABLE merkle_nodes (
  level smallint NOT NULL CHECK (level >= 0 AND level < 64),
  idx   bigint NOT NULL CHECK (idx >= 0),
  hash  bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx) -- serves proof and frontier reads
);
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
  FOR EACH ROW EXECUTE FUNCTION kapsel_refuse_change();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_refuse_change();
