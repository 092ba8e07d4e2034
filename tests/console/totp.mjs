// RFC 6238 TOTP codes (SHA-1, 30-second steps, 6 digits) from a base32 seed, as an
// authenticator app computes them.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of clean) {
    const index = ALPHABET.indexOf(c);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function currentStep(nowMs = Date.now()) {
  return Math.floor(nowMs / 1000 / 30);
}

export function totp(base32Seed, step = currentStep()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(base32Seed)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) |
    mac[offset + 3];
  return String(n % 1000000).padStart(6, '0');
}

// The current step, after waiting out the last seconds of a step so that codes computed now
// are still current when the server checks them.
export async function settledStep(marginSeconds = 4) {
  const into = (Date.now() / 1000) % 30;
  if (into > 30 - marginSeconds) {
    await new Promise((r) => setTimeout(r, (30 - into + 0.2) * 1000));
  }
  return currentStep();
}
