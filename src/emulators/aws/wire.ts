import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  EmulatorControls,
  type EmulatorOptions,
  listenHttp,
  type QuotaRule,
  type RunningEmulator,
} from '../harness.js';
import { AwsFault, type Json, type SecretSnapshot, SecretsManagerModel, WRITE_OPERATIONS } from './model.js';

/**
 * An AWS Secrets Manager emulator speaking the awsJson1_1 protocol: `POST /` with
 * `X-Amz-Target: secretsmanager.<Operation>`, errors as `{"__type", "message"}` with HTTP 400
 * (500 for server faults), dates as epoch seconds. The SigV4 `Authorization` header is checked
 * for the access key id and region only; the signature itself is not verified. Quota defaults
 * to the published per-account figures, and throttling answers `ThrottlingException` "Rate
 * exceeded" with HTTP 400, as AWS does.
 *
 *   const aws = await startAwsSecretsManagerEmulator();
 *   new SecretsManagerClient({ endpoint: aws.url, region: aws.region, credentials: aws.credentials });
 */

export interface AwsEmulatorOptions extends EmulatorOptions {
  /** @default 'AKIDEMULATOR' */
  accessKeyId?: string;
  /** Not checked (signatures are not verified); printed for clients. @default 'emulator-secret-key' */
  secretAccessKey?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** Cap on ListSecrets pages regardless of MaxResults (AWS may return short pages). */
  maxPageSize?: number;
  /** Names every operation on which answers AccessDeniedException (see also `denyName`). */
  deniedNames?: string[];
  /**
   * Operations answered with AccessDeniedException on every name, as for a policy that lacks
   * them (`secretsmanager:DescribeSecret`); see also `denyOperations`.
   */
  deniedOperations?: string[];
}

export interface RunningAwsEmulator extends RunningEmulator {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; region: string };
  /** Answers AccessDeniedException for these operations (all when omitted) on `name`. */
  denyName(name: string, operations?: string[]): void;
  /** Answers AccessDeniedException for these operations on every name (an empty list allows them all again). */
  denyOperations(operations: string[]): void;
  /** Creates a secret without going through the API (and without a log entry). */
  plant(name: string, secretString: string): void;
  snapshot(name: string): SecretSnapshot | undefined;
  setMaxPageSize(size: number | undefined): void;
}

/**
 * Published quotas (docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html): PutSecretValue/UpdateSecret/Create/Delete/Restore/Tag share about
 * 50 TPS; GetSecretValue and DescribeSecret 10,000 TPS.
 */
export const AWS_DEFAULT_QUOTA: Record<string, QuotaRule> = {
  write: { rate: 50 },
  read: { rate: 10_000 },
};

const JSON_TYPE = 'application/x-amz-json-1.1';
const RESET = Symbol('reset');
type Answer = { status: number; body: Json; type?: string } | typeof RESET;

export async function startAwsSecretsManagerEmulator(
  options: AwsEmulatorOptions = {},
): Promise<RunningAwsEmulator> {
  const accessKeyId = options.accessKeyId ?? 'AKIDEMULATOR';
  const secretAccessKey = options.secretAccessKey ?? 'emulator-secret-key';
  const region = options.region ?? 'us-east-1';
  const controls = new EmulatorControls(options, AWS_DEFAULT_QUOTA);
  const model = new SecretsManagerModel(region);
  model.maxPageSize = options.maxPageSize;
  const denied = new Map<string, Set<string> | 'all'>((options.deniedNames ?? []).map((n) => [n, 'all']));
  let deniedOperations = new Set(options.deniedOperations ?? []);

  const fault = (type: string, message: string, status = 400): Answer => ({
    status,
    body: { __type: type, message },
    type,
  });

  const authFailure = (headers: IncomingHttpHeaders): Answer | undefined => {
    const auth = headerOf(headers, 'authorization');
    const credential = auth?.match(/Credential=([^/,\s]+)\/[^/]+\/([^/]+)\/([^/]+)\//);
    if (!auth || !credential)
      return fault('MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (credential[1] !== accessKeyId) {
      return fault('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (credential[2] !== region)
      return fault('InvalidSignatureException', 'Credential should be scoped to a valid region.');
    return undefined;
  };

  const isDenied = (name: string | undefined, operation: string): boolean => {
    if (deniedOperations.has(operation)) return true;
    const rule = name === undefined ? undefined : denied.get(name);
    return rule === 'all' || rule?.has(operation) === true;
  };

  const serve = async (method: string, headers: IncomingHttpHeaders, raw: Buffer): Promise<Answer> => {
    await controls.delay();
    const target = headerOf(headers, 'x-amz-target') ?? '';
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
    if (method !== 'POST' || operation === '') {
      return fault('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
    }
    let input: Json;
    try {
      input = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Json);
    } catch {
      return fault('SerializationException', 'Start of structure or map found where not expected.');
    }
    const write = WRITE_OPERATIONS.has(operation);
    const name = model.nameOf(input);
    const answer = admit(operation, write, name, headers) ?? run(operation, input);
    controls.record({
      operation,
      ...(name !== undefined ? { name } : {}),
      write,
      outcome:
        answer === RESET ? 'reset' : answer.type ? `${answer.status} ${answer.type}` : String(answer.status),
    });
    return answer;
  };

  /** Faults, credentials, quota and access, in that order; undefined when admitted. */
  const admit = (
    operation: string,
    write: boolean,
    name: string | undefined,
    headers: IncomingHttpHeaders,
  ) => {
    const drawn = controls.fault(operation, name);
    if (drawn === 'reset') return RESET;
    if (drawn === 'throttle') return fault('ThrottlingException', 'Rate exceeded');
    if (drawn === 'server-error')
      return fault('InternalServiceError', 'An error occurred on the server side.', 500);
    const unauthenticated = authFailure(headers);
    if (unauthenticated) return unauthenticated;
    if (controls.admit(write ? 'write' : 'read') > 0) return fault('ThrottlingException', 'Rate exceeded');
    if (isDenied(name, operation)) {
      return fault(
        'AccessDeniedException',
        `User: arn:aws:iam::${model.account}:user/emulator is not authorized to perform: secretsmanager:${operation} ` +
          `on resource: ${name} because no identity-based policy allows the secretsmanager:${operation} action`,
      );
    }
    return undefined;
  };

  const run = (operation: string, input: Json): Answer => {
    try {
      return { status: 200, body: model.call(operation, input) };
    } catch (err) {
      if (err instanceof AwsFault) return fault(err.type, err.message, err.status);
      throw err;
    }
  };

  const http = await listenHttp(options, async (req, body, res) => {
    const answer = await serve(req.method ?? 'GET', req.headers, body);
    if (answer === RESET) res.socket?.resetAndDestroy();
    else writeAnswer(res, answer);
  });

  return {
    url: http.url,
    port: http.port,
    log: controls.log,
    region,
    accessKeyId,
    secretAccessKey,
    credentials: { accessKeyId, secretAccessKey, region },
    setFaults: (faults) => controls.setFaults(faults),
    close: () => http.close(),
    denyName(name, operations) {
      denied.set(name, operations ? new Set(operations) : 'all');
    },
    denyOperations(operations) {
      deniedOperations = new Set(operations);
    },
    plant: (name, secretString) => model.plant(name, secretString),
    snapshot: (name) => model.snapshot(name),
    setMaxPageSize(size) {
      model.maxPageSize = size;
    },
  };
}

function writeAnswer(res: ServerResponse, answer: Exclude<Answer, typeof RESET>): void {
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(payload);
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
