/** What the lint needs from a Dockerfile: the final stage's ENV (the image's defaults) and its HEALTHCHECK. */
export interface ImageFacts {
  env: Record<string, string>;
  healthcheck: boolean;
}

const PAIR = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;

const unquote = (v: string) => (/^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v);

export function readDockerfile(source: string): ImageFacts {
  // Continuation lines joined first: `ENV A=1 \` and `HEALTHCHECK … \` span several.
  const lines = source.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  let facts: ImageFacts = { env: {}, healthcheck: false };
  for (const line of lines) {
    const [, instruction = '', rest = ''] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
    switch (instruction.toUpperCase()) {
      case 'FROM':
        // Each stage starts afresh; only the last one is the image.
        facts = { env: {}, healthcheck: false };
        break;
      case 'ENV':
        if (rest.includes('=')) {
          for (const [, key, value] of rest.matchAll(PAIR)) facts.env[key!] = unquote(value!);
        } else {
          // The old form: ENV KEY the value.
          const [, key = '', value = ''] = /^(\S+)\s+(.*)$/s.exec(rest) ?? [];
          if (key) facts.env[key] = value;
        }
        break;
      case 'HEALTHCHECK':
        facts.healthcheck = !/^NONE$/i.test(rest);
        break;
      default:
        break;
    }
  }
  return facts;
}
