/**
 * Lint of four-eyes approval settings beyond their shape: an environment's `approvals:` has a
 * readable expiry and narrows only to action steps and action providers that exist; a step's
 * `approval: required` is on an action (nothing else changes anything to approve).
 */
import { durationMs } from './approval-rule.js';
import { quote } from './echo.js';
import { asList, asRecord, asString } from './loose.js';
import type { LintContext, RunbookInfo } from './lint-context.js';

/** Checks every environment's approvals and every step's approval. */
export function checkApprovals(context: LintContext, runbooks: readonly RunbookInfo[]): void {
  const { source, report } = context;
  const steps = runbooks.flatMap((runbook) => runbook.steps);
  for (const [name, raw] of Object.entries(asRecord(asRecord(context.data)?.environments) ?? {})) {
    const approvals = asRecord(asRecord(raw)?.approvals);
    if (!approvals) continue;
    const path = ['environments', name, 'approvals'];
    const expires = asString(approvals.expires);
    if (expires !== undefined && durationMs(expires) === undefined) {
      report(source.value([...path, 'expires']), [...path, 'expires'], `expected how long an approval stays valid, like "30m", "1h" or "1d", got ${quote(expires)}`);
    }
    asList(approvals.steps).forEach((value, index) => {
      const id = asString(value);
      if (id === undefined) return;
      const at = [...path, 'steps', index];
      const found = steps.filter((step) => step.id === id);
      if (found.length === 0) report(source.value(at), at, `no runbook has a step ${quote(id)}; name action steps by their id`);
      else if (!found.some((step) => step.kind === 'action')) {
        report(source.value(at), at, `step ${quote(id)} is a ${found[0]!.kind} step: only actions are approved (it changes nothing)`);
      }
    });
    asList(approvals.providers).forEach((value, index) => {
      const provider = asString(value);
      if (provider === undefined) return;
      const at = [...path, 'providers', index];
      const definition = context.providers.get(provider);
      if (!definition) report(source.value(at), at, `unknown provider ${quote(provider)}; see docs/providers.md for the actions`);
      else if (!(definition.kinds as readonly string[]).includes('action')) {
        report(source.value(at), at, `provider ${quote(provider)} runs no action (it serves: ${definition.kinds.join(', ')}): only actions are approved`);
      }
    });
  }
  for (const step of steps) {
    if (step.value.approval === undefined || step.kind === undefined || step.kind === 'action') continue;
    const at = [...step.path, 'approval'];
    report(source.key(at), at, `only action steps take "approval:"; this is a ${step.kind} step, which changes nothing to approve`);
  }
}
