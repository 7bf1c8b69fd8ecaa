/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Google Secret Manager uses for
 * payload integrity (`SecretPayload.data_crc32c`). Node's zlib only has the IEEE CRC-32.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC32C of `data` as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    // biome-ignore lint/style/noNonNullAssertion: the index is masked to 0..255 and TABLE has 256 entries
    crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
