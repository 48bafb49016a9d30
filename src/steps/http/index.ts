/** Implementations of the http providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { httpRequest } from './request.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'http.request': httpRequest,
};
