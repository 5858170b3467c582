/*
 * Key-pair authentication as Snowflake checks it: the driver's RS256 JWT,
 * signed with the user's private key, names `ACCOUNT.USER` as subject and
 * `ACCOUNT.USER.SHA256:<fingerprint of the registered public key>` as
 * issuer, and has not expired.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

function base64url(buf: Buffer | string): Buffer {
  return Buffer.from(
    String(buf).replace(/-/g, '+').replace(/_/g, '/'),
    'base64',
  );
}

function toPem(key: string): string {
  if (key.includes('-----BEGIN')) return key;
  const body = key.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
}

/** Verifies the driver's RS256 JWT the way Snowflake does: signature, issuer fingerprint, expiry. @internal */
export function verifyJwt(
  jwt: string,
  subject: string,
  publicKey: string,
  nowMs: number,
): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(base64url(parts[0]).toString('utf8'));
    const payload = JSON.parse(base64url(parts[1]).toString('utf8'));
    if (header.alg !== 'RS256') return false;
    const key = createPublicKey(toPem(publicKey));
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      key,
      base64url(parts[2]),
    );
    if (!signed) return false;
    const der = key.export({ format: 'der', type: 'spki' });
    const fingerprint = `SHA256:${createHash('sha256')
      .update(der)
      .digest('base64')}`;
    // The driver writes iat/exp in milliseconds; accept either unit.
    const exp = Number(payload.exp);
    const expMs = exp > 1e12 ? exp : exp * 1000;
    return (
      payload.sub === subject &&
      payload.iss === `${subject}.${fingerprint}` &&
      expMs > nowMs
    );
  } catch {
    return false;
  }
}
