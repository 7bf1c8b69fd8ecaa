import { BaseCommand } from '../src/cli/base-command.js';
import { doctorFlags } from '../src/cli/doctor-flags.js';
import { example } from '../src/cli/examples.js';
import { doctorTargets } from '../src/cli/preflight.js';
import { type PreflightReport, runPreflight } from '../src/preflight/index.js';
import { renderPreflight } from '../src/report/preflight.js';

export default class Doctor extends BaseCommand {
  static override summary =
    'Check the database and the stores before a migration: reachable, credentials, rights, mount, quota.';
  static override description =
    "The checks plan and migrate run first, one line each with ✓ or ✗ and the fix: Airbyte's database (connection, the role's rights on Airbyte's tables and the journal schema), then each store from the same flags, values files and env as migrate (reachable, credentials accepted, Vault mount and KV version, read and list rights, quota). --write-probe also writes and deletes a throwaway airbyte_secrets_probe_<uuid> name. Exit 0 when every check passes, 2 when one fails.";
  static override examples = [
    example("Check Airbyte's database and the store it uses now", ''),
    example(
      'Check a move to Vault, writes included',
      '--to vault --vault-address https://vault:8200 --write-probe',
    ),
  ];
  static override flags = doctorFlags;

  async run(): Promise<PreflightReport> {
    const { flags } = await this.parse(Doctor);
    const purpose = { writes: true, rewrites: true, list: true, writeProbe: flags['write-probe'] };
    const report = await runPreflight(doctorTargets(this.resources, flags), purpose);
    if (!report.ok) this.problemExit = 2;
    return this.finish(report, renderPreflight);
  }
}
