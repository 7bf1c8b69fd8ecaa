-- Audit history: one row per audit run and one per finding, so a nightly audit can say what is
-- new, still open and resolved since the previous run. Identities only (where a finding is, which
-- coordinate it names): no secret value, no actor name, no configuration is stored here.
-- Unqualified names: the runner sets search_path to the tool's schema.

CREATE TABLE IF NOT EXISTS audit_run (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  store           text NOT NULL,             -- a description without credentials
  holders_scanned integer NOT NULL,
  secrets_found   integer NOT NULL,
  counts          jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {"total": n, "byCategory": {...}, "bySeverity": {...}}
  options         jsonb NOT NULL DEFAULT '{}'::jsonb   -- the flags of the run (formats, fail-on, ...)
);
CREATE INDEX IF NOT EXISTS audit_run_started_at_idx ON audit_run (started_at DESC, id DESC);

-- Categories and severities are plain text, not enums or CHECKs: a new category in a later
-- release must not need a migration before it can be recorded.
CREATE TABLE IF NOT EXISTS audit_finding (
  run_id       bigint NOT NULL REFERENCES audit_run (id) ON DELETE CASCADE,
  finding_id   text NOT NULL,                -- the finding's stable id (hash of category, place, coordinate)
  category     text NOT NULL,
  severity     text NOT NULL,
  holder       text NOT NULL,                -- actor, actor_oauth_parameter, workspace_webhook, secrets, or the store
  workspace_id text,
  actor_id     text,                         -- actor id or the owning row's id
  path         text,                         -- JSONPath inside the holder's JSON
  coordinate   text,
  PRIMARY KEY (run_id, finding_id)           -- also serves lookups by run_id
);
CREATE INDEX IF NOT EXISTS audit_finding_finding_id_idx ON audit_finding (finding_id);
