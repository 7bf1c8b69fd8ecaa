import type { SecretStore } from './types.js';

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'postgres:': '5432',
  'postgresql:': '5432',
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0:0:0:0:0:0:0:1']);

/**
 * An endpoint as one comparable string: scheme and host lowercase, every loopback spelling
 * (`localhost`, `127.0.0.1`, `::1`) one host, the scheme's default port written out, no trailing
 * slash, no credentials, no query. Two spellings of one server give one identity.
 */
export function endpointIdentity(address: string, defaultPort?: string): string {
  const text = address.trim().replace(/^jdbc:/i, '');
  let url: URL;
  try {
    // WHATWG URL parses host and port only for special schemes: parse postgres:// as http.
    const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(text)?.[1]?.toLowerCase() ?? 'https:';
    url = new URL(text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, 'http://'));
    const host = url.hostname.toLowerCase();
    const port = url.port || defaultPort || DEFAULT_PORTS[scheme] || '';
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    const scheme_ = scheme === 'postgresql:' ? 'postgres:' : scheme;
    return `${scheme_}//${LOOPBACK.has(host) ? 'localhost' : host}${port ? `:${port}` : ''}${path}`;
  } catch {
    return text.toLowerCase().replace(/\/+$/, '');
  }
}

/** A path inside a store (Vault mount and prefix): no leading, trailing or doubled slashes. */
export function pathIdentity(path: string): string {
  return path.split('/').filter(Boolean).join('/');
}

/** Whether a journaled run's store (its identity, or its description in runs recorded before identities) is `store`. */
export function sameStore(
  identity: string | null | undefined,
  description: string,
  store: Pick<SecretStore, 'description'> & { identity?: string },
): boolean {
  return identity ? identity === storeIdentity(store) : description === store.description;
}

/** What runs, locks and rollbacks compare: the store's identity, else (a store without one) its description. */
export function storeIdentity(store: Pick<SecretStore, 'description'> & { identity?: string }): string {
  return store.identity ?? store.description;
}
