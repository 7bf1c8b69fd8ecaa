import { Flags } from '@oclif/core';
import { describeSecretPaths, type SecretPathsReport } from '../src/airbyte/paths.js';
import { loadJsonOrYamlFile, loadSpecFile } from '../src/airbyte/spec.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { renderPathsTable } from '../src/report/paths-table.js';

export default class Paths extends BaseCommand {
  static override summary = "Show where a connector spec keeps secrets, Airbyte's way.";
  static override description =
    `Lists the secret JSONPath templates Airbyte derives from a connector spec (every property with an
airbyte_secret key, oneOf/allOf/anyOf branches merged onto their parent's path) and, given a config,
each concrete path and the kind of value found there: plaintext, managed or external reference,
reference id, mask, empty or missing. Values are never printed. The spec may be a
ConnectorSpecification or a bare JSON Schema, in JSON or YAML.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --spec samples/specs/source-sample-postgres.json',
    '<%= config.bin %> <%= command.id %> --spec spec.yaml --config config.json --json',
  ];
  static override flags = {
    spec: Flags.string({ summary: 'Connector spec file (JSON or YAML).', required: true }),
    config: Flags.string({ summary: 'Connector config file to expand the paths against (JSON or YAML).' }),
  };

  async run(): Promise<SecretPathsReport> {
    const { flags } = await this.parse(Paths);
    const spec = await loadSpecFile(flags.spec);
    const config = flags.config === undefined ? undefined : await loadJsonOrYamlFile(flags.config);
    const report = describeSecretPaths(spec, config);
    if (!this.jsonEnabled()) this.log(renderPathsTable(report, config !== undefined));
    return report;
  }
}
