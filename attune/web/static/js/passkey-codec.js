// WebAuthn's binary fields to and from the JSON the server speaks (base64url). No DOM: tests/js covers it.

export const b64urlToBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
};

export const bytesToB64url = (buffer) => {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

export const asCreation = (options) => ({
  ...options,
  challenge: b64urlToBytes(options.challenge),
  user: { ...options.user, id: b64urlToBytes(options.user.id) },
  excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
});

export const asRequest = (options) => ({
  ...options,
  challenge: b64urlToBytes(options.challenge),
  allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
});

export const registrationJSON = (credential) => ({
  id: credential.id,
  rawId: bytesToB64url(credential.rawId),
  type: credential.type,
  response: {
    clientDataJSON: bytesToB64url(credential.response.clientDataJSON),
    attestationObject: bytesToB64url(credential.response.attestationObject),
    transports: typeof credential.response.getTransports === 'function' ? credential.response.getTransports() : [],
  },
  clientExtensionResults: credential.getClientExtensionResults(),
  authenticatorAttachment: credential.authenticatorAttachment || undefined,
});

export const assertionJSON = (credential) => ({
  id: credential.id,
  rawId: bytesToB64url(credential.rawId),
  type: credential.type,
  response: {
    clientDataJSON: bytesToB64url(credential.response.clientDataJSON),
    authenticatorData: bytesToB64url(credential.response.authenticatorData),
    signature: bytesToB64url(credential.response.signature),
    userHandle: credential.response.userHandle ? bytesToB64url(credential.response.userHandle) : undefined,
  },
  clientExtensionResults: credential.getClientExtensionResults(),
  authenticatorAttachment: credential.authenticatorAttachment || undefined,
});
