import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EPHEMERAL_BASE_ID,
  formatCoordinate,
  isEphemeral,
  parseCoordinate,
  withVersion,
} from '../../src/airbyte/coordinates.js';

const WS = 'e0eb0554-ffe0-4e9c-9dc0-ed7f52023eb2';
const ID = '9eba44d8-51e7-48f1-bde2-619af0e42c22';

describe('parseCoordinate', () => {
  test('a workspace coordinate is Airbyte-managed with its parts', () => {
    const full = `airbyte_workspace_${WS}_secret_${ID}_v1`;
    assert.equal(full.length, 101);
    assert.deepEqual(parseCoordinate(full), {
      full,
      managed: true,
      base: `airbyte_workspace_${WS}_secret_${ID}`,
      version: 1,
      prefix: 'workspace_',
      baseId: WS,
      uuid: ID,
    });
  });

  test('every prefix of the catalogue is recognised, including storage ones without an underscore', () => {
    for (const prefix of [
      'workspace_',
      'organization_',
      'oauth_workspace_',
      'rsm_ORGANIZATION_',
      'rsm_WORKSPACE_',
      'storage_organization',
      'storage_workspace',
    ]) {
      const c = parseCoordinate(`airbyte_${prefix}${WS}_secret_${ID}_v7`);
      assert.equal(c.managed, true);
      assert.equal(c.prefix, prefix);
      assert.equal(c.baseId, WS);
      assert.equal(c.uuid, ID);
      assert.equal(c.version, 7);
    }
  });

  test('a custom prefix is kept whole (Airbyte prepends airbyte_ to it)', () => {
    const c = parseCoordinate(`airbyte_airbyte_custom_prefix_${WS}_secret_${ID}_v1`);
    assert.equal(c.prefix, 'airbyte_custom_prefix_');
  });

  test("Airbyte's own examples: a short managed base, and external strings", () => {
    assert.deepEqual(parseCoordinate('airbyte_oldSecretFullCoordinate_v2'), {
      full: 'airbyte_oldSecretFullCoordinate_v2',
      managed: true,
      base: 'airbyte_oldSecretFullCoordinate',
      version: 2,
    });
    assert.deepEqual(parseCoordinate('some_external_secret_v1'), {
      full: 'some_external_secret_v1',
      managed: false,
    });
    assert.equal(parseCoordinate('it-s-hidden').managed, false);
    assert.equal(parseCoordinate('airbyte_no_version_here').managed, false, 'no parsable _v');
    assert.equal(parseCoordinate('Airbyte_workspace_x_v1').managed, false, 'the prefix is case-sensitive');
  });

  test('the LAST _v splits base and version', () => {
    const c = parseCoordinate('airbyte_my_value_v3');
    assert.equal(c.base, 'airbyte_my_value');
    assert.equal(c.version, 3);
    assert.equal(parseCoordinate('airbyte_v1_vx').managed, false, 'text after the last _v is not a number');
  });

  test("versions parse like Kotlin's toLongOrNull, and full is re-rendered the way Airbyte reads it", () => {
    const padded = parseCoordinate('airbyte_x_v01');
    assert.equal(padded.full, 'airbyte_x_v1');
    assert.equal(padded.text, 'airbyte_x_v01');
    assert.equal(parseCoordinate('airbyte_x_v+2').full, 'airbyte_x_v2');
    assert.equal(parseCoordinate('airbyte_x_v-1').version, -1);
    assert.equal(
      parseCoordinate('airbyte_x_v\u0663').version,
      3,
      'Character.digit reads Arabic-Indic digits',
    );
    assert.equal(parseCoordinate('airbyte_x_v9223372036854775807').full, 'airbyte_x_v9223372036854775807');
    assert.equal(parseCoordinate('airbyte_x_v9223372036854775808').managed, false, 'beyond a Long');
    assert.equal(parseCoordinate('airbyte_x_v').managed, false);
    assert.equal(parseCoordinate('airbyte_x_v-').managed, false);
    assert.equal(parseCoordinate('airbyte_x_v1.0').managed, false);
    assert.equal(
      parseCoordinate('airbyte_x_v\u{1D7CF}').managed,
      false,
      'a surrogate pair is not a Java char digit',
    );
    assert.equal(parseCoordinate('airbyte_x_v3').text, undefined);
  });
});

describe('formatCoordinate, withVersion, isEphemeral', () => {
  test('formatCoordinate defaults to workspace_ and _v1', () => {
    assert.equal(formatCoordinate({ baseId: WS, uuid: ID }), `airbyte_workspace_${WS}_secret_${ID}_v1`);
    assert.equal(
      formatCoordinate({ prefix: 'organization_', baseId: WS, uuid: ID, version: 4 }),
      `airbyte_organization_${WS}_secret_${ID}_v4`,
    );
    const round = parseCoordinate(formatCoordinate({ prefix: 'storage_workspace', baseId: WS, uuid: ID }));
    assert.equal(round.prefix, 'storage_workspace');
  });

  test('withVersion keeps the base and replaces the version', () => {
    const c = withVersion(`airbyte_workspace_${WS}_secret_${ID}_v1`, 2);
    assert.equal(c.full, `airbyte_workspace_${WS}_secret_${ID}_v2`);
    assert.equal(c.version, 2);
    assert.equal(c.uuid, ID);
    assert.throws(() => withVersion('external-name', 2), /Not an Airbyte-managed coordinate: external-name/);
  });

  test('ephemeral coordinates use the all-zero base id', () => {
    assert.equal(isEphemeral(formatCoordinate({ baseId: EPHEMERAL_BASE_ID, uuid: ID })), true);
    assert.equal(isEphemeral(parseCoordinate(formatCoordinate({ baseId: WS, uuid: ID }))), false);
    assert.equal(isEphemeral('external'), false);
  });
});
