/** Parsing helpers for the timeline tests: the SVG as a tree, and its elements found by name and class. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

type Raw = Record<string, unknown>;

function toNode(raw: Raw): Node {
  const name = Object.keys(raw).find((k) => k !== ':@')!;
  const attrs = (raw[':@'] ?? {}) as Record<string, string>;
  const content = raw[name];
  if (name === '#text') return { name, attrs: {}, children: [], text: String(content) };
  const children = Array.isArray(content) ? (content as Raw[]).map(toNode) : [];
  return { name, attrs, children, text: children.filter((c) => c.name === '#text').map((c) => c.text).join('') };
}

/** Validates the document as XML, then returns its root element (after the declaration). */
export function parseSvg(text: string): Node {
  expect(XMLValidator.validate(text)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, parseAttributeValue: false,
    processEntities: true, trimValues: false,
  });
  const roots = (parser.parse(text) as Raw[]).map(toNode).filter((n) => !n.name.startsWith('?') && n.name !== '#text');
  expect(roots).toHaveLength(1);
  return roots[0]!;
}

/** Every element below `node` (depth first, document order). */
export function descendants(node: Node): Node[] {
  return node.children.flatMap((c) => [c, ...descendants(c)]);
}

const hasClass = (n: Node, cls: string) => (n.attrs.class ?? '').split(/\s+/).includes(cls);

/** Elements named `name` having every class in `classes`. */
export function find(root: Node, name: string, ...classes: string[]): Node[] {
  return descendants(root).filter((n) => n.name === name && classes.every((c) => hasClass(n, c)));
}

/** The text of an element's `<title>` child. */
export const titleOf = (n: Node) => n.children.find((c) => c.name === 'title')?.text ?? '';

export const numAttr = (n: Node, name: string) => Number(n.attrs[name]);
