/**
 * `npm run check`: lints docker-compose.yml and deploy/ (see deploy-lint/). Prints one line per
 * problem and exits 1 on any.
 */
import { fileURLToPath } from 'node:url';
import { lintDeploy, registeredSeries } from './deploy-lint/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = lintDeploy(root, await registeredSeries());
for (const problem of problems) process.stderr.write(`${problem}\n`);
if (problems.length > 0) process.exit(1);
process.stdout.write('docker-compose.yml and deploy/ pass the deploy lint\n');
