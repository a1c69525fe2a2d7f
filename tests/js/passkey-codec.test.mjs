// The passkey page's conversions between WebAuthn's binary fields and the server's base64url JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  asCreation,
  asRequest,
  assertionJSON,
  b64urlToBytes,
  bytesToB64url,
  registrationJSON,
} from '../../attune/web/static/js/passkey-codec.js';

test('base64url round-trips every byte value, without padding', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let n = 0; n <= 5; n += 1) {
    const some = all.slice(250 - n);
    const text = bytesToB64url(some.buffer);
    assert.doesNotMatch(text, /[+/=]/);
    assert.deepEqual(b64urlToBytes(text), some);
  }
  assert.equal(bytesToB64url(new TextEncoder().encode('own-key')), 'b3duLWtleQ'); // as py_webauthn writes it
});

test('creation options get bytes where WebAuthn wants them and keep the rest', () => {
  const options = asCreation({
    challenge: 'AAEC', rp: { id: 'localhost', name: 'attune' }, user: { id: 'AwQ', name: 'olive' },
    excludeCredentials: [{ id: 'BQY', type: 'public-key' }], timeout: 60000,
  });
  assert.deepEqual(options.challenge, Uint8Array.from([0, 1, 2]));
  assert.deepEqual(options.user, { id: Uint8Array.from([3, 4]), name: 'olive' });
  assert.deepEqual(options.excludeCredentials, [{ id: Uint8Array.from([5, 6]), type: 'public-key' }]);
  assert.equal(options.rp.id, 'localhost');
  assert.deepEqual(asRequest({ challenge: 'AAEC' }).allowCredentials, []);
});

test('answers from the authenticator become JSON py_webauthn reads', () => {
  const bytes = (...b) => Uint8Array.from(b).buffer;
  const common = { id: 'AQI', rawId: bytes(1, 2), type: 'public-key', getClientExtensionResults: () => ({}) };
  const made = registrationJSON({
    ...common,
    response: { clientDataJSON: bytes(3), attestationObject: bytes(4), getTransports: () => ['internal'] },
  });
  assert.deepEqual(made.response, { clientDataJSON: 'Aw', attestationObject: 'BA', transports: ['internal'] });
  assert.equal(made.rawId, 'AQI');
  const signed = assertionJSON({
    ...common,
    response: { clientDataJSON: bytes(3), authenticatorData: bytes(5), signature: bytes(6), userHandle: null },
  });
  assert.deepEqual(signed.response, { clientDataJSON: 'Aw', authenticatorData: 'BQ', signature: 'Bg', userHandle: undefined });
});
