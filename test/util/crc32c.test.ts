import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '../../src/util/crc32c.js';

// Check values from RFC 3720 (iSCSI) appendix B.4 and the usual "123456789" vector; the emulator
// and the store share this function, so it is pinned to published values here.
test('CRC32C matches the published check values', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});
