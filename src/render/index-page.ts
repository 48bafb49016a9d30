/**
 * The pages' index: every runbook with its sections, the alerts with the section each opens,
 * and the environments as the file writes them (secrets stay `${VAR}` references).
 */
import type { Environment, RunbooksFile } from '../runbooks/schema.js';
import { escapeHtml as esc, htmlDocument } from '../state/export/html-document.js';
import { runbookPageName, sectionHref } from './anchors.js';
import { PAGE_STYLE } from './page-style.js';
import { writtenText } from './page-text.js';

/** The HTML of index.html. */
export function indexPage(file: RunbooksFile, source: string): string {
  const out: string[] = ['<h1>Runbooks</h1>', `<p class="summary">From ${esc(source)}. Each runbook has a page, and each section an anchor: <code>&lt;runbook&gt;.html#&lt;section&gt;</code>.</p>`];
  out.push('<h2>Runbooks</h2><table class="runbooks"><thead><tr><th>runbook</th><th>summary</th><th>restore test</th><th>sections</th></tr></thead><tbody>');
  for (const runbook of file.runbooks) {
    const sections = runbook.sections.map((section) => `<a href="${esc(sectionHref(runbook.id, section.id))}">${esc(section.title)}</a>`).join('<br>');
    out.push(
      `<tr data-runbook="${esc(runbook.id)}"><td><a href="${esc(runbookPageName(runbook.id))}">${esc(runbook.title)}</a><br><code>${esc(runbook.id)}</code></td>` +
        `<td>${writtenText(runbook.summary)}</td><td>${esc(runbook.cadence ?? '')}</td><td>${sections}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  if (file.alerts.length > 0) {
    out.push('<h2>Alerts</h2><table class="alerts-table"><thead><tr><th>alert</th><th>opens</th><th>summary</th></tr></thead><tbody>');
    for (const alert of file.alerts) {
      const [runbook = '', section = ''] = alert.link.split('#');
      out.push(
        `<tr data-alert="${esc(alert.id)}"><td><strong>${esc(alert.name)}</strong><br><code>${esc(alert.id)}</code></td><td><a href="${esc(sectionHref(runbook, section))}">${esc(alert.link)}</a></td><td>${writtenText(alert.summary ?? '')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  out.push('<h2>Environments</h2><table class="environments"><thead><tr><th>environment</th><th>protected</th><th>connections</th><th>backup tool</th></tr></thead><tbody>');
  for (const [name, environment] of Object.entries(file.environments)) {
    out.push(
      `<tr data-env="${esc(name)}"><td><code>${esc(name)}</code>${environment.title ? `<br>${esc(environment.title)}` : ''}</td><td>${environment.protected ? 'yes: needs --incident, actions confirmed by typing, no drills' : 'no'}</td>` +
        `<td>${connections(environment)}</td><td>${backupTool(environment)}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return htmlDocument({ title: 'Runbooks', style: PAGE_STYLE, body: out });
}

/** Postgres connections and the AWS account as written: `${VAR}` references are left as they are. */
function connections(environment: Environment): string {
  const lines = Object.entries(environment.postgres).map(
    ([name, connection]) => `postgres <code>${esc(name)}</code>: <code>${writtenText(connection.url)}</code>${connection.description ? ` (${writtenText(connection.description)})` : ''}`,
  );
  if (environment.aws) lines.push(`aws ${esc(environment.aws.region)}${environment.aws.profile ? `, profile <code>${esc(environment.aws.profile)}</code>` : ''}${environment.aws.emulated ? ', emulated' : ''}`);
  return lines.join('<br>');
}

function backupTool(environment: Environment): string {
  const backup = environment.backup;
  if (!backup) return '';
  if (backup.tool === 'pgbackrest') return `pgBackRest, stanza <code>${esc(backup.stanza)}</code>`;
  if (backup.tool === 'walg') {
    const env = Object.entries(backup.env).map(([key, value]) => `<code>${esc(key)}=${writtenText(value)}</code>`);
    return `WAL-G${env.length > 0 ? `<br>${env.join('<br>')}` : ''}`;
  }
  return 'pg_basebackup';
}
