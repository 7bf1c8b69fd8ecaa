import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../helpers/cli.js';

/**
 * The import fences of biome.json (`style/noRestrictedImports` per folder) hold: a file planted
 * in the tree with a forbidden import fails `biome lint`, the same file with an allowed import
 * passes (so the failure is the fence, not the probe).
 */
const BIOME = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

/** Lints a probe file planted at `path` (relative to the root) with `source`, then removes it. */
async function lintProbe(path: string, source: string): Promise<{ status: number | null; output: string }> {
  const file = join(ROOT, path);
  try {
    await writeFile(file, source);
    const r = spawnSync(process.execPath, [BIOME, 'lint', '--colors=off', path], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    await rm(file, { force: true });
  }
}

const probe = (folder: string) => `src/${folder}/__fence_probe_${process.pid}.ts`;

describe('import fences (biome noRestrictedImports)', () => {
  const fences: Array<{ name: string; folder: string; forbidden: string; allowed: string }> = [
    {
      name: 'src/ never imports commands/',
      folder: 'migrate',
      forbidden: "import Migrate from '../../commands/migrate.js';\nexport const probe = Migrate;\n",
      allowed: "import { SecretValue } from '../util/secret-value.js';\nexport const probe = SecretValue;\n",
    },
    {
      name: 'src/stores never imports commands/ (the override repeats it)',
      folder: 'stores',
      forbidden: "import Migrate from '../../commands/migrate.js';\nexport const probe = Migrate;\n",
      allowed: "import { SecretValue } from '../util/secret-value.js';\nexport const probe = SecretValue;\n",
    },
    {
      name: 'src/stores never imports src/emulators',
      folder: 'stores',
      forbidden:
        "import { startVaultEmulator } from '../emulators/vault/index.js';\nexport const probe = startVaultEmulator;\n",
      allowed: "import { StoreError } from './errors.js';\nexport const probe = StoreError;\n",
    },
    {
      name: 'src/stores never imports src/config (settings come in as arguments)',
      folder: 'stores',
      forbidden:
        "import { resolveStoreSettings } from '../config/index.js';\nexport const probe = resolveStoreSettings;\n",
      allowed: "import { StoreError } from './errors.js';\nexport const probe = StoreError;\n",
    },
    {
      name: 'src/emulators never imports src/stores',
      folder: 'emulators',
      forbidden:
        "import { createVaultStore } from '../stores/vault/store.js';\nexport const probe = createVaultStore;\n",
      allowed:
        "import { startVaultEmulator } from './vault/index.js';\nexport const probe = startVaultEmulator;\n",
    },
  ];

  for (const fence of fences) {
    test(fence.name, async () => {
      const bad = await lintProbe(probe(fence.folder), fence.forbidden);
      assert.notEqual(bad.status, 0, bad.output);
      assert.match(bad.output, /lint\/style\/noRestrictedImports/);
      const good = await lintProbe(probe(fence.folder), fence.allowed);
      assert.equal(good.status, 0, good.output);
    });
  }
});
