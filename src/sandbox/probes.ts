/** Small loopback probes the sandbox uses to tell what runs where. */
import { readFileSync } from 'node:fs';
import { get as httpsRequest } from 'node:https';
import { createServer } from 'node:net';

/** Whether something already listens on 127.0.0.1:`port` (we try to bind it for a moment). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** GETs a loopback URL; the status and body, or undefined when nothing answers within `timeoutMs`. */
export async function httpGet(url: string, timeoutMs = 1_500): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** GETs a loopback HTTPS URL, trusting only the CA in `caFile`; the status, or undefined when nothing answers or the certificate does not verify. */
export function httpsStatus(url: string, caFile: string, timeoutMs = 1_500): Promise<number | undefined> {
  let ca: Buffer;
  try {
    ca = readFileSync(caFile);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const request = httpsRequest(url, { ca, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** The keys of a bucket on the S3 emulator under `prefix` (one page, up to 1000). */
export async function s3Keys(endpoint: string, bucket: string, prefix = ''): Promise<string[] | undefined> {
  const answer = await httpGet(`${endpoint}/${encodeURIComponent(bucket)}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
  if (!answer || answer.status !== 200) return undefined;
  return [...answer.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => decodeXml(match[1]!));
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
