import { x25519 } from '@noble/curves/ed25519.js';

// WireGuard keys are raw 32-byte X25519 keys in standard base64.

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function isWireGuardKey(text: string): boolean {
  if (!/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(text.trim())) return false;
  return fromBase64(text).length === 32;
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** A fresh key pair made with the browser's CSPRNG. The private key stays in memory only. */
export function generateKeyPair(): KeyPair {
  const secret = x25519.utils.randomSecretKey();
  // Clamp as `wg genkey` does, so the key looks the same as one made by wg.
  secret[0] &= 248;
  secret[31] = (secret[31] & 127) | 64;
  return { privateKey: toBase64(secret), publicKey: toBase64(x25519.getPublicKey(secret)) };
}

export function publicKeyFromPrivate(privateKey: string): string {
  return toBase64(x25519.getPublicKey(fromBase64(privateKey)));
}

/** A preshared key (`wg genpsk`): 32 random bytes. */
export function generatePresharedKey(): string {
  const b = new Uint8Array(32);
  crypto.getRandomValues(b);
  return toBase64(b);
}
