/**
 * What the runbooks file may say about a built-in provider: its name, which step kinds may use it,
 * its parameter schema and the outputs it returns. Definitions are cheap (zod only) so lint and
 * list never load pg or the AWS SDK; implementations load lazily (src/steps/catalog.ts).
 */
import type { z } from 'zod';

/** Step kinds that run a provider (manual steps never do). */
export type AutomatedKind = 'check' | 'wait' | 'action' | 'input';

export interface ProviderDefinition<Params extends z.ZodType = z.ZodType> {
  /** Dotted name used in `uses:`, e.g. `postgres.query`. */
  readonly name: string;
  /** One line for `runbook list` and lint messages. */
  readonly summary: string;
  /** Which step kinds may name this provider. */
  readonly kinds: readonly AutomatedKind[];
  /** True when running it changes the world: it needs a preview, a confirmation, an intent event. */
  readonly mutates: boolean;
  /** Schema of `with:`; validated by lint (templates aside) and again after resolution. */
  readonly params: Params;
  /** Output names the provider returns; `${{ steps.X.outputs.Y }}` must name one of them. */
  readonly outputs: readonly string[];
}

/** Declares a provider definition with its parameter type inferred. */
export function defineProvider<Params extends z.ZodType>(definition: ProviderDefinition<Params>): ProviderDefinition<Params> {
  return definition;
}
