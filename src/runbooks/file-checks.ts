/**
 * Lint of the file-wide parts: unique ids, environments (confirmation names, secrets only as
 * `${ENV_VAR}` references), alert links and the assets' restore tests.
 */
import { checkApprovals } from './approval-checks.js';
import { quote } from './echo.js';
import { asList, asRecord, asString } from './loose.js';
import { reportDuplicates } from './step-checks.js';
import type { LintContext, RunbookInfo } from './lint-context.js';

/** A `${ENV_VAR}` reference: the only way a secret may be written in the file. */
export const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const AWS_SECRETS = ['accessKeyId', 'secretAccessKey'];

/** Checks environments, alerts, assets and runbook ids. */
export function checkFile(context: LintContext, runbooks: readonly RunbookInfo[]): void {
  const root = asRecord(context.data) ?? {};
  reportDuplicates(context, runbooks.map((runbook) => ({ id: runbook.id, path: [...runbook.path, 'id'] })), 'runbook');
  reportDuplicates(context, idsOf(root.alerts, 'alerts'), 'alert');
  reportDuplicates(context, idsOf(root.assets, 'assets'), 'asset');
  checkEnvironments(context, asRecord(root.environments) ?? {});
  checkApprovals(context, runbooks);
  checkAlertLinks(context, root.alerts, runbooks);
  checkRestoreTests(context, root.assets, runbooks);
}

function idsOf(list: unknown, key: string) {
  return asList(list).map((item, index) => ({ id: asString(asRecord(item)?.id), path: [key, index, 'id'] }));
}

function checkEnvironments(context: LintContext, environments: Record<string, unknown>): void {
  const { source, report } = context;
  for (const [name, raw] of Object.entries(environments)) {
    const environment = asRecord(raw);
    if (!environment) continue;
    const path = ['environments', name];
    if (environment.protected === true && environment.confirm === undefined) {
      report(
        source.value([...path, 'protected']),
        path,
        `a protected environment needs "confirm:", the name the operator types before each action (e.g. confirm: ${name})`,
      );
    }
    const aws = asRecord(environment.aws) ?? {};
    for (const key of AWS_SECRETS) {
      const value = asString(aws[key]);
      if (value !== undefined && !ENV_REFERENCE.test(value)) {
        report(
          source.value([...path, 'aws', key]),
          [...path, 'aws', key],
          `never write an AWS key in the file: use a reference such as "\${AWS_${key === 'accessKeyId' ? 'ACCESS_KEY_ID' : 'SECRET_ACCESS_KEY'}}" (or a profile)`,
        );
      }
    }
    for (const [connection, settings] of Object.entries(asRecord(environment.postgres) ?? {})) {
      const url = asString(asRecord(settings)?.url);
      const password = url === undefined ? undefined : literalPassword(url);
      if (password === undefined) continue;
      const urlPath = [...path, 'postgres', connection, 'url'];
      report(
        source.within(urlPath, password),
        urlPath,
        'never write a password in the file: use a reference such as "${PGPASSWORD_' +
          connection.toUpperCase() +
          '}" in the URL, or PGPASSWORD / ~/.pgpass',
      );
    }
  }
}

/** The password written literally in a libpq URL or conninfo string, if any. */
export function literalPassword(url: string): string | undefined {
  const candidates: string[] = [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(url)?.[1];
  if (userinfo?.includes(':')) candidates.push(userinfo.slice(userinfo.indexOf(':') + 1));
  const query = /[?&]password=([^&#]*)/i.exec(url)?.[1];
  if (query !== undefined) candidates.push(query);
  const keyword = /(?:^|\s)password\s*=\s*('[^']*'|\S+)/i.exec(url)?.[1];
  if (keyword !== undefined && !url.includes('://')) candidates.push(keyword.replace(/^'|'$/g, ''));
  return candidates.find((candidate) => candidate !== '' && !ENV_REFERENCE.test(candidate));
}

function checkAlertLinks(context: LintContext, alerts: unknown, runbooks: readonly RunbookInfo[]): void {
  asList(alerts).forEach((alert, index) => {
    const link = asString(asRecord(alert)?.link);
    const match = link === undefined ? null : /^([a-z0-9-]+)#([a-z0-9-]+)$/.exec(link);
    if (!match) return;
    const [, runbookId, sectionId] = match as unknown as [string, string, string];
    const path = ['alerts', index, 'link'];
    const runbook = runbooks.find((candidate) => candidate.id === runbookId);
    if (!runbook) {
      context.report(context.source.value(path), path, `alert links to unknown runbook ${quote(runbookId)}`);
      return;
    }
    const sections = asList(runbook.value.sections).map((section) => asString(asRecord(section)?.id));
    if (!sections.includes(sectionId)) {
      context.report(
        context.source.value(path),
        path,
        `alert links to unknown section ${quote(sectionId)} of runbook ${quote(runbookId)} (its sections: ${sections.filter(Boolean).join(', ')})`,
      );
    }
  });
}

function checkRestoreTests(context: LintContext, assets: unknown, runbooks: readonly RunbookInfo[]): void {
  asList(assets).forEach((asset, index) => {
    const restoreTest = asString(asRecord(asset)?.restoreTest);
    if (restoreTest === undefined) return;
    const path = ['assets', index, 'restoreTest'];
    const runbook = runbooks.find((candidate) => candidate.id === restoreTest);
    if (!runbook) {
      context.report(context.source.value(path), path, `unknown runbook ${quote(restoreTest)}: the restore test must be a runbook of this file`);
    } else if (runbook.value.cadence === undefined) {
      context.report(
        context.source.value(path),
        path,
        `runbook ${quote(restoreTest)} has no cadence, so it is not a restore test; give it one (e.g. cadence: weekly)`,
      );
    }
  });
}
