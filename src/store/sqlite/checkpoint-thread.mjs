// The checkpoint thread when the service runs from its TypeScript sources (npx tsx, vitest,
// `node --import tsx`): a worker thread does not inherit a loader registered in the main thread,
// so this plain module registers tsx in the worker and loads the thread's TypeScript module. The
// compiled service (dist/) loads checkpoint-thread.js directly and never this file.
import { tsImport } from 'tsx/esm/api';

await tsImport('./checkpoint-thread.ts', import.meta.url);
