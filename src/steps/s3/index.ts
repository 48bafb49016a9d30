/** Implementations of the s3 providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { newestObjectProvider, objectExistsProvider, prefixUsageProvider, retentionProvider } from './providers.js';
import { walArchiveProvider } from './wal-archive.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  's3.newestObject': newestObjectProvider,
  's3.prefixUsage': prefixUsageProvider,
  's3.retention': retentionProvider,
  's3.objectExists': objectExistsProvider,
  's3.walArchive': walArchiveProvider,
};
