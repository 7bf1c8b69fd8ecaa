import { example } from '../src/cli/examples.js';
import Migrate from './migrate.js';

/** `plan` is `migrate --dry-run`: the same flags, never a write. */
export default class Plan extends Migrate {
  static override summary =
    'Show what a migration would do (same as migrate --dry-run); writes nothing anywhere.';
  static override description =
    "Lists every action a migration would take (copy, extract, skip, conflicts needing a human) by store and workspace, with an estimated duration from the target's quota and the measured round trip. Reads the database and both stores; writes nothing.";
  static override examples = [
    example('Plan a move to Vault', '--to vault --vault-address https://vault:8200'),
    example('The plan as JSON', '--to aws --aws-region eu-west-1 --json'),
  ];

  override async run() {
    if (!this.argv.includes('--dry-run')) this.argv.push('--dry-run');
    return super.run();
  }
}
