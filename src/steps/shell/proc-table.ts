/**
 * What Linux's /proc says about processes: parent, process group, session and start time, read
 * from /proc/<pid>/stat (proc(5)). A pid is reused once its process is gone; a pid together with
 * its start time (field 22, clock ticks since boot) names one process for good, so nothing is
 * ever signalled on the strength of a pid alone.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process, as /proc/<pid>/stat shows it. */
export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** One letter: R, S, D, Z (zombie: dead, waiting to be reaped), T… */
  readonly state: string;
  readonly startTicks: number;
  /** The short name the kernel keeps (at most 15 bytes). */
  readonly name: string;
}

/** True where /proc can be read the way this module needs (Linux). */
export function procAvailable(): boolean {
  return readEntry(process.pid) !== undefined;
}

/** The process with this pid now, or undefined when there is none. */
export function readEntry(pid: number): ProcEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  return parseStat(text);
}

/** Every process /proc lists now (those that end mid-read are left out). */
export function listEntries(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return entries;
  }
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const entry = readEntry(Number(name));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Parses one /proc/<pid>/stat line; the name sits in parentheses and may itself hold spaces or ")". */
export function parseStat(text: string): ProcEntry | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields after the name, numbered as in proc(5): index 0 is field 3 (state).
  const fields = text.slice(close + 2).split(' ');
  const startTicks = Number(fields[19]);
  const pid = Number(text.slice(0, open));
  if (!Number.isInteger(pid) || !Number.isFinite(startTicks)) return undefined;
  return {
    pid,
    name: text.slice(open + 2, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTicks,
  };
}

/** A zombie (or a task being torn down) has ended; only its exit status is left to collect. */
export function isDead(entry: ProcEntry): boolean {
  return entry.state === 'Z' || entry.state === 'X';
}

/** Whether the process was started with `variable` (NAME=value) in its environment; false when unreadable. */
export function environmentHas(pid: number, variable: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    // Another user's process, or gone: not readable, so not known to be ours.
    return false;
  }
  const needle = Buffer.from(`${variable}\0`);
  for (let at = environ.indexOf(needle); at >= 0; at = environ.indexOf(needle, at + 1)) {
    if (at === 0 || environ[at - 1] === 0) return true;
  }
  return false;
}

/** The command line of a process, its arguments joined by spaces (its short name when unreadable). */
export function commandLine(pid: number, fallback: string): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
    return text.trim() === '' ? fallback : text;
  } catch {
    return fallback;
  }
}
