/** Implementations of the metadata providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { snapshotConsistencyProvider } from './snapshot-consistency.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'metadata.snapshotConsistency': snapshotConsistencyProvider,
};
