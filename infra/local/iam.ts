/**
 * IAM as AWS would apply it to the local twin's calls: each function signs its requests with the
 * credentials the twin gave it (as Lambda gives each function its role's), and every local service
 * asks this evaluator whether that role's synthesized policies allow the action on the resource. The
 * evaluation is `@cloud-copilot/iam-simulate`'s, not ours; decisions are cached per role, action and
 * resource, since policies do not change while the stack runs.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT, type LocalFunction, type PolicyDocument } from './definitions.ts';

export interface Caller {
  function: LocalFunction;
  accessKeyId: string;
}

export interface Denial {
  caller: Caller;
  action: string;
  resource: string;
  /** the message AWS answers with */
  message: string;
}

export class IamEvaluator {
  private readonly byKey = new Map<string, Caller>();
  private readonly decisions = new Map<string, Promise<boolean>>();

  constructor(
    callers: Caller[],
    /** the key the twin's own machinery (engine, seed, `/_local/*`) signs with: AWS's side of things */
    private readonly serviceKey: string,
    private readonly resourcePolicies: {
      matches: (resource: string) => boolean;
      policy: PolicyDocument;
    }[] = [],
  ) {
    for (const caller of callers) this.byKey.set(caller.accessKeyId, caller);
  }

  /** The function behind an access key; `service` for the twin itself; undefined for a stranger. */
  callerOf(accessKeyId: string | undefined): Caller | 'service' | undefined {
    if (!accessKeyId) return undefined;
    if (accessKeyId === this.serviceKey) return 'service';
    return this.byKey.get(accessKeyId);
  }

  /** Every action/resource pair a request needs; the first denied one, or undefined when all pass. */
  async check(
    accessKeyId: string | undefined,
    needs: { action: string; resource: string }[],
  ): Promise<Denial | { unknownKey: true } | undefined> {
    const caller = this.callerOf(accessKeyId);
    if (caller === 'service') return undefined;
    if (!caller) return { unknownKey: true };
    for (const need of needs) {
      if (!(await this.allowed(caller, need.action, need.resource))) {
        const principal = principalOf(caller);
        return {
          caller,
          ...need,
          message: `User: ${principal} is not authorized to perform: ${need.action} on resource: ${need.resource} because no identity-based policy allows the ${need.action} action (function ${caller.function.name})`,
        };
      }
    }
    return undefined;
  }

  private allowed(caller: Caller, action: string, resource: string): Promise<boolean> {
    const key = `${caller.accessKeyId} ${action} ${resource}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.simulate(caller, action, resource);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private async simulate(caller: Caller, action: string, resource: string): Promise<boolean> {
    const resourcePolicy = this.resourcePolicies.find((p) => p.matches(resource))?.policy;
    const simulation: Simulation = {
      identityPolicies: caller.function.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        principal: principalOf(caller),
        action,
        resource: {
          resource,
          accountId: resource.startsWith('arn:aws:s3:::') ? LOCAL_ACCOUNT : accountOf(resource),
        },
        // the twin stands for AWS's TLS endpoints
        contextVariables: { 'aws:SecureTransport': 'true' },
      },
    };
    const result = await runSimulation(simulation, {});
    // The published reference lists no resource type for a few actions that the service in fact
    // authorizes against one (states:SendTaskSuccess / SendTaskFailure on the state machine, as
    // AWS's own denials name it); those are evaluated without the reference's resource validation.
    if (result.resultType === 'error' && JSON.stringify(result.errors).includes('must.use.wildcard'))
      return runUnsafeSimulation(simulation, {}) === 'Allowed';
    if (result.resultType === 'error')
      throw new Error(`IAM simulation of ${action} on ${resource} failed: ${JSON.stringify(result.errors)}`);
    return result.overallResult === 'Allowed';
  }
}

/** The session a function's calls are made as: its role, assumed under the function's name. */
const principalOf = (caller: Caller) =>
  `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${caller.function.roleArn.split('/').pop()}/${caller.function.logicalId}`;

const accountOf = (arn: string) => arn.split(':')[4] || LOCAL_ACCOUNT;
