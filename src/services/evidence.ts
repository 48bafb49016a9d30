/**
 * `runbook evidence`: restore-test evidence per runbook against its cadence, and per asset of the
 * seed the three signals (last success, freshness, last restore test), read from the session
 * database (drill sessions and the check results `runbook check` stored).
 */
import type { Asset, Runbook, RunbooksFile } from '../runbooks/schema.js';
import { parseDurationSeconds } from '../steps/params.js';
import type { CheckResultRecord } from '../state/check-results.js';
import { drillResult, type DrillOutcome } from '../state/drill-result.js';
import type { EventStore, SessionRow } from '../state/event-store.js';
import { loadSessionState } from '../state/resume.js';

/** How long a passing drill counts, per cadence. */
export const CADENCE_DAYS: Readonly<Record<NonNullable<Runbook['cadence']>, number>> = { daily: 1, weekly: 7, monthly: 30, quarterly: 91 };
const DAY_MS = 86_400_000;

/** One drill session as evidence. */
export interface DrillEvidence {
  readonly session: string;
  readonly env: string;
  readonly operator: string;
  readonly startedAt: string;
  /** When the session completed or was aborted; null while it is open. */
  readonly finishedAt: string | null;
  readonly outcome: DrillOutcome;
  readonly reasons: readonly string[];
  readonly rtoMs: number | null;
  readonly recoveryPoint: string | null;
  readonly recoveryTarget: string | null;
  readonly recoveryGapMs: number | null;
}

/**
 * A restore test (a runbook with a cadence), or any other runbook that was drilled: its drills are
 * restore evidence too (e.g. a practised restore-postgres), only without a due date.
 */
export interface RunbookEvidence {
  readonly runbook: string;
  readonly title: string;
  /** null: not a restore test, listed because it was drilled; never due, never overdue. */
  readonly cadence: NonNullable<Runbook['cadence']> | null;
  /** The newest drill that passed (by when it finished). */
  readonly lastPassed: DrillEvidence | null;
  /** The newest drill of any result (by when it started). */
  readonly lastDrill: DrillEvidence | null;
  /** lastPassed.finishedAt + cadence; null when no drill ever passed, or without a cadence. */
  readonly nextDueAt: string | null;
  /** Never passed, or now is past nextDueAt; false without a cadence. */
  readonly overdue: boolean;
}

/** A check result as a signal of an asset. */
export interface SignalEvidence {
  /** The backup time the check reported (null when it reported none). */
  readonly at: string | null;
  readonly checkedAt: string;
  readonly status: CheckResultRecord['status'];
  readonly env: string;
  readonly runbook: string;
  readonly step: string;
}

export interface FreshnessEvidence extends SignalEvidence {
  readonly at: string;
  /** now − at. */
  readonly ageMs: number;
  /** The asset's frequency, the age the newest backup may reach; null when the asset gives none. */
  readonly maxAgeMs: number | null;
  /** ageMs > maxAgeMs; null without a frequency. */
  readonly stale: boolean | null;
}

export interface AssetEvidence {
  readonly asset: string;
  readonly name: string;
  readonly frequency: string | null;
  readonly retention: string | null;
  /** Newest passing check with signal kind "success", and the success time it reported. */
  readonly lastSuccess: SignalEvidence | null;
  /** Newest success check that ran (passed or failed; skipped ones never ran): a failure after the last success shows here. */
  readonly lastSuccessCheck: SignalEvidence | null;
  /** Newest backup time reported by the asset's freshness checks, and its age. */
  readonly freshness: FreshnessEvidence | null;
  /** Newest freshness check that ran, whether or not it reported a backup time. */
  readonly lastFreshnessCheck: SignalEvidence | null;
  /** The asset's restore-test runbook and its last passing drill. */
  readonly restoreTest: {
    readonly runbook: string;
    readonly lastPassed: DrillEvidence | null;
    readonly nextDueAt: string | null;
    readonly overdue: boolean | null;
  } | null;
}

export interface EvidenceReport {
  readonly generatedAt: string;
  /** The environment the evidence was restricted to, or null for all. */
  readonly env: string | null;
  readonly runbooks: readonly RunbookEvidence[];
  readonly assets: readonly AssetEvidence[];
  /** Any restore test overdue or any asset's newest backup older than its frequency. */
  readonly overdue: boolean;
}

export interface EvidenceOptions {
  readonly file: RunbooksFile;
  /** The session database; undefined when there is none yet (nothing was ever recorded). */
  readonly store: EventStore | undefined;
  readonly now: Date;
  /** Only drills and check results of this environment. */
  readonly env?: string;
}

/** What restore-test evidence needs of a runbook (the home screen's listing has just this). */
type RunbookRef = Pick<Runbook, 'id' | 'title' | 'cadence'>;

/** Gathers the evidence report. */
export function collectEvidence(options: EvidenceOptions): EvidenceReport {
  const { file, store, now } = options;
  const drills = new DrillIndex(store, options.env);
  const runbooks = runbookEvidence(file.runbooks, drills, now);
  const assets = file.assets.map((asset) => assetEvidence(asset, file, store, drills, now, options.env));
  const overdue = runbooks.some((runbook) => runbook.overdue) || assets.some((asset) => asset.freshness?.stale === true);
  return { generatedAt: now.toISOString(), env: options.env ?? null, runbooks, assets, overdue };
}

/**
 * Every drill of each runbook, oldest first (by start): the history the HTML report charts
 * (RTO and recovery gap per drill over time), folded exactly as the report's drills are.
 */
export function collectDrillHistory(options: Pick<EvidenceOptions, 'store' | 'env'>, runbooks: readonly string[]): Record<string, DrillEvidence[]> {
  const drills = new DrillIndex(options.store, options.env);
  return Object.fromEntries(runbooks.map((runbook) => [runbook, drills.all(runbook)]));
}

/**
 * Per runbook with a cadence (and any other that was drilled): the last passing drill, the last
 * drill, when the next is due and whether it is overdue.
 */
export function restoreTestEvidence(runbooks: readonly RunbookRef[], store: EventStore | undefined, now: Date): RunbookEvidence[] {
  return runbookEvidence(runbooks, new DrillIndex(store, undefined), now);
}

function runbookEvidence(runbooks: readonly RunbookRef[], drills: DrillIndex, now: Date): RunbookEvidence[] {
  return runbooks
    .filter((runbook) => runbook.cadence !== undefined || drills.has(runbook.id))
    .map((runbook): RunbookEvidence => {
      const lastPassed = drills.lastPassed(runbook.id);
      const cadence = runbook.cadence ?? null;
      const due = cadence ? dueOf(lastPassed, cadence, now) : { nextDueAt: null, overdue: false };
      return { runbook: runbook.id, title: runbook.title, cadence, lastPassed, lastDrill: drills.lastDrill(runbook.id), ...due };
    });
}

function dueOf(lastPassed: DrillEvidence | null, cadence: NonNullable<Runbook['cadence']>, now: Date): { nextDueAt: string | null; overdue: boolean } {
  if (!lastPassed?.finishedAt) return { nextDueAt: null, overdue: true };
  const due = Date.parse(lastPassed.finishedAt) + CADENCE_DAYS[cadence] * DAY_MS;
  return { nextDueAt: new Date(due).toISOString(), overdue: now.getTime() > due };
}

function assetEvidence(asset: Asset, file: RunbooksFile, store: EventStore | undefined, drills: DrillIndex, now: Date, env: string | undefined): AssetEvidence {
  const scope = { asset: asset.id, ...(env ? { env } : {}) };
  const success = store ? store.checkResults.newest({ ...scope, signalKind: 'success', status: 'passed' }) : undefined;
  const successCheck = store ? newestRan(store, { ...scope, signalKind: 'success' }) : undefined;
  const fresh = store ? store.checkResults.newestReported({ ...scope, signalKind: 'freshness' }) : undefined;
  const freshnessCheck = store ? newestRan(store, { ...scope, signalKind: 'freshness' }) : undefined;
  const maxAgeSeconds = asset.frequency ? parseDurationSeconds(asset.frequency) : undefined;
  const maxAgeMs = maxAgeSeconds === undefined ? null : maxAgeSeconds * 1000;
  let freshness: FreshnessEvidence | null = null;
  if (fresh?.reportedAt) {
    const ageMs = now.getTime() - Date.parse(fresh.reportedAt);
    freshness = { ...signal(fresh), at: fresh.reportedAt, ageMs, maxAgeMs, stale: maxAgeMs === null ? null : ageMs > maxAgeMs };
  }
  let restoreTest: AssetEvidence['restoreTest'] = null;
  if (asset.restoreTest) {
    const lastPassed = drills.lastPassed(asset.restoreTest);
    const cadence = file.runbooks.find((runbook) => runbook.id === asset.restoreTest)?.cadence;
    const due = cadence ? dueOf(lastPassed, cadence, now) : { nextDueAt: null, overdue: null };
    restoreTest = { runbook: asset.restoreTest, lastPassed, ...due };
  }
  return {
    asset: asset.id,
    name: asset.name,
    frequency: asset.frequency ?? null,
    retention: asset.retention ?? null,
    lastSuccess: success ? signal(success) : null,
    lastSuccessCheck: successCheck ? signal(successCheck) : null,
    freshness,
    lastFreshnessCheck: freshnessCheck ? signal(freshnessCheck) : null,
    restoreTest,
  };
}

/** The newest result that ran (passed or failed) among those matching; a skipped check was not checked. */
function newestRan(store: EventStore, query: { asset: string; signalKind: string; env?: string }): CheckResultRecord | undefined {
  const candidates = (['passed', 'failed'] as const)
    .map((status) => store.checkResults.newest({ ...query, status }))
    .filter((record): record is CheckResultRecord => record !== undefined);
  return candidates.reduce<CheckResultRecord | undefined>((newest, record) => (!newest || record.finishedAt > newest.finishedAt ? record : newest), undefined);
}

function signal(record: CheckResultRecord): SignalEvidence {
  return { at: record.reportedAt, checkedAt: record.finishedAt, status: record.status, env: record.env, runbook: record.runbook, step: record.step };
}

/** Drill sessions by runbook, each folded at most once. */
class DrillIndex {
  private readonly byRunbook = new Map<string, SessionRow[]>();
  private readonly folded = new Map<string, DrillEvidence>();

  constructor(
    private readonly store: EventStore | undefined,
    env: string | undefined,
  ) {
    for (const row of store?.sessions() ?? []) {
      if (!row.drill || (env !== undefined && row.env !== env)) continue;
      const list = this.byRunbook.get(row.runbook) ?? [];
      list.push(row);
      this.byRunbook.set(row.runbook, list);
    }
  }

  /** Whether the runbook has any drill session (in the environment asked for). */
  has(runbook: string): boolean {
    return this.byRunbook.has(runbook);
  }

  /** Every drill of the runbook, oldest first. */
  all(runbook: string): DrillEvidence[] {
    return (this.byRunbook.get(runbook) ?? []).map((row) => this.evidence(row)).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }

  /** The newest drill by start, whatever its result. */
  lastDrill(runbook: string): DrillEvidence | null {
    const newest = this.byRunbook.get(runbook)?.[0];
    return newest ? this.evidence(newest) : null;
  }

  /** The passing drill that finished last. */
  lastPassed(runbook: string): DrillEvidence | null {
    let best: DrillEvidence | null = null;
    for (const row of this.byRunbook.get(runbook) ?? []) {
      if (row.state !== 'completed') continue;
      const drill = this.evidence(row);
      if (drill.outcome === 'passed' && (best === null || Date.parse(drill.finishedAt!) > Date.parse(best.finishedAt!))) best = drill;
    }
    return best;
  }

  private evidence(row: SessionRow): DrillEvidence {
    const cached = this.folded.get(row.id);
    if (cached) return cached;
    const state = loadSessionState(this.store!, row.id);
    const result = drillResult(state)!;
    const drill: DrillEvidence = {
      session: row.id,
      env: state.env,
      operator: state.operator,
      startedAt: state.startedAt ?? row.startedAt,
      finishedAt: state.endedAt,
      outcome: result.outcome,
      reasons: result.reasons,
      rtoMs: result.rtoMs,
      recoveryPoint: result.recoveryPoint,
      recoveryTarget: result.recoveryTarget,
      recoveryGapMs: result.recoveryGapMs,
    };
    this.folded.set(row.id, drill);
    return drill;
  }
}
