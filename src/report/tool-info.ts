/** The tool as reports name it (SARIF driver, HTML footer). */
export const TOOL_NAME = 'airbyte-secrets';
export { packageVersion as toolVersion } from '../util/package-root.js';
