/**
 * `clientflow schedules …` against a real server: create (ids as arguments, a cron in a time
 * zone), list, show, pause, resume and delete, in plain lines and --json; a usage mistake exits 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import { startServer, type ChildServer } from './child-server.js';

let server: ChildServer;
beforeAll(async () => {
  server = await startServer({ DB_PATH: ':memory:' });
});
afterAll(async () => {
  server.child.kill('SIGKILL');
  await server.exited;
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { CLIENTFLOW_URL: server.url }, out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

describe('clientflow schedules', () => {
  it('creates, lists, shows, pauses, resumes and deletes a schedule', async () => {
    const created = await cli('schedules', 'create', 'a', 'b', '--cron', '0 0 3 * * *', '--timezone', 'Europe/Madrid', '--name', 'nightly',
      '--label', 'nightly {tick}', '--overlap', 'cancel', '--json');
    expect(created).toMatchObject({ code: 0, err: '' });
    const schedule = JSON.parse(created.out) as { id: string; nextRuns: string[]; batch: { clientIds: string[] }; overlap: string };
    expect(schedule).toMatchObject({ batch: { clientIds: ['a', 'b'], label: 'nightly {tick}' }, overlap: 'cancel' });
    expect(new Date(schedule.nextRuns[0]!).toLocaleTimeString('en-GB', { timeZone: 'Europe/Madrid' })).toBe('03:00:00');

    const list = await cli('schedules', 'list');
    expect(list.out).toMatch(new RegExp(`^${schedule.id}  nightly\\s+cron "0 0 3 \\* \\* \\*" Europe/Madrid\\s+next ${schedule.nextRuns[0]}  no tick yet\\n$`));
    const shown = await cli('schedules', 'show', schedule.id);
    expect(shown.out.split('\n').filter((l) => l.startsWith('  next'))).toHaveLength(5);
    expect((await cli('schedules', 'pause', schedule.id)).out).toContain('paused');
    expect((await cli('schedules', 'resume', schedule.id)).out).toContain(`next ${schedule.nextRuns[0]}`);
    expect(await cli('schedules', 'delete', schedule.id)).toEqual({ code: 0, out: `schedule ${schedule.id} deleted (its batches stay)\n`, err: '' });
    const gone = await cli('schedules', 'show', schedule.id);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/404/);
  });

  it('says what is missing: exit 2 for a usage mistake, 1 with the service\'s words for a refused schedule', async () => {
    const neither = await cli('schedules', 'create', 'a');
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('give --cron EXPR (with --timezone TZ) or --every-ms N');
    const bad = await cli('schedules', 'create', 'a', '--cron', '0 0 31 2 *');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('/body/cron has no run in the future');
  });
});
