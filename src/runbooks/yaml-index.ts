/**
 * Where the nodes of a YAML text start, read from js-yaml's parse events. The `yaml` package's
 * Document knows every position but takes ten times as long to build (a third of a second for
 * fifty thousand steps); this index answers the questions lint asks most (where does the value,
 * key or mapping at this path start) from one js-yaml pass. Whatever it cannot read for certain
 * (explicit `?` keys, complex keys, merge keys, items js-yaml adds without a node, a BOM) it
 * leaves unanswered, and SourceMap asks the Document instead.
 */
import jsYaml from 'js-yaml';
import { FirstByName } from './first-by-name.js';
import type { PathSegment } from './yaml-positions.js';

/** Offsets into the text, as the `yaml` package's node ranges start. */
export interface Located {
  /** The node at the full path, when it exists. */
  readonly node?: number;
  /** The node at the full path is an empty value (`key:` and nothing after it). */
  readonly empty?: boolean;
  /** The key of the last segment, when it is a mapping key that exists. */
  readonly key?: number;
  /** The deepest node that exists along the path. */
  readonly nearest?: number;
}

interface Pair {
  readonly name: string;
  readonly key: Frame;
  value?: Frame;
}

interface IndexedNode {
  readonly start: number;
  /** `unknown`: a node the index cannot look into or place, e.g. a value with only a tag. */
  readonly kind: 'mapping' | 'sequence' | 'scalar' | 'alias' | 'empty' | 'unknown';
  readonly frame: Frame;
}

/** One js-yaml `composeNode` call: where it began and ended, what it read, and the calls inside it. */
interface Frame {
  readonly open: number;
  /** Absent until a call inside this one ends (most calls read a scalar and have none). */
  children: Frame[] | undefined;
  close: number;
  kind: string | null;
  result: unknown;
  /** The node, once a path passed through it. */
  node?: IndexedNode;
  /** A mapping's pairs or a list's items, once a path looked inside; null when they do not line up with what js-yaml stored. */
  contents?: readonly Pair[] | readonly Frame[] | null;
}

export class YamlIndex {
  /** A mapping's pair by name. */
  private readonly pairs = new FirstByName<Pair>((pair) => pair.name);

  private constructor(
    private readonly document: Frame,
    private readonly reader: NodeReader,
  ) {}

  /** The index of `text`, or undefined when js-yaml refuses it or it starts with a BOM (js-yaml drops it, shifting offsets). */
  static of(text: string): YamlIndex | undefined {
    if (text.charCodeAt(0) === 0xfeff) return undefined;
    const top: Frame = { open: 0, close: 0, children: undefined, kind: null, result: undefined };
    const stack: Frame[] = [top];
    const listener = (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => {
      if (event === 'open') {
        stack.push({ open: state.position, close: state.position, children: undefined, kind: null, result: undefined });
        return;
      }
      const frame = stack.pop()!;
      frame.close = state.position;
      frame.kind = state.kind;
      frame.result = state.result;
      const parent = stack[stack.length - 1]!;
      if (parent.children) parent.children.push(frame);
      else parent.children = [frame];
    };
    try {
      jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, listener } as jsYaml.LoadOptions);
    } catch {
      return undefined;
    }
    const document = top.children?.[0];
    // Nodes are read only where a path passes: lint asks about a few paths of a large file.
    return document ? new YamlIndex(document, new NodeReader(text)) : undefined;
  }

  /**
   * Where the path leads, as the `yaml` Document would answer it; undefined when the index cannot
   * say for certain.
   */
  locate(path: readonly PathSegment[]): Located | undefined {
    let current = this.reader.node(this.document);
    if (current.kind === 'unknown' || current.kind === 'empty') return undefined;
    let key: number | undefined;
    for (const segment of path) {
      key = undefined;
      let next: Frame | undefined;
      if (current.kind === 'mapping') {
        const pairs = this.reader.pairs(current.frame);
        if (!pairs) return undefined;
        const pair = this.pairs.find(pairs, String(segment));
        if (!pair) return { nearest: current.start };
        key = this.reader.node(pair.key).start;
        if (!pair.value) return { key, nearest: key };
        next = pair.value;
      } else if (current.kind === 'sequence' && typeof segment === 'number') {
        const items = this.reader.items(current.frame);
        if (!items) return undefined;
        next = items[segment];
        if (!next) return { nearest: current.start };
      } else if (current.kind === 'unknown' || current.kind === 'empty') {
        // The Document places these nodes where this index cannot tell.
        return undefined;
      } else {
        return { nearest: current.start };
      }
      current = this.reader.node(next);
    }
    if (current.kind === 'unknown') return undefined;
    if (current.kind === 'empty') return key === undefined ? undefined : { node: key, empty: true, key, nearest: key };
    return { node: current.start, ...(key === undefined ? {} : { key }), nearest: current.start };
  }
}

/** Turns js-yaml's calls into nodes with the start offsets the `yaml` package gives them. */
class NodeReader {
  constructor(private readonly text: string) {}

  node(frame: Frame): IndexedNode {
    frame.node ??= this.read(frame);
    return frame.node;
  }

  private read(frame: Frame): IndexedNode {
    // A block mapping's first key is read before js-yaml knows it is a key; when it was not,
    // that inner call read the value itself, with the same result.
    while (frame.children?.length === 1 && Object.is(frame.children[0]!.result, frame.result) && frame.children[0]!.kind === frame.kind) {
      frame = frame.children[0]!;
    }
    const { start, properties } = this.contentStart(frame.open, frame.close);
    if (start === undefined) return { start: frame.open, kind: frame.kind === null && !properties ? 'empty' : 'unknown', frame };
    if (frame.kind === null) return { start, kind: this.text.charCodeAt(start) === ALIAS && !properties ? 'alias' : 'unknown', frame };
    if (frame.kind === 'scalar' || frame.kind === 'sequence' || frame.kind === 'mapping') return { start, kind: frame.kind, frame };
    return { start, kind: 'unknown', frame };
  }

  /** A list's items; undefined when they cannot be told apart. */
  items(frame: Frame): readonly Frame[] | undefined {
    if (frame.contents === undefined) {
      // An empty block item (`-` and nothing) is added without a call, and a flow pair (`[a: b]`)
      // takes two: then the calls no longer line up with the items.
      const children = frame.children ?? [];
      const lined = Array.isArray(frame.result) && children.length === frame.result.length && !children.some((child) => this.isKey(child));
      frame.contents = lined ? children : null;
    }
    return (frame.contents as readonly Frame[] | null) ?? undefined;
  }

  /** A mapping's pairs in document order (the first of a name is the one a path means); undefined when they cannot be told apart. */
  pairs(frame: Frame): readonly Pair[] | undefined {
    if (frame.contents === undefined) frame.contents = this.readPairs(frame);
    return (frame.contents as readonly Pair[] | null) ?? undefined;
  }

  private readPairs(frame: Frame): readonly Pair[] | null {
    const pairs: Pair[] = [];
    let last: Pair | undefined;
    for (const child of frame.children ?? []) {
      if (this.isKey(child)) {
        // `? key` and keys that are collections or aliases: the Document's business.
        if (this.explicit(child.open) || child.kind !== 'scalar') return null;
        last = { name: String(child.result), key: child };
        pairs.push(last);
      } else {
        if (!last || last.value) return null;
        last.value = child;
      }
    }
    // A pair that did not line up with what js-yaml stored (merge keys can add fields too: then too the Document answers).
    const fields = typeof frame.result === 'object' && frame.result !== null ? Object.keys(frame.result).length : -1;
    return fields === pairs.length ? pairs : null;
  }

  /** A mapping key is followed by `:` on its own line; a value never is. */
  private isKey(frame: Frame): boolean {
    let index = frame.close;
    while (this.text.charCodeAt(index) === SPACE || this.text.charCodeAt(index) === TAB) index++;
    return this.text.charCodeAt(index) === COLON;
  }

  /** Whether `? ` introduces the node that starts at `offset`. */
  private explicit(offset: number): boolean {
    let index = offset - 1;
    while (index >= 0 && (this.text.charCodeAt(index) === SPACE || this.text.charCodeAt(index) === TAB)) index--;
    return this.text.charCodeAt(index) === QUESTION;
  }

  /**
   * Where the node's own text starts: past white space, comments and its tag and anchor, which
   * the `yaml` package keeps apart from the node's range. No start when nothing but those lies
   * between `open` and `close`; `properties` when a tag or an anchor was passed.
   */
  private contentStart(open: number, close: number): { readonly start?: number; readonly properties: boolean } {
    const text = this.text;
    let properties = false;
    let index = open;
    while (index < close) {
      const code = text.charCodeAt(index);
      if (code === SPACE || code === TAB || code === LF || code === CR) index++;
      else if (code === HASH) while (index < close && text.charCodeAt(index) !== LF && text.charCodeAt(index) !== CR) index++;
      else if (code === BANG || code === AMPERSAND) {
        properties = true;
        while (index < close && !PROPERTY_END.has(text.charCodeAt(index))) index++;
      } else return { start: index, properties };
    }
    return { properties };
  }
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const COLON = 58;
const QUESTION = 63;
const BANG = 33;
const AMPERSAND = 38;
const ALIAS = 42;
/** A tag or an anchor ends at white space or a flow indicator. */
const PROPERTY_END = new Set([SPACE, TAB, LF, CR, 44, 91, 93, 123, 125]);
