import { ExitCode } from './exit-codes.js';

/**
 * An error the operator can fix. Its message says what is wrong and what to do;
 * the one exit site prints it on one line (no stack) and exits with its code.
 */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.usage,
    /** Extra lines printed after the message, e.g. every lint problem. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** Usage mistakes: unknown command or flag, missing argument. Exit 2. */
export class UsageError extends OperatorError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.usage, details);
    this.name = 'UsageError';
  }
}

/** Configuration mistakes: broken runbooks file, unknown runbook or environment. Exit 2. */
export class ConfigError extends OperatorError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.usage, details);
    this.name = 'ConfigError';
  }
}

/** A check, drill or verification failed; the output already said what. Exit 1. */
export class FailedError extends OperatorError {
  constructor(message: string, details: readonly string[] = []) {
    super(message, ExitCode.failed, details);
    this.name = 'FailedError';
  }
}

/** The operator cancelled. Exit 130. */
export class CancelledError extends OperatorError {
  constructor(message = 'cancelled') {
    super(message, ExitCode.cancelled);
    this.name = 'CancelledError';
  }
}
