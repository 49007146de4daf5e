/**
 * One router for the functions that serve several routes: a table from API Gateway's route key
 * (`GET /households/{id}`, as `infra/manifest.ts` declares it) to a handler that parses, calls one use
 * case and answers. The caller is found before the route, so an unknown token is 401/403, not 404.
 */
import type { CaseContext } from '#cases/context';
import { caseContext } from '#cases/context';
import type { Directory, Person } from '#domain/directory';
import { HttpError } from './errors.ts';
import type { HttpEvent, HttpResult } from './responses.ts';
import { staffCaller } from './staff-caller.ts';

/** What a staff route gets besides its event: the use-case context and who calls. */
export interface StaffRequest {
  ctx: CaseContext;
  caller: Person;
  directory: Directory;
  /** the route's path parameters, never undefined */
  params: Record<string, string | undefined>;
}

export type Routes<R> = Readonly<Record<string, (event: HttpEvent, request: R) => Promise<HttpResult>>>;

export function router<R>(prepare: (event: HttpEvent) => Promise<R>, routes: Routes<R>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const request = await prepare(event);
    const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    if (!route) throw new HttpError('NOT_FOUND', '未知的接口');
    return route(event, request);
  };
}

/** The staff APIs' router: every route is called by a directory person with a valid token. */
export const staffRouter = (routes: Routes<StaffRequest>) =>
  router(async (event): Promise<StaffRequest> => {
    const ctx = await caseContext();
    const { caller, directory } = await staffCaller(ctx, event);
    return { ctx, caller, directory, params: event.pathParameters ?? {} };
  }, routes);
