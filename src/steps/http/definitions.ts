/** Parameter schemas and outputs of the http providers (docs/providers.md). */
import type { ProviderDefinition } from '../definition.js';

export const definitions: readonly ProviderDefinition[] = [];
