/**
 * The part of `pgbackrest info --output=json` a restore depends on: each repo's status and each
 * backup set with the repo that holds it, its stop time and its error flag. The shared parser in
 * src/steps/shell/pgbackrest.ts merges repos; choosing a set as `pgbackrest restore` does needs
 * them apart (it searches repo1 first, then repo2…), so this small reader keeps `repo-key`.
 *
 * Shape (pgBackRest 2.45, observed and documented at pgbackrest.org/command.html#command-info):
 *   [{ name, status: {code, message}, repo: [{key, status: {code, message}}],
 *      backup: [{label, type, error, timestamp: {start, stop}, database: {"repo-key"}}] }]
 */
import { ProviderFailure } from '../../support/call.js';

export interface PgbackrestRepo {
  /** 1 for repo1. */
  readonly key: number;
  /** 0 ok; anything else means pgBackRest cannot use this repo (restore skips it with a warning). */
  readonly statusCode: number;
  readonly statusMessage: string;
}

export interface PgbackrestSet {
  readonly label: string;
  readonly type: string;
  readonly repoKey: number;
  readonly startedAt: Date;
  /** timestamp.stop: what restore compares with a time target (whole seconds). */
  readonly stoppedAt: Date;
  /** pgBackRest found page checksum errors while copying this backup. */
  readonly hasErrors: boolean;
}

export interface PgbackrestStanzaSets {
  readonly stanza: string;
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly repos: readonly PgbackrestRepo[];
  readonly sets: readonly PgbackrestSet[];
}

function bad(problem: string): ProviderFailure {
  return new ProviderFailure('expectation', `pgbackrest info output is not in the expected format: ${problem}`, 'check that pgBackRest is 2.36 or later and that backup.args do not change --output');
}

const record = (value: unknown, where: string): Record<string, any> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(`${where} is not an object`);
  return value as Record<string, any>;
};

/** Reads one stanza from the parsed JSON of `pgbackrest --stanza=S info --output=json`. */
export function parsePgbackrestSets(json: unknown, stanza: string): PgbackrestStanzaSets {
  if (!Array.isArray(json)) throw bad('expected a JSON array of stanzas');
  const entry = json.map((item, index) => record(item, `stanza ${index}`)).find((item) => item.name === stanza);
  if (!entry) {
    throw new ProviderFailure('not-found', `pgbackrest info lists no stanza "${stanza}"`, 'check backup.stanza in the environment, and that backup.args point at the right pgbackrest.conf');
  }
  const status = entry.status === undefined ? {} : record(entry.status, `stanza "${stanza}" status`);
  const repos = (Array.isArray(entry.repo) ? entry.repo : []).map((repo: unknown, index: number) => {
    const fields = record(repo, `repo ${index}`);
    const repoStatus = fields.status === undefined ? {} : record(fields.status, `repo ${index} status`);
    if (typeof fields.key !== 'number') throw bad(`repo ${index} has no numeric "key"`);
    return { key: fields.key, statusCode: typeof repoStatus.code === 'number' ? repoStatus.code : 0, statusMessage: String(repoStatus.message ?? 'ok') };
  });
  const sets = (Array.isArray(entry.backup) ? entry.backup : []).map((backup: unknown, index: number) => {
    const fields = record(backup, `backup ${index}`);
    const label = typeof fields.label === 'string' ? fields.label : undefined;
    if (!label) throw bad(`backup ${index} has no "label"`);
    const start = fields.timestamp?.start;
    const stop = fields.timestamp?.stop;
    if (typeof start !== 'number' || typeof stop !== 'number') throw bad(`backup ${label} lacks timestamp.start/stop`);
    // Before pgBackRest 2.31 there was one repo and no repo-key.
    const repoKey = typeof fields.database?.['repo-key'] === 'number' ? fields.database['repo-key'] : 1;
    return { label, type: String(fields.type ?? 'full'), repoKey, startedAt: new Date(start * 1000), stoppedAt: new Date(stop * 1000), hasErrors: fields.error === true };
  });
  return {
    stanza,
    statusCode: typeof status.code === 'number' ? status.code : 0,
    statusMessage: String(status.message ?? 'ok'),
    repos: repos.length > 0 ? repos : [{ key: 1, statusCode: 0, statusMessage: 'ok' }],
    sets,
  };
}
