/**
 * A private certificate authority and a server certificate for 127.0.0.1 and localhost, so the
 * sandbox's emulators can serve HTTPS to clients that insist on it (pgBackRest refuses plain HTTP
 * for S3) and verify it against a CA file instead of turning verification off.
 *
 * node:crypto can parse and check certificates but cannot issue them, so the `openssl` CLI issues
 * them (argv only, never a shell). The CA's private key is deleted once the server certificate is
 * signed: nothing else can then be issued under a CA that clients have been told to trust.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OperatorError } from '../errors.js';

/** The files of a loopback certificate, all PEM. */
export interface LoopbackCertificateFiles {
  /** The CA certificate clients trust (pgBackRest `repo1-storage-ca-file`, Node `ca`); world-readable. */
  readonly caFile: string;
  /** The server certificate (subjectAltName IP:127.0.0.1, DNS:localhost, DNS:127.0.0.1), signed by the CA. */
  readonly certFile: string;
  /** The server certificate's private key; readable by its owner only. */
  readonly keyFile: string;
}

export interface LoopbackCertificateOptions {
  /** The openssl program (default `openssl` on PATH). */
  readonly openssl?: string;
  /** Days the server certificate is valid (default 825, the longest that clients such as Apple's accept). */
  readonly days?: number;
}

const CA_FILE = 'ca.crt';
const CERT_FILE = 'server.crt';
const KEY_FILE = 'server.key';
/** A certificate this close to expiry is replaced rather than reused. */
const RENEW_BEFORE_MS = 7 * 24 * 3_600_000;

/** Where the certificate files of `directory` are (whether or not they exist yet). */
function loopbackCertificateFiles(directory: string): LoopbackCertificateFiles {
  return { caFile: join(directory, CA_FILE), certFile: join(directory, CERT_FILE), keyFile: join(directory, KEY_FILE) };
}

function runOpenssl(openssl: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(openssl, args, { cwd, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new OperatorError(`openssl is not installed (needed to make the sandbox's TLS certificate): install the openssl package (apt-get install openssl)`));
      }
      const reason = String(stderr).split('\n').find((line) => line.trim() !== '') ?? error.message;
      reject(new OperatorError(`openssl ${args[0]} failed while making the sandbox's TLS certificate: ${reason.trim()}`));
    });
  });
}

/**
 * Makes a fresh CA and server certificate in `directory` (created if missing), replacing any
 * there. A failed run leaves no half-made files: they are issued in a temporary folder and only
 * then moved into place.
 */
export async function createLoopbackCertificate(directory: string, options: LoopbackCertificateOptions = {}): Promise<LoopbackCertificateFiles> {
  const openssl = options.openssl ?? 'openssl';
  const days = String(options.days ?? 825);
  await mkdir(directory, { recursive: true });
  const work = await mkdtemp(join(directory, '.issuing-'));
  try {
    // P-256 keys: quick to make, and accepted by every TLS stack the sandbox's clients use.
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await runOpenssl(openssl, ['req', '-x509', ...newKey, '-keyout', 'ca.key', '-out', CA_FILE, '-days', String(Number(days) + 1), '-subj', '/CN=runbook sandbox loopback CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], work);
    await runOpenssl(openssl, ['req', '-new', ...newKey, '-keyout', KEY_FILE, '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], work);
    // Strict verifiers (OpenSSL 3's X509_STRICT, Python 3.13) want key identifiers and a serverAuth usage.
    // 127.0.0.1 is also a DNS name because pgBackRest 2.45 matches the endpoint against DNS names
    // only ("unable to find hostname '127.0.0.1' in certificate ... subject alternative names");
    // clients that match IP addresses properly use the IP entry.
    await writeFile(join(work, 'server.ext'), [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:127.0.0.1',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'));
    await runOpenssl(openssl, ['x509', '-req', '-in', 'server.csr', '-CA', CA_FILE, '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-days', days, '-sha256', '-extfile', 'server.ext', '-out', CERT_FILE], work);
    await chmod(join(work, KEY_FILE), 0o600);
    await chmod(join(work, CA_FILE), 0o644);
    await chmod(join(work, CERT_FILE), 0o644);
    const files = loopbackCertificateFiles(directory);
    await rename(join(work, KEY_FILE), files.keyFile);
    await rename(join(work, CERT_FILE), files.certFile);
    await rename(join(work, CA_FILE), files.caFile);
    return files;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Why the certificate in `directory` cannot be used, or undefined when it can: the three files
 * exist, the server certificate was issued by the CA, matches its key, names 127.0.0.1 (as an IP
 * address and as a DNS name) and localhost, and is valid for at least another week.
 */
export function loopbackCertificateProblem(directory: string, now = new Date()): string | undefined {
  const files = loopbackCertificateFiles(directory);
  const missing = Object.values(files).find((path) => !existsSync(path));
  if (missing) return `${missing} is missing`;
  try {
    const ca = new X509Certificate(readFileSync(files.caFile));
    const server = new X509Certificate(readFileSync(files.certFile));
    if (!server.checkIssued(ca) || !server.verify(ca.publicKey)) return `${files.certFile} was not issued by ${files.caFile}`;
    if (!server.checkPrivateKey(createPrivateKey(readFileSync(files.keyFile)))) return `${files.keyFile} is not the key of ${files.certFile}`;
    const names = (server.subjectAltName ?? '').split(',').map((name) => name.trim());
    if (!server.checkIP('127.0.0.1') || !server.checkHost('localhost') || !names.includes('DNS:127.0.0.1')) return `${files.certFile} does not name 127.0.0.1 and localhost`;
    if (Date.parse(server.validTo) - now.getTime() < RENEW_BEFORE_MS || Date.parse(ca.validTo) - now.getTime() < RENEW_BEFORE_MS) return `${files.certFile} expires on ${server.validTo}`;
    if (Date.parse(server.validFrom) > now.getTime()) return `${files.certFile} is not valid before ${server.validFrom}`;
    return undefined;
  } catch (error) {
    return `the certificate files in ${directory} cannot be read: ${(error as Error).message}`;
  }
}

/** Reuses the certificate in `directory` when it is still good (see loopbackCertificateProblem), else makes a new one. */
export async function ensureLoopbackCertificate(directory: string, options: LoopbackCertificateOptions = {}): Promise<LoopbackCertificateFiles & { readonly created: boolean }> {
  if (loopbackCertificateProblem(directory) === undefined) return { ...loopbackCertificateFiles(directory), created: false };
  return { ...(await createLoopbackCertificate(directory, options)), created: true };
}
