// The tests' TOTP helper against RFC 6238's SHA-1 test vectors (last six digits).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base32Decode, currentStep, totp } from './totp.mjs';

const SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';  // base32 of "12345678901234567890"

test('RFC 6238 vectors', () => {
  assert.equal(base32Decode(SEED).toString(), '12345678901234567890');
  for (const [seconds, code] of [[59, '287082'], [1111111109, '081804'], [1111111111, '050471'],
                                 [1234567890, '005924'], [2000000000, '279037']]) {
    assert.equal(totp(SEED, currentStep(seconds * 1000)), code);
  }
});
