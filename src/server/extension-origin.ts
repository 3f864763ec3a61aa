/** The origin of zhaocuo's own Chrome extension, derived from its pinned public key. */
import { createHash } from 'node:crypto';
import { EXTENSION_PUBLIC_KEY } from '../extension/key.ts';

/** Chrome's extension id of a public key: the first 128 bits of SHA-256 of the key (DER), in the letters a–p. */
export function extensionIdOf(publicKeyBase64: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
}

export const EXTENSION_ID = extensionIdOf(EXTENSION_PUBLIC_KEY);
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
