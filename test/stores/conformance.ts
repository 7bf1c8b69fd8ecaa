import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import type { RunningEmulator } from '../../src/emulators/harness.js';
import { StoreError } from '../../src/stores/errors.js';
import { withLimits } from '../../src/stores/limits.js';
import type { SecretStore } from '../../src/stores/types.js';
import { SecretValue } from '../../src/util/secret-value.js';

/**
 * The conformance suite every SecretStore passes, over real sockets against our emulators (or the
 * real PostgreSQL). Each `test/stores/<kind>.test.ts` calls `describeSecretStore` with a factory
 * and the helpers its emulator offers; a case whose helper or capability is missing is skipped
 * with the reason, never the whole suite.
 */

export interface StoreFixture {
  store: SecretStore;
  /** The emulator behind the store: its request log and fault injection are used when present. */
  emulator?: RunningEmulator;
  /** Makes the service refuse every call on this coordinate's name (permission denied). */
  denyAccess?(coordinate: string): void | Promise<void>;
  /** Stores a value under a name that is not Airbyte's (`name` does not start with `airbyte_`). */
  plantForeign?(name: string, value: string): void | Promise<void>;
  /** Stores an `airbyte_` coordinate outside the store's prefix or folder, where it must not list. */
  plantOutsidePrefix?(coordinate: string, value: string): void | Promise<void>;
  /** Caps the service's list page size (undefined: back to normal), where the service pages. */
  setPageSize?(size: number | undefined): void;
  /** Releases anything besides the store and the emulator. */
  close?(): Promise<void>;
}

export interface SuiteCapabilities {
  /**
   * Whether delete keeps the name recoverable (AWS, Azure). Independently of it, a delete answering
   * `scheduled` must show `deleted-recoverable` in describe, and `deleted` must show `absent`.
   */
  softDelete: boolean;
}

export interface SecretStoreSuite {
  name: string;
  create: () => Promise<StoreFixture>;
  capabilities: SuiteCapabilities;
  /** Store-specific cases, registered in the same describe block and sharing its fixture. */
  extra?: (fixture: () => StoreFixture) => void;
}

/** How each emulator records a throttled answer: Vault/Azure 429, AWS ThrottlingException, Google RESOURCE_EXHAUSTED. */
export const THROTTLED_OUTCOME = /429|Throttl|RESOURCE_EXHAUSTED/;

/** A fresh Airbyte-managed coordinate. */
export function newCoordinate(version = 1): string {
  return `airbyte_workspace_${randomUUID()}_secret_${randomUUID()}_v${version}`;
}

export const SAMPLE_VALUES: Record<string, string> = {
  emoji: 'key 🔑 clé ключ 🗝️',
  cjk: '秘密のパスワード 密码 비밀번호',
  newlines: 'line one\nline two\r\nline three\n',
  json: '{"password":"p@ss\\"word","nested":{"list":[1,2,3]},"empty":""}',
  spaces: '  leading and trailing  ',
  symbols: `quotes ' " \` backslash \\ percent %s %d tab\there`,
};

export function describeSecretStore(suite: SecretStoreSuite): void {
  describe(suite.name, () => {
    let fixture: StoreFixture | undefined;
    const fx = (): StoreFixture => {
      if (!fixture) throw new Error('fixture not created');
      return fixture;
    };
    const store = () => fx().store;

    before(async () => {
      fixture = await suite.create();
    });

    after(async () => {
      await fixture?.store.close();
      await fixture?.emulator?.close();
      await fixture?.close?.();
    });

    test('a missing name reads as undefined and describes as absent', async () => {
      const c = newCoordinate();
      assert.equal(await store().read(c), undefined);
      assert.equal(await store().read(c, { asAirbyte: true }), undefined);
      const d = await store().describe(c);
      assert.equal(d.state, 'absent');
      assert.equal(d.name, store().nameOf(c));
    });

    test('UTF-8 values round-trip byte for byte', async () => {
      for (const [label, text] of Object.entries(SAMPLE_VALUES)) {
        const c = newCoordinate();
        assert.equal(await store().write(c, new SecretValue(text)), 'created', label);
        assert.equal((await store().read(c))?.reveal(), text, label);
      }
    });

    test('a 64 KiB payload (or the store maximum) round-trips', async () => {
      const size = Math.min(64 * 1024, store().capabilities.maxValueBytes);
      // Mostly ASCII with multi-byte characters at the end, exactly `size` UTF-8 bytes.
      const text = `${'x'.repeat(size - 7)}€😀`;
      assert.equal(Buffer.byteLength(text), size);
      const c = newCoordinate();
      assert.equal(await store().write(c, new SecretValue(text)), 'created');
      assert.equal((await store().read(c))?.reveal(), text);
    });

    test('writing the identical value again is unchanged', async () => {
      const c = newCoordinate();
      assert.equal(await store().write(c, new SecretValue('same value')), 'created');
      assert.equal(await store().write(c, new SecretValue('same value')), 'unchanged');
      assert.equal((await store().read(c))?.reveal(), 'same value');
    });

    test('an unchanged write sends no write request (no new version)', async (t) => {
      const emulator = fx().emulator;
      if (!emulator) return t.skip('no emulator request log for this store');
      const c = newCoordinate();
      await store().write(c, new SecretValue('same value'));
      const versions = (await store().describe(c)).versionCount;
      const from = emulator.log.length;
      assert.equal(await store().write(c, new SecretValue('same value')), 'unchanged');
      const writes = emulator.log.slice(from).filter((e) => e.write);
      assert.deepEqual(writes, [], 'no state-changing request was sent');
      assert.equal((await store().describe(c)).versionCount, versions);
    });

    test('overwriting with a new value is updated and reads the new value', async () => {
      const c = newCoordinate();
      assert.equal(await store().write(c, new SecretValue('first')), 'created');
      assert.equal(await store().write(c, new SecretValue('second')), 'updated');
      assert.equal((await store().read(c))?.reveal(), 'second');
      assert.equal((await store().describe(c)).state, 'active');
    });

    test('a list longer than one page returns every name once', async () => {
      const written: string[] = [];
      for (let i = 0; i < 23; i++) {
        const c = newCoordinate();
        await store().write(c, new SecretValue(`value ${i}`));
        written.push(c);
      }
      // Services that page get small pages here; Vault's LIST has no pages and answers at once.
      fx().setPageSize?.(5);
      try {
        const listed: string[] = [];
        for await (const c of store().list()) listed.push(c);
        assert.equal(new Set(listed).size, listed.length, 'no name is listed twice');
        for (const c of written) assert.ok(listed.includes(c), `${c} is listed`);
      } finally {
        fx().setPageSize?.(undefined);
      }
    });

    test('list returns only Airbyte-managed names under the store prefix', async (t) => {
      const { plantForeign, plantOutsidePrefix } = fx();
      if (!plantForeign) return t.skip('no way to plant a foreign name in this store');
      const ours = newCoordinate();
      await store().write(ours, new SecretValue('ours'));
      const foreign = `not_airbyte_${randomUUID()}`;
      await plantForeign(foreign, 'foreign');
      const outside = newCoordinate();
      await plantOutsidePrefix?.(outside, 'outside');
      const listed: string[] = [];
      for await (const c of store().list()) listed.push(c);
      assert.ok(listed.includes(ours));
      assert.ok(!listed.includes(foreign));
      if (plantOutsidePrefix) assert.ok(!listed.includes(outside), 'a name outside the prefix is not listed');
      for (const c of listed) assert.ok(c.startsWith('airbyte_'), `${c} is Airbyte-managed`);
    });

    test('delete, then read is undefined; delete again is idempotent', async () => {
      const c = newCoordinate();
      await store().write(c, new SecretValue('to delete'));
      const outcome = await store().delete(c);
      assert.ok(outcome === 'deleted' || outcome === 'scheduled', outcome);
      if (suite.capabilities.softDelete) assert.equal(outcome, 'scheduled');
      assert.equal(await store().read(c), undefined);
      const state = (await store().describe(c)).state;
      assert.equal(state, outcome === 'scheduled' ? 'deleted-recoverable' : 'absent');
      if (outcome === 'deleted') {
        // A recoverable name may still list (Vault keeps its metadata); a deleted one may not.
        const listed: string[] = [];
        for await (const name of store().list()) listed.push(name);
        assert.ok(!listed.includes(c), 'a deleted name is not listed');
      }
      assert.notEqual(await store().delete(c), 'deleted', 'nothing is left to delete');
    });

    test('hard delete removes the name at once, and it can be created again', async () => {
      const c = newCoordinate();
      await store().write(c, new SecretValue('to purge'));
      assert.equal(await store().delete(c, { hard: true }), 'deleted');
      assert.equal(await store().read(c), undefined);
      assert.equal((await store().describe(c)).state, 'absent');
      assert.equal(await store().write(c, new SecretValue('again')), 'created');
      assert.equal((await store().read(c))?.reveal(), 'again');
    });

    test('deleting an absent name is absent, not an error', async () => {
      assert.equal(await store().delete(newCoordinate()), 'absent');
      assert.equal(await store().delete(newCoordinate(), { hard: true }), 'absent');
    });

    test('a soft-deleted name describes as deleted-recoverable', {
      skip: suite.capabilities.softDelete ? false : 'this store has no recovery window',
    }, async () => {
      const c = newCoordinate();
      await store().write(c, new SecretValue('recoverable'));
      assert.equal(await store().delete(c), 'scheduled');
      const d = await store().describe(c);
      assert.equal(d.state, 'deleted-recoverable');
      assert.equal(await store().read(c), undefined);
    });

    test('throttling is retried by the limits wrapper and then succeeds', async (t) => {
      const emulator = fx().emulator;
      if (!emulator) return t.skip('no emulator to inject throttling');
      const limited = withLimits(store(), { maxAttempts: 12 });
      const c = newCoordinate();
      const from = emulator.log.length;
      emulator.setFaults({ rate: 0.35, kinds: ['throttle'], seed: 20261128 });
      try {
        assert.equal(await limited.write(c, new SecretValue('after throttling')), 'created');
        assert.equal((await limited.read(c))?.reveal(), 'after throttling');
      } finally {
        emulator.setFaults(undefined);
      }
      const throttled = emulator.log.slice(from).filter((e) => THROTTLED_OUTCOME.test(e.outcome));
      assert.ok(throttled.length > 0, 'the emulator did throttle some requests');
      // The limits wrapper is not closed: closing it would close the shared store.
    });

    test('permission denied is a permission-denied StoreError, never absent', async (t) => {
      const { denyAccess } = fx();
      if (!denyAccess) return t.skip('no way to deny access in this store');
      const canary = `canary-${randomUUID()}`;
      const existing = newCoordinate();
      await store().write(existing, new SecretValue('was readable'));
      const missing = newCoordinate();
      await denyAccess(existing);
      await denyAccess(missing);
      for (const [c, op] of [
        [existing, () => store().read(existing)],
        [missing, () => store().read(missing)],
        [missing, () => store().write(missing, new SecretValue(canary))],
        [existing, () => store().describe(existing)],
      ] as const) {
        await assert.rejects(op(), (err: unknown) => {
          assert.ok(err instanceof StoreError, `a StoreError, got ${String(err)}`);
          assert.equal(err.kind, 'permission-denied');
          assert.equal(err.coordinate, c);
          assert.equal(err.store, store().kind);
          const shown = `${err.message} ${JSON.stringify(err)} ${inspect(err, { depth: 5 })}`;
          assert.ok(!shown.includes(canary), 'the value never appears in the error');
          return true;
        });
      }
    });

    suite.extra?.(fx);
  });
}
