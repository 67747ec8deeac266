/** vitest.config.ts's split: PostgreSQL starts only for the files that reach test/postgres/database.ts. */
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';

interface Project { test: { name: string; include: string[]; exclude?: string[]; globalSetup?: string[] } }

function project(name: string): Project['test'] {
  const found = (config.test?.projects as Project[]).find((p) => p.test.name === name);
  if (!found) throw new Error(`no vitest project ${name}`);
  return found.test;
}

describe('vitest projects', () => {
  it('puts the files that import the test database, directly or through a helper, in the one project that starts PostgreSQL', () => {
    const postgres = project('postgres');
    expect(postgres.globalSetup).toEqual(['test/postgres/global-setup.ts']);
    // Directly (./postgres/database.js, ../postgres/database.js, ./database.js) …
    expect(postgres.include).toEqual(expect.arrayContaining([
      'test/tenancy.test.ts', 'test/store/postgres.test.ts', 'test/postgres/harness.test.ts',
    ]));
    // … or through a helper (test/stores.ts, for the suites that run on both stores) …
    expect(postgres.include).toEqual(expect.arrayContaining(['test/admission.test.ts', 'test/events.test.ts']));
    // … and never a file that does not.
    expect(postgres.include).not.toContain('test/store/claim-plan.test.ts');
  });

  it('runs every other file in a project without a database', () => {
    const unit = project('unit');
    expect(unit.globalSetup).toBeUndefined();
    expect(unit.exclude).toEqual(project('postgres').include);
  });
});
