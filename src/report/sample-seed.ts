import type { SeedSampleResult } from '../sample/seed-sample.js';

/** What `sample seed` planted, counted by kind (never a value). */
export function renderSampleSeed(r: SeedSampleResult): string {
  if (!r.seeded) return `Nothing seeded: ${r.reason}.`;
  const kinds = Object.entries(r.byKind).map(([k, n]) => `${n} ${k}`);
  return [
    `Seeded an Airbyte database (${r.variant}): ${r.workspaces} workspaces, ${r.liveActors} live actors of ${r.actors}.`,
    `${r.secretsPlanted} secrets planted: ${kinds.join(', ')}.`,
  ].join('\n');
}
