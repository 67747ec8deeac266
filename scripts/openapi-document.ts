/** The OpenAPI document of a default-configuration app: what openapi/openapi.json must hold. */
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { createService } from '../src/service.js';

export async function openApiText(): Promise<string> {
  const service = await createService(loadConfig({}, { DB_PATH: ':memory:' }), { logger: pino({ level: 'silent' }) });
  try {
    await service.app.ready();
    return `${JSON.stringify(service.app.swagger(), null, 2)}\n`;
  } finally {
    await service.stop();
  }
}
