-- The W3C traceparent of the ingest request that created the event (decision 0018), so that the
-- delivery attempts, however much later and in whichever process, join the same trace.
-- NULL when tracing was off at ingest. Adding a nullable column without a default rewrites nothing.
ALTER TABLE events
  ADD COLUMN trace_context text
    CONSTRAINT events_trace_context_check CHECK (trace_context IS NULL OR length(trace_context) <= 128);
