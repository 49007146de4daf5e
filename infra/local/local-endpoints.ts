/**
 * `/_local/*` (CONTRACT.md, Local mode only): the directory, staff logins, the outbox, the business
 * clock, and holiday data for a year the packaged calendar does not carry. Absent on AWS.
 */

import { iso, object, string } from 'zod';
import { configureCalendarYear } from '#cases/configuration';
import { maskPhone } from '#domain/masking';
import { parseJsonText, validate } from '#http/body';
import { HttpError, statusOf } from '#http/errors';
import { signToken } from '#links/signed-token';
import { runtimeClock } from '#runtime/aws-ports';
import { calendarYear } from '#schemas/config';
import type { DynamoStore } from '#store/dynamodb-store';
import type { BusinessClock } from './business-clock.ts';
import type { LocalEndpoint } from './gateway.ts';
import type { LocalOutbox } from './outbox.ts';

const login = object({ personId: string({ error: 'personId 必填' }) });
const clockMove = object({
  advance: string()
    .regex(/^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, '应为ISO 8601时长，如 P6D')
    .optional(),
  now: iso.datetime({ offset: true, error: '应为ISO 8601时间' }).optional(),
}).refine((b) => b.advance || b.now, '需要 advance 或 now');

export function localEndpoints(deps: {
  store: DynamoStore;
  outbox: LocalOutbox;
  clock: BusinessClock;
  staffTokenKey: string;
  /** resolves once the messages written so far have been handed to the sender */
  settle: () => Promise<void>;
}): LocalEndpoint {
  const { store, clock } = deps;
  const routes: Record<string, (query: URLSearchParams, body: () => unknown) => Promise<unknown>> = {
    // phones are sealed at rest; the twin shows them as any reader sees them
    'GET /_local/directory': async () => {
      const directory = await store.getDirectory();
      return { ...directory, people: directory.people.map((p) => ({ ...p, phone: maskPhone(p.phone) })) };
    },
    'POST /_local/login': async (_, body) => {
      const { personId } = validate(login, body());
      const directory = await store.getDirectory();
      if (!directory.people.some((p) => p.personId === personId))
        throw new HttpError('FORBIDDEN', '名录中没有此人');
      return {
        token: signToken({ p: personId, e: Math.floor(Date.now() / 1000) + 12 * 3600 }, deps.staffTokenKey),
      };
    },
    // what the twin's SMS endpoint received; first waits for the sender to take what is written
    // (messages go out shortly after the change that causes them), unless `settle=0`
    'GET /_local/outbox': async (query) => {
      if (query.get('settle') !== '0') await deps.settle();
      return { items: await deps.outbox.list(query.get('to') ?? undefined) };
    },
    'GET /_local/clock': async () => ({ now: new Date(clock.now()).toISOString() }),
    'POST /_local/clock': async (_, body) => {
      clock.advance(validate(clockMove, body()));
      return { now: new Date(clock.now()).toISOString() };
    },
    /** items per kind, to prove that refused requests wrote nothing */
    'GET /_local/stats': async () => {
      await deps.settle();
      return { items: await store.countItems() };
    },
    'GET /_local/calendar': () => store.getCalendarData(),
    'POST /_local/calendar': async (_, body) => {
      const year = validate(calendarYear, body());
      await configureCalendarYear({ store, clock: runtimeClock }, year, 'local');
      return store.getCalendarData();
    },
  };
  return async ({ method, path, query, body }) => {
    const route = routes[`${method} ${path}`];
    if (!route) return undefined;
    try {
      return { status: 200, body: await route(query, () => parseJsonText(body || '{}')) };
    } catch (error) {
      if (error instanceof HttpError) return { status: statusOf(error), body: error.toBody() };
      throw error;
    }
  };
}
