/** Imported first by src/server.ts: stops on a too old Node before better-sqlite3 loads (see node-version.ts). */
import { requireSupportedNode } from './node-version.js';

requireSupportedNode();
