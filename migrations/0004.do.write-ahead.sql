-- A write-ahead journal and store identities. Idempotent: a process killed between running this
-- file and recording it in schemaversion runs it again harmlessly.
-- Unqualified names: the runner sets search_path to the tool's schema.

-- Before each store write an item records its intent: the attempt that is about to write (state
-- 'writing'). An item whose write was intended by an earlier attempt and never resolved was
-- written by this run (its coordinate was absent when the run planned it), so the write that
-- later finds the value there resolves it 'created', never 'unchanged'.
ALTER TABLE migration_item ADD COLUMN IF NOT EXISTS target_intent text;
ALTER TABLE migration_item ADD COLUMN IF NOT EXISTS source_intent text;

-- Each store's normalised identity (host lowercase, loopback spellings one, default ports, no
-- trailing slash; mount, region, project, vault URL): runs are resumed and rolled back by it.
ALTER TABLE migration_run ADD COLUMN IF NOT EXISTS source_identity text;
ALTER TABLE migration_run ADD COLUMN IF NOT EXISTS target_identity text;
