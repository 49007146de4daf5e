/** Prints the local definitions as JSON (run by `loadLocalDefinitions` in a child process). */
import { synthesizeLocalDefinitions } from './definitions.ts';

process.stdout.write(JSON.stringify(synthesizeLocalDefinitions()));
