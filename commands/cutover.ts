import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeKindOnly, storeSettingsOnly } from '../src/cli/context.js';
import { RUNBOOK_FILES, writeRunbookFiles } from '../src/cli/cutover-files.js';
import { example } from '../src/cli/examples.js';
import { fromStoreFlags, targetStoreFlags, toStoreFlags } from '../src/cli/store-flags.js';
import { currentEnvironment } from '../src/config/environment.js';
import { type CutoverRunbook, cutoverRunbook } from '../src/migrate/cutover.js';
import { renderRunbook } from '../src/report/cutover.js';

export default class Cutover extends BaseCommand {
  static override summary =
    'Print (or write) the cut-over runbook: values patch, Secret manifest, the steps in order and back.';
  static override description =
    "The Helm values patch that switches Airbyte to the store, the Kubernetes Secret with the key names the chart expects (placeholders; with --output and --from-env its values from the env vars Airbyte reads, in a file of mode 0600), and the exact kubectl/helm steps: create the Secret, start 'sync --follow', helm upgrade, kubectl rollout status for every deployment that reads secrets, stop the sync, 'verify --baseline'; then the steps back. Warns when the store's address is loopback (a port-forward): that address must not go into Helm. Connects to nothing; no value is ever printed.";
  static override examples = [
    example(
      'The runbook for Vault',
      '--to vault --vault-address https://vault.vault.svc:8200 --run 3f0c2a1e-…',
    ),
    example(
      'Write it, with the Secret filled from env',
      '--to aws --aws-region eu-west-1 --output cutover/ --from-env',
    ),
  ];
  static override flags = {
    ...fromStoreFlags,
    ...toStoreFlags,
    ...targetStoreFlags,
    'helm-shape': Flags.string({
      summary: 'Chart shape of the values patch.',
      options: ['v1', 'v2'],
      default: 'v2',
    }),
    release: Flags.string({ summary: 'Helm release name.', default: 'airbyte' }),
    namespace: Flags.string({ summary: 'Kubernetes namespace of the release.', default: 'airbyte' }),
    'secret-name': Flags.string({
      summary: 'Name of the Kubernetes Secret (default: airbyte-config-secrets).',
    }),
    run: Flags.string({ summary: "The migration run, for the runbook's verify --baseline step." }),
    output: Flags.string({
      summary: 'Write the values patch, the Secret manifest and the runbook into this directory.',
    }),
    'from-env': Flags.boolean({
      summary:
        'Fill the Secret manifest from the env vars Airbyte reads (needs --output; the file is mode 0600).',
      dependsOn: ['output'],
    }),
  };

  async run(): Promise<
    CutoverRunbook & { files?: { values: string; secret: string; runbook: string; secretFilled: boolean } }
  > {
    const { flags } = await this.parse(Cutover);
    const target = await storeSettingsOnly('to', flags);
    const source = await storeKindOnly('from', flags);
    const runbook = cutoverRunbook(target, source, {
      release: flags.release,
      namespace: flags.namespace,
      shape: flags['helm-shape'] as 'v1' | 'v2',
      ...(flags['secret-name'] ? { secretName: flags['secret-name'] } : {}),
      ...(flags.run ? { runId: flags.run } : {}),
      ...(flags.output ? { files: { values: RUNBOOK_FILES.values, secret: RUNBOOK_FILES.secret } } : {}),
    });
    if (!flags.output) return this.finish(runbook, (r) => renderRunbook(r));
    const text = renderRunbook(runbook);
    const files = await writeRunbookFiles(
      flags.output,
      runbook,
      text,
      flags['from-env'] ? currentEnvironment() : undefined,
    );
    return this.finish({ ...runbook, files }, (r) => renderRunbook(r, files));
  }
}
