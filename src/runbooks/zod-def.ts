/**
 * The parts of a zod schema's definition that lint reads to walk a schema beside the data
 * (zod-pieces splits validation along it, zod-issues finds the fields a mapping allows).
 */
import type { z } from 'zod';

export interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  /** A pipe's input schema. */
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
}

export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}
