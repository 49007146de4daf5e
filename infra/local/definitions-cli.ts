/** Prints the local definitions as JSON (run by `loadLocalDefinitions` in a child process). */
import { synthesizeLocalDefinitions } from './definitions.ts';

const { monitoringApplication, riskElimination, handlers, byName } = synthesizeLocalDefinitions();
process.stdout.write(
  JSON.stringify({ monitoringApplication, riskElimination, handlers: [...handlers], byName: [...byName] }),
);
