import Ajv2020 from 'ajv/dist/2020.js';

/**
 * A JSON Schema (draft 2020-12) as a function from a value to its violations, one line each
 * (empty when it conforms). Strict, so a typo in a schema keyword fails instead of matching all.
 */
export function jsonSchemaValidator(schema: object): (value: unknown) => string[] {
  // A CommonJS package seen from ESM: the class sits on `default`.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
