// `npm run e2e:mock`: start the mock control plane on a free port, run the e2e suite against it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from './mock-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'cloudwg-mock-'));
const server = await startMockServer({ port: 0, stateDir });
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', join(here, 'flow.test.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, CLOUDWG_URL: server.url, CLOUDWG_STATE_DIR: stateDir, CLOUDWG_MOCK: '1', CLOUDWG_SETUP_TOKEN: '' },
});
const code = await new Promise((r) => child.on('exit', (c, sig) => r(c ?? (sig ? 1 : 0))));
await server.close();
rmSync(stateDir, { recursive: true, force: true });
process.exit(code);
