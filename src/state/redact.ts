/**
 * Secrets never reach the log: every string in event data passes through a redactor before the
 * event is written. It removes the environment's resolved secrets, values of inputs declared
 * secret, passwords in URLs, and anything that looks like an AWS access key id or secret key.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

// scheme://user:password@host: the password goes, unless it is a `${VAR}` reference (not a secret).
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g;
// 40 characters of base64 alphabet, not part of a longer token (hex digests are spared: they have no upper case).
const AWS_SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
// Object keys whose string values are secrets whatever they look like.
const SECRET_KEY_NAME = /^(?:password|passwd|pgpassword|secret|secretaccesskey|aws_secret_access_key|sessiontoken|aws_session_token)$/i;

/** Redacts secrets from strings and from every string inside JSON-like data. */
export class Redactor {
  private readonly secrets: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.addSecret(secret);
  }

  /** Remembers one more secret value (e.g. an input the operator just typed). */
  addSecret(secret: string): void {
    // Very short values ("1", "on") would shred ordinary text and protect nothing.
    if (secret.length < 4 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /** One string with every secret replaced. */
  redactText(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    out = out.replace(URL_PASSWORD, (whole, head: string, password: string, at: string) =>
      /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(password) || password === REDACTED ? whole : `${head}${REDACTED}${at}`,
    );
    out = out.replace(AWS_ACCESS_KEY_ID, REDACTED);
    out = out.replace(AWS_SECRET_KEY, (candidate) => (looksLikeSecretKey(candidate) ? REDACTED : candidate));
    return out;
  }

  /** A copy of `value` with every string redacted (and every value under a secret-named key). */
  redact<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = SECRET_KEY_NAME.test(key) && typeof item === 'string' && item !== '' && !isReference(item) ? REDACTED : this.walk(item);
      }
      return out;
    }
    return value;
  }
}

function isReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text);
}

function looksLikeSecretKey(candidate: string): boolean {
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9/+]/.test(candidate);
}
