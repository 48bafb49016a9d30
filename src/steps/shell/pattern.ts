/**
 * Output patterns in `with:`: a JavaScript regular expression, written either bare
 * (`backup completed`) or with flags as `/completed/i`.
 */

const WITH_FLAGS = /^\/(.*)\/([dgimsuy]*)$/s;

/** Compiles a pattern; throws a SyntaxError naming the problem when invalid. */
export function compilePattern(pattern: string): RegExp {
  const match = WITH_FLAGS.exec(pattern);
  // The global and sticky flags make `test` stateful; a one-shot match never wants them.
  if (match) return new RegExp(match[1]!, match[2]!.replace(/[gy]/g, ''));
  return new RegExp(pattern);
}

/** Why a pattern does not compile, or undefined when it does. */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
