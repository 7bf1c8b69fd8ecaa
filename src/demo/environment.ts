import { AIRBYTE_ENV } from '../config/environment.js';

/**
 * The demo runs the real commands in this process, and they read Airbyte's settings from the
 * environment. While it runs, the environment holds exactly what the demo set up (the emulator's
 * address and dummy credentials) and none of the operator's own Airbyte settings, so a
 * DATABASE_URL or SECRET_PERSISTENCE in the shell cannot point the demo at a real system.
 */
const CLEARED = [
  ...Object.values(AIRBYTE_ENV),
  'DATABASE_URL',
  'DATABASE_USER',
  'DATABASE_PASSWORD',
  // oclif's scoped switch that would turn every command's output into JSON.
  'AIRBYTE_SECRETS_CONTENT_TYPE',
];

/** Replaces the variables for the demo; the returned function puts the previous values back. */
export function overlayEnvironment(vars: Record<string, string>): () => void {
  const names = new Set([...CLEARED, ...Object.keys(vars)]);
  const saved = new Map<string, string | undefined>();
  for (const name of names) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
