/**
 * Maps AWS SDK and network errors to failure classes with one sentence of advice, and says which
 * of them are worth retrying (throttling and transient server or connection errors only).
 */
import type { FailureClass } from '../provider.js';
import { abortFailure, ProviderFailure } from '../support/call.js';

interface AwsLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: Array<{ code?: string }>;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'SlowDown', 'RequestThrottled', 'TooManyRequestsException', 'RequestThrottledException', 'ProvisionedThroughputExceededException']);
const PERMISSION = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'Forbidden', 'AllAccessDisabled']);
const AUTHENTICATION = new Set(['AuthFailure', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'CredentialsProviderError', 'TokenProviderError', 'InvalidToken']);
const NOT_FOUND = new Set(['NoSuchBucket', 'NoSuchKey', 'NotFound', 'NoSuchUpload']);
const CONFLICT = new Set(['IdempotentParameterMismatch', 'VolumeInUse', 'IncorrectState', 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists', 'InvalidVolume.ZoneMismatch']);
const INVALID = new Set(['InvalidParameterValue', 'InvalidParameterCombination', 'MissingParameter', 'InvalidParameter', 'ValidationError', 'InvalidArgument', 'InvalidBucketName', 'InvalidRequest', 'InvalidID']);
const NETWORK_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const NETWORK_TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function codeOf(error: AwsLikeError): string {
  return error.Code ?? error.name ?? '';
}

function networkCode(error: AwsLikeError): string | undefined {
  return error.code ?? error.errors?.find((inner) => inner.code)?.code;
}

function statusOf(error: AwsLikeError): number | undefined {
  return error.$metadata?.httpStatusCode;
}

/** Throttling, 5xx and connection resets: retried with backoff (and reported). */
export function isRetryableAwsError(error: unknown): boolean {
  if (error instanceof ProviderFailure || !error || typeof error !== 'object') return false;
  const aws = error as AwsLikeError;
  if (THROTTLING.has(codeOf(aws))) return true;
  const status = statusOf(aws);
  if (status !== undefined && status >= 500 && !PERMISSION.has(codeOf(aws))) return true;
  return NETWORK_TRANSIENT.has(networkCode(aws) ?? '');
}

const ADVICE: Record<FailureClass, string> = {
  unreachable: 'check the endpoint and region in the environment\'s aws settings and that the service is reachable from here',
  authentication: 'check the AWS credentials (profile, keys or session token) for this environment, e.g. run `aws sts get-caller-identity` with the same profile',
  permission: 'the credentials work but lack the IAM permission for this call; ask for it to be granted to this role',
  'not-found': 'check the identifier in the runbook or the input you gave, and the environment\'s region',
  throttled: 'AWS kept throttling the call after several retries; wait a minute and re-run the step',
  'invalid-input': 'check the step\'s parameters against the message above',
  timeout: 'the call did not finish within the step\'s timeout; check connectivity, or raise the step\'s timeout',
  cancelled: 'nothing more was sent; re-run the step when ready',
  conflict: 'the resource is not in a state that allows this; describe it and decide before re-running',
  expectation: 'the service answered, but not as the runbook expects',
  internal: 'this looks like a bug in runbook; the error above is the detail to report',
};

function classOf(error: AwsLikeError): FailureClass {
  const code = codeOf(error);
  const network = networkCode(error);
  if (network && NETWORK_UNREACHABLE.has(network)) return 'unreachable';
  if (network && NETWORK_TRANSIENT.has(network)) return 'unreachable';
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException') return 'timeout';
  if (THROTTLING.has(code)) return 'throttled';
  if (PERMISSION.has(code)) return 'permission';
  if (AUTHENTICATION.has(code)) return 'authentication';
  if (NOT_FOUND.has(code) || code.endsWith('.NotFound')) return 'not-found';
  if (CONFLICT.has(code)) return 'conflict';
  if (INVALID.has(code) || code.endsWith('.Malformed')) return 'invalid-input';
  const status = statusOf(error);
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status !== undefined && status >= 500) return 'unreachable';
  if (status !== undefined && status >= 400) return 'invalid-input';
  return 'internal';
}

/** The classified failure for anything an AWS call threw. */
export function classifyAwsError(error: unknown, what: string, signal?: AbortSignal): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  if (signal?.aborted) return abortFailure(signal, what);
  const aws = (error && typeof error === 'object' ? error : { message: String(error) }) as AwsLikeError;
  const failureClass = classOf(aws);
  const code = codeOf(aws) || networkCode(aws) || 'Error';
  const status = statusOf(aws);
  const summary = aws.message ? aws.message.split('\n')[0] : '';
  const detail = `${what} failed: ${code}${status ? ` (HTTP ${status})` : ''}${summary && summary !== code ? `: ${summary}` : ''}`;
  if (failureClass === 'unreachable' && status !== undefined && status >= 500) {
    return new ProviderFailure('unreachable', detail, 'the service kept answering with server errors after several retries; try again shortly or check the AWS status page');
  }
  if (failureClass === 'conflict' && code === 'IdempotentParameterMismatch') {
    return new ProviderFailure('conflict', detail, 'this step was already run with different parameters; look at the volume it created (reconcile) instead of changing the parameters');
  }
  return new ProviderFailure(failureClass, detail, ADVICE[failureClass]);
}

/** The service's error code, when the error came from AWS. */
export function awsErrorCode(error: unknown): string | undefined {
  return error && typeof error === 'object' ? codeOf(error as AwsLikeError) || undefined : undefined;
}
