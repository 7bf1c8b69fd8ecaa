import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scrubDetail } from '../../src/stores/scrub-detail.js';
import { SecretValue } from '../../src/util/secret-value.js';

test('a service message quoting the written value has it cut out', () => {
  const v = new SecretValue('hunter22');
  assert.equal(
    scrubDetail("Value 'hunter22' at 'secretString' is bad", v),
    "Value '[redacted]' at 'secretString' is bad",
  );
  assert.equal(scrubDetail('400 no data provided', v), '400 no data provided');
  assert.equal(scrubDetail('400 bad x', undefined), '400 bad x');
  assert.equal(
    scrubDetail('400 bad x', new SecretValue('x')),
    '(service message withheld: it may quote the value)',
  );
});
