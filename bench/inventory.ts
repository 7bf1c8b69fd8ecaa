import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/util/package-root.js';
import { type BenchDatabase, seededDatabase } from './database.js';
import type { InventoryChildResult } from './inventory-child.js';

export interface InventoryResult extends InventoryChildResult {
  /** Actors in the database (tombstoned ones included; the inventory skips those). */
  seededActors: number;
  seedSeconds: number;
  actorsPerSecond: number;
}

const CHILD = fileURLToPath(new URL('./inventory-child.ts', import.meta.url));

/** Seeds a database of `actors` actors, then times a full inventory of it in a fresh child process. */
export async function benchInventory(actors: number): Promise<InventoryResult> {
  let db: BenchDatabase | undefined;
  try {
    db = await seededDatabase(`inv_${actors}`, actors, { poolSize: 4 });
    const child = await runChild(db.url);
    return {
      ...child,
      seededActors: db.manifest.actors,
      seedSeconds: db.seedSeconds,
      actorsPerSecond: db.manifest.actors / child.seconds,
    };
  } finally {
    await db?.close();
  }
}

function runChild(url: string): Promise<InventoryChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [url], {
      cwd: packageRoot(),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: InventoryChildResult | undefined;
    child.once('message', (m: InventoryChildResult) => {
      result = m;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the inventory child exited with ${code} and no result`));
    });
  });
}
