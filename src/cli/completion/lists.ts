/**
 * The values the completion scripts ask for while the operator types: runbook ids, environments
 * and sections of the runbooks file, and session ids of the session database. The shell waits
 * for them on every Tab, so they are read the quickest way there is: the YAML as plain data
 * (no lint, no zod), the database read-only; a broken or missing file offers nothing and says
 * nothing (an error printed into the middle of a command line helps nobody).
 */
import { readFileSync } from 'node:fs';
import { asList, asRecord, asString } from '../../runbooks/loose.js';
import type { ListKind } from './model.js';

/** Where the values come from: the command's resolved --file and --db. */
export interface ListSources {
  readonly file: string;
  readonly db: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The values of `kind`, one per entry; `runbook` narrows sections to one runbook's. */
export async function listValues(kind: ListKind, sources: ListSources, runbook?: string): Promise<string[]> {
  switch (kind) {
    case 'runbooks':
      return (await runbooksData(sources.file)).runbooks.map((entry) => entry.id);
    case 'sections':
      return (await runbooksData(sources.file)).runbooks
        .filter((entry) => runbook === undefined || entry.id === runbook)
        .flatMap((entry) => entry.sections);
    case 'environments':
      return [...(await runbooksData(sources.file)).environments];
    case 'sessions':
    case 'resumable':
      return sessionIds(sources, kind === 'resumable');
  }
}

interface RunbooksData {
  readonly runbooks: ReadonlyArray<{ readonly id: string; readonly sections: readonly string[] }>;
  readonly environments: readonly string[];
}

async function runbooksData(path: string): Promise<RunbooksData> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { runbooks: [], environments: [] };
  }
  const { loadYamlData } = await import('../../runbooks/yaml-data.js');
  const loaded = loadYamlData(text);
  const data = loaded && 'data' in loaded ? asRecord(loaded.data) : undefined;
  const runbooks = asList(data?.runbooks).flatMap((value) => {
    const entry = asRecord(value);
    const id = asString(entry?.id);
    if (id === undefined) return [];
    const sections = asList(entry?.sections).map((section) => asString(asRecord(section)?.id)).filter((section) => section !== undefined);
    return [{ id, sections }];
  });
  return { runbooks, environments: Object.keys(asRecord(data?.environments) ?? {}) };
}

/** Session ids newest first: every one, or only those a resume can take (interrupted). */
async function sessionIds(sources: ListSources, resumableOnly: boolean): Promise<string[]> {
  const [{ openStoreReadOnly }, { listSessions }, { defaultLockOptions }, { currentHost }] = await Promise.all([
    import('../../state/open-store.js'),
    import('../../state/sessions.js'),
    import('../../state/lock.js'),
    import('../../state/operator.js'),
  ]);
  let store: ReturnType<typeof openStoreReadOnly>;
  try {
    store = openStoreReadOnly(sources.db);
  } catch {
    return [];
  }
  if (!store) return [];
  try {
    return listSessions(store, defaultLockOptions(currentHost(), sources.env), { all: !resumableOnly })
      .filter((session) => !resumableOnly || session.status === 'interrupted')
      .map((session) => session.id);
  } catch {
    return [];
  } finally {
    store.close();
  }
}
