/**
 * Keeps the last N bytes of a stream: a command may print megabytes, and the operator needs the
 * end of it (where errors are), not all of it in memory or on the screen.
 */

/** Default cap per stream (docs/providers.md: "the last 64 KiB kept"). */
export const OUTPUT_CAP_BYTES = 64 * 1024;

/** A byte buffer that drops its oldest bytes beyond `capBytes`, remembering that it did. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly capBytes: number = OUTPUT_CAP_BYTES) {}

  /** Appends a chunk, dropping the oldest bytes beyond the cap. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size <= this.capBytes) return;
    const joined = Buffer.concat(this.chunks);
    const excess = joined.length - this.capBytes;
    this.dropped += excess;
    this.chunks = [joined.subarray(excess)];
    this.size = this.capBytes;
  }

  /** True when older output was dropped. */
  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** Bytes dropped from the start. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** The kept bytes as UTF-8 (a multi-byte character cut at the start shows as U+FFFD). */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
