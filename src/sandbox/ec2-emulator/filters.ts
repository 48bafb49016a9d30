/**
 * EC2 `Filter.N.Name` / `Filter.N.Value.M` semantics: values within one filter are ORed, filters
 * are ANDed, `*` and `?` are wildcards, `tag:K` matches a tag's value and `tag-key` a tag's key.
 * An unknown filter name is an error, as it is on AWS.
 */
import { Ec2Error, type Tags } from './model.js';

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** Reads the named fields of a resource for the filters it supports. */
export type FieldReader<T> = Record<string, (resource: T) => ReadonlyArray<string | undefined>>;

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function matchesAny(candidates: ReadonlyArray<string | undefined>, patterns: readonly RegExp[]): boolean {
  return candidates.some((candidate) => candidate !== undefined && patterns.some((pattern) => pattern.test(candidate)));
}

/** Builds a predicate for `filters` over resources described by `fields` and `tagsOf`. */
export function compileFilters<T>(filters: readonly Filter[], fields: FieldReader<T>, tagsOf: (resource: T) => Tags): (resource: T) => boolean {
  const tests = filters.map((filter): ((resource: T) => boolean) => {
    const patterns = filter.values.map(wildcard);
    if (filter.name.startsWith('tag:')) {
      const key = filter.name.slice(4);
      return (resource) => matchesAny([tagsOf(resource)[key]], patterns);
    }
    if (filter.name === 'tag-key') return (resource) => matchesAny(Object.keys(tagsOf(resource)), patterns);
    if (filter.name === 'tag-value') return (resource) => matchesAny(Object.values(tagsOf(resource)), patterns);
    const read = fields[filter.name];
    if (!read) throw new Ec2Error('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    return (resource) => matchesAny(read(resource), patterns);
  });
  return (resource) => tests.every((test) => test(resource));
}
