/** Prints the local definitions as JSON (run by `loadLocalDefinitions` in a child process). */
import { synthesizeLocalDefinitions } from './definitions.ts';

const { monitoringApplication, handlers, byName } = synthesizeLocalDefinitions();
process.stdout.write(JSON.stringify({ monitoringApplication, handlers: [...handlers], byName: [...byName] }));
