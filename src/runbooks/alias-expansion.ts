/**
 * Alias bombs. A YAML alias stands for a copy of what its anchor names, so ten aliases of ten
 * aliases of ten… make a file of a kilobyte stand for a hundred million values. js-yaml shares
 * the aliased object rather than copying it, but every walk over the data (validation, template
 * checks, the listing) visits it once per alias, and an alias inside its own anchor makes a cycle
 * that no walk ends. So before any walk the data is measured over its shared objects, in time
 * linear in what is written, and a file whose aliases add more than they may is refused.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Alias, type Document, type Node, type Pair } from 'yaml';
import { cutShort } from './echo.js';
import type { PathSegment } from './yaml-positions.js';

/** Aliases may make a file stand for this many values more than it writes, or for twice what it writes if that is more. */
const ALIAS_ALLOWANCE = 100_000;

/**
 * True when the text may hold an alias (`*name` where a value starts). `count(*)`, `select * from`
 * and `a*b` do not; a false alarm only costs a walk.
 */
export function mayHoldAliases(text: string): boolean {
  return /(?:^|[\s[{,])\*[^\s[\]{},]/.test(text);
}

/** What the data stands for with every alias written out, against what the file writes. */
export type DataSize =
  | { readonly kind: 'finite'; readonly expanded: number; readonly written: number }
  | { readonly kind: 'cyclic' };

/** Measures the data without following any shared object twice (and without recursion, so depth cannot overflow). */
export function measureData(root: unknown): DataSize {
  if (root === null || typeof root !== 'object') return { kind: 'finite', expanded: 1, written: 1 };
  const sizes = new Map<object, number>();
  const opened = new Set<object>();
  const pending: object[] = [root];
  let written = 0;
  while (pending.length > 0) {
    const node = pending[pending.length - 1]!;
    if (sizes.has(node)) {
      pending.pop();
      continue;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!opened.has(node)) {
      opened.add(node);
      for (const child of children) {
        if (child === null || typeof child !== 'object' || sizes.has(child)) continue;
        if (opened.has(child)) return { kind: 'cyclic' };
        pending.push(child);
      }
      continue;
    }
    let size = 1;
    written += 1;
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        const childSize = sizes.get(child);
        if (childSize === undefined) return { kind: 'cyclic' };
        size += childSize;
      } else {
        size += 1;
        written += 1;
      }
    }
    sizes.set(node, size);
    pending.pop();
  }
  return { kind: 'finite', expanded: sizes.get(root)!, written };
}

/** True when the aliases add more than they may. */
export function isAliasBomb(size: DataSize): boolean {
  return size.kind === 'cyclic' || size.expanded - size.written > Math.max(ALIAS_ALLOWANCE, size.written);
}

/** The alias to blame and why, for a file measureData found cyclic or too large. */
export interface AliasProblem {
  /** Offset of the alias in the text (0 when it cannot be found). */
  readonly offset: number;
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/**
 * Finds the alias to blame in the position-keeping document: the one inside its own anchor, or
 * the one at which the values added by aliases pass the allowance (counted in document order).
 */
export function blameAlias(document: Document.Parsed, size: DataSize): AliasProblem {
  const allowance = size.kind === 'finite' ? Math.max(ALIAS_ALLOWANCE, size.written) : ALIAS_ALLOWANCE;
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const sizes = new Map<Node, number>();
  const sizeOf = (node: unknown, inProgress: Set<unknown>): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target === undefined || inProgress.has(target) ? 1 : sizeOf(target, inProgress);
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    inProgress.add(node);
    let total = 1;
    for (const item of node.items as unknown[]) total += isPair(item) ? sizeOf(item.value, inProgress) : sizeOf(item, inProgress);
    inProgress.delete(node);
    sizes.set(node, total);
    return total;
  };

  let added = 0;
  let blamed: AliasProblem | undefined;
  visit(document, {
    Node(_key, node, ancestors) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) return undefined;
        targets.set(node, target);
        const name = `*${cutShort(node.source)}`;
        if (ancestors.includes(target)) {
          blamed = problemAt(node, ancestors, `alias ${name} is inside its own anchor, so the value never ends; write it out instead`);
          return visit.BREAK;
        }
        added += sizeOf(target, new Set()) - 1;
        if (added > allowance) {
          const total = (size.kind === 'finite' ? size.written : 0) + added;
          blamed = problemAt(
            node,
            ancestors,
            `alias ${name} makes the file stand for more than ${total.toLocaleString('en-US')} values; aliases may add at most ${allowance.toLocaleString('en-US')}: write the values out instead`,
          );
          return visit.BREAK;
        }
        return undefined;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return blamed ?? { offset: 0, path: [], message: 'YAML aliases make this file stand for too many values; write the values out instead' };
}

function problemAt(alias: Alias, ancestors: readonly unknown[], message: string): AliasProblem {
  return { offset: alias.range?.[0] ?? 0, path: pathOf([...ancestors, alias]), message };
}

/** The data path of the last node of a visit's ancestry (maps give keys, lists indexes). */
function pathOf(chain: readonly unknown[]): PathSegment[] {
  const path: PathSegment[] = [];
  for (let index = 0; index + 1 < chain.length; index++) {
    const parent = chain[index];
    const child = chain[index + 1];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    else if (isMap(parent) && isPair(child) && isScalar((child as Pair).key)) path.push(String(((child as Pair).key as { value: unknown }).value));
  }
  return path;
}
