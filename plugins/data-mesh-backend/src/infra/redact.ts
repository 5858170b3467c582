/*
 * Warehouse error messages go back to the browser (the Infrastructure card
 * shows them), so nothing that authenticates the platform may be in them.
 * Drivers do sometimes echo what they were given: `pg` repeats a malformed
 * connection string, and a key-pair failure can quote the key file.
 */
import type { Config } from '@backstage/config';

const SECRET_KEY = /pass|secret|token|private|credential|connection|auth/i;

/** Every string under `node` whose key (or an ancestor's) looks secret. */
function collectSecrets(
  node: unknown,
  secretBranch: boolean,
  out: Set<string>,
) {
  if (typeof node === 'string') {
    if (secretBranch) out.add(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) collectSecrets(item, secretBranch, out);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      collectSecrets(value, secretBranch || SECRET_KEY.test(key), out);
    }
  }
}

/** The password of a `scheme://user:password@host` connection string. */
function urlPassword(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@\s]+)@/i.exec(value);
  return m ? m[1] : undefined;
}

/**
 * A function that removes, from a message, every secret configured under
 * `dataMesh.warehouse` (passwords, private keys, passphrases, connection
 * strings and their passwords) and the password of any URL-shaped
 * credential, replacing each with `***`.
 * @public
 */
export function createSecretRedactor(
  config?: Config,
): (message: string) => string {
  const raw = new Set<string>();
  collectSecrets(
    config?.getOptional('dataMesh.warehouse') ?? undefined,
    false,
    raw,
  );
  const secrets = new Set<string>();
  for (const value of raw) {
    // short values ("true", a port) would mangle unrelated words
    if (value.length >= 4) secrets.add(value);
    const password = urlPassword(value);
    if (password) {
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // not percent-encoded: the raw form is enough
      }
    }
    // PEM keys are echoed line by line as often as whole
    if (value.includes('-----BEGIN')) {
      for (const line of value.split(/\r?\n/)) {
        if (line.length >= 16 && !line.startsWith('-----')) secrets.add(line);
      }
    }
  }
  // longest first, so a connection string is replaced whole, not around its password
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (message: string) => {
    let out = message;
    for (const secret of ordered) out = out.split(secret).join('***');
    return out
      .replace(
        /([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s]+@/gi,
        (_m, prefix) => `${prefix}***@`,
      )
      .replace(
        /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
        '***',
      );
  };
}
