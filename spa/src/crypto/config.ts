import type { NodeDto, PeerDto } from '../api/types';

export type TunnelMode = 'full' | 'split';

export interface ClientConfigInput {
  privateKey: string;
  peer: Pick<PeerDto, 'name' | 'addresses' | 'presharedKey' | 'persistentKeepalive'>;
  node: Pick<NodeDto, 'name' | 'endpoint' | 'listenPort' | 'publicKey' | 'dns' | 'ipv4Network' | 'ipv6Network' | 'mtu' | 'persistentKeepalive'>;
  mode: TunnelMode;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The device's wg-quick config. Built in the browser: the private key is never sent anywhere. */
export function buildClientConfig({ privateKey, peer, node, mode }: ClientConfigInput): string {
  const lines: string[] = [];
  lines.push(`# CloudWg peer "${peer.name}" on node "${node.name}"`);
  lines.push('[Interface]');
  lines.push(`PrivateKey = ${privateKey}`);
  lines.push(`Address = ${peer.addresses.join(', ')}`);
  if (node.dns && node.dns.length > 0) lines.push(`DNS = ${node.dns.join(', ')}`);
  if (node.mtu) lines.push(`MTU = ${node.mtu}`);
  lines.push('');
  lines.push('[Peer]');
  if (node.publicKey) {
    lines.push(`PublicKey = ${node.publicKey}`);
  } else {
    lines.push('# The node has not enrolled yet: add its PublicKey once it has.');
  }
  if (peer.presharedKey) lines.push(`PresharedKey = ${peer.presharedKey}`);
  const allowed =
    mode === 'full'
      ? ['0.0.0.0/0', '::/0']
      : [node.ipv4Network, node.ipv6Network].filter((x): x is string => !!x);
  lines.push(`AllowedIPs = ${allowed.join(', ')}`);
  lines.push(`Endpoint = ${hostPort(node.endpoint, node.listenPort)}`);
  const keepalive = peer.persistentKeepalive ?? node.persistentKeepalive;
  if (keepalive) lines.push(`PersistentKeepalive = ${keepalive}`);
  return lines.join('\n') + '\n';
}

/** wg-quick file names: interface names are at most 15 characters of [a-zA-Z0-9_=+.-]. */
export function configFileName(peerName: string): string {
  const base = peerName.replace(/[^a-zA-Z0-9_=+.-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 15) || 'cloudwg';
  return `${base}.conf`;
}

export interface ParsedSection {
  name: string;
  values: Record<string, string>;
}

/**
 * A strict reader of the wg-quick format (the subset `wg setconf`/`wg-quick` accept): sections,
 * known keys, no duplicates. Throws with a message naming the problem.
 */
export function parseWireGuardConfig(text: string): ParsedSection[] {
  const interfaceKeys = ['privatekey', 'address', 'dns', 'mtu', 'listenport', 'fwmark', 'table', 'preup', 'postup', 'predown', 'postdown', 'saveconfig'];
  const peerKeys = ['publickey', 'presharedkey', 'allowedips', 'endpoint', 'persistentkeepalive'];
  const sections: ParsedSection[] = [];
  let current: ParsedSection | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const header = /^\[(Interface|Peer)\]$/i.exec(line);
    if (header) {
      current = { name: header[1].toLowerCase() === 'interface' ? 'Interface' : 'Peer', values: {} };
      sections.push(current);
      return;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`line ${index + 1}: expected "Key = Value"`);
    if (!current) throw new Error(`line ${index + 1}: key outside of a section`);
    const sec: ParsedSection = current;
    const key = kv[1].toLowerCase();
    const allowed = sec.name === 'Interface' ? interfaceKeys : peerKeys;
    if (!allowed.includes(key)) throw new Error(`line ${index + 1}: unknown key ${kv[1]} in [${sec.name}]`);
    if (key in sec.values) throw new Error(`line ${index + 1}: duplicate key ${kv[1]}`);
    sec.values[key] = kv[2].trim();
  });
  const iface = sections.filter((s) => s.name === 'Interface');
  if (iface.length !== 1) throw new Error('exactly one [Interface] section is required');
  if (!iface[0].values.privatekey) throw new Error('[Interface] needs a PrivateKey');
  for (const p of sections.filter((s) => s.name === 'Peer')) {
    if (!p.values.publickey) throw new Error('[Peer] needs a PublicKey');
  }
  return sections;
}
