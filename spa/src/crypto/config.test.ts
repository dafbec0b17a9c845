import type { NodeDto, PeerDto } from '../api/types';
import { buildClientConfig, configFileName, parseWireGuardConfig } from './config';
import { generateKeyPair, generatePresharedKey, isWireGuardKey, publicKeyFromPrivate } from './keys';

const nodeKey = generateKeyPair().publicKey;
const node: NodeDto = { id: 'n1', name: 'edge-1', endpoint: 'vpn.example.com', listenPort: 51820, ipv4Network: '10.44.0.0/24', ipv6Network: 'fd00:44::/64', mtu: 1420, persistentKeepalive: 25, publicKey: nodeKey, dns: ['10.44.0.1'] };
const peer: Pick<PeerDto, 'name' | 'addresses' | 'presharedKey' | 'persistentKeepalive'> = { name: 'alice', addresses: ['10.44.0.2/32', 'fd00:44::2/128'], presharedKey: generatePresharedKey(), persistentKeepalive: null };

describe('client config', () => {
  it('parses as a WireGuard config with the right keys and values', () => {
    const keys = generateKeyPair();
    const text = buildClientConfig({ privateKey: keys.privateKey, peer, node, mode: 'full' });
    const sections = parseWireGuardConfig(text);
    expect(sections.map((s) => s.name)).toEqual(['Interface', 'Peer']);
    const [iface, p] = sections;
    expect(iface.values.privatekey).toBe(keys.privateKey);
    expect(publicKeyFromPrivate(iface.values.privatekey)).toBe(keys.publicKey);
    expect(iface.values.address).toBe('10.44.0.2/32, fd00:44::2/128');
    expect(iface.values.dns).toBe('10.44.0.1');
    expect(iface.values.mtu).toBe('1420');
    expect(p.values.publickey).toBe(nodeKey);
    expect(isWireGuardKey(p.values.presharedkey)).toBe(true);
    expect(p.values.allowedips).toBe('0.0.0.0/0, ::/0');
    expect(p.values.endpoint).toBe('vpn.example.com:51820');
    expect(p.values.persistentkeepalive).toBe('25');
  });

  it('routes only the node networks in split mode and brackets IPv6 endpoints', () => {
    const text = buildClientConfig({ privateKey: generateKeyPair().privateKey, peer, node: { ...node, endpoint: '2001:db8::1' }, mode: 'split' });
    const [, p] = parseWireGuardConfig(text);
    expect(p.values.allowedips).toBe('10.44.0.0/24, fd00:44::/64');
    expect(p.values.endpoint).toBe('[2001:db8::1]:51820');
  });

  it('says so when the node has no public key yet instead of inventing one', () => {
    const text = buildClientConfig({ privateKey: generateKeyPair().privateKey, peer, node: { ...node, publicKey: null }, mode: 'full' });
    expect(text).toMatch(/has not enrolled yet/);
    expect(() => parseWireGuardConfig(text)).toThrow(/PublicKey/);
  });

  it('rejects malformed configs', () => {
    expect(() => parseWireGuardConfig('PrivateKey = x')).toThrow(/outside of a section/);
    expect(() => parseWireGuardConfig('[Interface]\nBogus = 1')).toThrow(/unknown key/);
    expect(() => parseWireGuardConfig('[Interface]\nPrivateKey = a\nPrivateKey = b')).toThrow(/duplicate/);
    expect(() => parseWireGuardConfig('[Peer]\nPublicKey = a')).toThrow(/Interface/);
  });

  it('makes wg-quick compatible file names', () => {
    expect(configFileName('alice laptop!')).toBe('alice-laptop.conf');
    expect(configFileName('a-very-long-peer-name-here')).toBe('a-very-long-pee.conf');
    expect(configFileName('!!!')).toBe('cloudwg.conf');
  });
});
