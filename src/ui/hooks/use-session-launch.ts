import { useCallback, useRef, useState } from 'react';
import { OperatorError } from '../../errors.js';
import type { DrivenSession } from '../../services/session/driven-session.js';

/** A session opened for the screen. */
export interface LaunchedSession {
  readonly session: DrivenSession;
}

export type Launch =
  | { readonly status: 'idle' }
  | { readonly status: 'opening' }
  | { readonly status: 'open'; readonly launched: LaunchedSession }
  | { readonly status: 'failed'; readonly error: OperatorError | Error };

/** Starts or reopens a session once (a second call while one is opening is ignored). */
export function useSessionLaunch(onLaunched?: (launched: LaunchedSession) => void): { launch: Launch; open: (opener: () => Promise<LaunchedSession>) => void } {
  const [launch, setLaunch] = useState<Launch>({ status: 'idle' });
  const opening = useRef(false);
  const open = useCallback(
    (opener: () => Promise<LaunchedSession>) => {
      if (opening.current) return;
      opening.current = true;
      setLaunch({ status: 'opening' });
      opener().then(
        (launched) => {
          onLaunched?.(launched);
          setLaunch({ status: 'open', launched });
        },
        (error: unknown) => {
          opening.current = false;
          setLaunch({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
        },
      );
    },
    [onLaunched],
  );
  return { launch, open };
}
