/** One definition, two engines: the local engine runs exactly the ASL CDK synthesizes. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
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
});
