/**
 * EC2 and S3 clients built from the environment's `aws:` settings. The SDK's own retries are off
 * (`maxAttempts: 1`): retries are ours (src/steps/aws/call.ts) so each one is reported, and only
 * throttling and transient errors are retried. Every request is bounded by the step's timeout.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import type { StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';

/** Fixed credentials of the sandbox emulators; never valid anywhere else. */
const EMULATED_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox-secret' } as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when `url` points at this machine (127.0.0.0/8, localhost, ::1). */
function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

type Service = 'ec2' | 's3';

function commonConfig(context: StepContext, service: Service) {
  const aws = context.environment.aws;
  if (!aws) {
    throw new ProviderFailure('invalid-input', `environment "${context.envName}" has no aws settings`, `add an aws: block (region, and profile or endpoints) to environment "${context.envName}"`);
  }
  const endpoint = aws.endpoints?.[service];
  if (aws.emulated && (!endpoint || !isLoopbackUrl(endpoint))) {
    throw new ProviderFailure(
      'invalid-input',
      `environment "${context.envName}" is emulated but its ${service} endpoint is ${endpoint ? `"${endpoint}", not a loopback address` : 'not set'}`,
      `set aws.endpoints.${service} to the local emulator (http://127.0.0.1:PORT), or remove aws.emulated to use real AWS`,
    );
  }
  const credentials = aws.emulated
    ? { ...EMULATED_CREDENTIALS }
    : aws.accessKeyId && aws.secretAccessKey
      ? { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey }
      : undefined;
  return {
    region: aws.region,
    ...(endpoint ? { endpoint } : {}),
    // A named profile is read by the SDK's own ini provider (fromIni) inside the default chain.
    ...(credentials ? { credentials } : aws.profile ? { profile: aws.profile } : {}),
    maxAttempts: 1,
    requestHandler: { requestTimeout: context.timeoutMs, connectionTimeout: Math.min(context.timeoutMs, 10_000) },
  };
}

/** An EC2 client for the step's environment. */
export function ec2Client(context: StepContext): EC2Client {
  return new EC2Client(commonConfig(context, 'ec2'));
}

/** An S3 client for the step's environment: path-style when asked, checksums only when required (S3-compatible stores reject or mangle the rest). */
export function s3Client(context: StepContext): S3Client {
  return new S3Client({
    ...commonConfig(context, 's3'),
    forcePathStyle: context.environment.aws?.forcePathStyle ?? false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
