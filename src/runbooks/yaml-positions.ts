/**
 * Maps paths inside the parsed runbooks file (`runbooks.0.sections.1.steps.2.with.sql`) back to
 * line and column of the YAML source, so every lint problem points at the offending text.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type PathSegment = string | number;

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Paths as lint prints them: dots and array indexes; the document itself is "(root)". */
export function formatPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

interface Found {
  /** The node at the full path, when it exists. */
  readonly node?: Node;
  /** The key node of the last segment, when it is a mapping key that exists. */
  readonly key?: Node;
  /** The deepest node that exists along the path (the document's root at worst). */
  readonly nearest?: Node;
}

/**
 * A YAML source answering "where is this path?". The position-keeping parse is ten times slower
 * than loading plain data, so it happens only on the first question: a clean file never pays it.
 */
export class SourceMap {
  private readonly lineCounter = new LineCounter();
  private parsed: Document.Parsed | undefined;

  constructor(readonly text: string) {}

  /** The YAML document with node ranges (parsed on first use). */
  get document(): Document.Parsed {
    this.parsed ??= parseDocument(this.text, { lineCounter: this.lineCounter, prettyErrors: false });
    return this.parsed;
  }

  /** Line and column of a character offset. */
  position(offset: number): Position {
    void this.document;
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, col };
  }

  /** Where the value at `path` starts (or, if it is missing, where its nearest existing ancestor starts). */
  value(path: readonly PathSegment[]): Position {
    const found = this.find(path);
    if (found.node && isEmptyNode(found.node) && found.key) return this.start(found.key);
    return this.start(found.node ?? found.nearest);
  }

  /** Where the key of the last segment is (for unknown keys); falls back to the value. */
  key(path: readonly PathSegment[]): Position {
    const found = this.find(path);
    return this.start(found.key ?? found.node ?? found.nearest);
  }

  /** Where the mapping that holds (or should hold) the last segment starts, e.g. for a missing field. */
  parent(path: readonly PathSegment[]): Position {
    return this.value(path.slice(0, -1));
  }

  /**
   * Where the `occurrence`-th `${{` of the string at `path` is in the source. Works for plain,
   * quoted and block scalars alike because the marker itself is never escaped or folded.
   */
  template(path: readonly PathSegment[], occurrence: number): Position {
    return this.within(path, '${{', occurrence);
  }

  /** Where the `occurrence`-th `needle` is inside the scalar at `path` (its start when not found verbatim). */
  within(path: readonly PathSegment[], needle: string, occurrence = 0): Position {
    const found = this.find(path);
    const node = found.node;
    if (!node || !isScalar(node) || !node.range) return this.value(path);
    const source = this.text.slice(node.range[0], node.range[1]);
    let index = -1;
    for (let seen = 0; seen <= occurrence; seen++) {
      index = source.indexOf(needle, index + 1);
      if (index === -1) return this.start(node);
    }
    return this.position(node.range[0] + index);
  }

  private start(node: Node | undefined): Position {
    const offset = node?.range?.[0] ?? firstContentOffset(this.text);
    return this.position(offset);
  }

  private find(path: readonly PathSegment[]): Found {
    let current: unknown = this.document.contents;
    let key: Node | undefined;
    let nearest = isNode(current) ? current : undefined;
    for (const segment of path) {
      key = undefined;
      let next: unknown;
      if (isMap(current)) {
        const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return { nearest };
        key = isNode(pair.key) ? pair.key : undefined;
        next = pair.value;
        if (!isNode(next)) return { key, nearest: key ?? nearest };
      } else if (isSeq(current) && typeof segment === 'number') {
        next = current.items[segment];
        if (!isNode(next)) return { nearest };
      } else {
        return { nearest };
      }
      current = next;
      nearest = next as Node;
    }
    return { node: isNode(current) ? current : undefined, key, nearest };
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/** A `key:` with nothing after it: the value node is an empty scalar placed after the colon. */
function isEmptyNode(node: Node): boolean {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}

function firstContentOffset(text: string): number {
  const match = /^(?:\s*#.*\n|\s*\n)*\s*/.exec(text);
  return match ? match[0].length : 0;
}
