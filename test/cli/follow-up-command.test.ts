import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followUpCommand, resumeCommand } from '../../src/cli/resume-command.js';

test('the resume command keeps the flags, drops --resume/--plan, adds the run id', () => {
  const argv = [
    '--to',
    'vault',
    '--vault-address',
    'https://v:8200',
    '--plan',
    'p.json',
    '--resume=old',
    '--yes',
  ];
  assert.equal(
    resumeCommand('airbyte-secrets', 'migrate', argv, 'r-1'),
    'airbyte-secrets migrate --to vault --vault-address https://v:8200 --yes --resume r-1',
  );
});

test('a password in a database URL is never printed; odd words are shell-quoted', () => {
  const argv = [
    '--database-url',
    'postgres://airbyte:s3cr3t@db:5432/airbyte',
    '--vault-prefix',
    "team's kv/",
  ];
  const line = resumeCommand('airbyte-secrets', 'migrate', argv, 'r-2');
  assert.doesNotMatch(line, /s3cr3t/);
  assert.match(line, /'postgres:\/\/airbyte:<password>@db:5432\/airbyte'/);
  assert.match(line, /'team'\\''s kv\/'/);
  const inline = resumeCommand(
    'airbyte-secrets',
    'rekey',
    ['--database-url=jdbc:postgresql://u:pw@h/db'],
    'r',
  );
  assert.doesNotMatch(inline, /:pw@/);
});

test('plan --out prints the migrate command that applies the saved plan', () => {
  const argv = ['--to', 'vault', '--out', 'plan.json', '--format', 'html', '--output', 'r.html', '--dry-run'];
  assert.equal(
    followUpCommand('airbyte-secrets', 'migrate', argv, ['--plan', 'plan.json']),
    'airbyte-secrets migrate --to vault --plan plan.json',
  );
});
