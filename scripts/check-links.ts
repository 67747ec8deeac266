/**
 * Fails when a Markdown file of the project links to a file that is not there, or to a heading
 * (`#anchor`) its target does not have. Links to other sites are not fetched: only the
 * project's own pages are checked, so a moved doc cannot leave a dead link behind.
 * Usage: tsx scripts/check-links.ts [root]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';

const SKIP = new Set(['node_modules', '.git', 'dist', 'test-artifacts', 'results', 'coverage', 'scratch']);

/** Every .md file under `dir`, skipping installed and generated folders. */
export function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** The text outside fenced code blocks, where a heading means a heading. */
function unfenced(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The anchors a page offers: its headings as GitHub names them, and explicit `<a id>`s. */
export function anchors(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const found = new Set<string>();
  for (const line of unfenced(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) found.add(slugger.slug(heading[1].replace(/<[^>]+>/g, '')));
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) if (m[1]) found.add(m[1]);
  return found;
}

/** The targets of a page's Markdown links and images (`[text](target)`), as written. */
export function linkTargets(text: string): string[] {
  const out: string[] = [];
  // Outside code, where a link means a link (`[a](b)` in inline code is an example).
  for (const m of unfenced(text).replace(/`[^`\n]*`/g, '``').matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (m[1]) out.push(m[1]);
  }
  return out;
}

/** Broken links of the Markdown files under `root`, one line each: `file: target (why)`. */
export function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  const cache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let set = cache.get(file);
    if (!set) cache.set(file, (set = anchors(readFileSync(file, 'utf8'))));
    return set;
  };
  for (const file of markdownFiles(root)) {
    for (const target of linkTargets(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, mailto: … another site
      const [path = '', hash] = target.split('#', 2);
      const dest = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(root, file)}: ${target}`;
      if (!existsSync(dest)) broken.push(`${where} (no such file)`);
      else if (hash && dest.endsWith('.md') && !anchorsOf(dest).has(hash)) broken.push(`${where} (no such heading)`);
    }
  }
  return broken;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv[2] ?? '.');
  const broken = brokenLinks(root);
  for (const line of broken) process.stderr.write(`${line}\n`);
  if (broken.length > 0) {
    process.stderr.write(`${broken.length} broken link(s) in the Markdown files\n`);
    process.exit(1);
  }
  process.stdout.write(`every link of ${markdownFiles(root).length} Markdown files resolves\n`);
}
