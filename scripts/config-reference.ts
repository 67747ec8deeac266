/**
 * The configuration reference and `.env.example`, made from src/config.ts alone: each variable's
 * default, form and description come from `ConfigSchema`, its longer explanation from the doc
 * comment above it, and the sections from the `// --- Title ---` comments between them. So the
 * schema stays the one source of truth and these files only show it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slug } from 'github-slugger';
import ts from 'typescript';
import { ConfigSchema, expects, SECRETS } from '../src/config.js';

export const REFERENCE_FILE = 'docs/reference/configuration.md';
export const ENV_FILE = '.env.example';
const SOURCE = new URL('../src/config.ts', import.meta.url);
const FIRST_SECTION = 'Listening';

interface Variable {
  name: string;
  section: string;
  /** The schema's one-line description. */
  summary: string;
  /** The doc comment's text, its `@default` tag removed; '' when it has none. */
  details: string;
  /** What the `@default` tag adds to the value, e.g. "(the container image sets 0.0.0.0)". */
  defaultNote: string;
  /** The default as the schema has it; undefined when the variable is unset by default. */
  default: unknown;
}

/** Reads the doc comments and section titles of ConfigSchema's properties from the source. */
function comments(): Map<string, { section: string; details: string; defaultNote: string }> {
  const file = ts.createSourceFile('config.ts', readFileSync(SOURCE, 'utf8'), ts.ScriptTarget.Latest, true);
  const text = file.getFullText();
  const out = new Map<string, { section: string; details: string; defaultNote: string }>();
  let section = FIRST_SECTION;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'ConfigSchema' && node.initializer
      && ts.isCallExpression(node.initializer) && node.initializer.arguments[0]
      && ts.isObjectLiteralExpression(node.initializer.arguments[0])) {
      for (const prop of node.initializer.arguments[0].properties) {
        let details = '';
        let defaultNote = '';
        for (const range of ts.getLeadingCommentRanges(text, prop.pos) ?? []) {
          const comment = text.slice(range.pos, range.end);
          const title = /^\/\/\s*---\s*(.*?)\s*---/.exec(comment);
          // "Webhooks (engine/webhooks.ts): what they are" → "Webhooks": file names and asides stay in the source.
          if (title?.[1]) section = title[1].replace(/\s*\([^)]*\)/g, '').replace(/:.*$/, '').trim();
          else if (comment.startsWith('/**')) ({ details, defaultNote } = docText(comment));
        }
        out.set(prop.name?.getText() ?? '', { section, details, defaultNote });
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** A `/** … *\/` comment's prose (stars dropped, lines joined) and its `@default` tag's remark. */
function docText(comment: string): { details: string; defaultNote: string } {
  const prose = comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const tag = /@default\s+("[^"]*"|\S+)\s*(.*)$/.exec(prose);
  return { details: prose.replace(/@default.*$/, '').trim(), defaultNote: tag?.[2]?.trim() ?? '' };
}

/** Every variable, in the schema's order. */
export function variables(): Variable[] {
  const notes = comments();
  const props = ConfigSchema.properties as unknown as Record<string, { description?: string; default?: unknown }>;
  return Object.entries(props).map(([name, schema]) => {
    const note = notes.get(name);
    if (!note) throw new Error(`src/config.ts: no property ${name} found in the ConfigSchema source`);
    return { name, ...note, summary: schema.description ?? '', default: schema.default };
  });
}

function shownDefault(v: Variable): string {
  const value = v.default === undefined ? 'unset' : v.default === '' ? 'empty' : `\`${String(v.default)}\``;
  return v.defaultNote && v.defaultNote !== '(none)' ? `${value} ${v.defaultNote}` : value;
}

/** docs/reference/configuration.md */
export function referenceText(vars = variables()): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/config.ts by `npm run config-docs`; `npm run check` fails when it is stale. Do not edit. -->',
    '',
    'clientflow reads these environment variables once, at start, and checks every one: a bad value',
    'stops the process with one line naming it (`clientflow: invalid CONCURRENCY="lots": expected an',
    'integer from 1 to 100000`). Nothing else is read from the environment. [`.env.example`](../../.env.example)',
    'lists them all at their defaults. To change one, set it in the environment of the process:',
    '`PORT=8080 npm start`, `docker run -e PORT=8080 …`, or from a file: `node --env-file=.env dist/server.js`.',
    '',
  ];
  const sections = [...new Set(vars.map((v) => v.section))];
  lines.push(...sections.map((s) => `- [${s}](#${slug(s)}): ${vars.filter((v) => v.section === s).map((v) => `[\`${v.name}\`](#${slug(v.name)})`).join(', ')}`), '');
  for (const section of sections) {
    lines.push(`## ${section}`, '');
    for (const v of vars.filter((x) => x.section === section)) {
      lines.push(`### \`${v.name}\``, '');
      const secret = SECRETS.has(v.name) ? ' · a secret: never printed, not even when refused' : '';
      lines.push(`Default: ${shownDefault(v)} · expects ${expects(v.name)}${secret}`, '');
      lines.push(v.summary, '');
      if (v.details && v.details !== v.summary) lines.push(v.details, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** .env.example */
export function envExampleText(vars = variables()): string {
  const lines = [
    '# Every clientflow setting at its default: generated from src/config.ts by `npm run config-docs`.',
    '# Copy it to .env, uncomment what you change, and start with `node --env-file=.env dist/server.js`',
    '# (or `env_file:` in compose). Explained in docs/reference/configuration.md.',
  ];
  let section = '';
  for (const v of vars) {
    if (v.section !== section) lines.push('', `# --- ${(section = v.section)} ---`);
    lines.push('', `# ${v.summary}`, `# Expects ${expects(v.name)}.`, `#${v.name}=${v.default === undefined ? '' : String(v.default)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The files this makes, by path relative to the project root. */
export function generatedFiles(): Map<string, string> {
  const vars = variables();
  return new Map([[REFERENCE_FILE, referenceText(vars)], [ENV_FILE, envExampleText(vars)]]);
}

/** The generated files under `root` that are missing or differ from what the schema makes now. */
export function staleFiles(root: string, files = generatedFiles()): string[] {
  const stale: string[] = [];
  for (const [path, text] of files) {
    let committed: string | null = null;
    try {
      committed = readFileSync(join(root, path), 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== text) stale.push(path);
  }
  return stale;
}
