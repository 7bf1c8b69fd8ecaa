import { createInterface } from 'node:readline/promises';

/** Whether a human can answer a question here: stdin and stderr are terminals. */
export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks a yes/no question on the terminal (stderr, so stdout stays the report); only `y`/`yes` is yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
