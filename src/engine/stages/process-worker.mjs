// The process pool's worker when the service runs from its TypeScript sources (npx tsx, vitest,
// `node --import tsx`): a worker thread does not inherit a loader registered in the main thread
// (vitest transforms modules without one), so this plain module registers tsx in the worker
// and re-exports the worker's TypeScript module. The compiled service (dist/) loads
// process-worker.js directly and never this file.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./process-worker.ts', import.meta.url);

export default worker.default;
