import { definitionFor, type StoreSettings } from '../stores/registry.js';

/**
 * One line naming a store for logs and reports: kind, address and the choices that matter,
 * never a credential (the database URL loses its user and password).
 */
export function describeSettings(s: StoreSettings): string {
  const parts = definitionFor(s.kind).describe(s);
  if (s.limits?.concurrency) parts.push(`concurrency ${s.limits.concurrency}`);
  if (s.limits?.rate) parts.push(`${s.limits.rate} req/s`);
  return parts.join(', ');
}
