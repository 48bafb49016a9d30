import type { Step } from '../../runbooks/schema.js';
import type { SessionState, StepState } from '../../state/session-state.js';
import type { SessionView } from '../hooks/use-session.js';
import type { Theme } from '../theme.js';

/** What every step view needs to build its lines. */
export interface StepLinesProps {
  readonly state: SessionState;
  readonly step: StepState;
  readonly definition: Step | undefined;
  readonly view: SessionView;
  readonly theme: Theme;
  readonly columns: number;
  /** The screen's clock (ms), for spinners and elapsed times. */
  readonly now: number;
  /** The step is the session's current one (not one looked at with the arrows). */
  readonly isCurrent: boolean;
  /** Highlighted row of a choice list. */
  readonly choiceIndex: number;
  /** Rows a choice list may take. */
  readonly choiceRows: number;
  /** The operator asked to choose again (r) although a value is recorded. */
  readonly changing: boolean;
}
