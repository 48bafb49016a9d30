/**
 * A runbook's static page: what it is for, how to start it, its inputs, and a section per
 * anchor (`#<section-id>`) with the command that starts there, the alerts that open it, its
 * checks and every step as written.
 */
import type { Alert, Environment, Runbook } from '../runbooks/schema.js';
import { escapeHtml as esc, htmlDocument } from '../state/export/html-document.js';
import { INDEX_PAGE, sectionAnchor, stepAnchor } from './anchors.js';
import { PAGE_STYLE } from './page-style.js';
import { writtenText } from './page-text.js';
import { startCommand } from './start-command.js';
import { stepBlock } from './step-block.js';

export interface PageContext {
  readonly alerts: readonly Alert[];
  readonly environments: Readonly<Record<string, Environment>>;
  /** How the pages name their source: the runbooks file's label and hash. */
  readonly source: string;
}

/** The HTML of one runbook's page. */
export function runbookPage(runbook: Runbook, context: PageContext): string {
  const alertsOf = (sectionId: string) => context.alerts.filter((alert) => alert.link === `${runbook.id}#${sectionId}`);
  const stepTotal = runbook.sections.reduce((total, section) => total + section.steps.length, 0);
  const out: string[] = [];
  out.push(`<nav class="crumbs"><a href="${INDEX_PAGE}">All runbooks</a></nav>`);
  out.push(`<h1>${esc(runbook.title)}</h1>`, `<p class="summary">${writtenText(runbook.summary)}</p>`);
  out.push('<dl class="facts">', `<dt>id</dt><dd><code>${esc(runbook.id)}</code></dd>`);
  if (runbook.cadence) out.push(`<dt>restore test</dt><dd>${esc(runbook.cadence)}: a passing drill is due ${esc(runbook.cadence)}</dd>`);
  if (runbook.source) out.push(`<dt>source</dt><dd>${writtenText(runbook.source)}</dd>`);
  out.push(`<dt>contents</dt><dd>${runbook.sections.length} section${plural(runbook.sections.length)}, ${stepTotal} step${plural(stepTotal)}</dd>`);
  out.push(`<dt>from</dt><dd>${esc(context.source)}</dd>`, '</dl>');

  out.push('<section id="_start"><h2>Start</h2>', `<div class="start-here"><pre><code>${esc(startCommand(runbook.id))}</code></pre></div>`);
  out.push(`<p>${environmentsSentence(context.environments)}${runbook.cadence ? ` As a restore test, add <code>--drill</code> (not on protected environments).` : ''}</p>`);
  out.push(
    `<p>Headless: <code>runbook run ${esc(runbook.id)} --env ENV --answers FILE</code>; only its checks: <code>runbook check ${esc(runbook.id)} --env ENV</code>. Each section below gives the command that starts there.</p>`,
    '</section>',
  );

  const inputs = Object.entries(runbook.inputs);
  if (inputs.length > 0) {
    out.push('<section id="_inputs"><h2>Inputs</h2><p>Give them with <code>--set name=value</code>; secret ones from <code>RUNBOOK_INPUT_&lt;NAME&gt;</code>.</p>');
    out.push('<table class="inputs"><thead><tr><th>name</th><th>type</th><th>required</th><th>default</th><th>description</th></tr></thead><tbody>');
    for (const [name, input] of inputs) {
      out.push(
        `<tr><td><code>${esc(name)}</code>${input.secret ? ' <span class="badge kind-action">secret</span>' : ''}</td><td>${esc(input.type)}${input.choices ? `: ${input.choices.map(esc).join(', ')}` : ''}</td>` +
          `<td>${input.required ? 'yes' : 'no'}</td><td>${input.default === undefined ? '' : `<code>${writtenText(String(input.default))}</code>`}</td><td>${writtenText(input.description ?? '')}</td></tr>`,
      );
    }
    out.push('</tbody></table></section>');
  }

  out.push('<nav id="_contents"><h2>Sections</h2><ol>');
  for (const section of runbook.sections) {
    const alerts = alertsOf(section.id);
    const flag = alerts.length > 0 ? ` <span class="badge kind-action">alert${plural(alerts.length)}: ${alerts.map((alert) => esc(alert.name)).join('; ')}</span>` : '';
    out.push(`<li><a href="#${esc(sectionAnchor(section.id))}">${esc(section.title)}</a> <code>${esc(section.id)}</code> (${section.steps.length} step${plural(section.steps.length)})${flag}</li>`);
  }
  out.push('</ol></nav>');

  for (const section of runbook.sections) {
    const anchor = sectionAnchor(section.id);
    out.push(`<section class="rb-section" id="${esc(anchor)}" data-section="${esc(section.id)}">`);
    out.push(`<h2><a class="anchor" href="#${esc(anchor)}">§</a>${esc(section.title)} <code>${esc(section.id)}</code></h2>`);
    if (section.do) out.push(`<p class="section-do">${writtenText(section.do)}</p>`);
    out.push(`<div class="start-here">Start here: <pre><code class="start-command">${esc(startCommand(runbook.id, section.id))}</code></pre></div>`);
    const alerts = alertsOf(section.id);
    if (alerts.length > 0) {
      out.push('<div class="alerts"><strong>Alerts that open this section</strong><ul>');
      for (const alert of alerts) {
        out.push(`<li class="alert" data-alert="${esc(alert.id)}"><strong>${esc(alert.name)}</strong> <code>${esc(alert.id)}</code>${alert.summary ? `: ${writtenText(alert.summary)}` : ''}</li>`);
      }
      out.push('</ul></div>');
    }
    const checks = section.steps.filter((step) => step.kind === 'check' || step.kind === 'wait');
    if (checks.length > 0) {
      out.push(
        `<p class="checks">Checks here: ${checks.map((step) => `<a href="#${esc(stepAnchor(section.id, step.id))}">${esc(step.title)}</a>${step.kind === 'wait' ? ' (waits)' : ''}`).join('; ')}.</p>`,
      );
    }
    out.push('<ol class="steps">');
    for (const step of section.steps) out.push(stepBlock(runbook.id, section.id, step, context.alerts));
    out.push('</ol></section>');
  }
  return htmlDocument({ title: `${runbook.title} — runbook ${runbook.id}`, style: PAGE_STYLE, body: out });
}

/** "ENV is one of sandbox, staging, production (protected: …)." */
function environmentsSentence(environments: Readonly<Record<string, Environment>>): string {
  const names = Object.entries(environments).map(([name, environment]) => `<code>${esc(name)}</code>${environment.protected ? ' (protected)' : ''}`);
  const guarded = Object.values(environments).some((environment) => environment.protected);
  return `ENV is one of ${names.join(', ')}.${guarded ? ' A protected environment needs <code>--incident REF</code>, and each action there must be confirmed by typing its confirmation text.' : ''}`;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
