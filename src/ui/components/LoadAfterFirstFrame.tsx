import React, { type ReactNode } from 'react';
import { useLoadedAfterFirstFrame } from '../hooks/use-loaded-after-first-frame.js';

export interface LoadAfterFirstFrameProps<T> {
  readonly load: () => Promise<T>;
  readonly initial: T;
  readonly children: (value: T) => ReactNode;
}

/** Renders `children(initial)` at once and `children(loaded)` once `load` resolves. */
export function LoadAfterFirstFrame<T>({ load, initial, children }: LoadAfterFirstFrameProps<T>) {
  return <>{children(useLoadedAfterFirstFrame(load, initial))}</>;
}
