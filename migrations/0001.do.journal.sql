-- Statements are idempotent: a process killed between running a file and recording it in
-- schemaversion runs the file again on the next start, harmlessly.
-- The migration journal: one row per run, one per item, and the pre-image of every row a run
-- rewrote. Identities and states only: no secret value is ever stored here. Pre-images hold
-- configurations in which every plaintext secret is replaced by a marker naming the coordinate
-- its value was copied to (or saying the value stays in the row).
-- Unqualified names: the runner sets search_path to the tool's schema.

CREATE TABLE IF NOT EXISTS migration_run (
  id             uuid PRIMARY KEY,
  kind           text NOT NULL,             -- migrate | rekey
  state          text NOT NULL,             -- running | completed | failed | rolled-back
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  started_by     text NOT NULL,             -- user@host of the operator
  source_kind    text NOT NULL,
  source_store   text NOT NULL,             -- a description without credentials
  target_kind    text NOT NULL,
  target_store   text NOT NULL,
  options        jsonb NOT NULL DEFAULT '{}'::jsonb,
  counts         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS migration_run_started_at_idx ON migration_run (started_at DESC);

CREATE TABLE IF NOT EXISTS migration_item (
  run_id         uuid NOT NULL REFERENCES migration_run (id) ON DELETE CASCADE,
  item_key       text NOT NULL,             -- copy: the coordinate; extract: holder/row/path
  action         text NOT NULL,             -- copy | extract | skip | conflict
  state          text NOT NULL,             -- pending | verified | rewritten | failed | conflict | superseded | rolled-back
  holder         text,
  row_id         text,
  path           text,
  workspace_id   text,
  coordinate     text,                      -- copy: the coordinate copied; extract: the new coordinate
  target_outcome text,                      -- created | updated | unchanged
  source_outcome text,                      -- extract only: what was written to the source store
  reason         text,                      -- why a conflict or failure (no value)
  error_class    text,
  attempts       integer NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, item_key)
);
CREATE INDEX IF NOT EXISTS migration_item_state_idx ON migration_item (run_id, state);

CREATE TABLE IF NOT EXISTS migration_pre_image (
  run_id         uuid NOT NULL REFERENCES migration_run (id) ON DELETE CASCADE,
  holder         text NOT NULL,
  row_id         text NOT NULL,
  pre_image      jsonb NOT NULL,            -- the configuration before the rewrite, secrets replaced by markers
  created_refs   jsonb NOT NULL DEFAULT '[]'::jsonb, -- secret_reference / secret_config ids the rewrite inserted
  rewritten_at   timestamptz NOT NULL DEFAULT now(),
  rolled_back_at timestamptz,
  PRIMARY KEY (run_id, holder, row_id)
);
