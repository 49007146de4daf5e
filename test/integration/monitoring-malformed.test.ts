/**
 * Every monitoring endpoint (measures and visits by webhook, plans, contact persons, grids,
 * elimination, the green channel, registry edits and imports) under generated malformed input, on the
 * real local stack: each answers a 4xx with the error shape and writes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#schemas/openapi';
import { applicationBody, countItems, staffRequest, useLocalStack, webhook } from '../support/local-stack.ts';
import { GOOD_ROWS, HEADER, headB, PROPOSAL, VILLAGE } from '../support/monitoring-fixtures.ts';
import { brokenRequests, countBy, type JsonSchema } from '../support/schema-paths.ts';

describe('monitoring endpoints under malformed input', () => {
  const stack = useLocalStack({ FANGFAN_LOCAL_NOW: '2026-03-02T02:00:00Z' });
  const ids: Record<string, string> = {};
  const households: Record<string, string> = {};
  const staff = (method: string, path: string, body?: unknown, personId = 'p-df-302', type?: string) =>
    staffRequest(stack, method, path, body, personId, type);

  it('has a registry and an application to aim at', async () => {
    const imported = await staff(
      'POST',
      '/households/import',
      [HEADER, ...GOOD_ROWS].join('\n'),
      'p-df-302',
      'text/csv',
    );
    expect(imported.status).toBe(200);
    for (const h of (await staff('GET', `/villages/${VILLAGE}/households`)).body.items as any[])
      if (h.head) households[h.head.name] = h.householdId;
    const applied = await webhook(
      stack,
      '/webhooks/applications',
      applicationBody({
        applicant: { name: '王五', idNumber: headB, phone: '13800001002' },
        riskTypes: ['LACK_OF_LABOUR'],
        householdSize: 2,
        declaredAnnualIncome: 6800,
      }),
    );
    expect(applied.status).toBe(202);
    ids.B = applied.body.applicationId;
    expect(households.王五).toBeDefined();
  });

  it('answers malformed input on every new endpoint with a clear 4xx and writes nothing', async () => {
    const id = households.王五!;
    const schemas = openApiDocument().components.schemas as Record<string, JsonSchema>;
    const valid: Record<
      string,
      { method: string; path: string; body: Record<string, unknown>; signed?: boolean; who?: string }
    > = {
      MeasureRequest: {
        method: 'POST',
        path: '/webhooks/measures',
        signed: true,
        body: {
          requestId: 'm-fuzz-0001',
          householdId: id,
          year: 2026,
          measure: {
            type: 'HEALTH',
            content: '家庭医生签约',
            responsible: { name: '村委1' },
            startsOn: '2026-03-01',
            status: 'DONE',
          },
        },
      },
      VisitRequest: {
        method: 'POST',
        path: '/webhooks/visits',
        signed: true,
        body: {
          requestId: 'v-fuzz-0001',
          householdId: id,
          visitorPersonId: 'p-gl-201',
          visitedOn: '2026-03-03',
          findings: '情况稳定',
        },
      },
      PlanUpdate: { method: 'PUT', path: `/households/${id}/plans/2026`, body: { version: 1, measures: [] } },
      ContactRequest: {
        method: 'PUT',
        path: `/households/${id}/contact`,
        body: { gridId: 'g1', contactPersonId: 'p-vc-201', reason: '调整联系人' },
      },
      GridRequest: {
        method: 'PUT',
        path: `/villages/${VILLAGE}/grids/g2`,
        body: { name: '第二网格', members: ['p-vc-201'] },
      },
      EliminationRequest: {
        method: 'POST',
        path: `/households/${id}/elimination`,
        who: 'p-vc-201',
        body: PROPOSAL,
      },
      GreenChannelRequest: {
        method: 'POST',
        path: `/applications/${ids.B!}/green-channel`,
        who: 'p-tr-105',
        body: { reason: '突发', measures: [{ type: 'HEALTH', content: '医疗救助' }] },
      },
      HouseholdUpdate: {
        method: 'PUT',
        path: `/households/${id}`,
        body: { householdType: 'LIFTED', phone: '13800001002', members: [], incomes: [] },
      },
    };
    const broken = fc.oneof(
      brokenRequests(schemas, valid) as fc.Arbitrary<any>,
      fc.string({ maxLength: 300 }).map((csv) => ({
        method: 'POST',
        path: '/households/import',
        body: csv as unknown as Record<string, unknown>,
        csv: true,
      })),
    );
    const before = await countItems(stack);
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(broken, async (request: any) => {
        if (request.signed) {
          const response = await webhook(stack, request.path, request.body, 'mini-program');
          statuses.push(response.status);
          return (
            response.status >= 400 && response.status < 500 && typeof response.body.error.message === 'string'
          );
        }
        const response = await staff(
          request.method,
          request.path,
          request.body,
          request.who,
          request.csv ? 'text/csv' : undefined,
        );
        statuses.push(response.status);
        return (
          response.status >= 400 && response.status < 500 && typeof response.body.error.message === 'string'
        );
      }),
      { numRuns: 150 },
    );
    console.log(`monitoring endpoints: 150 malformed requests → ${JSON.stringify(countBy(statuses))}`);
    expect(await countItems(stack)).toEqual(before);
  });
});
