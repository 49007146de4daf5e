/** One definition, two engines: the local engine runs exactly the ASL CDK synthesizes. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CHAINS, resolveTarget, type Stage } from '#domain/stages';
import { FangfanStack } from '../../infra/aws/fangfan-stack.ts';
import { localContext, localFunctionArn, synthesizeLocalDefinitions } from '../../infra/local/definitions.ts';

describe('monitoring application workflow', () => {
  const synthesized = synthesizeLocalDefinitions();
  const local = {
    monitoringApplication: synthesized.machines[0]!.definition,
    riskElimination: synthesized.machines[1]!.definition,
  };

  it('is the synthesized ASL with only the function ARNs resolved', () => {
    const app = new App({ context: { ...localContext({}), 'aws:cdk:bundling-stacks': [] } });
    const stack = new FangfanStack(app, 'Fangfan');
    const machine = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>).find(
      (r) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    const text = parts
      .map((p) =>
        typeof p === 'string'
          ? p
          : (p as any)['Fn::GetAtt']
            ? localFunctionArn((p as any)['Fn::GetAtt'][0])
            : 'aws',
      )
      .join('');
    expect(local.monitoringApplication).toEqual(JSON.parse(text));
    for (const fn of synthesized.functions) expect(fn.arn).toMatch(/^arn:aws:lambda:local:/);
  });

  it('names its states as the policy does, and every human step has a timeout', () => {
    const states = local.monitoringApplication.States as Record<string, any>;
    for (const name of [
      'AwaitCommitment',
      'VillageGroupReview',
      'VillageCommitteeReview',
      'Publicity',
      'ObjectionReview',
      'TownshipReview',
      'DistrictFiling',
      'SystemEntry',
      'Activate',
    ]) {
      expect(states).toHaveProperty(name);
    }
    const human = Object.values(states).filter((s) => String(s.Resource).endsWith('waitForTaskToken'));
    expect(human).toHaveLength(7);
    for (const s of human) {
      expect(s.TimeoutSeconds).toBeGreaterThan(0);
      expect(s.Catch[0].ErrorEquals).toEqual(['States.Timeout']);
    }
    const publicity = states.Publicity.Branches[0].States;
    expect(publicity.PublicityWait.TimestampPath).toBe('$.publicity.endsAt');
  });

  it('builds 风险消除 from the same fragments: the check, 评议, publicity, the levels, the marking', () => {
    const states = local.riskElimination.States as Record<string, any>;
    expect(local.riskElimination.StartAt).toBe('CheckProposal');
    for (const name of [
      'ProposalEligible',
      'VillageCommitteeReview',
      'Publicity',
      'PublicityOutcome',
      'TownshipReview',
      'DistrictFiling',
      'PrepareEntryBatch',
      'SystemEntry',
      'MarkEliminated',
      'Withdraw',
      'Reject',
    ]) {
      expect(states).toHaveProperty(name);
    }
    expect(states).not.toHaveProperty('AwaitCommitment');
    const [publicityBranch, recheck] = states.Publicity.Branches;
    expect(Object.keys(publicityBranch.States)).toEqual(
      Object.keys(local.monitoringApplication.States.Publicity.Branches[0].States),
    );
    expect(recheck.StartAt).toBe('EliminationRecheck');
    expect(states.VillageCommitteeReviewDecision.Choices[1].Next).toBe('Withdraw');
  });

  it.each([
    ['IDENTIFICATION', 'monitoringApplication', true],
    ['IDENTIFICATION', 'monitoringApplication', false],
    ['ELIMINATION', 'riskElimination', false],
  ] as const)(
    'routes every %s decision as the chain table says (%s, group review %s)',
    (kind, machine, groupReview) => {
      const states = local[machine].States as Record<string, any>;
      const payload = (name: string) => states[name]?.Parameters?.Payload ?? states[name]?.Parameters ?? {};
      const ENDINGS: Record<string, Stage> = {
        activate: 'ACTIVE',
        reject: 'REJECTED',
        withdraw: 'WITHDRAWN',
        markEliminated: 'RISK_ELIMINATED',
        awaitCommitment: 'AWAITING_COMMITMENT',
      };
      // the stage a state enters, following choices on 村民小组评议 and the steps on the way in
      const entered = (name: string): Stage => {
        for (let hops = 0; hops < 10; hops++) {
          const state = states[name];
          const step = payload(name).step;
          if (step === 'requestApproval') return payload(name).stage;
          if (ENDINGS[step]) return ENDINGS[step]!;
          if (state.Type === 'Parallel' && name === 'Publicity') return 'PUBLICITY';
          if (state.Type === 'Choice' && state.Choices[0].Variable === '$.groupReview')
            name = state.Choices[0].BooleanEquals === groupReview ? state.Choices[0].Next : state.Default;
          else if (step === 'systemEntryBatch') name = state.Next;
          else throw new Error(`state ${name} enters no stage`);
        }
        throw new Error(`no stage reached from ${name}`);
      };
      const levels = Object.keys(states).filter((n) => payload(n).step === 'requestApproval');
      expect(levels.map((n) => payload(n).stage).sort()).toEqual(CHAINS[kind].map((row) => row.stage).sort());
      for (const name of levels) {
        const decision = states[states[name].Next];
        const branch = (value: string) =>
          decision.Choices.find((c: any) => c.Variable === '$.step.decision' && c.StringEquals === value)
            .Next;
        const row = CHAINS[kind].find((r) => r.stage === payload(name).stage)!;
        expect(entered(branch('approve'))).toBe(resolveTarget(row.approve, groupReview));
        expect(entered(branch('return'))).toBe(resolveTarget(row.return, groupReview));
        expect(entered(decision.Default)).toBe('REJECTED');
      }
    },
  );
});
