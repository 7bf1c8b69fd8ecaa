import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Command, Config } from '@oclif/core';
import { renderCommandReference, withExitCodes, withReference } from '../../scripts/readme-commands.js';
import { EXIT, exitCodeMarkdown } from '../../src/cli/exit-codes.js';
import { assertBuilt } from '../helpers/cli.js';

// Runs the BUILT CLI (bin/run.js → dist/commands) in a subprocess, without a TTY, with the
// pinned Node on PATH and HOME/XDG_CACHE_HOME in a temporary folder (autocomplete writes a cache).
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'node_modules', '.bin');
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

let home: string;
let env: NodeJS.ProcessEnv;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
}

describe('help, suggestions and completion (built CLI)', () => {
  let ours: Command.Loadable[];

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'abs-help-'));
    env = {
      ...process.env,
      PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      NO_COLOR: '1',
    };
    assertBuilt();
    const config = await Config.load(ROOT);
    ours = config.commands.filter((c) => c.pluginName === 'airbyte-secrets' && !c.hidden);
    assert.ok(ours.length >= 8, `${ours.length} commands`);
  });

  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('--help lists every command (and every topic, whose own help lists its commands)', () => {
    const r = cli('--help');
    assert.equal(r.status, 0, r.stderr);
    for (const c of ours) {
      const [first, ...rest] = c.id.split(':');
      assert.match(r.stdout, new RegExp(`^  ${first}\\s`, 'm'), `${first} in --help`);
      if (rest.length) {
        const topic = cli(first!, '--help');
        assert.match(
          topic.stdout,
          new RegExp(`^  ${c.id.replace(/:/g, ' ')}\\s`, 'm'),
          `${c.id} in ${first} --help`,
        );
      }
    }
    for (const plugin of ['help', 'autocomplete']) assert.match(r.stdout, new RegExp(`^  ${plugin}\\s`, 'm'));
  });

  test("each command's --help has a description and at least one example", () => {
    const missing: string[] = [];
    for (const c of ours) {
      const id = c.id.split(':');
      const r = cli(...id, '--help');
      assert.equal(r.status, 0, `${c.id}: ${r.stderr}`);
      const text = r.stdout.replace(ANSI, '');
      if (!/^DESCRIPTION\n {2}\S/m.test(text)) missing.push(`${c.id}: no DESCRIPTION`);
      if (!/^EXAMPLES\n(.*\n)*? +\$ airbyte-secrets /m.test(text)) missing.push(`${c.id}: no example`);
    }
    assert.deepEqual(missing, []);
  });

  test('an unknown command names the nearest one in one line and exits 2, without prompting', () => {
    const r = cli('migrat');
    assert.equal(r.status, 2);
    const err = r.stderr.replace(ANSI, '').trim();
    assert.match(err, /'migrat' is not an airbyte-secrets command\. Did you mean 'migrate'\?/);
    assert.equal(err.split('\n').filter((l) => l.startsWith('Error')).length, 1);
    assert.doesNotMatch(r.stdout, /Plan:|Run [0-9a-f-]{36}/, 'migrate did not run');
    const far = cli('frobnicate');
    assert.equal(far.status, 2);
    assert.doesNotMatch(far.stderr, /Did you mean/);
  });

  test('on a terminal it suggests the nearest command too, and runs nothing', {
    skip: hasScript() ? false : 'util-linux script(1) not installed: no pseudo-terminal to test with',
  }, () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin', 'run.js'))} migrat`;
    // script(1) gives the CLI a pseudo-terminal.
    const r = spawnSync('sh', ['-c', `script -qec ${JSON.stringify(command)} /dev/null`], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = `${r.stdout}${r.stderr}`.replace(ANSI, '');
    assert.match(out, /Did you mean 'migrate'\?/);
    assert.doesNotMatch(out, /Plan:|Run [0-9a-f-]{36}/, 'migrate did not run');
  });

  test('shell completion: autocomplete help, the bash setup script, and a cache naming every command', async () => {
    const help = cli('autocomplete', '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /zsh\|bash\|powershell/);
    const script = cli('autocomplete', 'script', 'bash');
    assert.equal(script.status, 0, script.stderr);
    assert.match(script.stdout, /AIRBYTE_SECRETS_AC_BASH_SETUP_PATH=.*bash_setup/);
    const build = cli('autocomplete', 'bash');
    assert.equal(build.status, 0, build.stderr);
    const functions = await readFile(
      join(home, '.cache', 'airbyte-secrets', 'autocomplete', 'functions', 'bash', 'airbyte-secrets.bash'),
      'utf8',
    );
    for (const c of ours) assert.ok(functions.includes(c.id.split(':')[0]!), `${c.id} completes`);
    assert.match(functions, /--database-url/);
  });
});

describe('the command reference in README.md (scripts/readme-commands.ts)', () => {
  const SCRIPT = join(ROOT, 'scripts', 'readme-commands.ts');

  test('`--check` passes: README.md holds the reference generated from the built commands', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--check'], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${r.stderr.trim()} (run npm run readme)`);
  });

  test('the reference has every visible command with its usage, flags and examples', async () => {
    const md = await renderCommandReference(ROOT);
    for (const id of ['audit', 'migrate', 'verify', 'demo', 'runs show']) {
      assert.match(md, new RegExp(`^### \`airbyte-secrets ${id}\`$`, 'm'));
    }
    assert.doesNotMatch(md, /airbyte-secrets sample seed/, 'hidden commands stay out');
    const demo = md.slice(md.indexOf('### `airbyte-secrets demo`'));
    assert.match(demo, /USAGE\n {2}\$ airbyte-secrets demo/);
    assert.match(demo, /--to=<option>/);
    assert.match(demo, /EXAMPLES\n {2}\$ airbyte-secrets demo/);
  });

  test('the markers are appended when absent and the block between them is replaced', () => {
    assert.equal(withReference('', 'X'), '<!-- commands -->\nX\n<!-- commandsstop -->\n');
    const prose = '# airbyte-secrets\n\nProse.\n';
    const once = withReference(prose, 'A');
    assert.equal(once, `${prose}\n<!-- commands -->\nA\n<!-- commandsstop -->\n`);
    const twice = withReference(`${once}\nAfter.\n`, 'B');
    assert.equal(twice, `${prose}\n<!-- commands -->\nB\n<!-- commandsstop -->\n\nAfter.\n`);
  });

  test('README.md holds the one exit-code table (src/cli/exit-codes.ts): 0, 1, 2, 130', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(`<!-- exit-codes -->\n${exitCodeMarkdown()}\n<!-- exit-codesstop -->`));
    for (const code of Object.values(EXIT))
      assert.match(exitCodeMarkdown(), new RegExp(`^\\| ${code} \\|`, 'm'));
    assert.match(exitCodeMarkdown(), /default `critical`/);
    assert.equal(
      withExitCodes('a\n<!-- exit-codes -->\nold\n<!-- exit-codesstop -->\nb', 'T'),
      'a\n<!-- exit-codes -->\nT\n<!-- exit-codesstop -->\nb',
    );
    assert.equal(withExitCodes('no markers', 'T'), 'no markers');
  });
});
