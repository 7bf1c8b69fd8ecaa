import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import { renderSampleSeed } from '../../src/report/sample-seed.js';
import { type SampleKind, type SeedSampleResult, seedSample } from '../../src/sample/seed-sample.js';

export default class SampleSeed extends BaseCommand {
  static override summary = 'Fill an empty database with a sample Airbyte config database (for rehearsals).';
  static override description =
    `Creates Airbyte's tables in an empty PostgreSQL database and seeds them from the project's
sample connector specs: workspaces, sources and destinations with nested, oneOf and array secrets,
plaintext typed into configurations and values in the plaintext \`secrets\` table. --sample clean
seeds only what migrates without a human (as the demo does); --sample full also plants dangling
references, actors without a spec and external names. A database that already has actors is left
as it is. Values are random and never printed. Never point this at a real Airbyte database.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --database-url postgres://airbyte:airbyte@localhost:5432/db-airbyte',
    '<%= config.bin %> <%= command.id %> --database-url postgres://postgres@localhost/rehearsal --sample full --actors 500',
  ];
  static override flags = {
    sample: Flags.string({ summary: 'What to plant.', options: ['clean', 'full'], default: 'clean' }),
    actors: Flags.integer({ summary: 'Actors in all (live, deleted and spec-less).', min: 1 }),
    workspaces: Flags.integer({ summary: 'Workspaces.', min: 1 }),
    seed: Flags.string({ summary: 'Same seed, same database (ids and values).' }),
  };

  async run(): Promise<SeedSampleResult> {
    const { flags } = await this.parse(SampleSeed);
    const result = await seedSample(await this.openDatabaseToSeed(flags), {
      sample: flags.sample as SampleKind,
      ...(flags.actors !== undefined ? { actors: flags.actors } : {}),
      ...(flags.workspaces !== undefined ? { workspaces: flags.workspaces } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    });
    return this.finish(result, renderSampleSeed);
  }
}
