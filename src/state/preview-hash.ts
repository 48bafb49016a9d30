/**
 * The hash an approval is bound to: everything the driver saw in an action's preview (the
 * resolved parameters, the summary and details, the dry run's result and the value it asks to
 * be typed), as recorded. A changed parameter, or a dry run that now reads differently, gives
 * another hash, so an approval of the old one does not carry over. The recorded time it took is
 * left out: the same preview taken twice must hash the same.
 */
import type { EventData } from './events.js';
import { contentHash } from './hash-chain.js';

type RecordedPreview = Pick<EventData<'ActionPreviewed'>, 'params' | 'summary' | 'details' | 'dryRun' | 'confirmValue'>;

/** "sha256:<hex>" of the canonical JSON of the step id and its recorded preview. */
export function previewHash(stepId: string, preview: RecordedPreview): string {
  return contentHash({
    step: stepId,
    params: preview.params ?? null,
    summary: preview.summary,
    details: preview.details,
    dryRun: preview.dryRun,
    confirmValue: preview.confirmValue,
  });
}

/** The first characters of a hash, as screens show it. */
export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12);
}
