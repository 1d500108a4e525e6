import { isIP } from 'node:net';

/** Whether an address to listen on is this machine's loopback only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
