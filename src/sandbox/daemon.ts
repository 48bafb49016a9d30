/**
 * The sandbox daemon (dist/sandbox-daemon.js): hosts the EC2 and S3 emulators after
 * `runbook sandbox up` returns. Started detached with its output in the sandbox's log directory;
 * writes a pid file, then a ready file once both emulators listen and the S3 mirror is current;
 * re-syncs every few seconds (and on SIGHUP); shuts down cleanly on SIGTERM or SIGINT.
 *
 * Usage: node sandbox-daemon.js DAEMON_CONFIG.json
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { DaemonConfig, DaemonReady } from './daemon-process.js';
import { startEc2Emulator, type Ec2Emulator, type Ec2Seed } from './ec2-emulator/index.js';
import { startS3Emulator, type S3Emulator } from './s3-emulator.js';
import { ensureSeedObjects, mirrorBackups } from './s3-mirror.js';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The EC2 state as a seed, so a restarted daemon comes back with what drills created. */
function ec2StateAsSeed(emulator: Ec2Emulator): string {
  const { state } = emulator;
  const seed: Ec2Seed = {
    ownerId: state.ownerId,
    availabilityZones: state.availabilityZones,
    instances: [...state.instances.values()],
    volumes: [...state.volumes.values()],
    snapshots: [...state.snapshots.values()].filter((snapshot) => snapshot.ownerId === state.ownerId),
  };
  return JSON.stringify(seed);
}

/** HTTPS on a free port (never one of the sandbox's own), plain HTTP on the configured one, one store behind both. */
async function startWithTls(config: DaemonConfig, tls: NonNullable<DaemonConfig['s3Tls']>): Promise<S3Emulator> {
  for (let attempt = 0; ; attempt++) {
    const emulator = await startS3Emulator({ port: 0, directory: config.s3Dir, tls, plainPort: config.s3Port });
    if (!tls.avoidPorts.includes(emulator.port) || attempt >= 5) return emulator;
    await emulator.close();
  }
}

async function main(configPath: string | undefined): Promise<void> {
  if (!configPath) throw new Error('usage: sandbox-daemon DAEMON_CONFIG.json');
  const config = readJson<DaemonConfig>(configPath);
  writeFileSync(config.pidFile, `${process.pid}\n`);
  const seed = readJson<Ec2Seed>(existsSync(config.ec2StateFile) ? config.ec2StateFile : config.ec2SeedFile);

  let s3: S3Emulator | undefined;
  let ec2: Ec2Emulator | undefined;
  try {
    s3 = config.s3Tls ? await startWithTls(config, config.s3Tls) : await startS3Emulator({ port: config.s3Port, directory: config.s3Dir });
    ec2 = await startEc2Emulator({ port: config.ec2Port, seed });
  } catch (error) {
    await s3?.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `a port is in use: ${(error as Error).message}` : (error as Error).message);
  }
  const emulators = { s3, ec2 };

  let savedState = '';
  const sync = (startingUp = false) => {
    try {
      const written = config.mirrorBackups ? mirrorBackups(emulators.s3.store, config) : 0;
      ensureSeedObjects(emulators.s3.store, config.names, new Date(), startingUp);
      if (written > 0) log(`mirrored ${written} backup objects`);
      const state = ec2StateAsSeed(emulators.ec2);
      if (state !== savedState) {
        writeFileSync(config.ec2StateFile, state);
        savedState = state;
      }
    } catch (error) {
      log(`sync failed: ${(error as Error).message}`);
    }
  };
  sync(true);

  const plain = s3.plainEndpoint && s3.plainPort !== undefined ? { endpoint: s3.plainEndpoint, port: s3.plainPort } : { endpoint: s3.endpoint, port: s3.port };
  const ready: DaemonReady = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ec2: { endpoint: ec2.endpoint, port: ec2.port },
    s3: plain,
    ...(config.s3Tls ? { s3Tls: { endpoint: s3.endpoint, port: s3.port } } : {}),
  };
  writeFileSync(config.readyFile, `${JSON.stringify(ready, null, 2)}\n`);
  log(`ready: EC2 emulator on ${ec2.endpoint}, S3 emulator on ${plain.endpoint}${config.s3Tls ? ` and ${s3.endpoint}` : ''}`);

  const timer = setInterval(() => sync(), config.syncIntervalMs);
  process.on('SIGHUP', () => sync());
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    sync();
    log(`${signal}: stopping`);
    rmSync(config.readyFile, { force: true });
    void Promise.all([emulators.ec2.close(), emulators.s3.close()]).finally(() => {
      rmSync(config.pidFile, { force: true });
      process.removeAllListeners('SIGHUP');
      log('stopped');
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv[2]).catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  // The pid file must not name a process that is gone (another could take the pid).
  try {
    const config = readJson<DaemonConfig>(process.argv[2]!);
    if (readFileSync(config.pidFile, 'utf8').trim() === String(process.pid)) rmSync(config.pidFile, { force: true });
  } catch {
    // nothing written yet
  }
  process.exitCode = 1;
});
