// Budget: snapshot freshness (ec2.snapshots with maxAge) across 10,000 volumes on the EC2
// emulator takes under 2x one raw paginated DescribeSnapshots sweep of the same data.
// The provider and emulator are TypeScript: esbuild bundles them into a temp module first.
import { tmpdir } from 'node:os';
import { importSource } from './support/import-source.mjs';
import { median } from './support/median.mjs';

const VOLUMES = 10_000;
const SNAPSHOTS_PER_VOLUME = 3;
const RUNS = 5;
const BUDGET_RATIO = 2;

const entry = `
export { startEc2Emulator } from './src/sandbox/ec2-emulator/index.ts';
export { providers } from './src/steps/ec2/index.ts';
export { snapshots } from './src/steps/ec2/definitions.ts';
export { EC2Client, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
`;
const { module: { startEc2Emulator, providers, snapshots, EC2Client, DescribeSnapshotsCommand } } = await importSource('snapshots', entry);

const now = Date.now();
const snapshotSeed = [];
for (let volume = 0; volume < VOLUMES; volume++) {
  for (let index = 0; index < SNAPSHOTS_PER_VOLUME; index++) {
    snapshotSeed.push({
      snapshotId: `snap-${volume.toString(16).padStart(6, '0')}${index}`,
      volumeId: `vol-${volume.toString(16).padStart(6, '0')}`,
      startTime: new Date(now - (index * 24 + (volume % 30)) * 3_600_000).toISOString(),
      state: index === 2 && volume % 100 === 0 ? 'error' : 'completed',
      tags: { fleet: 'bench' },
    });
  }
}
const emulator = await startEc2Emulator({ seed: { snapshots: snapshotSeed } });
const client = new EC2Client({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox-secret' }, maxAttempts: 1 });

async function rawSweep() {
  let token;
  let count = 0;
  do {
    const page = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:fleet', Values: ['bench'] }], MaxResults: 1000, NextToken: token }));
    count += page.Snapshots.length;
    token = page.NextToken;
  } while (token);
  return count;
}

const params = snapshots.params.parse({ tags: { fleet: 'bench' }, maxAge: '26h', failedWindow: '7d' });
async function providerRun() {
  const context = {
    sessionId: 'bench', stepId: 'freshness', envName: 'bench', idempotencyKey: 'bench:freshness',
    environment: { name: 'bench', protected: false, postgres: {}, vars: {}, secrets: [], aws: { region: 'us-east-1', emulated: true, endpoints: { ec2: emulator.endpoint } } },
    signal: AbortSignal.timeout(120_000), timeoutMs: 120_000, artifactsDir: tmpdir(), now: () => new Date(now),
  };
  const result = await providers['ec2.snapshots'].run(params, context);
  if (result.failure) throw new Error(result.detail);
  return result;
}

const time = async (work) => {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
};

try {
  await rawSweep();
  await providerRun();
  const raw = [];
  const provider = [];
  let snapshotsSeen = 0;
  let last;
  for (let run = 0; run < RUNS; run++) {
    const r = await time(rawSweep);
    raw.push(r.ms);
    snapshotsSeen = r.value;
    const p = await time(providerRun);
    provider.push(p.ms);
    last = p.value;
  }
  const rawMs = median(raw);
  const providerMs = median(provider);
  const ratio = providerMs / rawMs;
  console.log(`volumes ${VOLUMES}, snapshots ${snapshotsSeen} (${Math.ceil(snapshotsSeen / 1000)} pages), median of ${RUNS}`);
  console.log(`raw DescribeSnapshots sweep: ${rawMs.toFixed(0)} ms`);
  console.log(`ec2.snapshots provider:      ${providerMs.toFixed(0)} ms (volumes ${last.observed.volumes}, stale ${last.observed.staleCount}, failed ${last.outputs.failedCount})`);
  console.log(`ratio ${ratio.toFixed(2)}x (budget < ${BUDGET_RATIO}x): ${ratio < BUDGET_RATIO ? 'within budget' : 'OVER BUDGET'}`);
  if (ratio >= BUDGET_RATIO) process.exitCode = 1;
} finally {
  await emulator.close();
}
