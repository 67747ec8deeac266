/**
 * The `clientflow` command (bin/clientflow.js runs this file): operations beside the server, with
 * its configuration. The subcommands are in cli/commands.ts.
 */
// First: on a too old Node, one clear line and exit 1 before better-sqlite3 would crash it.
import './require-node.js';
import { runCli } from './cli/commands.js';

process.exitCode = await runCli(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr, in: process.stdin });
