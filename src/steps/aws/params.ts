/** Parameter building blocks shared by the AWS providers' schemas. */
import { z } from 'zod';

/** A tag map (`{ team: db }`); numbers and booleans become strings, as AWS stores them. */
export const tagMap = () => z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]).transform(String));
