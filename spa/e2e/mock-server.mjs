// A small in-memory stand-in for the CloudWg control plane, following DESIGN §5 and issues 3–5:
// camelCase JSON, `etag` in bodies + `ETag` header, If-Match (428/412), problem+json with
// `errors: {field: [messages]}`, session cookie + X-CloudWg-Request CSRF header, TOTP MFA with
// replay protection, recovery codes, SSE on /api/events. It also serves spa/dist with an
// index.html fallback, like the functions app. For developing and running the e2e suite only.
import { createServer } from 'node:http';
import { randomBytes, randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, existsSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base32Encode, base32Decode, hotp, timeStep } from './totp.mjs';

const here = dirname(fileURLToPath(import.meta.url));

class Problem extends Error {
  constructor(status, title, detail, errors) {
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

const bad = (errors) => new Problem(400, 'Validation failed', 'One or more fields are invalid.', errors);
const hash = (s) => createHash('sha256').update(s).digest('hex');

function isKey(s) {
  return typeof s === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(s) && Buffer.from(s, 'base64').length === 32;
}
function parseCidr4(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s ?? '');
  if (!m) return null;
  const o = m.slice(1, 5).map(Number);
  const len = Number(m[5]);
  if (o.some((x) => x > 255) || len > 32) return null;
  const ip = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { ip, len, canonical: (ip & mask) >>> 0 === ip };
}
function parseCidr6(s) {
  return typeof s === 'string' && /^[0-9a-fA-F:]+\/\d{1,3}$/.test(s) && s.includes(':');
}
const ipStr = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const dnsName = (s) => typeof s === 'string' && s.length <= 253 && /^(\*\.)?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/.test(s);
const port = (v) => Number.isInteger(v) && v >= 1 && v <= 65535;

export function startMockServer({ port: listenPort = 0, host = '127.0.0.1', stateDir, distDir = resolve(here, '../dist') } = {}) {
  const db = {
    admins: new Map(),
    sessions: new Map(), // hash(token) -> {adminId, lastSeen}
    mfa: new Map(), // hash(mfaToken) -> {adminId, expires}
    nodes: new Map(),
    peers: new Map(),
    routes: new Map(),
    rules: new Map(),
    tokens: new Map(),
    settings: { requireMfa: false },
    audit: [],
    version: 0,
  };
  const sse = new Set();
  let setupToken = randomBytes(24).toString('base64url');
  let setupDone = false;
  if (stateDir) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'setup-token'), setupToken + '\n', { mode: 0o600 });
  }
  let etagCounter = 0;
  const stamp = (r) => {
    r.etag = `W/"${++etagCounter}"`;
    r.updatedAt = new Date().toISOString();
    return r;
  };

  function broadcast(kind, action, resource) {
    const data = JSON.stringify({ kind, action, id: resource?.id, nodeId: resource?.nodeId ?? (kind === 'node' ? resource?.id : undefined), at: new Date().toISOString() });
    for (const res of sse) res.write(`event: change\ndata: ${data}\n\n`);
  }
  function audit(req, actor, action, resourceType, resourceId, before, after) {
    db.audit.unshift({ id: randomUUID(), at: new Date().toISOString(), outcome: action.endsWith('.failed') ? 'failure' : 'success', actor: actor?.username ?? 'anonymous', action, resourceType, resourceId, clientAddress: req.socket.remoteAddress, versionBefore: before ?? null, versionAfter: after ?? null });
  }
  function bump(nodeId) {
    const n = db.nodes.get(nodeId);
    if (n) n.desiredVersion = (n.desiredVersion ?? 0) + 1;
  }

  function authenticate(req) {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const t = [...db.tokens.values()].find((x) => x.hash === hash(auth.slice(7)));
      if (!t || (t.expiresAt && Date.parse(t.expiresAt) < Date.now())) throw new Problem(401, 'Unauthorized', 'The API token is not valid.');
      t.lastUsedAt = new Date().toISOString();
      const admin = db.admins.get(t.adminId);
      return { admin, scope: t.scope, cookie: false };
    }
    const m = /(?:^|;\s*)cloudwg_session=([^;]+)/.exec(req.headers.cookie ?? '');
    const s = m && db.sessions.get(hash(m[1]));
    if (!s) throw new Problem(401, 'Unauthorized', 'Sign in to continue.');
    const admin = db.admins.get(s.adminId);
    if (!admin || admin.disabled) throw new Problem(401, 'Unauthorized', 'Sign in to continue.');
    s.lastSeen = Date.now();
    return { admin, scope: 'write', cookie: true };
  }
  function requireRole(ctx, method, roles) {
    if (method !== 'GET') {
      if (ctx.cookie && ctx.csrf !== '1') throw new Problem(403, 'Forbidden', 'Cookie-authenticated writes need the header X-CloudWg-Request: 1.');
      if (ctx.scope !== 'write') throw new Problem(403, 'Forbidden', 'This token is read-only.');
      if (ctx.admin.role === 'viewer') throw new Problem(403, 'Forbidden', 'Viewers cannot change anything.');
    }
    if (roles && !roles.includes(ctx.admin.role)) throw new Problem(403, 'Forbidden', 'Only owners can do that.');
  }
  function checkEtag(req, resource) {
    const m = req.headers['if-match'];
    if (!m) throw new Problem(428, 'Precondition required', 'Send If-Match with the resource ETag.');
    if (m !== '*' && m !== resource.etag) throw new Problem(412, 'Precondition failed', 'Changed by someone else, reload.');
  }
  function newSession(res, admin) {
    const token = randomBytes(32).toString('base64url');
    db.sessions.set(hash(token), { adminId: admin.id, lastSeen: Date.now() });
    res.setHeader('Set-Cookie', `cloudwg_session=${token}; Path=/api; HttpOnly; SameSite=Strict`);
    admin.lastLoginAt = new Date().toISOString();
  }
  const mfaSetupRequired = (a) => db.settings.requireMfa && !a.mfaEnabled;
  const meDto = (a) => ({ id: a.id, username: a.username, role: a.role, mfaEnabled: !!a.mfaEnabled, mfaRequired: db.settings.requireMfa, mfaSetupRequired: mfaSetupRequired(a), recoveryCodesLeft: a.recovery?.length ?? 0, authMethod: 'session', scope: null });
  const adminDto = (a) => ({ id: a.id, etag: a.etag, username: a.username, role: a.role, disabled: !!a.disabled, mfaEnabled: !!a.mfaEnabled, createdAt: a.createdAt, lastLoginAt: a.lastLoginAt ?? null });
  function verifyTotp(admin, code, secret = admin.totpSecret) {
    if (!/^\d{6}$/.test(code ?? '')) return false;
    const key = base32Decode(secret);
    const now = timeStep();
    for (const step of [now - 1, now, now + 1]) {
      if (hotp(key, step) === code && step > (admin.lastTotpStep ?? -1)) {
        admin.lastTotpStep = step;
        return true;
      }
    }
    return false;
  }

  // --- validation --------------------------------------------------------------------------
  // Like the real API, unknown members are errors: a typo must not be silently ignored.
  function known(b, names) {
    const e = {};
    for (const k of Object.keys(b)) if (!names.includes(k)) e[k] = [`Unknown member "${k}".`];
    if (Object.keys(e).length) throw bad(e);
  }
  function validateNode(b, partial) {
    known(b, ['name', 'endpoint', 'listenPort', 'ipv4Network', 'ipv6Network', 'mtu', 'persistentKeepalive', 'l4Listen', 'dns', 'egress', 'egressInterface', 'firewallPolicy']);
    const e = {};
    if (b.firewallPolicy != null && !(typeof b.firewallPolicy === 'object' && Object.entries(b.firewallPolicy).every(([k, v]) => ['input', 'forward', 'egress'].includes(k) && ['accept', 'drop', 'reject'].includes(v)))) e.firewallPolicy = ['Use accept, drop or reject for input, forward and egress.'];
    const has = (k) => !partial || k in b;
    if (has('name') && (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 64)) e.name = ['Give the node a name (1–64 characters).'];
    if (has('endpoint') && (typeof b.endpoint !== 'string' || !b.endpoint.trim() || /\s/.test(b.endpoint))) e.endpoint = ['Enter the public host name or IP address clients dial.'];
    if ('listenPort' in b && b.listenPort !== undefined && !port(b.listenPort)) e.listenPort = ['The port must be a number from 1 to 65535.'];
    if (has('ipv4Network')) {
      const c = parseCidr4(b.ipv4Network);
      if (!c) e.ipv4Network = ['Enter an IPv4 network in CIDR form, e.g. 10.44.0.0/24.'];
      else if (!c.canonical) e.ipv4Network = ['The network address has host bits set; use the network address.'];
      else if (c.len > 30) e.ipv4Network = ['The network must be /30 or larger.'];
    }
    if (b.ipv6Network && !parseCidr6(b.ipv6Network)) e.ipv6Network = ['Enter an IPv6 network in CIDR form, e.g. fd00:44::/64.'];
    if ('mtu' in b && b.mtu !== undefined && !(Number.isInteger(b.mtu) && b.mtu >= 1280 && b.mtu <= 9000)) e.mtu = ['MTU must be from 1280 to 9000.'];
    if ('persistentKeepalive' in b && b.persistentKeepalive !== undefined && !(Number.isInteger(b.persistentKeepalive) && b.persistentKeepalive >= 0 && b.persistentKeepalive <= 65535)) e.persistentKeepalive = ['Keepalive must be 0–65535 seconds.'];
    if ('dns' in b && !(Array.isArray(b.dns) && b.dns.every((d) => /^[0-9a-fA-F.:]+$/.test(d)))) e.dns = ['DNS servers must be IP addresses.'];
    if (Object.keys(e).length) throw bad(e);
  }
  function validatePeer(b, partial) {
    if ('privateKey' in b) throw bad({ privateKey: ['Never send a private key: only the public key.'] });
    known(b, partial ? ['name', 'allowedIps', 'persistentKeepalive', 'enabled', 'expiresAt', 'notes', 'presharedKey'] : ['name', 'publicKey', 'presharedKey', 'addresses', 'allowedIps', 'persistentKeepalive', 'enabled', 'expiresAt', 'notes']);
    const e = {};
    if ((!partial || 'name' in b) && (typeof b.name !== 'string' || !b.name.trim())) e.name = ['Give the peer a name.'];
    if (!partial && !isKey(b.publicKey)) e.publicKey = ['Expected a WireGuard public key: 32 bytes of base64.'];
    if (b.presharedKey != null && !isKey(b.presharedKey)) e.presharedKey = ['Expected 32 bytes of base64.'];
    if (b.addresses != null && !(Array.isArray(b.addresses) && b.addresses.every((a) => parseCidr4(a) || parseCidr6(a) || parseCidr4(`${a}/32`)))) e.addresses = ['Addresses must be IPs or CIDRs.'];
    if (b.allowedIps != null && !(Array.isArray(b.allowedIps) && b.allowedIps.every((a) => parseCidr4(a)?.canonical || parseCidr6(a)))) e.allowedIps = ['Allowed IPs must be canonical CIDRs, e.g. 10.44.0.2/32.'];
    if (b.persistentKeepalive != null && !(Number.isInteger(b.persistentKeepalive) && b.persistentKeepalive >= 0 && b.persistentKeepalive <= 65535)) e.persistentKeepalive = ['Keepalive must be 0–65535 seconds.'];
    if (b.expiresAt != null && Number.isNaN(Date.parse(b.expiresAt))) e.expiresAt = ['Expected an ISO 8601 date and time.'];
    if ('enabled' in b && typeof b.enabled !== 'boolean') e.enabled = ['Expected true or false.'];
    if (Object.keys(e).length) throw bad(e);
  }
  function validateRoute(b, nodeId, partial, selfId) {
    known(b, ['sni', 'peerId', 'port', 'proxyProtocol', 'enabled']);
    const e = {};
    if (!partial || 'sni' in b) {
      if (!Array.isArray(b.sni) || b.sni.length === 0) e.sni = ['Enter at least one host name.'];
      else {
        const badName = b.sni.find((s) => !dnsName(s));
        if (badName !== undefined) e.sni = [`"${badName}" is not a valid host name (wildcards only as the left-most label).`];
        else {
          const taken = [...db.routes.values()].find((r) => r.nodeId === nodeId && r.id !== selfId && r.sni.some((s) => b.sni.includes(s)));
          if (taken) throw new Problem(409, 'Conflict', `A route for ${taken.sni.filter((s) => b.sni.includes(s)).join(', ')} already exists on this node.`, { sni: ['This host name is already routed on this node.'] });
        }
      }
    }
    if (!partial || 'peerId' in b) {
      const p = db.peers.get(b.peerId);
      if (!p || p.nodeId !== nodeId) e.peerId = ['Choose a peer of this node.'];
    }
    if ((!partial || 'port' in b) && !port(b.port)) e.port = ['The port must be a number from 1 to 65535.'];
    if ('proxyProtocol' in b && !['none', 'v1', 'v2'].includes(b.proxyProtocol)) e.proxyProtocol = ['Use none, v1 or v2.'];
    if (Object.keys(e).length) throw bad(e);
  }
  function validateRule(b, nodeId, partial) {
    known(b, ['direction', 'protocol', 'ports', 'sources', 'destinations', 'action', 'priority', 'comment', 'enabled']);
    const e = {};
    const en = (k, vals) => {
      if ((!partial || k in b) && !vals.includes(b[k])) e[k] = [`Use one of: ${vals.join(', ')}.`];
    };
    en('direction', ['input', 'forward', 'egress']);
    en('protocol', ['tcp', 'udp', 'icmp', 'any']);
    en('action', ['accept', 'drop', 'reject']);
    if ('ports' in b) {
      const okPorts = Array.isArray(b.ports) && b.ports.every((p) => /^\d+(-\d+)?$/.test(p) && p.split('-').every((x) => port(Number(x))) && (!p.includes('-') || Number(p.split('-')[0]) <= Number(p.split('-')[1])));
      if (!okPorts) e.ports = ['Ports are numbers 1–65535 or ranges like 8000-8100.'];
      else if (b.ports.length && ['icmp', 'any'].includes(b.protocol)) e.ports = ['Ports need protocol tcp or udp.'];
    }
    for (const k of ['sources', 'destinations']) {
      if (k in b && !(Array.isArray(b[k]) && b[k].every((s) => parseCidr4(s)?.canonical || parseCidr6(s) || (db.peers.get(s)?.nodeId === nodeId)))) e[k] = ['Use canonical CIDRs (e.g. 10.0.0.0/8) or peer ids of this node.'];
    }
    if ((!partial || 'priority' in b) && !(Number.isInteger(b.priority) && b.priority >= 0 && b.priority <= 10000)) e.priority = ['Priority must be a whole number from 0 to 10000.'];
    if (Object.keys(e).length) throw bad(e);
  }
  const peerDto = ({ presharedKey, ...p }) => ({ ...p, hasPresharedKey: !!presharedKey });
  function allocate(node) {
    const c = parseCidr4(node.ipv4Network);
    const used = new Set([...db.peers.values()].filter((p) => p.nodeId === node.id).flatMap((p) => p.addresses));
    const size = 2 ** (32 - c.len);
    for (let i = 2; i < size - 1; i++) {
      const a = `${ipStr((c.ip + i) >>> 0)}/32`;
      if (!used.has(a)) return a;
    }
    throw new Problem(409, 'Network full', `No free address left in ${node.ipv4Network}.`);
  }
  function desiredState(node) {
    const peers = [...db.peers.values()].filter((p) => p.nodeId === node.id && p.enabled && !(p.expiresAt && Date.parse(p.expiresAt) < Date.now()));
    return {
      schema: 1,
      nodeId: node.id,
      version: node.desiredVersion,
      issuedAt: new Date().toISOString(),
      wireguard: { interface: 'cloudwg0', listenPort: node.listenPort, addresses: [`${ipStr(parseCidr4(node.ipv4Network).ip + 1)}/${parseCidr4(node.ipv4Network).len}`], mtu: node.mtu, peers: peers.map((p) => ({ publicKey: p.publicKey, presharedKey: p.presharedKey ? '(set)' : undefined, allowedIps: p.allowedIps, keepalive: p.persistentKeepalive ?? undefined })) },
      l4: { servers: (node.l4Listen ?? []).map((listen) => ({ listen, routes: [...db.routes.values()].filter((r) => r.nodeId === node.id && r.enabled).map((r) => ({ id: r.id, sni: r.sni, upstream: `${db.peers.get(r.peerId)?.addresses[0]?.split('/')[0]}:${r.port}`, proxyProtocol: r.proxyProtocol === 'none' ? undefined : r.proxyProtocol })) })) },
      firewall: { rules: [...db.rules.values()].filter((r) => r.nodeId === node.id && r.enabled).sort((a, b) => a.priority - b.priority).map(({ etag, createdAt, updatedAt, nodeId, ...r }) => r) },
    };
  }

  // --- routing -----------------------------------------------------------------------------
  async function api(req, res, url) {
    const method = req.method;
    const path = url.pathname;
    let body = {};
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') body = await readJson(req);
    const send = (status, data, etag) => {
      const h = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
      if (etag) h.ETag = etag;
      res.writeHead(status, h);
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    const one = (status, r) => send(status, r, r.etag);

    if (path === '/api/health' && method === 'GET') return send(200, { status: 'ok', setupRequired: !setupDone });
    if (path === '/api/setup' && method === 'GET') return send(200, { setupRequired: !setupDone });
    if (path === '/api/setup' && method === 'POST') {
      if (setupDone) throw new Problem(410, 'Gone', 'Setup is complete: sign in with the owner account.');
      const e = {};
      const tokenOk = typeof body.token === 'string' && body.token.length === setupToken.length && timingSafeEqual(Buffer.from(body.token), Buffer.from(setupToken));
      if (!tokenOk) e.token = ['The setup token is not valid.'];
      if (typeof body.username !== 'string' || !/^[a-zA-Z0-9._@-]{3,64}$/.test(body.username)) e.username = ['Use 3–64 letters, digits, dots, dashes, underscores or @.'];
      if (typeof body.password !== 'string' || body.password.length < 12) e.password = ['The password must have at least 12 characters.'];
      else if (body.password === body.username) e.password = ['The password must not equal the username.'];
      if (Object.keys(e).length) throw tokenOk ? bad(e) : new Problem(401, 'Unauthorized', 'The setup token is not valid.', e);
      const a = stamp({ id: randomUUID(), username: body.username, role: 'owner', passwordHash: hash(body.password), createdAt: new Date().toISOString() });
      db.admins.set(a.id, a);
      setupDone = true;
      setupToken = randomBytes(24).toString('base64url');
      audit(req, a, 'setup.owner', 'admin', a.id);
      return one(201, adminDto(a));
    }
    if (path === '/api/auth/login' && method === 'POST') {
      const a = [...db.admins.values()].find((x) => x.username === body.username);
      if (!a || a.disabled || a.passwordHash !== hash(String(body.password ?? ''))) {
        audit(req, { username: String(body.username ?? '') }, 'auth.login.failed', 'admin', a?.id);
        throw new Problem(401, 'Unauthorized', 'Wrong username or password.');
      }
      if (a.mfaEnabled) {
        const t = randomBytes(24).toString('base64url');
        db.mfa.set(hash(t), { adminId: a.id, expires: Date.now() + 120_000 });
        return send(200, { mfaRequired: true, mfaToken: t, user: null });
      }
      newSession(res, a);
      audit(req, a, 'auth.login', 'admin', a.id);
      return send(200, { mfaRequired: false, mfaToken: null, user: meDto(a) });
    }
    if (path === '/api/auth/mfa' && method === 'POST') {
      const m = db.mfa.get(hash(String(body.mfaToken ?? '')));
      if (!m || m.expires < Date.now()) throw new Problem(401, 'Unauthorized', 'The sign-in step expired. Sign in again.');
      const a = db.admins.get(m.adminId);
      const code = String(body.code ?? '').replace(/\s/g, '');
      let ok = verifyTotp(a, code);
      if (!ok && a.recovery) {
        const i = a.recovery.indexOf(hash(code.toLowerCase()));
        if (i >= 0) {
          a.recovery.splice(i, 1);
          ok = true;
        }
      }
      if (!ok) throw new Problem(401, 'Unauthorized', 'That code is not valid. Codes can be used once.');
      db.mfa.delete(hash(String(body.mfaToken)));
      newSession(res, a);
      audit(req, a, 'auth.mfa', 'admin', a.id);
      return send(200, { mfaRequired: false, mfaToken: null, user: meDto(a) });
    }
    if (path === '/api/auth/logout' && method === 'POST') {
      const m = /(?:^|;\s*)cloudwg_session=([^;]+)/.exec(req.headers.cookie ?? '');
      if (m) db.sessions.delete(hash(m[1]));
      res.setHeader('Set-Cookie', 'cloudwg_session=; Path=/api; HttpOnly; SameSite=Strict; Max-Age=0');
      return send(204);
    }

    const ctx = authenticate(req);
    ctx.csrf = req.headers['x-cloudwg-request'];
    const me = ctx.admin;
    // Like the real API: an admin who must still set up MFA reaches only their own account.
    const accountPaths = ['/api/auth/me', '/api/auth/password', '/api/auth/logout-everywhere', '/api/auth/totp/setup', '/api/auth/totp/confirm'];
    if (mfaSetupRequired(me) && !accountPaths.includes(path)) throw new Problem(403, 'Forbidden', 'An owner requires two-factor authentication: set it up first.');

    if (path === '/api/auth/me' && method === 'GET') return send(200, meDto(me));
    if (path === '/api/auth/password' && method === 'POST') {
      requireRole({ ...ctx, admin: { role: 'admin' } }, method);
      if (me.passwordHash !== hash(String(body.currentPassword ?? ''))) throw bad({ currentPassword: ['The current password is wrong.'] });
      if (typeof body.newPassword !== 'string' || body.newPassword.length < 12) throw bad({ newPassword: ['The password must have at least 12 characters.'] });
      me.passwordHash = hash(body.newPassword);
      return send(204);
    }
    if (path === '/api/auth/logout-everywhere' && method === 'POST') {
      requireRole({ ...ctx, admin: { role: 'admin' } }, method);
      for (const [k, s] of db.sessions) if (s.adminId === me.id) db.sessions.delete(k);
      return send(204);
    }
    if (path === '/api/auth/totp/setup' && method === 'POST') {
      requireRole({ ...ctx, admin: { role: 'admin' } }, method);
      me.pendingSecret = base32Encode(randomBytes(20));
      me.pendingExpires = Date.now() + 300_000;
      return send(200, { secret: me.pendingSecret, otpauthUri: `otpauth://totp/CloudWg:${encodeURIComponent(me.username)}?secret=${me.pendingSecret}&issuer=CloudWg&algorithm=SHA1&digits=6&period=30` });
    }
    if (path === '/api/auth/totp/confirm' && method === 'POST') {
      requireRole({ ...ctx, admin: { role: 'admin' } }, method);
      if (!me.pendingSecret || me.pendingExpires < Date.now()) throw new Problem(410, 'Gone', 'Start the authenticator setup again: it expired.');
      if (!verifyTotp(me, String(body.code ?? ''), me.pendingSecret)) throw bad({ code: ['That code is not valid. Check the time on your phone.'] });
      me.totpSecret = me.pendingSecret;
      delete me.pendingSecret;
      me.mfaEnabled = true;
      const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex'));
      me.recovery = codes.map(hash);
      stamp(me);
      audit(req, me, 'auth.totp.enabled', 'admin', me.id);
      return send(200, { recoveryCodes: codes });
    }
    if (path === '/api/auth/settings') {
      if (method === 'GET') return send(200, db.settings);
      if (method === 'PUT') {
        requireRole(ctx, method, ['owner']);
        known(body, ['requireMfa']);
        if (typeof body.requireMfa !== 'boolean') throw bad({ requireMfa: ['requireMfa is required: true or false.'] });
        db.settings = { requireMfa: body.requireMfa };
        audit(req, me, 'auth.settings.update', 'settings', 'security');
        return send(200, db.settings);
      }
    }
    if (path === '/api/events' && method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write('retry: 2000\n: connected\n\n');
      sse.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        sse.delete(res);
      });
      return;
    }

    // Admins
    if (path === '/api/admins') {
      requireRole(ctx, method, ['owner']);
      if (method === 'GET') return send(200, [...db.admins.values()].map(adminDto));
      if (method === 'POST') {
        const e = {};
        if (typeof body.username !== 'string' || !/^[a-zA-Z0-9._@-]{3,64}$/.test(body.username)) e.username = ['Use 3–64 letters, digits, dots, dashes, underscores or @.'];
        else if ([...db.admins.values()].some((a) => a.username === body.username)) throw new Problem(409, 'Conflict', 'That username is taken.', { username: ['That username is taken.'] });
        if (typeof body.password !== 'string' || body.password.length < 12) e.password = ['The password must have at least 12 characters.'];
        if (!['owner', 'admin', 'viewer'].includes(body.role)) e.role = ['Use owner, admin or viewer.'];
        if (Object.keys(e).length) throw bad(e);
        const a = stamp({ id: randomUUID(), username: body.username, role: body.role, passwordHash: hash(body.password), createdAt: new Date().toISOString() });
        db.admins.set(a.id, a);
        audit(req, me, 'admin.create', 'admin', a.id, null, a.etag);
        broadcast('admin', 'created', a);
        return one(201, adminDto(a));
      }
    }
    let m = /^\/api\/admins\/([^/]+)$/.exec(path);
    if (m) {
      requireRole(ctx, method, ['owner']);
      const a = db.admins.get(m[1]);
      if (!a) throw new Problem(404, 'Not found', 'No such admin.');
      if (method === 'GET') return one(200, adminDto(a));
      if (method === 'PATCH') {
        // Like the real API: the body is validated before the version is checked.
        known(body, ['role', 'disabled', 'resetMfa', 'password']);
        if ('role' in body && !['owner', 'admin', 'viewer'].includes(body.role)) throw bad({ role: ['Use owner, admin or viewer.'] });
        if ('password' in body && (typeof body.password !== 'string' || body.password.length < 12)) throw bad({ password: ['The password must have at least 12 characters.'] });
      }
      checkEtag(req, a);
      const before = a.etag;
      if (method === 'DELETE') {
        db.admins.delete(a.id);
        audit(req, me, 'admin.delete', 'admin', a.id, before, null);
        broadcast('admin', 'deleted', a);
        return send(204);
      }
      if (method === 'PATCH') {
        if ('role' in body) a.role = body.role;
        if ('disabled' in body) a.disabled = !!body.disabled;
        if ('password' in body) a.passwordHash = hash(body.password);
        if (body.resetMfa === true) {
          a.mfaEnabled = false;
          delete a.totpSecret;
          delete a.recovery;
        }
        if (a.disabled || 'password' in body) for (const [k, s] of db.sessions) if (s.adminId === a.id) db.sessions.delete(k);
        stamp(a);
        audit(req, me, 'admin.update', 'admin', a.id, before, a.etag);
        broadcast('admin', 'updated', a);
        return one(200, adminDto(a));
      }
    }

    // Tokens
    if (path === '/api/tokens') {
      requireRole(ctx, method);
      if (method === 'GET') return send(200, [...db.tokens.values()].filter((t) => t.adminId === me.id).map(({ hash: _h, adminId: _a, ...t }) => t));
      if (method === 'POST') {
        const e = {};
        if (typeof body.name !== 'string' || !body.name.trim()) e.name = ['Give the token a name.'];
        if (!['read', 'write'].includes(body.scope)) e.scope = ['Use read or write.'];
        known(body, ['name', 'scope', 'expiresInDays']);
        if (body.expiresInDays != null && !(Number.isInteger(body.expiresInDays) && body.expiresInDays >= 1 && body.expiresInDays <= 365)) e.expiresInDays = ['Use 1–365 days.'];
        if (Object.keys(e).length) throw bad(e);
        const secret = `cwg_${randomBytes(24).toString('base64url')}`;
        const t = stamp({ id: randomUUID(), name: body.name, scope: body.scope, expiresAt: new Date(Date.now() + (body.expiresInDays ?? 90) * 86_400_000).toISOString(), lastUsedAt: null, createdAt: new Date().toISOString(), hash: hash(secret), adminId: me.id });
        db.tokens.set(t.id, t);
        audit(req, me, 'token.create', 'token', t.id);
        const { hash: _h, adminId: _a, ...dto } = t;
        return one(201, { ...dto, token: secret });
      }
    }
    m = /^\/api\/tokens\/([^/]+)$/.exec(path);
    if (m && method === 'DELETE') {
      requireRole(ctx, method);
      const t = db.tokens.get(m[1]);
      if (!t || t.adminId !== me.id) throw new Problem(404, 'Not found', 'No such token.');
      db.tokens.delete(t.id);
      audit(req, me, 'token.revoke', 'token', t.id);
      return send(204);
    }

    // Nodes
    if (path === '/api/nodes') {
      requireRole(ctx, method);
      if (method === 'GET') return send(200, [...db.nodes.values()]);
      if (method === 'POST') {
        validateNode(body, false);
        if ([...db.nodes.values()].some((n) => n.name === body.name.trim())) throw new Problem(409, 'Conflict', 'A node with that name exists.', { name: ['A node with that name exists.'] });
        const n = stamp({
          id: randomUUID(),
          name: body.name.trim(),
          endpoint: body.endpoint.trim(),
          listenPort: body.listenPort ?? 51820,
          ipv4Network: body.ipv4Network,
          ipv6Network: body.ipv6Network || null,
          mtu: body.mtu ?? 1420,
          persistentKeepalive: body.persistentKeepalive ?? 25,
          l4Listen: body.l4Listen?.length ? body.l4Listen : [':443'],
          dns: body.dns ?? [],
          firewallPolicy: body.firewallPolicy ?? { input: 'accept', forward: 'accept', egress: 'accept' },
          publicKey: null,
          status: 'pending',
          desiredVersion: 1,
          appliedVersion: null,
          lastSeenAt: null,
          createdAt: new Date().toISOString(),
        });
        db.nodes.set(n.id, n);
        audit(req, me, 'node.create', 'node', n.id, null, n.etag);
        broadcast('node', 'created', n);
        return one(201, n);
      }
    }
    m = /^\/api\/nodes\/([^/]+)(?:\/([a-z-]+))?$/.exec(path);
    if (m) {
      requireRole(ctx, method);
      const n = db.nodes.get(m[1]);
      if (!n) throw new Problem(404, 'Not found', 'No such node.');
      const sub = m[2];
      if (!sub) {
        if (method === 'GET') return one(200, n);
        checkEtag(req, n);
        const before = n.etag;
        if (method === 'DELETE') {
          db.nodes.delete(n.id);
          for (const coll of [db.peers, db.routes, db.rules]) for (const [k, v] of coll) if (v.nodeId === n.id) coll.delete(k);
          audit(req, me, 'node.delete', 'node', n.id, before, null);
          broadcast('node', 'deleted', n);
          return send(204);
        }
        if (method === 'PATCH') {
          validateNode(body, true);
          for (const k of ['name', 'endpoint', 'listenPort', 'ipv4Network', 'ipv6Network', 'mtu', 'persistentKeepalive', 'l4Listen', 'dns', 'firewallPolicy']) if (k in body && body[k] !== undefined) n[k] = body[k];
          bump(n.id);
          stamp(n);
          audit(req, me, 'node.update', 'node', n.id, before, n.etag);
          broadcast('node', 'updated', n);
          return one(200, n);
        }
      }
      if (sub === 'enrollment' && method === 'POST') {
        const token = randomBytes(24).toString('base64url');
        n.enrollmentHash = hash(token);
        audit(req, me, 'node.enrollment', 'node', n.id);
        const origin = `http://${req.headers.host}`;
        return send(201, { nodeId: n.id, token, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), installCommand: `curl -fsSL ${origin}/install.sh | sudo sh -s -- --control-url ${origin} --token ${token}`, enrollCommand: `sudo cloudwg-agent enroll --control-url ${origin} --token ${token}` });
      }
      if (sub === 'revoke' && method === 'POST') {
        n.status = 'revoked';
        stamp(n);
        audit(req, me, 'node.revoke', 'node', n.id);
        broadcast('node', 'revoked', n);
        return one(200, n);
      }
      if (sub === 'desired-state' && method === 'GET') return send(200, desiredState(n));
      if (sub === 'peers') {
        if (method === 'GET') return send(200, [...db.peers.values()].filter((p) => p.nodeId === n.id).map(peerDto));
        if (method === 'POST') {
          validatePeer(body, false);
          if ([...db.peers.values()].some((p) => p.nodeId === n.id && p.publicKey === body.publicKey)) throw new Problem(409, 'Conflict', 'A peer with this public key exists on this node.', { publicKey: ['A peer with this public key exists on this node.'] });
          const addresses = body.addresses?.length ? body.addresses.map((a) => (a.includes('/') ? a : `${a}/32`)) : [allocate(n)];
          const p = stamp({
            id: randomUUID(),
            nodeId: n.id,
            name: body.name.trim(),
            publicKey: body.publicKey,
            presharedKey: body.presharedKey ?? null,
            addresses,
            allowedIps: body.allowedIps?.length ? body.allowedIps : addresses,
            persistentKeepalive: body.persistentKeepalive ?? null,
            enabled: body.enabled ?? true,
            expiresAt: body.expiresAt ?? null,
            notes: body.notes ?? null,
            lastHandshakeAt: null,
            endpoint: null,
            rxBytes: 0,
            txBytes: 0,
            createdAt: new Date().toISOString(),
          });
          db.peers.set(p.id, p);
          bump(n.id);
          audit(req, me, 'peer.create', 'peer', p.id, null, p.etag);
          broadcast('peer', 'created', p);
          return one(201, peerDto(p));
        }
      }
      if (sub === 'routes') {
        if (method === 'GET') return send(200, [...db.routes.values()].filter((r) => r.nodeId === n.id));
        if (method === 'POST') {
          validateRoute(body, n.id, false);
          const r = stamp({ id: randomUUID(), nodeId: n.id, sni: body.sni, peerId: body.peerId, port: body.port, proxyProtocol: body.proxyProtocol ?? 'none', enabled: body.enabled ?? true, createdAt: new Date().toISOString() });
          db.routes.set(r.id, r);
          bump(n.id);
          audit(req, me, 'route.create', 'route', r.id, null, r.etag);
          broadcast('route', 'created', r);
          return one(201, r);
        }
      }
      if (sub === 'firewall-rules') {
        if (method === 'GET') return send(200, [...db.rules.values()].filter((r) => r.nodeId === n.id));
        if (method === 'POST') {
          validateRule(body, n.id, false);
          const r = stamp({ id: randomUUID(), nodeId: n.id, direction: body.direction, protocol: body.protocol, ports: body.ports ?? [], sources: body.sources ?? [], destinations: body.destinations ?? [], action: body.action, priority: body.priority, comment: body.comment ?? '', enabled: body.enabled ?? true, createdAt: new Date().toISOString() });
          db.rules.set(r.id, r);
          bump(n.id);
          audit(req, me, 'firewall-rule.create', 'firewall-rule', r.id, null, r.etag);
          broadcast('firewall-rule', 'created', r);
          return one(201, r);
        }
      }
    }
    for (const [re, coll, kind, validate] of [
      [/^\/api\/peers\/([^/]+)$/, db.peers, 'peer', (b, r) => validatePeer(b, true)],
      [/^\/api\/routes\/([^/]+)$/, db.routes, 'route', (b, r) => validateRoute(b, r.nodeId, true, r.id)],
      [/^\/api\/firewall-rules\/([^/]+)$/, db.rules, 'firewall-rule', (b, r) => validateRule(b, r.nodeId, true)],
    ]) {
      const mm = re.exec(path);
      if (!mm) continue;
      requireRole(ctx, method);
      const r = coll.get(mm[1]);
      if (!r) throw new Problem(404, 'Not found', `No such ${kind}.`);
      const dto = (x) => (kind === 'peer' ? peerDto(x) : x);
      if (method === 'GET') return one(200, dto(r));
      checkEtag(req, r);
      const before = r.etag;
      if (method === 'DELETE') {
        coll.delete(r.id);
        if (kind === 'peer') for (const [k, v] of db.routes) if (v.peerId === r.id) db.routes.delete(k);
        bump(r.nodeId);
        audit(req, me, `${kind}.delete`, kind, r.id, before, null);
        broadcast(kind, 'deleted', r);
        return send(204);
      }
      if (method === 'PATCH') {
        validate(body, r);
        for (const [k, v] of Object.entries(body)) if (!['id', 'nodeId', 'etag', 'createdAt', 'updatedAt', 'publicKey', 'addresses'].includes(k)) r[k] = v;
        bump(r.nodeId);
        stamp(r);
        audit(req, me, `${kind}.update`, kind, r.id, before, r.etag);
        broadcast(kind, 'updated', r);
        return one(200, dto(r));
      }
    }
    if (path === '/api/audit' && method === 'GET') {
      requireRole(ctx, method);
      const q = url.searchParams;
      const has = (v, k) => !q.get(k) || String(v ?? '').toLowerCase().includes(q.get(k).toLowerCase());
      const items = db.audit.filter((x) => has(x.actor, 'actor') && (!q.get('action') || x.action.startsWith(q.get('action'))) && has(x.resourceType, 'resourceType'));
      const start = Number(q.get('continuation') ?? 0);
      const size = Number(q.get('pageSize') ?? 50);
      return send(200, { items: items.slice(start, start + size), continuation: start + size < items.length ? String(start + size) : null });
    }
    throw new Problem(404, 'Not found', `No route for ${method} ${path}.`);
  }

  function mockReport(nodeId) {
    const n = db.nodes.get(nodeId);
    if (!n) return false;
    n.status = 'enrolled';
    n.lastSeenAt = new Date().toISOString();
    n.appliedVersion = n.desiredVersion;
    n.publicKey ??= Buffer.from(randomBytes(32)).toString('base64');
    let i = 0;
    for (const p of db.peers.values()) {
      if (p.nodeId !== n.id) continue;
      i++;
      p.lastHandshakeAt = new Date(Date.now() - i * 20_000).toISOString();
      p.endpoint = `203.0.113.${10 + i}:${40000 + i}`;
      p.rxBytes = (p.rxBytes ?? 0) + 1_500_000 * i;
      p.txBytes = (p.txBytes ?? 0) + 4_200_000 * i;
    }
    broadcast('node', 'reported', n);
    return true;
  }

  function readJson(req) {
    return new Promise((resolveBody, reject) => {
      const type = req.headers['content-type'] ?? '';
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > 1024 * 1024) {
          reject(new Problem(413, 'Payload too large', 'Request bodies are limited to 1 MiB.'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (!text) return resolveBody({});
        if (!type.startsWith('application/json')) return reject(new Problem(415, 'Unsupported media type', 'Send JSON with Content-Type: application/json.'));
        try {
          const v = JSON.parse(text);
          if (!v || typeof v !== 'object' || Array.isArray(v)) return reject(new Problem(400, 'Bad request', 'The body must be a JSON object.'));
          resolveBody(v);
        } catch {
          reject(new Problem(400, 'Bad request', 'The body is not valid JSON.'));
        }
      });
      req.on('error', reject);
    });
  }

  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon' };
  function serveStatic(req, res, url) {
    let file = join(distDir, decodeURIComponent(url.pathname));
    if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(distDir, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('spa/dist is missing: run npm run build');
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable' });
    res.end(readFileSync(file));
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname.startsWith('/__mock/report/') && req.method === 'POST') {
        const ok = mockReport(url.pathname.split('/').pop());
        res.writeHead(ok ? 204 : 404);
        return res.end();
      }
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return await api(req, res, url);
      return serveStatic(req, res, url);
    } catch (e) {
      const p = e instanceof Problem ? e : new Problem(500, 'Server error', 'Unexpected error in the mock server.');
      if (!(e instanceof Problem)) console.error(e);
      res.writeHead(p.status, { 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.detail, ...(p.errors ? { errors: p.errors } : {}) }));
    }
  });
  return new Promise((resolveStart) => {
    server.listen(listenPort, host, () => {
      const { port: actual } = server.address();
      resolveStart({
        url: `http://${host}:${actual}`,
        setupToken,
        close: () =>
          new Promise((r) => {
            for (const s of sse) s.end();
            server.closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 7071);
  const stateDir = process.env.CLOUDWG_STATE_DIR ?? resolve(here, 'artifacts/mock-state');
  startMockServer({ port, stateDir }).then((s) => {
    console.log(`mock CloudWg on ${s.url}; setup token: ${s.setupToken} (also in ${stateDir}/setup-token)`);
  });
}
