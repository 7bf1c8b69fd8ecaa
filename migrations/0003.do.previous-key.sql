-- The key a re-key run's `reencrypt` item replaced, so a rollback can put it back: a JSON object
-- {"kmsKeyId": "<key id, ARN or resource name>"}, or {} for the service's own key (AWS managed
-- key, Google-managed encryption). NULL when the item changed no key. Key ids only, no value.
-- Unqualified names: the runner sets search_path to the tool's schema.

ALTER TABLE migration_item ADD COLUMN IF NOT EXISTS previous_key jsonb;
