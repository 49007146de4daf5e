/**
 * Loads configuration into a deployed table (AWS credentials, TABLE_NAME and DATA_KEY_ARN — the stack's
 * `TableName` and `PersonalDataKeyArn` outputs — from the environment; phones are sealed under the key):
 *   npx tsx scripts/configure.ts directory directory.json   — villages, groups and approvers
 *   npx tsx scripts/configure.ts holidays 2027.json          — a year's holidays and make-up workdays
 * Locally the stack is seeded, and `POST /_local/calendar` takes the same holiday document.
 */
import { readFileSync } from 'node:fs';
import { configureCalendarYear } from '#cases/configuration';
import { validate } from '#http/body';
import { HttpError } from '#http/errors';
import { runtimeClock } from '#runtime/aws-ports';
import { calendarYear, directory } from '#schemas/config';
import { DynamoStore } from '#store/dynamodb-store';

const [what, file] = process.argv.slice(2);
if (!file || (what !== 'directory' && what !== 'holidays')) {
  console.error('usage: configure.ts directory|holidays <file.json>');
  process.exit(2);
}
try {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  const store = new DynamoStore();
  if (what === 'directory') await store.putDirectory(validate(directory, document));
  else
    await configureCalendarYear(
      { store, clock: runtimeClock },
      validate(calendarYear, document),
      'configure-script',
    );
  console.log(`${what} loaded from ${file}`);
} catch (error) {
  if (error instanceof HttpError) {
    console.error(error.message);
    for (const field of error.fields ?? []) console.error(`  ${field.path}: ${field.message}`);
    process.exit(1);
  }
  throw error;
}
