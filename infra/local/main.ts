/** `npm start`: the local stack, seeded with a sample township on first start. */
import { startLocalStack } from './stack.ts';

const stack = await startLocalStack();
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
