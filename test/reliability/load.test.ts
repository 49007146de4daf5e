/**
 * R7: applications across 20 villages driven through the whole chain with the business clock; each
 * ends as scripted (ACTIVE, REJECTED, LAPSED) and its audit trail is complete.
 */
import { describe, expect, it } from 'vitest';
import {
  applicationBody,
  auditTrail,
  driveAll,
  getApplication,
  pool,
  scale,
  until,
  upload,
  useLocalStack,
  webhook,
} from '../support/local-stack.ts';

const stack = useLocalStack({
  FANGFAN_LOCAL_NOW: '2026-07-01T01:00:00Z',
  FANGFAN_SEED_VILLAGES: '20',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

type Script = 'ACTIVE' | 'REJECTED' | 'LAPSED';
const scriptFor = (i: number): Script => (i % 10 === 3 ? 'REJECTED' : i % 10 === 7 ? 'LAPSED' : 'ACTIVE');
const ENDING: Record<Script, string> = {
  ACTIVE: 'MONITORING_ACTIVATED',
  REJECTED: 'APPLICATION_REJECTED',
  LAPSED: 'APPLICATION_LAPSED',
};

describe('R7 load through the whole chain', () => {
  it('ends every application as scripted, with a complete audit trail', async () => {
    const n = scale(40, 1000);
    const started = Date.now();
    const cases = await pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      async (i) => {
        const village = `341302105${201 + (i % 20)}`;
        const answer = await webhook(
          stack,
          '/webhooks/applications',
          applicationBody({ village, group: '第一村民小组' }),
        );
        expect(answer.status).toBe(202);
        await upload(answer.body.commitment.uploadUrl);
        return { id: answer.body.applicationId as string, script: scriptFor(i) };
      },
    );
    const ids = cases.map((c) => c.id);
    const stages = await driveAll(stack, ids, {
      leave: new Set(cases.filter((c) => c.script === 'LAPSED').map((c) => c.id)),
      reject: new Set(cases.filter((c) => c.script === 'REJECTED').map((c) => c.id)),
      timeoutMs: scale(300_000, 3_600_000),
    });
    const seconds = (Date.now() - started) / 1000;

    for (const c of cases) expect(stages.get(c.id), c.id).toBe(c.script);
    await pool(cases, 10, async (c) => {
      // the ending step runs just after a rejecting decision sets the stage
      const audit = await until('the ending recorded', async () => {
        const trail = await auditTrail(stack, c.id);
        return trail.some((a) => a.action === ENDING[c.script]) ? trail : undefined;
      });
      const app = await getApplication(stack, c.id);
      const actions = audit.map((a) => a.action);
      const decisions = app.history.filter((h: { decision: string }) =>
        ['approve', 'return', 'reject'].includes(h.decision),
      );
      const trail = `${c.script} ${app.stage} ${actions.join(',')}`;
      expect(
        actions.filter((a) => a === 'APPLICATION_SUBMITTED'),
        trail,
      ).toHaveLength(1);
      expect(
        actions.filter((a) => a === 'COMMITMENT_ACCEPTED'),
        trail,
      ).toHaveLength(1);
      expect(actions.filter((a) => a === 'APPROVAL_DECIDED')).toHaveLength(decisions.length);
      expect(
        actions.filter((a) => a === ENDING[c.script]),
        trail,
      ).toHaveLength(1);
    });
    const tally = cases.reduce<Record<string, number>>(
      (t, c) => ({ ...t, [c.script]: (t[c.script] ?? 0) + 1 }),
      {},
    );
    console.log(
      `R7: ${n} applications in 20 villages → ${JSON.stringify(tally)} as scripted in ${seconds.toFixed(0)} s; audit complete`,
    );
  }, 4_000_000);
});
