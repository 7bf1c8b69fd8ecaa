import type { Finding, FindingCategory } from '../../src/audit/types.js';
import type { SeedManifest } from '../../src/sample/seed.js';

/**
 * What the foundation audit must report for a seeded database, as `category|holder|row|path`:
 * plaintext inline, masks, dangling references, values in the `secrets` table, and one
 * missing-spec finding per spec-less actor.
 */
export function expectedFindings(m: SeedManifest): string[] {
  const out: string[] = [];
  for (const p of m.planted) {
    let category: FindingCategory | null = null;
    if (p.kind === 'plaintext') category = 'plaintext-inline';
    else if (p.kind === 'mask' || p.kind === 'oauth-mask') category = 'masked-value';
    else if (p.kind === 'dangling') category = 'dangling-reference';
    else if (p.inSecretsTable) category = 'plaintext-database-store';
    if (category) out.push([category, p.holder, p.rowId, p.path].join('|'));
  }
  for (const id of m.missingSpecActors) out.push(['missing-spec', 'actor', id, 'null'].join('|'));
  return out.sort();
}

/** The same key for reported findings. */
export function findingKeys(
  findings: readonly Pick<Finding, 'category' | 'holder' | 'actorId' | 'path'>[],
): string[] {
  return findings.map((f) => [f.category, f.holder, f.actorId, f.path ?? 'null'].join('|')).sort();
}
