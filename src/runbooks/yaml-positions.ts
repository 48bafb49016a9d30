/**
 * Maps paths inside the parsed runbooks file (`runbooks.0.sections.1.steps.2.with.sql`) back to
 * line and column of the YAML source, so every lint problem points at the offending text.
 */
import { cutShort } from './echo.js';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { FirstByName } from './first-by-name.js';
import { YamlIndex, type Located } from './yaml-index.js';

export type PathSegment = string | number;

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Paths as lint prints them: dots and array indexes; the document itself is "(root)". A key too long to read is cut short. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(root)' : path.map((segment) => (typeof segment === 'string' ? cutShort(segment) : segment)).join('.');
}

/** Line and column of an offset, counting \r\n, \r and \n as line breaks (without parsing the YAML). */
export function positionIn(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || (code === 13 && text.charCodeAt(index + 1) !== 10)) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
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
 * A YAML source answering "where is this path?". Nothing is parsed before the first question, so
 * a clean file never pays for positions. Paths are looked up in a YamlIndex (one js-yaml pass)
 * and, where it cannot say, in the `yaml` package's Document, ten times slower to build.
 */
export class SourceMap {
  private parsed: Document.Parsed | undefined;
  /** The text with every line break as the `yaml` package counts lines (it counts only `\n`). */
  private readonly lines: string;
  /** A mapping's pair by its key's text. */
  private readonly pairs = new FirstByName<Pair>((pair) => (isScalar(pair.key) ? String(pair.key.value) : undefined));
  /** Where each needle occurs inside a scalar's source, so the n-th template costs no rescan. */
  private readonly needles = new WeakMap<Node, Map<string, number[]>>();
  /** Offsets where each line of `lines` starts. */
  private lineStarts: number[] | undefined;
  /** The js-yaml index; null once it turned out js-yaml cannot read the text. */
  private index: YamlIndex | null | undefined;

  /** `useIndex: false` asks the Document every time (tests compare the two). */
  constructor(
    readonly text: string,
    private readonly options: { readonly useIndex?: boolean } = {},
  ) {
    // A lone CR is a line break in YAML; as "\n" (same length) every offset stays put and lines count right.
    this.lines = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  }

  /** The YAML document with node ranges (parsed on first use). */
  get document(): Document.Parsed {
    // The parser's own duplicate-key check compares each key with every earlier one of its
    // mapping, minutes for a mapping of 50,000 keys; duplicateKeys() does it in one pass.
    this.parsed ??= parseDocument(this.lines, { prettyErrors: false, uniqueKeys: false });
    return this.parsed;
  }

  /** Where each key that repeats an earlier key of its mapping starts, in document order. */
  duplicateKeys(): number[] {
    const offsets: number[] = [];
    visit(this.document, {
      Map(_key, map) {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          if (!isScalar(pair.key) || !pair.key.range) continue;
          if (seen.has(pair.key.value)) offsets.push(pair.key.range[0]);
          else seen.add(pair.key.value);
        }
      },
    });
    return offsets;
  }

  /** Line and column of a character offset (lines as the `yaml` package counts them). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const starts = (this.lineStarts ??= lineStartsOf(this.lines));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, col: at - starts[low]! + 1 };
  }

  /** Where the value at `path` starts (or, if it is missing, where its nearest existing ancestor starts). */
  value(path: readonly PathSegment[]): Position {
    const found = this.locate(path);
    if (found.empty && found.key !== undefined) return this.position(found.key);
    return this.position(found.node ?? found.nearest ?? firstContentOffset(this.lines));
  }

  /** Where the key of the last segment is (for unknown keys); falls back to the value. */
  key(path: readonly PathSegment[]): Position {
    const found = this.locate(path);
    return this.position(found.key ?? found.node ?? found.nearest ?? firstContentOffset(this.lines));
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
    const offset = this.offsetsOf(node, node.range, needle)[occurrence];
    return offset === undefined ? this.start(node) : this.position(node.range[0] + offset);
  }

  private offsetsOf(node: Node, range: readonly number[], needle: string): number[] {
    let byNeedle = this.needles.get(node);
    if (!byNeedle) this.needles.set(node, (byNeedle = new Map()));
    let offsets = byNeedle.get(needle);
    if (!offsets) {
      offsets = [];
      const source = this.text.slice(range[0], range[1]);
      for (let index = source.indexOf(needle); index !== -1; index = source.indexOf(needle, index + 1)) offsets.push(index);
      byNeedle.set(needle, offsets);
    }
    return offsets;
  }

  private start(node: Node | undefined): Position {
    const offset = node?.range?.[0] ?? firstContentOffset(this.lines);
    return this.position(offset);
  }

  /** Offsets along `path`: from the index when it can say, else from the Document. */
  private locate(path: readonly PathSegment[]): Located {
    if (this.index === undefined) this.index = this.options.useIndex === false ? null : (YamlIndex.of(this.lines) ?? null);
    const indexed = this.index?.locate(path);
    if (indexed) return indexed;
    const found = this.find(path);
    const start = (node: Node | undefined) => node?.range?.[0];
    const empty = found.node !== undefined && isEmptyNode(found.node);
    return { node: start(found.node), empty, key: start(found.key), nearest: start(found.nearest) };
  }

  private find(path: readonly PathSegment[]): Found {
    let current: unknown = this.document.contents;
    let key: Node | undefined;
    let nearest = isNode(current) ? current : undefined;
    for (const segment of path) {
      key = undefined;
      let next: unknown;
      if (isMap(current)) {
        const pair = this.pairs.find(current.items, String(segment));
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

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function firstContentOffset(text: string): number {
  const match = /^(?:\s*#.*\n|\s*\n)*\s*/.exec(text);
  return match ? match[0].length : 0;
}
