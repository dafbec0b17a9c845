export interface Me {
  id: string;
  username: string;
  role: 'owner' | 'admin' | 'viewer';
  mfaEnabled?: boolean;
  /** An owner requires MFA for every admin. */
  mfaRequired?: boolean;
  /** The owner requires MFA and this admin has not set it up yet. */
  mfaSetupRequired?: boolean;
}

/** Fleet-wide security settings: `GET` for anyone, `PUT /api/auth/settings` for owners. */
export interface SecuritySettings {
  requireMfa: boolean;
}

export interface LoginResult {
  mfaRequired?: boolean;
  mfaToken?: string;
}

export type FirewallAction = 'accept' | 'drop' | 'reject';

/** What happens to tunnel traffic that no rule matched. */
export interface FirewallPolicy {
  input: FirewallAction;
  forward: FirewallAction;
  egress: FirewallAction;
}

export interface NodeDto {
  id: string;
  etag?: string;
  name: string;
  endpoint: string;
  listenPort: number;
  ipv4Network: string;
  ipv6Network?: string | null;
  mtu?: number;
  persistentKeepalive?: number;
  l4Listen?: string[];
  dns?: string[];
  publicKey?: string | null;
  status?: string | null;
  firewallPolicy?: FirewallPolicy;
  /** Exit node: peers reach the internet through it (source NAT on the node). */
  egress?: boolean;
  /** The node's interface egress leaves by; null: its default route's. */
  egressInterface?: string | null;
  desiredVersion?: number | null;
  appliedVersion?: number | null;
  lastSeenAt?: string | null;
  /** The L4 proxy the node reported running: caddy, haproxy or none. */
  l4Proxy?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface PeerDto {
  id: string;
  etag?: string;
  nodeId?: string;
  name: string;
  publicKey: string;
  presharedKey?: string | null;
  hasPresharedKey?: boolean;
  addresses: string[];
  allowedIps?: string[];
  persistentKeepalive?: number | null;
  enabled: boolean;
  expiresAt?: string | null;
  notes?: string | null;
  lastHandshakeAt?: string | null;
  endpoint?: string | null;
  rxBytes?: number | null;
  txBytes?: number | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface RouteDto {
  id: string;
  etag?: string;
  nodeId?: string;
  sni: string[];
  peerId: string;
  port: number;
  proxyProtocol: 'none' | 'v1' | 'v2';
  enabled: boolean;
}

export interface FirewallRuleDto {
  id: string;
  etag?: string;
  nodeId?: string;
  direction: 'input' | 'forward' | 'egress';
  protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  ports: string[];
  sources: string[];
  destinations: string[];
  action: 'accept' | 'drop' | 'reject';
  priority: number;
  comment?: string | null;
  enabled: boolean;
}

export interface AdminDto {
  id: string;
  etag?: string;
  username: string;
  role: 'owner' | 'admin' | 'viewer';
  disabled?: boolean;
  mfaEnabled?: boolean;
  createdAt?: string;
  lastLoginAt?: string | null;
}

export interface TokenDto {
  id: string;
  etag?: string;
  name: string;
  scope: 'read' | 'write';
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  createdAt?: string;
  token?: string;
}

export interface AuditEntry {
  id?: string;
  timestamp?: string;
  at?: string;
  actor?: string;
  action?: string;
  outcome?: string;
  nodeId?: string | null;
  detail?: string | null;
  resourceType?: string;
  resourceId?: string;
  clientAddress?: string;
  versionBefore?: string | number | null;
  versionAfter?: string | number | null;
  details?: unknown;
}

export interface EnrollmentDto {
  token: string;
  installCommand: string;
  enrollCommand?: string;
  expiresAt?: string;
}
