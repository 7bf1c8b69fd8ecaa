/** Helpers for the one-line descriptions of store settings: nothing there may show a credential. */

/** `scheme://host[:port]/path` with any user info dropped. */
export function safeUrl(text: string): string {
  try {
    const url = new URL(text);
    const path = url.pathname === '/' ? '' : url.pathname;
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return '(address hidden: not a URL)';
  }
}
