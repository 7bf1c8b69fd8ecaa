import type { SecretValue } from '../util/secret-value.js';

/**
 * A service's error text with the value being written taken out, should the service quote its
 * input (validation messages sometimes do). A value too short to cut out safely withholds the text.
 */
export function scrubDetail(detail: string, value: SecretValue | undefined): string {
  const text = value?.reveal() ?? '';
  if (text === '' || !detail.includes(text)) return detail;
  return text.length >= 4
    ? detail.split(text).join('[redacted]')
    : '(service message withheld: it may quote the value)';
}
