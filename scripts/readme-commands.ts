/**
 * Writes the command reference into README.md, between `<!-- commands -->` and
 * `<!-- commandsstop -->` (added at the end of README.md when absent), from the commands' own
 * oclif definitions: the built commands (dist/) as `airbyte-secrets --help` shows them.
 *
 *   npm run readme                                            # build, then write README.md
 *   node --import tsx scripts/readme-commands.ts --check      # exit 1 when README.md is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, CommandHelp, Config } from '@oclif/core';
import { exitCodeMarkdown } from '../src/cli/exit-codes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const START = '<!-- commands -->';
const STOP = '<!-- commandsstop -->';
const WIDTH = 100;

/** The Markdown between the markers (markers excluded). */
export async function renderCommandReference(root = ROOT): Promise<string> {
  const config = await Config.load(root);
  const commands = config.commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
  if (!commands.some((c) => c.pluginType === 'core' && c.pluginName === config.name)) {
    throw new Error(`no commands of ${config.name} found in ${root}: build first (npm run build)`);
  }
  const name = (c: Command.Loadable) => `${config.bin} ${c.id.replaceAll(':', ' ')}`;
  const out = [
    '## Command reference',
    '',
    `Generated from the commands' own definitions by \`npm run readme\` (the same text as \`${config.bin} <command> --help\`); do not edit it here.`,
    '',
    ...commands.map((c) => `- [\`${name(c)}\`](#${anchor(name(c))})`),
  ];
  for (const c of commands) {
    const help = new CommandHelp(c, config, {
      ...config.pjson.oclif.helpOptions,
      maxWidth: WIDTH,
      stripAnsi: true,
    });
    const text = help
      .generate()
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trim();
    out.push('', `### \`${name(c)}\``, '', c.summary ?? firstLine(c.description), '', '```', text, '```');
  }
  return out.join('\n');
}

/** README.md with `reference` between the markers; the markers are appended when absent. */
export function withReference(readme: string, reference: string): string {
  const block = `${START}\n${reference}\n${STOP}`;
  const start = readme.indexOf(START);
  const stop = readme.indexOf(STOP);
  if (start === -1 || stop === -1 || stop < start) {
    return `${readme.trimEnd()}${readme.trim() ? '\n\n' : ''}${block}\n`;
  }
  return readme.slice(0, start) + block + readme.slice(stop + STOP.length);
}

const EXIT_START = '<!-- exit-codes -->';
const EXIT_STOP = '<!-- exit-codesstop -->';

/** README.md with the exit-code table (src/cli/exit-codes.ts) between its markers, when they are there. */
export function withExitCodes(readme: string, table = exitCodeMarkdown()): string {
  const start = readme.indexOf(EXIT_START);
  const stop = readme.indexOf(EXIT_STOP);
  if (start === -1 || stop === -1 || stop < start) return readme;
  return `${readme.slice(0, start)}${EXIT_START}\n${table}\n${readme.slice(stop)}`;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const current = existsSync(README) ? readFileSync(README, 'utf8') : '';
  const next = withExitCodes(withReference(current, await renderCommandReference()));
  if (check) {
    if (next === current) return 0;
    process.stderr.write(
      'README.md: the command reference or the exit-code table is out of date; run `npm run readme` and commit it\n',
    );
    return 1;
  }
  if (next !== current) writeFileSync(README, next);
  process.stdout.write(
    next === current ? 'README.md: command reference up to date\n' : 'README.md: command reference written\n',
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`readme-commands: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
