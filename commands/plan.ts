import { BaseCommand } from '../src/cli/base-command.js';
import { example } from '../src/cli/examples.js';
import { planCommand } from '../src/cli/migrate-command.js';
import { planFlags } from '../src/cli/migrate-flags.js';

/** `plan` is `migrate --dry-run` (same flags, never a write), plus saving the plan and review reports. */
export default class Plan extends BaseCommand {
  static override summary =
    'Show what a migration would do (same as migrate --dry-run); writes nothing anywhere.';
  static override description =
    "Lists every action a migration would take (copy, extract, skip, conflicts needing a human) by store and workspace, with an estimated duration from the target's quota and the measured round trip. Reads the database and both stores; writes nothing there. --out saves the plan (coordinates, paths and digests of what was read, never values) for 'migrate --plan'; --format writes a change-review report.";
  static override examples = [
    example('Plan a move to Vault', '--to vault --vault-address https://vault:8200'),
    example('Save the plan to apply it exactly later', '--to vault --out plan.json'),
    example('A change-review report', '--to vault --format html --output plan.html'),
    example('The plan as JSON', '--to aws --aws-region eu-west-1 --json'),
  ];
  static override flags = planFlags;

  async run() {
    const { flags } = await this.parse(Plan);
    return planCommand(this.host(), flags);
  }
}
