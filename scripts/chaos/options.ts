/** `npm run chaos` options, its seeded PRNG and small helpers shared by both modes. */

export interface Options {
  /** `sqlite`: one server on a file; `postgres`: `replicas` servers on one PostgreSQL database. */
  store: 'sqlite' | 'postgres';
  rounds: number;
  stalls: number;
  clients: number;
  seed: number;
  /** CONCURRENCY of each server process. */
  concurrency: number;
  leaseMs: number;
  /** Server processes running at once (postgres only). */
  replicas: number;
  /** The whole run fails (exit 1) if it has not ended after this many seconds. */
  timeLimitS: number;
}

const DEFAULTS: Record<Options['store'], Omit<Options, 'store' | 'seed'>> = {
  sqlite: { rounds: 50, stalls: 3, clients: 2000, concurrency: 8, leaseMs: 1500, replicas: 1, timeLimitS: 1200 },
  postgres: { rounds: 10, stalls: 1, clients: 3000, concurrency: 8, leaseMs: 1500, replicas: 3, timeLimitS: 480 },
};

const USAGE = 'options: --postgres --rounds --stalls --clients --seed --concurrency --lease-ms --replicas --time-limit';

export function parseArgs(argv: string[]): Options {
  const store = argv.includes('--postgres') ? 'postgres' : 'sqlite';
  const o: Options = { store, ...DEFAULTS[store], seed: Math.floor(Math.random() * 2 ** 31) };
  for (const arg of argv) {
    if (arg === '--postgres') continue;
    const [key = '', value = ''] = arg.replace(/^--/, '').split('=', 2);
    const n = Number(value);
    const int = (min: number, max: number): number => {
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${key} expects an integer from ${min} to ${max}`);
      return n;
    };
    switch (key) {
      case 'rounds': o.rounds = int(0, 1000); break;
      case 'stalls': o.stalls = int(0, 100); break;
      case 'clients': o.clients = int(1, 10_000); break;
      case 'seed': o.seed = int(0, 2 ** 32 - 1); break;
      case 'concurrency': o.concurrency = int(1, 1000); break;
      // A short lease keeps the stalls short: each is a small multiple of the lease.
      case 'lease-ms': o.leaseMs = int(300, 60_000); break;
      case 'replicas':
        if (store !== 'postgres') throw new Error('--replicas needs --postgres: a SQLite file has one process');
        o.replicas = int(2, 16);
        break;
      case 'time-limit': o.timeLimitS = int(30, 24 * 3600); break;
      default: throw new Error(`unknown option ${arg} (${USAGE})`);
    }
  }
  if (o.stalls > o.rounds) throw new Error('--stalls must not exceed --rounds: each stall happens within a round');
  return o;
}

/** mulberry32: a small seeded PRNG, so one seed repeats the same schedule of kills and stalls. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Which rounds (0-based) carry a stall, drawn up front from the seed. */
export function stallRounds(o: Options, random: () => number): Set<number> {
  const rounds = new Set<number>();
  while (rounds.size < o.stalls) rounds.add(Math.floor(random() * o.rounds));
  return rounds;
}

/**
 * The batch both modes post: stages of a few hundred ms with jitter and one attempt in ten failing
 * transiently. It runs for minutes at this concurrency, so every kill and stall lands on work in
 * flight.
 */
export function chaosBatch(o: Options): { clientIds: string[]; body: Record<string, unknown> } {
  const clientIds = Array.from({ length: o.clients }, (_, i) => `chaos-${i + 1}`);
  return {
    clientIds,
    body: {
      clientIds,
      label: `chaos seed ${o.seed}`,
      retry: { maxAttempts: 8, baseMs: 50, maxMs: 1000 },
      simulation: { fetchMs: 150, processMs: 250, storeMs: 100, jitter: 0.5, failureRate: 0.1, seed: o.seed },
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const log = (line: string) => process.stdout.write(`${line}\n`);
