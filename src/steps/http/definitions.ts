/** Parameter schemas and outputs of the http providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { duration, num, text } from '../params.js';
import { jsonExpectation, pattern } from '../shell/definitions.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** An absolute http:// or https:// URL. */
const httpUrl = () =>
  text().refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'expected an absolute http:// or https:// URL' },
  );

/** `with:` of http.request. */
export const httpRequestParams = z.strictObject({
  url: httpUrl(),
  method: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(METHODS))
    .default('GET'),
  headers: z.record(z.string().min(1), z.union([z.string(), z.number()]).transform(String)).optional(),
  expect: z
    .strictObject({
      status: z
        .union([num(), z.array(num()).min(1)])
        .transform((value) => (Array.isArray(value) ? value : [value]))
        .optional(),
      maxLatency: duration().optional(),
      bodyMatches: pattern().optional(),
      json: jsonExpectation().optional(),
    })
    .optional(),
});

export type HttpRequestParams = z.output<typeof httpRequestParams>;

/** Definitions of the http providers. */
export const definitions: readonly ProviderDefinition[] = [
  defineProvider({
    name: 'http.request',
    summary: 'Call an HTTP endpoint and check its status, latency and body',
    kinds: ['check', 'wait'],
    mutates: false,
    params: httpRequestParams,
    outputs: ['status', 'latencyMs', 'body'],
  }),
];
