import { createInterface } from 'node:readline/promises';

/** Whether a human can answer a question here: stdin and stderr are terminals. */
export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Whether `migrate` may ask before applying: stdin and stdout are terminals (not a Job, not a pipe). */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** Asks a yes/no question on the terminal (stderr, so stdout stays the report); only `y`/`yes` is yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const ctrlC = new AbortController();
  rl.on('SIGINT', () => ctrlC.abort());
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: ctrlC.signal }).catch(() => '');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
