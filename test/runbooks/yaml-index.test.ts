/**
 * The js-yaml index must place every path exactly where the `yaml` Document does, or say it
 * cannot: each path of each file below is asked of both, through SourceMap's public questions.
 */
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { YamlIndex } from '../../src/runbooks/yaml-index.js';
import { SourceMap, type PathSegment } from '../../src/runbooks/yaml-positions.js';
import { corpus } from './lint-corpus.cases.js';

const files = ['../../runbooks.yaml', '../cli/fixtures/manual.yaml', '../e2e/fixtures/runbooks.yaml', './fixtures/base.yaml'].map((name) => ({
  name,
  text: readFileSync(new URL(name, import.meta.url), 'utf8'),
}));

/** Small texts with every construct the index reads or must leave to the Document. */
const snippets: Record<string, string> = {
  flow: 'a: {b: 1, c: [x, {d: e}], f: }\nlist: [1, "two", \'three\', {k: v}]\n',
  empty: 'a:\nb:   # comment\n  \nc: ~\nd: null\ne: ""\n',
  emptyItems: 'list:\n  -\n  - x\n  -\n',
  anchors: 'base: &base {a: 1}\nother: *base\ntagged: !!str 12\nanchored: &x\n  k: v\nprops: &p !!map {q: 1}\nlone: &lone\nonlytag: !!str\n',
  merge: 'base: &b {a: 1}\nm:\n  <<: *b\n  c: 2\n',
  explicit: '? a\n: 1\n? [x, y]\n: 2\nplain: 3\n',
  flowPairs: 'list: [a: 1, b, c: 2]\n',
  blockScalars: 'lit: |\n  one\n  two\nfold: >-\n  three\n  four\nafter: 5\n',
  multiline: 'q: "one\n  two"\np: plain\n  continued\nnext: 1\n',
  nested: '- - a\n  - b\n- key: v\n  other:\n    - 1\n    - {x: [2, 3]}\n',
  compact: 'steps:\n- id: a\n  kind: manual\n- {}\n- [1]\n- "s"\n',
  comments: '# head\n\n  # indented\na: # after key\n  # between\n  b: 1 # trailing\n',
  keys: '1: one\ntrue: yes\nnull: nothing\n0x1F: hex\n"quoted key": q\n\'single\': s\n',
  documentMarker: '---\na: 1\n...\n',
  directive: '%YAML 1.2\n---\na: [1]\n',
  rootScalar: 'just text\n',
  rootList: '- 1\n- 2\n',
  crlf: 'a:\r\n  b: 1\r\n  c: [x]\r\n',
  cr: 'a:\r  b: 1\r  c: [x]\r',
  tabs: 'a:\t1\nb: [1,\t2]\n',
  bom: '\ufeffa: 1\n',
  deepKeys: 'a:\n  b:\n    c:\n      d: [ {e: f} ]\n',
  propertyKeys: 'first: 0\n&k anchored: 1\n!!str tagged: 2\nseq: !!seq [1, *k]\nflow: {&f x: 1, !!str y: [2]}\n',
  taggedDocument: '--- !!map\na: !!seq\n- 1\n- &i 2\n- *i\n',
  jsonLike: '{"a":1, "b": {"c":[1,2,{"d":null}]}, "e":"f"}\n',
  trailing: 'a: b # note: c\nd: "e" # f: g\nh: {i: j}  # k\n',
  // Long enough that both look a key up through an index rather than a scan.
  manyKeys: `m:\n${Array.from({ length: 40 }, (_, index) => `  k${index}: {v: ${index}}\n`).join('')}flow: {${Array.from({ length: 40 }, (_, index) => `f${index}: ${index}`).join(', ')}}\n`,
};

/** Every path of the data, plus a missing key under each mapping and an index past each list's end. */
function pathsOf(data: unknown, base: PathSegment[] = []): PathSegment[][] {
  const paths: PathSegment[][] = [base];
  if (Array.isArray(data)) {
    data.forEach((item, index) => paths.push(...pathsOf(item, [...base, index])));
    paths.push([...base, data.length], [...base, 'name']);
  } else if (typeof data === 'object' && data !== null) {
    for (const [key, value] of Object.entries(data)) paths.push(...pathsOf(value, [...base, key]));
    paths.push([...base, 'no-such-field'], [...base, 'no-such-field', 'deeper'], [...base, 0]);
  } else {
    paths.push([...base, 'inside'], [...base, 0]);
  }
  return paths;
}

function compare(text: string): { asked: number; answered: number } {
  const data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  const indexed = new SourceMap(text);
  const documented = new SourceMap(text, { useIndex: false });
  const index = YamlIndex.of(text.replace(/\r(?!\n)/g, '\n'));
  let answered = 0;
  const paths = pathsOf(data);
  for (const path of paths) {
    if (index?.locate(path)) answered++;
    const where = JSON.stringify(path);
    expect(indexed.value(path), `value ${where}`).toEqual(documented.value(path));
    expect(indexed.key(path), `key ${where}`).toEqual(documented.key(path));
    expect(indexed.parent(path), `parent ${where}`).toEqual(documented.parent(path));
  }
  return { asked: paths.length, answered };
}

describe('YamlIndex', () => {
  test.each(files)('places every path of $name where the yaml Document does, and answers nearly all of them itself', ({ text }) => {
    const { asked, answered } = compare(text);
    expect(asked).toBeGreaterThan(50);
    expect(answered / asked).toBeGreaterThan(0.95);
  });

  test.each(Object.entries(snippets))('places every path of %s where the yaml Document does', (_name, text) => {
    compare(text);
  });

  test('places every path of every lint-corpus mistake js-yaml can read where the yaml Document does', () => {
    const base = files.find((file) => file.name === './fixtures/base.yaml')!.text;
    let compared = 0;
    for (const entry of corpus) {
      const text = base.replace(entry.from, entry.to);
      if (!YamlIndex.of(text)) continue;
      compare(text);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });

  test('places every path of 300 generated documents, in every style both libraries write, where the yaml Document does', () => {
    // A fixed seed: the same documents on every run.
    let seed = 20261201;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const scalar = () => pick<unknown>(['plain', 'two words', 'has: colon', '# not a comment', 42, 1.5, true, null, '', 'multi\nline\ntext', '${{ inputs.x }}', "it's"]);
    const value = (depth: number): unknown => {
      if (depth > 3 || random() < 0.3) return scalar();
      const size = Math.floor(random() * 4);
      if (random() < 0.5) return Array.from({ length: size }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: size }, (_, index) => [pick(['id', 'kind', 'with', 'a b', '1', 'k']) + index, value(depth + 1)]));
    };
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const data = { runbooks: [value(0), value(0)], extra: value(1) };
      const text =
        round % 2 === 0
          ? stringify(data, {
              collectionStyle: pick(['any', 'block', 'flow'] as const),
              defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const),
              indent: pick([2, 4]),
              indentSeq: pick([true, false]),
            })
          : jsYaml.dump(data, { flowLevel: pick([-1, 1, 2, 3]), indent: pick([2, 3]), noArrayIndent: pick([true, false]), quotingType: pick(['"', "'"] as const) });
      if (!YamlIndex.of(text)) continue;
      compare(text);
      compared++;
    }
    expect(compared).toBeGreaterThan(250);
  });

  test('answers for flow and block collections, and leaves what it cannot read to the Document', () => {
    const answers = (text: string, path: PathSegment[]) => YamlIndex.of(text)?.locate(path) !== undefined;
    expect(answers(snippets.flow!, ['a', 'c', 1, 'd'])).toBe(true);
    expect(answers(snippets.compact!, ['steps', 1, 'id'])).toBe(true);
    expect(answers(snippets.explicit!, ['plain'])).toBe(false);
    expect(answers(snippets.emptyItems!, ['list', 1])).toBe(false);
    expect(answers(snippets.bom!, ['a'])).toBe(false);
    expect(answers('a: [1\n', ['a'])).toBe(false);
  });

  test('counts lines as the yaml package does, CR, CRLF and LF alike', () => {
    for (const text of [...files.map((file) => file.text), ...Object.values(snippets)]) {
      const lines = text.replace(/\r(?!\n)/g, '\n');
      const counter = new LineCounter();
      parseDocument(lines, { lineCounter: counter });
      const source = new SourceMap(text);
      for (let offset = 0; offset <= text.length; offset += Math.max(1, Math.floor(text.length / 500))) {
        expect(source.position(offset), `offset ${offset}`).toEqual(counter.linePos(offset));
      }
    }
  });
});
