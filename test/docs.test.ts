import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config.js';
import { apiReferenceText } from '../scripts/api-reference.js';
import { brokenLinks } from '../scripts/check-links.js';
import { ENV_FILE, REFERENCE_FILE, generatedFiles, staleFiles } from '../scripts/config-reference.js';
import { formatJson } from '../scripts/samples/format.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clientflow-docs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeAll(root: string, files: Map<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('the generated configuration reference', () => {
  const files = generatedFiles();

  it('names every variable of the schema, with its default, in both files', () => {
    const reference = files.get(REFERENCE_FILE) ?? '';
    const env = files.get(ENV_FILE) ?? '';
    for (const [name, schema] of Object.entries(ConfigSchema.properties as unknown as Record<string, { default?: unknown }>)) {
      expect(reference).toContain(`### \`${name}\``);
      expect(env).toContain(`#${name}=${schema.default === undefined ? '' : String(schema.default)}\n`);
    }
    // The doc comments reach the reference, not only the one-line descriptions.
    expect(reference).toContain('Longer than the 60 s idle timeout of common load balancers');
  });

  it('finds nothing stale where the files are what the schema makes', () => {
    const root = tempDir();
    writeAll(root, files);
    expect(staleFiles(root, files)).toEqual([]);
  });

  it('reports a file that differs or is missing', () => {
    const root = tempDir();
    writeAll(root, files);
    writeFileSync(join(root, ENV_FILE), readFileSync(join(root, ENV_FILE), 'utf8').replace('#PORT=3000', '#PORT=3001'));
    expect(staleFiles(root, files)).toEqual([ENV_FILE]);
    rmSync(join(root, REFERENCE_FILE));
    expect(staleFiles(root, files)).toEqual([REFERENCE_FILE, ENV_FILE]);
  });

  it('is up to date in this checkout', () => {
    expect(staleFiles(join(import.meta.dirname, '..'), files)).toEqual([]);
  });
});

describe('the link checker', () => {
  it('reports a missing file and a missing heading, and accepts headings and explicit anchors', () => {
    const root = tempDir();
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'b.md'), '# Title\n\n## The `PORT` of it\n\n<a id="kept"></a>text\n');
    writeFileSync(join(root, 'README.md'), [
      '[ok](docs/b.md) [ok](docs/b.md#title) [ok](docs/b.md#the-port-of-it) [ok](docs/b.md#kept)',
      '[gone](docs/c.md) [bad anchor](docs/b.md#nowhere) [site](https://example.com/x.md)',
      '`[in code](nowhere.md)`',
      '```', '[in a fence](nowhere.md)', '```',
    ].join('\n'));
    expect(brokenLinks(root)).toEqual([
      'README.md: docs/c.md (no such file)',
      'README.md: docs/b.md#nowhere (no such heading)',
    ]);
  });
});

describe('sample formatting', () => {
  it('keeps the JSON exact and breaks only what does not fit', () => {
    const value = { id: 'x', progress: { total: 5 }, items: Array.from({ length: 20 }, (_, i) => ({ i, name: `client ${i}` })) };
    const text = formatJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain('"progress":{"total":5}');
    expect(text.split('\n').length).toBeGreaterThan(20);
  });
});

describe('the generated API overview', () => {
  it('has a section and a table row for every operation of the OpenAPI file', () => {
    const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'openapi', 'openapi.json'), 'utf8')) as { paths: Record<string, object> };
    const text = apiReferenceText(doc as Parameters<typeof apiReferenceText>[0]);
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.length).toBeGreaterThan(20);
    for (const op of operations) {
      expect(text).toContain(`\n### ${op}\n`);
      expect(text).toContain(`| [\`${op}\`]`);
    }
  });
});
