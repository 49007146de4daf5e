import { describe, expect, it } from 'vitest';
import { routes as campaignRoutes } from '../../functions/campaign-api/routes.ts';
import { routes as householdRoutes } from '../../functions/households-api/routes.ts';
import { routes as leadRoutes } from '../../functions/leads-api/routes.ts';
import { routes as staffRoutes } from '../../functions/staff-api/routes.ts';
import { type FunctionName, specOf } from '../../infra/manifest.ts';
import { router } from '../../shared/http/router.ts';

const tables = {
  'campaign-api': campaignRoutes,
  'households-api': householdRoutes,
  'leads-api': leadRoutes,
  'staff-api': staffRoutes,
};

describe('route tables', () => {
  it.each(Object.entries(tables))(
    '%s serves exactly the routes its definition gives API Gateway',
    (name, table) => {
      const declared = specOf(name as FunctionName).routes!.map((r) => `${r.method} ${r.path}`);
      expect(Object.keys(table).sort()).toEqual([...declared].sort());
    },
  );

  it('answers NOT_FOUND for a route key it does not hold, inherited ones included', async () => {
    const serve = router(async () => ({}), { 'GET /a': async () => ({ statusCode: 200 }) });
    for (const routeKey of ['GET /b', 'constructor', 'toString'])
      await expect(serve({ routeKey } as never)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(serve({ routeKey: 'GET /a' } as never)).resolves.toMatchObject({ statusCode: 200 });
  });
});
