/**
 * Every process a step's program started, found and ended when the step ends. Killing the
 * program's process group is not enough: a child that calls setsid(2) leaves the group, and one
 * that double-forks is re-parented to init, so the parent link is lost too. A process counts as
 * the step's when, read from /proc, it is the program itself, a child of one of the step's
 * processes, a member of the program's session or process group, or it carries the step's
 * environment marker (a random value only this step's processes inherit; a double-forked daemon
 * keeps it). The table is read while the program runs and once more at the end, when every one
 * still running gets SIGTERM, then SIGKILL after the grace period; those that outlive that are
 * reported by pid. Where there is no /proc, only the process group can be ended, and the report
 * says so.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { commandLine, environmentHas, isDead, listEntries, procAvailable, readEntry, type ProcEntry } from './proc-table.js';

/** The environment variable that marks every process of one step run. */
const STEP_MARKER_VARIABLE = 'RUNBOOK_STEP_TOKEN';

/** A process the step left running when it ended. */
export interface LeftProcess {
  readonly pid: number;
  readonly command: string;
}

/** A process still running after SIGKILL, and why. */
export interface SurvivingProcess extends LeftProcess {
  /** `not-permitted`: the system refused the signal (another user's process, e.g. under sudo); `did-not-exit`: stuck in the kernel. */
  readonly reason: 'not-permitted' | 'did-not-exit';
}

/** What was left running when the step ended, and what became of it. */
export interface LeftoverReport {
  /** Left running and ended here (SIGTERM, then SIGKILL). */
  readonly ended: readonly LeftProcess[];
  /** Still running: they could not be ended (another user's process, or stuck in the kernel). */
  readonly survivors: readonly SurvivingProcess[];
  /** How they were found: the process table, or only the process group where there is no /proc. */
  readonly method: 'proc' | 'process-group';
}

export interface EndOptions {
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** How long SIGKILLed processes get to disappear before they count as survivors. */
  readonly killWaitMs?: number;
}

/** A fresh `NAME=value` marker for one step run. */
export function newStepMarker(): { readonly name: string; readonly value: string } {
  return { name: STEP_MARKER_VARIABLE, value: randomBytes(16).toString('hex') };
}

const DEFAULT_POLL_MS = 75;
const DEFAULT_KILL_WAIT_MS = 1_000;
const END_POLL_MS = 25;
// Reading the table is kept under about 5% of one core however many processes the host runs.
const MAX_SCAN_SHARE = 0.05;

interface Member {
  readonly startTicks: number;
  readonly name: string;
  command?: string;
}

/** Watches the processes of one running program; `end` ends whatever is still running. */
export interface StepProcesses {
  /** Ends every process of the step still running (the program too, when it still runs). */
  end(options: EndOptions): Promise<LeftoverReport>;
}

/**
 * Starts watching the program `rootPid` (spawned with `marker` in its environment and leading
 * its own session). Call right after spawning, before the event loop can reap it.
 */
export function watchStepProcesses(rootPid: number, marker: string, pollMs = DEFAULT_POLL_MS): StepProcesses {
  const root = procAvailable() ? readEntry(rootPid) : undefined;
  return root ? new ProcTableWatch(root, marker, pollMs) : new GroupOnly(rootPid);
}

class ProcTableWatch implements StepProcesses {
  private readonly members = new Map<number, Member>();
  /** pid:start of processes whose environment was read and is not the step's. */
  private readonly strangers = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ending = false;
  /**
   * Whether the program's pid is still held by its session: by the program itself, or by a
   * process in its session or group. While it is, the kernel gives that pid to no other process,
   * so a session or group match is one of ours. Once a read of the table finds it held by none,
   * it may be reused (pids come round again after pid_max, which can be as low as 32768), and
   * session and group say nothing more; the parent links and the marker still do.
   */
  private sessionHeld = true;

  constructor(
    private readonly root: ProcEntry,
    private readonly marker: string,
    private readonly pollMs: number,
  ) {
    this.members.set(root.pid, { startTicks: root.startTicks, name: root.name });
    this.schedule(pollMs);
  }

  async end(options: EndOptions): Promise<LeftoverReport> {
    this.ending = true;
    if (this.timer) clearTimeout(this.timer);
    const termUntil = Date.now() + options.graceMs;
    const killUntil = termUntil + (options.killWaitMs ?? DEFAULT_KILL_WAIT_MS);
    const sent = new Map<number, NodeJS.Signals>();
    const refused = new Set<number>();
    let running: ProcEntry[] = [];
    for (;;) {
      running = this.runningMembers(this.scan());
      for (const entry of running) this.remember(entry);
      const now = Date.now();
      if (running.length === 0 || now >= killUntil || running.every((entry) => refused.has(entry.pid))) break;
      const signal: NodeJS.Signals = now >= termUntil ? 'SIGKILL' : 'SIGTERM';
      // The group first: it reaches a child forked since the table was read.
      if (running.some((entry) => entry.pgrp === this.root.pid)) signalPid(-this.root.pid, signal);
      for (const entry of running) {
        if (sent.get(entry.pid) === signal) continue;
        sent.set(entry.pid, signal);
        if (signalPid(entry.pid, signal) === 'refused') refused.add(entry.pid);
      }
      await delay(END_POLL_MS);
    }
    const survivors = new Set(running.map((entry) => entry.pid));
    const ended = [...sent.keys()].filter((pid) => pid !== this.root.pid && !survivors.has(pid));
    return {
      ended: ended.map((pid) => this.described(pid)),
      survivors: [...survivors].map((pid) => ({ ...this.described(pid), reason: refused.has(pid) ? 'not-permitted' : 'did-not-exit' })),
      method: 'proc',
    };
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      if (this.ending) return;
      const started = performance.now();
      this.scan();
      const took = performance.now() - started;
      this.schedule(Math.max(this.pollMs, took / MAX_SCAN_SHARE));
    }, ms);
    this.timer.unref();
  }

  /** Reads the table, adds every process that is the step's, and returns the table. */
  private scan(): ProcEntry[] {
    const entries = listEntries().filter((entry) => entry.pid !== process.pid && entry.startTicks >= this.root.startTicks);
    const byPid = new Map(entries.map((entry) => [entry.pid, entry]));
    const root = this.root;
    // Held since the last read too: freeing the pid and handing it out again takes a whole round of pids, not one poll interval.
    this.sessionHeld &&= entries.some(
      (entry) => (entry.pid === root.pid && entry.startTicks === root.startTicks) || entry.session === root.pid || entry.pgrp === root.pid,
    );
    // Parents start before their children: in start order one pass finds a whole new subtree.
    entries.sort((a, b) => a.startTicks - b.startTicks);
    for (const entry of entries) {
      if (this.isMember(entry)) continue;
      if (this.belongs(entry, byPid)) this.members.set(entry.pid, { startTicks: entry.startTicks, name: entry.name });
    }
    return entries;
  }

  private belongs(entry: ProcEntry, byPid: ReadonlyMap<number, ProcEntry>): boolean {
    const parent = byPid.get(entry.ppid);
    if (parent && this.isMember(parent)) return true;
    if (this.sessionHeld && (entry.session === this.root.pid || entry.pgrp === this.root.pid)) return true;
    const key = `${entry.pid}:${entry.startTicks}`;
    if (this.strangers.has(key)) return false;
    if (environmentHas(entry.pid, this.marker)) return true;
    this.strangers.add(key);
    return false;
  }

  private isMember(entry: ProcEntry): boolean {
    return this.members.get(entry.pid)?.startTicks === entry.startTicks;
  }

  private runningMembers(entries: readonly ProcEntry[]): ProcEntry[] {
    return entries.filter((entry) => this.isMember(entry) && !isDead(entry));
  }

  /** The command line is read while the process runs; after, only the name is left. */
  private remember(entry: ProcEntry): void {
    const member = this.members.get(entry.pid);
    if (member && member.command === undefined) member.command = commandLine(entry.pid, entry.name);
  }

  private described(pid: number): LeftProcess {
    const member = this.members.get(pid);
    return { pid, command: member?.command ?? member?.name ?? '?' };
  }
}

/** Without /proc: only the program's process group can be ended. */
class GroupOnly implements StepProcesses {
  constructor(private readonly rootPid: number) {}

  async end(options: EndOptions): Promise<LeftoverReport> {
    if (signalPid(-this.rootPid, 'SIGTERM') === 'sent') {
      const until = Date.now() + options.graceMs;
      while (groupExists(this.rootPid) && Date.now() < until) await delay(END_POLL_MS);
      if (groupExists(this.rootPid)) signalPid(-this.rootPid, 'SIGKILL');
    }
    return { ended: [], survivors: [], method: 'process-group' };
  }
}

/**
 * Signals right after the table showed the process running: pids are handed out in turn up to
 * pid_max, so one is reused only after the whole range has been, never within that moment.
 */
function signalPid(pid: number, signal: NodeJS.Signals | 0): 'sent' | 'gone' | 'refused' {
  try {
    process.kill(pid, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'refused' : 'gone';
  }
}

function groupExists(pgid: number): boolean {
  return signalPid(-pgid, 0) !== 'gone';
}
