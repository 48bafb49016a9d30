/**
 * A small EC2 Query-API emulator (volumes, snapshots, instances, attachments, tags, DryRun,
 * ClientToken, pagination, error codes) that the real @aws-sdk/client-ec2 talks to over HTTP on
 * loopback. Used by the test suite and by `runbook sandbox`.
 */
import { listenOnLoopback } from '../loopback-server.js';
import type { Ec2Seed } from './model.js';
import { createHandler } from './server.js';
import { Ec2EmulatorState, type Ec2StateOptions } from './state.js';

export type { Ec2Seed, Volume, Snapshot, Instance, Tags } from './model.js';
export { Ec2EmulatorState, type Ec2StateOptions, type FaultInjection, type DelayInjection } from './state.js';

export interface Ec2EmulatorOptions extends Ec2StateOptions {
  /** Loopback port; 0 or absent picks a free one. */
  readonly port?: number;
  readonly seed?: Ec2Seed;
}

export interface Ec2Emulator {
  /** `http://127.0.0.1:PORT`, for the client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  readonly state: Ec2EmulatorState;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 (never another address). */
export async function startEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const state = new Ec2EmulatorState(options, options.seed);
  const server = await listenOnLoopback(createHandler(state), options.port);
  return { ...server, state };
}
