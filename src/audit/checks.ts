import {
  invalidCoordinateCheck,
  sharedCoordinateCheck,
  workspaceMismatchCheck,
} from './coordinate-findings.js';
import {
  type InventoryCheck,
  maskedValueCheck,
  missingSpecCheck,
  plaintextInlineCheck,
} from './inventory-findings.js';
import { orphanedSecretCheck } from './orphan-findings.js';
import { referenceCheck } from './reference-findings.js';
import { suspiciousPlaintextCheck } from './suspicious-findings.js';

/**
 * The foundation audit: plaintext in configurations, masks saved as values, missing specs, and
 * references checked against the store (dangling, values in the `secrets` table). What
 * `auditInventory` runs when no checks are given.
 */
export function foundationChecks(): InventoryCheck[] {
  return [plaintextInlineCheck, referenceCheck, maskedValueCheck, missingSpecCheck];
}

/**
 * Every check: the foundation's plus orphaned names in the store, coordinates shared between rows
 * or made for another workspace, and plaintext at fields Airbyte masks by name. What the `audit`
 * command runs.
 */
export function allChecks(): InventoryCheck[] {
  return [
    ...foundationChecks(),
    orphanedSecretCheck,
    invalidCoordinateCheck,
    sharedCoordinateCheck,
    workspaceMismatchCheck,
    suspiciousPlaintextCheck,
  ];
}
