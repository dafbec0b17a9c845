import type { FirewallAction, NodeDto } from '../api/types';
import { errorsByField, type FieldErrors } from '../api/client';
import { CheckboxField, SelectField, TextField } from '../components/ui';
import { splitList } from '../format';

export interface NodeDraft {
  name: string;
  endpoint: string;
  listenPort: string;
  ipv4Network: string;
  ipv6Network: string;
  mtu: string;
  persistentKeepalive: string;
  l4Listen: string;
  dns: string;
  egress: boolean;
  egressInterface: string;
  policyInput: FirewallAction;
  policyForward: FirewallAction;
  policyEgress: FirewallAction;
}

export const nodeFields = ['name', 'endpoint', 'listenPort', 'ipv4Network', 'ipv6Network', 'mtu', 'persistentKeepalive', 'l4Listen', 'dns', 'egress', 'egressInterface', 'firewallPolicy'] as const;

export function emptyNodeDraft(): NodeDraft {
  return { name: '', endpoint: '', listenPort: '51820', ipv4Network: '10.44.0.0/24', ipv6Network: '', mtu: '1420', persistentKeepalive: '25', l4Listen: ':443', dns: '', egress: false, egressInterface: '', policyInput: 'accept', policyForward: 'drop', policyEgress: 'accept' };
}

export function nodeToDraft(n: NodeDto): NodeDraft {
  return {
    name: n.name ?? '',
    endpoint: n.endpoint ?? '',
    listenPort: String(n.listenPort ?? ''),
    ipv4Network: n.ipv4Network ?? '',
    ipv6Network: n.ipv6Network ?? '',
    mtu: n.mtu === undefined || n.mtu === null ? '' : String(n.mtu),
    persistentKeepalive: n.persistentKeepalive === undefined || n.persistentKeepalive === null ? '' : String(n.persistentKeepalive),
    l4Listen: (n.l4Listen ?? []).join(', '),
    dns: (n.dns ?? []).join(', '),
    egress: n.egress ?? false,
    egressInterface: n.egressInterface ?? '',
    policyInput: n.firewallPolicy?.input ?? 'accept',
    policyForward: n.firewallPolicy?.forward ?? 'drop',
    policyEgress: n.firewallPolicy?.egress ?? 'accept',
  };
}

function num(s: string): number | string | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  // Send what the user typed when it is not a number, so the API's message names the field.
  return Number.isFinite(n) ? n : s;
}

export function draftToNodeBody(d: NodeDraft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    endpoint: d.endpoint.trim(),
    listenPort: num(d.listenPort),
    ipv4Network: d.ipv4Network.trim(),
    ipv6Network: d.ipv6Network.trim() || null,
    mtu: num(d.mtu),
    persistentKeepalive: num(d.persistentKeepalive),
    l4Listen: splitList(d.l4Listen),
    dns: splitList(d.dns),
    egress: d.egress,
    egressInterface: d.egressInterface.trim() || null,
    firewallPolicy: { input: d.policyInput, forward: d.policyForward, egress: d.policyEgress },
  };
}

const actions = ['accept', 'drop', 'reject'] as const;

export function NodeFields({ draft, onChange, errors }: { draft: NodeDraft; onChange: (d: NodeDraft) => void; errors: FieldErrors }) {
  const e = errorsByField(errors, nodeFields);
  const set = (k: keyof NodeDraft) => (v: string) => onChange({ ...draft, [k]: v });
  return (
    <div className="grid">
      <TextField label="Name" name="name" value={draft.name} onChange={set('name')} errors={e.name} required />
      <TextField label="Public endpoint (host name or IP clients dial)" name="endpoint" value={draft.endpoint} onChange={set('endpoint')} errors={e.endpoint} required placeholder="vpn.example.com" />
      <TextField label="WireGuard listen port" name="listenPort" value={draft.listenPort} onChange={set('listenPort')} errors={e.listenPort} inputMode="numeric" />
      <TextField label="IPv4 network" name="ipv4Network" value={draft.ipv4Network} onChange={set('ipv4Network')} errors={e.ipv4Network} hint="The node takes the first address." />
      <TextField label="IPv6 network (optional)" name="ipv6Network" value={draft.ipv6Network} onChange={set('ipv6Network')} errors={e.ipv6Network} />
      <TextField label="MTU" name="mtu" value={draft.mtu} onChange={set('mtu')} errors={e.mtu} inputMode="numeric" />
      <TextField label="Persistent keepalive (s)" name="persistentKeepalive" value={draft.persistentKeepalive} onChange={set('persistentKeepalive')} errors={e.persistentKeepalive} inputMode="numeric" />
      <TextField label="L4 listen addresses" name="l4Listen" value={draft.l4Listen} onChange={set('l4Listen')} errors={e.l4Listen} hint="Comma-separated, e.g. :443" />
      <CheckboxField
        label="Internet egress (exit node)"
        name="egress"
        checked={draft.egress}
        onChange={(v) => onChange({ ...draft, egress: v })}
        errors={e.egress}
        hint="Peers may send all their traffic through this node, which forwards it to the internet under its own address. Off: clients get only the node's networks."
      />
      {draft.egress && (
        <TextField label="Egress interface (optional)" name="egressInterface" value={draft.egressInterface} onChange={set('egressInterface')} errors={e.egressInterface} hint="Leave empty to use the interface of the node's default route." />
      )}
      <TextField
        label="DNS servers for clients"
        name="dns"
        value={draft.dns}
        onChange={set('dns')}
        errors={e.dns}
        hint="Comma-separated resolvers that answer clients, e.g. 1.1.1.1 or one on the node's network. The node runs no resolver itself: do not give its tunnel address unless one listens there. Empty: clients keep their own."
      />
      <SelectField<FirewallAction> label="Unmatched traffic to the node" name="policyInput" value={draft.policyInput} onChange={(v) => onChange({ ...draft, policyInput: v })} errors={e.firewallPolicy} options={actions} />
      <SelectField<FirewallAction> label="Unmatched traffic between peers" name="policyForward" value={draft.policyForward} onChange={(v) => onChange({ ...draft, policyForward: v })} options={actions} hint="Drop (the default): peers reach the node, not each other, unless a forward rule allows it." />
      <SelectField<FirewallAction> label="Unmatched traffic from peers out" name="policyEgress" value={draft.policyEgress} onChange={(v) => onChange({ ...draft, policyEgress: v })} options={actions} />
    </div>
  );
}

export function generalErrors(errors: FieldErrors, fields: readonly string[]): string[] {
  return errorsByField(errors, fields)[''] ?? [];
}
