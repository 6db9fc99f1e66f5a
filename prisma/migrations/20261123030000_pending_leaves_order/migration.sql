-- The committer takes pending leaves ORDER BY enqueued_at, attempt_id; with only enqueued_at
-- indexed, many leaves sharing one timestamp were read and sorted on every commit.
DROP INDEX pending_leaves_enqueued_idx;
CREATE INDEX pending_leaves_order_idx ON pending_leaves (enqueued_at, attempt_id); -- serves takePendingLeaves
