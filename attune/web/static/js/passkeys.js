// Passkeys (WebAuthn) for two-step sign-in: add one in "You", or use one after the password.
// The server sends options as JSON with base64url strings and checks the answer; nothing here is secret.

import { asCreation, asRequest, assertionJSON, registrationJSON } from './passkey-codec.js';

const csrfToken = (root) => {
  const field = root.querySelector('input[name=csrfmiddlewaretoken]') || document.querySelector('input[name=csrfmiddlewaretoken]');
  return field ? field.value : '';
};

const post = async (url, root, body) => {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(root) },
    body: body === undefined ? '{}' : JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  // Too long since the password was entered: confirm it, then come back to this page.
  if (response.status === 403 && typeof data.reauth === 'string' && data.reauth.startsWith('/')) {
    window.location.assign(data.reauth);
  }
  if (!response.ok) throw new Error(data.error || say(root, 'sayWrong', 'Something went wrong. Please try again.'));
  return data;
};

const supported = () => typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

// The words come from the page (data-say-* attributes, in the member's language); English if absent.
const say = (root, key, english) => root.dataset[key] || english;

const readable = (error, root) => {
  if (error && error.name === 'NotAllowedError') return say(root, 'sayCancelled', 'Cancelled, or the passkey took too long. You can try again.');
  if (error && error.name === 'InvalidStateError') return say(root, 'sayAlready', 'That passkey is already added.');
  return (error && error.message) || say(root, 'sayWrong', 'Something went wrong. Please try again.');
};

const prepare = (root) => {
  const button = root.querySelector('[data-passkey-button]');
  const unsupported = root.querySelector('[data-passkey-unsupported]');
  const status = root.querySelector('[data-passkey-status]');
  if (!supported()) return null;
  if (button) button.hidden = false;
  if (unsupported) unsupported.hidden = true;
  return { button, status };
};

for (const form of document.querySelectorAll('[data-passkey-register]')) {
  const parts = prepare(form);
  if (!parts) continue;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    parts.button.disabled = true;
    parts.status.textContent = say(form, 'sayWait', 'Follow what your device asks…');
    try {
      const options = await post(form.dataset.optionsUrl, form);
      const credential = await navigator.credentials.create({ publicKey: asCreation(options) });
      const name = form.querySelector('[name=name]').value;
      const done = await post(form.dataset.addUrl, form, { name, credential: registrationJSON(credential) });
      parts.status.textContent = say(form, 'sayAdded', 'Added.');
      window.location.assign(done.next);
    } catch (error) {
      parts.status.textContent = readable(error, form);
      parts.button.disabled = false;
    }
  });
}

for (const section of document.querySelectorAll('[data-passkey-signin]')) {
  const parts = prepare(section);
  if (!parts) continue;
  parts.button.addEventListener('click', async () => {
    parts.button.disabled = true;
    parts.status.textContent = say(section, 'sayWait', 'Follow what your device asks…');
    try {
      const options = await post(section.dataset.optionsUrl, section);
      const credential = await navigator.credentials.get({ publicKey: asRequest(options) });
      const done = await post(section.dataset.verifyUrl, section, assertionJSON(credential));
      parts.status.textContent = say(section, 'saySignedIn', 'Signed in.');
      window.location.assign(done.next);
    } catch (error) {
      parts.status.textContent = readable(error, section);
      parts.button.disabled = false;
    }
  });
}
