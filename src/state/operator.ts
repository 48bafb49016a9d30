/** Who is at the keyboard: user@host, recorded as the actor of every event. */
import { hostname, userInfo } from 'node:os';

/** The operator as user@host (RUNBOOK_OPERATOR overrides the user part, e.g. behind a shared account). */
export function currentOperator(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.RUNBOOK_OPERATOR || currentUser(env)}@${currentHost()}`;
}

/** This machine's name as recorded in locks and actors. */
export function currentHost(): string {
  return hostname();
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}
