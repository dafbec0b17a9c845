import { createPrivateKey, createPublicKey } from 'node:crypto';
import { fromBase64, generateKeyPair, generatePresharedKey, isWireGuardKey, publicKeyFromPrivate, toBase64 } from './keys';

function nodePublicKey(privateKey: string): string {
  // An independent X25519 implementation (OpenSSL through node:crypto).
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(privateKey, 'base64')]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url').toString('base64');
}

describe('WireGuard keys', () => {
  it('matches the RFC 7748 X25519 test vector', () => {
    const alicePrivate = Uint8Array.from(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'));
    const alicePublic = Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex').toString('base64');
    expect(publicKeyFromPrivate(toBase64(alicePrivate))).toBe(alicePublic);
  });

  it('generates 32-byte clamped keys whose public key is derived from the private key', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const k = generateKeyPair();
      expect(isWireGuardKey(k.privateKey)).toBe(true);
      expect(isWireGuardKey(k.publicKey)).toBe(true);
      const raw = fromBase64(k.privateKey);
      expect(raw[0] & 7).toBe(0);
      expect(raw[31] & 0xc0).toBe(0x40);
      expect(publicKeyFromPrivate(k.privateKey)).toBe(k.publicKey);
      expect(nodePublicKey(k.privateKey)).toBe(k.publicKey);
      expect(k.publicKey).not.toBe(k.privateKey);
      seen.add(k.privateKey);
    }
    expect(seen.size).toBe(20);
  });

  it('recognises WireGuard keys and rejects other text', () => {
    expect(isWireGuardKey(generatePresharedKey())).toBe(true);
    expect(isWireGuardKey('')).toBe(false);
    expect(isWireGuardKey('not a key')).toBe(false);
    expect(isWireGuardKey(toBase64(new Uint8Array(31)))).toBe(false);
    expect(isWireGuardKey(toBase64(new Uint8Array(33)))).toBe(false);
    // Non-canonical base64 (last character with low bits set) is not a key `wg` would print.
    expect(isWireGuardKey('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=')).toBe(false);
  });
});
