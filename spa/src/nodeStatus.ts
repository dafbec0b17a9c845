import type { NodeDto } from './api/types';

/** A node is online if it says so, or reported within the last 5 minutes. */
export function nodeOnline(n: NodeDto, now = Date.now()): boolean {
  if (n.status) {
    const s = n.status.toLowerCase();
    if (s === 'online' || s === 'healthy') return true;
    if (s === 'offline' || s === 'revoked' || s === 'pending' || s === 'unenrolled') return false;
  }
  return !!n.lastSeenAt && now - Date.parse(n.lastSeenAt) < 300_000;
}

export function statusLabel(n: NodeDto, now = Date.now()): string {
  const s = n.status?.toLowerCase();
  if (s === 'revoked') return 'revoked';
  if (!n.lastSeenAt && !n.publicKey && (!s || s === 'pending' || s === 'unenrolled')) return 'not enrolled';
  return nodeOnline(n, now) ? 'online' : 'offline';
}

export function inSync(n: NodeDto): boolean {
  return (n.desiredVersion ?? 0) === (n.appliedVersion ?? 0);
}

/** How far the node is with the latest desired state. */
export function syncState(n: NodeDto): { kind: 'ok' | 'warn' | 'muted'; label: string } {
  if (n.appliedVersion === null || n.appliedVersion === undefined) return { kind: 'muted', label: 'nothing applied yet' };
  return inSync(n) ? { kind: 'ok', label: 'in sync' } : { kind: 'warn', label: 'applying' };
}
