/** Implementations of the shell providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { pgbackrestInfo, walgBackups } from './backup-checks.js';
import { pgbackrestCheck } from './pgbackrest-check.js';
import { pgbackrestRepos } from './pgbackrest-repos.js';
import { shellRun } from './run.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'shell.run': shellRun,
  'shell.pgbackrestInfo': pgbackrestInfo,
  'shell.pgbackrestRepos': pgbackrestRepos,
  'shell.pgbackrestCheck': pgbackrestCheck,
  'shell.walgBackups': walgBackups,
};
