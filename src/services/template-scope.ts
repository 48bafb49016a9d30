/**
 * The one place the template scope is built. A guided session, a headless run and `runbook check`
 * resolve `${{ … }}` against the same namespaces with the same rules: declared defaults under the
 * values given, secret values from memory only, and every `session.*` field (a check run has no
 * incident, so it is the empty string there, as in a session started without one).
 */
import type { ResolvedEnvironment } from '../runbooks/environment.js';
import type { Runbook } from '../runbooks/schema.js';
import type { TemplateScope } from '../runbooks/templates.js';
import { REDACTED } from '../state/redact.js';

/** What a scope is built from: the runbook, the values given so far, and who runs it where. */
export interface ScopeSource {
  readonly runbook: Runbook | null;
  /** Runbook inputs as recorded (secret ones as REDACTED). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Outputs of the steps that have produced some. */
  readonly steps: Readonly<Record<string, { readonly outputs: Readonly<Record<string, unknown>> }>>;
  readonly environment: ResolvedEnvironment;
  readonly session: {
    readonly id: string;
    readonly incident: string | null;
    readonly operator: string;
    readonly drill: boolean;
    readonly startedAt: string | null;
  };
  /** Secret values held in memory: runbook inputs by name, input steps by step id. */
  readonly secrets?: {
    readonly inputs: Readonly<Record<string, string>>;
    readonly steps: Readonly<Record<string, string>>;
  };
}

/** The scope templates resolve against. A secret whose value is not in memory is left out, so using it says "not set". */
export function buildTemplateScope(source: ScopeSource): TemplateScope {
  const secretInputs = source.secrets?.inputs ?? {};
  const secretSteps = source.secrets?.steps ?? {};
  const inputs: Record<string, unknown> = {};
  for (const [name, declared] of Object.entries(source.runbook?.inputs ?? {})) {
    if (declared.default !== undefined) inputs[name] = declared.default;
  }
  for (const [name, value] of Object.entries(source.inputs)) {
    if (value === REDACTED && source.runbook?.inputs[name]?.secret) {
      if (name in secretInputs) inputs[name] = secretInputs[name];
      else delete inputs[name];
    } else {
      inputs[name] = value;
    }
  }
  const steps: Record<string, { outputs: Record<string, unknown> }> = {};
  for (const [id, step] of Object.entries(source.steps)) {
    const secret = secretSteps[id];
    steps[id] = { outputs: secret !== undefined ? { ...step.outputs, value: secret } : { ...step.outputs } };
  }
  const { session, environment } = source;
  return {
    inputs,
    steps,
    env: environment as unknown as Record<string, unknown>,
    session: {
      id: session.id,
      incident: session.incident ?? '',
      operator: session.operator,
      env: environment.name,
      drill: session.drill,
      startedAt: session.startedAt ?? '',
    },
  };
}
