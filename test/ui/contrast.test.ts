/**
 * The dashboard's colours (public/style.css) meet WCAG 2.2 AA: text 4.5:1 against its background,
 * focus rings and field edges 3:1 against what surrounds them (1.4.3, 1.4.11).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../public/style.css', import.meta.url), 'utf8');
const vars = Object.fromEntries([...css.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{6})\b/g)].map(([, name, value]) => [name!, value!]));
const color = (name: string) => {
  const value = name.startsWith('#') ? name : vars[name];
  if (!value) throw new Error(`${name} is not a colour of style.css`);
  return value;
};

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(color(a)), luminance(color(b))].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('dashboard colours', () => {
  it('the focus ring is at least 3:1 on the page, on cards and on the header', () => {
    expect(css).toMatch(/:focus-visible \{ outline: 3px solid var\(--focus\)/);
    expect(css).toMatch(/\.topbar :focus-visible \{ outline-color: var\(--focus-on-dark\)/);
    for (const background of ['--bg', '--card']) expect(contrast('--focus', background), background).toBeGreaterThanOrEqual(3);
    expect(contrast('--focus-on-dark', '--topbar')).toBeGreaterThanOrEqual(3);
  });

  it('field edges are at least 3:1 on cards', () => {
    expect(contrast('--field-border', '--card')).toBeGreaterThanOrEqual(3);
  });

  it('text is at least 4.5:1: body and muted text, links, white on badges and buttons', () => {
    for (const background of ['--bg', '--card']) {
      for (const text of ['--text', '--muted', '--accent']) expect(contrast(text, background), `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
    }
    for (const status of ['--queued', '--running', '--succeeded', '--failed', '--canceled', '--accent', '--accent-dark']) {
      expect(contrast('#ffffff', status), `white on ${status}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the old focus ring would fail', () => {
    expect(contrast('#8db0f5', '--card')).toBeLessThan(3);
  });
});
