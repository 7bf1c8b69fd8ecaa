// The debug switches of the SDKs the stores use and of Node.js itself. Several print request
// bodies, and a request body holds a secret value: node-vault's `debug('write %o to %s', data)`
// under DEBUG, google-logging-utils' payload logs under GOOGLE_SDK_NODE_LOGGING. The CLI never
// honours them (the AWS SDK has no environment switch: its client is built with a silent logger).
export const SDK_DEBUG_VARIABLES = [
  'DEBUG', // debug (node-vault, many others), @typespec/ts-http-runtime (Azure)
  'NODE_DEBUG', // util.debuglog: http, net, tls, http2, ...
  'NODE_DEBUG_NATIVE',
  'GOOGLE_SDK_NODE_LOGGING', // google-logging-utils (google-gax)
  'GRPC_TRACE', // @grpc/grpc-js
  'GRPC_VERBOSITY',
  'GRPC_NODE_TRACE',
  'GRPC_NODE_VERBOSITY',
  'AZURE_LOG_LEVEL', // @azure/logger
  'TYPESPEC_RUNTIME_LOG_LEVEL',
];

/** Node.js reads these when the process starts, before any code of ours: only a new process drops them. */
const READ_AT_STARTUP = new Set(['NODE_DEBUG', 'NODE_DEBUG_NATIVE']);

/**
 * Removes every SDK debug switch from the environment before any SDK is loaded and says so once
 * on stderr, naming the variables (never their values). Returns true when the CLI must run in a
 * child process instead, because Node.js had already read one of them.
 */
export function quietSdks(env = process.env) {
  const set = SDK_DEBUG_VARIABLES.filter((name) => env[name] !== undefined);
  if (set.length === 0) return false;
  process.stderr.write(
    `airbyte-secrets: ignoring ${set.join(', ')}: SDK debug logs can print secret values\n`,
  );
  const restart = set.some((name) => READ_AT_STARTUP.has(name));
  for (const name of set) delete env[name];
  return restart;
}

/** Runs this same command again without the switches, passing signals on and its exit status back. */
export async function rerunQuietly() {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: process.env,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  if (signal) process.kill(process.pid, signal);
  process.exitCode = code ?? 2;
}
