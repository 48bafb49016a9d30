/**
 * One step on a runbook page: its kind, title and instructions, the provider and its `with:`
 * parameters exactly as written (templates stay templates), and the rules around it (when it
 * applies, its timeout, whether it may be skipped, the alert it detects, what a drill takes from it).
 */
import { stringify } from 'yaml';
import type { Alert, Step } from '../runbooks/schema.js';
import { escapeHtml as esc } from '../state/export/html-document.js';
import { sectionHref, stepAnchor } from './anchors.js';
import { writtenText } from './page-text.js';

/** A step's <article>, anchored at `#<section>.<step>`. */
export function stepBlock(runbookId: string, sectionId: string, step: Step, alerts: readonly Alert[]): string {
  const anchor = stepAnchor(sectionId, step.id);
  const rows: [string, string][] = [];
  if (step.uses) rows.push(['provider', `<code>${esc(step.uses)}</code>`]);
  if (step.with && Object.keys(step.with).length > 0) rows.push(['parameters', parameters(step.with)]);
  if (step.input) {
    const input = step.input;
    const parts = [`<code>${esc(input.type)}</code>`];
    if (input.choices) parts.push(`one of ${input.choices.map((choice) => `<code>${writtenText(choice)}</code>`).join(', ')}`);
    if (input.default !== undefined) parts.push(`default <code>${writtenText(String(input.default))}</code>`);
    if (input.secret) parts.push('secret: never recorded');
    rows.push(['asks for', parts.join(', ')]);
    if (input.from) {
      rows.push(['choices from', `<code>${esc(input.from.uses)}</code>`]);
      if (Object.keys(input.from.with).length > 0) rows.push(['its parameters', parameters(input.from.with)]);
    }
  }
  if (step.note) rows.push(['note', step.note === 'required' ? 'required as evidence when marking it done' : 'optional']);
  if (step.when) {
    const conditions = Object.entries(step.when).map(([path, values]) => `<code>${esc(path)}</code> is ${values.map((value) => `<code>${esc(String(value))}</code>`).join(' or ')}`);
    rows.push(['only where', `${conditions.join(' and ')} (skipped elsewhere, with the reason recorded)`]);
  }
  if (step.timeout) rows.push([step.kind === 'wait' ? 'gives up after' : 'timeout', esc(step.timeout)]);
  if (step.interval) rows.push(['polls every', esc(step.interval)]);
  if (step.skippable === false) rows.push(['skipping', 'not allowed']);
  if (step.alert) {
    const alert = alerts.find((candidate) => candidate.id === step.alert);
    const [alertRunbook = '', alertSection = ''] = alert?.link.split('#') ?? [];
    rows.push([
      'detects alert',
      alert
        ? `<strong>${esc(alert.name)}</strong> <code>${esc(alert.id)}</code>, handled in <a href="${esc(alertRunbook === runbookId ? `#${alertSection}` : sectionHref(alertRunbook, alertSection))}">${esc(alert.link)}</a>`
        : `<code>${esc(step.alert)}</code>`,
    ]);
  }
  if (step.signal) rows.push(['evidence', `${esc(step.signal.kind)} signal of asset <code>${esc(step.signal.asset)}</code>`]);
  if (step.drill) {
    const facts: string[] = [];
    if (step.drill.restoreEnds) facts.push('ends the restore: a drill\'s RTO stops when this step is done');
    if (step.drill.recoveryPoint) facts.push(`recovery point reached: <code>${writtenText(step.drill.recoveryPoint)}</code>`);
    if (step.drill.recoveryTarget) facts.push(`recovery target: <code>${writtenText(step.drill.recoveryTarget)}</code>`);
    if (facts.length > 0) rows.push(['drill', facts.join('; ')]);
  }
  return [
    `<li><article class="step kind-${esc(step.kind)}" id="${esc(anchor)}" data-kind="${esc(step.kind)}">`,
    `<h3><a class="anchor" href="#${esc(anchor)}">#</a><span class="kind">${esc(step.kind)}</span> ${esc(step.title)} <code>${esc(step.id)}</code></h3>`,
    `<div class="do">${writtenText(step.do)}</div>`,
    rows.length > 0 ? `<dl>${rows.map(([label, value]) => `<dt>${esc(label)}</dt><dd>${value}</dd>`).join('')}</dl>` : '',
    '</article></li>',
  ].join('\n');
}

/** `with:` as YAML, as the author wrote it. */
function parameters(values: Readonly<Record<string, unknown>>): string {
  return `<pre class="parameters">${writtenText(stringify(values, { lineWidth: 0 }).trimEnd())}</pre>`;
}
