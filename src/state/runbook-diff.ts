/**
 * What changed in a runbook since a session pinned it, in words: sections and steps added,
 * removed or changed. The session keeps running its pinned copy; this only informs the operator.
 */
import type { Runbook, Section, Step } from '../runbooks/schema.js';
import { canonicalJson } from './canonical-json.js';

/** One line per change; empty when the two are the same. */
export function describeRunbookChanges(pinned: Runbook, current: Runbook): string[] {
  const changes: string[] = [];
  for (const field of ['title', 'summary', 'cadence'] as const) {
    if (pinned[field] !== current[field]) changes.push(`runbook ${field} changed`);
  }
  if (canonicalJson(pinned.inputs) !== canonicalJson(current.inputs)) changes.push('runbook inputs changed');

  const pinnedSections = new Map(pinned.sections.map((section) => [section.id, section]));
  const currentSections = new Map(current.sections.map((section) => [section.id, section]));
  for (const section of current.sections) {
    if (!pinnedSections.has(section.id)) changes.push(`section "${section.id}" added (${section.steps.length} steps)`);
  }
  for (const section of pinned.sections) {
    if (!currentSections.has(section.id)) changes.push(`section "${section.id}" removed`);
  }
  for (const section of pinned.sections) {
    const now = currentSections.get(section.id);
    if (now && (section.title !== now.title || section.do !== now.do)) changes.push(`section "${section.id}" text changed`);
  }

  const pinnedSteps = stepsById(pinned.sections);
  const currentSteps = stepsById(current.sections);
  for (const [id, { section }] of currentSteps) {
    if (!pinnedSteps.has(id)) changes.push(`step "${id}" added in section "${section}"`);
  }
  for (const [id, { section, step }] of pinnedSteps) {
    const now = currentSteps.get(id);
    if (!now) {
      changes.push(`step "${id}" removed from section "${section}"`);
      continue;
    }
    const fields = (Object.keys({ ...step, ...now.step }) as (keyof Step)[])
      .filter((key) => canonicalJson(step[key]) !== canonicalJson(now.step[key]))
      .sort();
    if (now.section !== section) changes.push(`step "${id}" moved from section "${section}" to "${now.section}"`);
    if (fields.length > 0) changes.push(`step "${id}" changed (${fields.join(', ')})`);
  }
  const pinnedOrder = [...pinnedSteps.keys()].filter((id) => currentSteps.has(id));
  const currentOrder = [...currentSteps.keys()].filter((id) => pinnedSteps.has(id));
  if (pinnedOrder.join(',') !== currentOrder.join(',')) changes.push('steps were reordered');
  return changes;
}

function stepsById(sections: readonly Section[]): Map<string, { section: string; step: Step }> {
  const map = new Map<string, { section: string; step: Step }>();
  for (const section of sections) for (const step of section.steps) map.set(step.id, { section: section.id, step });
  return map;
}
