/** Implementations of the backup providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';

export const providers: Readonly<Record<string, Provider<any>>> = {};
