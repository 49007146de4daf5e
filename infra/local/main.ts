/**
 * `npm start`: the local stack, seeded with a sample township on first start; with
 * `FANGFAN_PROFILE=production`, a township's own machine (README, "Run on the township's own machine").
 */
import { startLocalStack } from './stack.ts';

const stack = await startLocalStack();
if (process.env.FANGFAN_PROFILE === 'production')
  console.log(`Fangfan (production profile)
  API            ${stack.url}
  console        ${stack.url}/console
  channel secrets ${stack.secretsFile}
  data           ${stack.dataDir}`);
else
  console.log(`Fangfan local stack
  API            ${stack.url}
  console        ${stack.url}/console  (sign in with a person id, e.g. p-tr-105)
  OpenAPI        ${stack.url}/openapi.json
  directory      ${stack.url}/_local/directory
  outbox         ${stack.url}/_local/outbox
  clock          ${stack.url}/_local/clock
  channel secrets ${stack.secretsFile}
  data           ${stack.dataDir}`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
