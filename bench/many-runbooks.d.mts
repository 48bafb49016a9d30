/** YAML text of a valid runbooks file with `count` runbooks of 3 sections × 4 steps. */
export function manyRunbooksYaml(count: number): string;
