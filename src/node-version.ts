/**
 * The oldest Node.js the service runs on, checked before anything loads better-sqlite3.
 *
 * better-sqlite3 13 ships prebuilt Node-API 10 addons, and Node.js has Node-API 10 from 22.14 on;
 * undici 8 (webhook delivery) needs 22.19.
 * On an older Node (the system Node 20 of a machine whose `npm ci` did not install the project's
 * own Node 24, say) the addon does not fail with an error: it crashes the process with a
 * segmentation fault. Importing this module first turns that into one line saying what to do.
 * It is the one check: package.json has no `engines`, which made npm warn twice on every fresh
 * `npx clientflow` (npx links the checkout into its cache and checked the link and its target),
 * even though the command runs on the project's own Node 24 (node_modules/.bin first on PATH).
 */
export const MIN_NODE = '22.19.0';

/** Whether `version` ("v22.14.0" or "22.14.0") is MIN_NODE or newer. */
export function nodeSupported(version: string): boolean {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = MIN_NODE.split('.').map(Number);
  for (let i = 0; i < need.length; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h !== n) return h > n;
  }
  return true;
}

/** Exits with one line on stderr when this process's Node is too old. */
export function requireSupportedNode(): void {
  if (nodeSupported(process.version)) return;
  process.stderr.write(
    `clientflow: Node.js ${process.version} at ${process.execPath} is too old: it needs Node.js ${MIN_NODE} or newer `
    + '(Node.js 24 LTS recommended). Run it through npm (npm start, npm test) after npm ci, '
    + 'which installs the project\'s own Node.js 24, or install Node.js 24.\n',
  );
  process.exit(1);
}
