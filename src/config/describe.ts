import type { StoreSettings } from './types.js';

/**
 * One line naming a store for logs and reports: kind, address and the choices that matter,
 * never a credential (the database URL loses its user and password).
 */
export function describeSettings(s: StoreSettings): string {
  const parts: string[] = [];
  switch (s.kind) {
    case 'database':
      parts.push(`database table secrets at ${safeUrl(s.url)}`);
      break;
    case 'vault':
      parts.push(`vault at ${safeUrl(s.address)}`, `prefix ${s.prefix}`);
      if (s.namespace) parts.push(`namespace ${s.namespace}`);
      if (s.kvVersion && s.kvVersion !== 'auto') parts.push(`KV v${s.kvVersion}`);
      break;
    case 'aws':
      parts.push(`aws secrets manager in ${s.region}`);
      if (s.endpoint) parts.push(`endpoint ${safeUrl(s.endpoint)}`);
      parts.push(s.accessKeyId ? `access key ${maskKeyId(s.accessKeyId)}` : 'default credential chain');
      if (s.kmsKeyId) parts.push(`KMS key ${s.kmsKeyId}`);
      break;
    case 'gcp':
      parts.push(`google secret manager project ${s.projectId}`);
      if (s.region) parts.push(`region ${s.region}`);
      if (s.endpoint) parts.push(`endpoint ${s.endpoint}`);
      parts.push(s.credentials ? 'service-account credentials' : 'application default credentials');
      break;
    case 'azure':
      parts.push(`azure key vault ${safeUrl(s.vaultUrl)}`);
      parts.push(
        s.clientSecret ? `client ${s.clientId ?? '?'} in tenant ${s.tenantId ?? '?'}` : 'default credential',
      );
      break;
  }
  if (s.limits?.concurrency) parts.push(`concurrency ${s.limits.concurrency}`);
  if (s.limits?.rate) parts.push(`${s.limits.rate} req/s`);
  return parts.join(', ');
}

/** `scheme://host[:port]/path` with any user info dropped. */
function safeUrl(text: string): string {
  try {
    const url = new URL(text);
    const path = url.pathname === '/' ? '' : url.pathname;
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return '(address hidden: not a URL)';
  }
}

/** Access key ids are not secret, but showing only their ends is the AWS console's habit. */
function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}
