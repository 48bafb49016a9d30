/** Faults, delays and settings the S3 emulator's handler consults on each request. */

/** A fault answered instead of `times` requests of `operation` (or any, `*`). */
export interface S3FaultInjection {
  readonly operation: string;
  readonly code: string;
  readonly status: number;
  readonly times?: number;
}

/** Latency added to `times` requests of `operation` (or any, `*`). */
export interface S3DelayInjection {
  readonly operation: string;
  readonly ms: number;
  readonly times?: number;
}

/** Injections and settings the handler consults on each request. */
export class S3Controls {
  requiredAccessKeyId: string | undefined;
  /** The S3 operation of every request received, in order (e.g. `UploadPart`). */
  readonly requestLog: string[] = [];
  /** Every error answered (injected ones too), in order: what a client was told, for tests to read. */
  readonly errorLog: Array<{ readonly operation: string; readonly code: string; readonly status: number }> = [];
  private readonly faults: Array<S3FaultInjection & { remaining: number }> = [];
  private readonly delays: Array<S3DelayInjection & { remaining: number }> = [];

  injectFaults(fault: S3FaultInjection): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  injectDelay(delay: S3DelayInjection): void {
    this.delays.push({ ...delay, remaining: delay.times ?? 1 });
  }

  clearInjections(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }

  take<T extends { operation: string; remaining: number }>(list: T[], operation: string): T | undefined {
    const index = list.findIndex((item) => item.remaining > 0 && (item.operation === operation || item.operation === '*'));
    if (index < 0) return undefined;
    const item = list[index]!;
    item.remaining -= 1;
    if (item.remaining === 0) list.splice(index, 1);
    return item;
  }

  takeFault(operation: string): S3FaultInjection | undefined {
    return this.take(this.faults, operation);
  }

  takeDelay(operation: string): number {
    return this.take(this.delays, operation)?.ms ?? 0;
  }
}
