/**
 * Stages of a monitoring application (CONTRACT.md, Stages) and the moves between them. The workflow
 * drives the moves; these functions say which are allowed and where a decision leads, so the approval
 * page can answer with the stage after the decision before the workflow has caught up.
 */

export const STAGES = [
  'SUBMITTED',
  'AWAITING_COMMITMENT',
  'GROUP_REVIEW',
  'VILLAGE_REVIEW',
  'PUBLICITY',
  'OBJECTION_REVIEW',
  'TOWNSHIP_REVIEW',
  'DISTRICT_FILING',
  'SYSTEM_ENTRY',
  'ACTIVE',
  'REJECTED',
  'LAPSED',
  'WITHDRAWN',
  'RISK_ELIMINATED',
] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  SUBMITTED: '已受理',
  AWAITING_COMMITMENT: '待上传承诺书',
  GROUP_REVIEW: '村民小组评议',
  VILLAGE_REVIEW: '村两委核实评议',
  PUBLICITY: '村内公示',
  OBJECTION_REVIEW: '公示异议复核',
  TOWNSHIP_REVIEW: '乡党委政府审核',
  DISTRICT_FILING: '区乡村振兴部门备案',
  SYSTEM_ENTRY: '全国系统录入标注',
  ACTIVE: '已纳入监测',
  REJECTED: '未通过',
  LAPSED: '已超时失效',
  WITHDRAWN: '已撤回',
  RISK_ELIMINATED: '已标注风险消除',
};

/**
 * What a case is for: 识别纳入 (a household becomes a monitoring object) or 风险消除 (it is marked as
 * no longer at risk). Both run the same approval levels and publicity.
 */
export const CASE_KINDS = { IDENTIFICATION: '纳入监测', ELIMINATION: '风险消除' } as const;
export type CaseKind = keyof typeof CASE_KINDS;

export const FINAL_STAGES: readonly Stage[] = [
  'ACTIVE',
  'REJECTED',
  'LAPSED',
  'WITHDRAWN',
  'RISK_ELIMINATED',
];
export const isFinal = (stage: Stage): boolean => FINAL_STAGES.includes(stage);

export const ROLES = [
  'GROUP_LEADER',
  'VILLAGE_COMMITTEE',
  'TOWNSHIP_REVIEWER',
  'DISTRICT_FILER',
  'SYSTEM_ENTRY_CLERK',
] as const;
export type Role = (typeof ROLES)[number];

export type ApprovalStage =
  | 'GROUP_REVIEW'
  | 'VILLAGE_REVIEW'
  | 'OBJECTION_REVIEW'
  | 'TOWNSHIP_REVIEW'
  | 'DISTRICT_FILING'
  | 'SYSTEM_ENTRY';
export type Decision = 'approve' | 'return' | 'reject';
export type ScopeLevel = 'village' | 'township' | 'district';

export interface ApprovalLevel {
  stage: ApprovalStage;
  /** who decides */
  role: Role;
  scope: ScopeLevel;
  /** who is told when the step is overdue past its reminder (the level above) */
  escalateTo: { role: Role; scope: ScopeLevel };
  /** the step records the meeting of 村两委, 驻村工作队, 村监委会 and 村民代表 */
  recordsMeeting: boolean;
}

export const APPROVAL_LEVELS: Record<ApprovalStage, ApprovalLevel> = {
  GROUP_REVIEW: {
    stage: 'GROUP_REVIEW',
    role: 'GROUP_LEADER',
    scope: 'village',
    escalateTo: { role: 'VILLAGE_COMMITTEE', scope: 'village' },
    recordsMeeting: false,
  },
  VILLAGE_REVIEW: {
    stage: 'VILLAGE_REVIEW',
    role: 'VILLAGE_COMMITTEE',
    scope: 'village',
    escalateTo: { role: 'TOWNSHIP_REVIEWER', scope: 'township' },
    recordsMeeting: true,
  },
  OBJECTION_REVIEW: {
    stage: 'OBJECTION_REVIEW',
    role: 'VILLAGE_COMMITTEE',
    scope: 'village',
    escalateTo: { role: 'TOWNSHIP_REVIEWER', scope: 'township' },
    recordsMeeting: true,
  },
  TOWNSHIP_REVIEW: {
    stage: 'TOWNSHIP_REVIEW',
    role: 'TOWNSHIP_REVIEWER',
    scope: 'township',
    escalateTo: { role: 'DISTRICT_FILER', scope: 'district' },
    recordsMeeting: false,
  },
  DISTRICT_FILING: {
    stage: 'DISTRICT_FILING',
    role: 'DISTRICT_FILER',
    scope: 'district',
    escalateTo: { role: 'DISTRICT_FILER', scope: 'district' },
    recordsMeeting: false,
  },
  SYSTEM_ENTRY: {
    stage: 'SYSTEM_ENTRY',
    role: 'SYSTEM_ENTRY_CLERK',
    scope: 'district',
    escalateTo: { role: 'DISTRICT_FILER', scope: 'district' },
    recordsMeeting: false,
  },
};

export const isApprovalStage = (stage: string): stage is ApprovalStage => stage in APPROVAL_LEVELS;

/** The scope code a role covers for a village: the village itself, its township (9 digits) or district (6). */
export function scopeCode(villageCode: string, scope: ScopeLevel): string {
  if (scope === 'village') return villageCode;
  return scope === 'township' ? villageCode.slice(0, 9) : villageCode.slice(0, 6);
}

export interface ChainOptions {
  /** 村民小组评议 is a level of its own (some provinces drop it) */
  groupReview: boolean;
  /** identification unless said otherwise */
  kind?: CaseKind;
}

/** Where a decision leads; a target that depends on whether 村民小组评议 is a level of its own. */
export type ChainTarget = Stage | { withGroupReview: Stage; withoutGroupReview: Stage };

/** One approval level of a chain: the stages its approve and return lead to (reject ends the case). */
export interface ChainLevel {
  stage: ApprovalStage;
  approve: ChainTarget;
  return: ChainTarget;
}

/**
 * The approval chains, one table per kind of case, in order: the only statement of where a decision
 * leads. The domain answers the approval page from it; the workflows in `workflows/` route their
 * decisions by it, and a test walks the synthesized ASL against it.
 */
export const CHAINS: Record<CaseKind, readonly ChainLevel[]> = {
  IDENTIFICATION: [
    // the first level goes back to the applicant for a new commitment
    { stage: 'GROUP_REVIEW', approve: 'VILLAGE_REVIEW', return: 'AWAITING_COMMITMENT' },
    {
      stage: 'VILLAGE_REVIEW',
      approve: 'PUBLICITY',
      return: { withGroupReview: 'GROUP_REVIEW', withoutGroupReview: 'AWAITING_COMMITMENT' },
    },
    { stage: 'OBJECTION_REVIEW', approve: 'TOWNSHIP_REVIEW', return: 'VILLAGE_REVIEW' },
    { stage: 'TOWNSHIP_REVIEW', approve: 'DISTRICT_FILING', return: 'VILLAGE_REVIEW' },
    { stage: 'DISTRICT_FILING', approve: 'SYSTEM_ENTRY', return: 'TOWNSHIP_REVIEW' },
    { stage: 'SYSTEM_ENTRY', approve: 'ACTIVE', return: 'DISTRICT_FILING' },
  ],
  ELIMINATION: [
    // a proposal returned by 评议 is withdrawn; the 村两委 may propose again
    { stage: 'VILLAGE_REVIEW', approve: 'PUBLICITY', return: 'WITHDRAWN' },
    { stage: 'OBJECTION_REVIEW', approve: 'TOWNSHIP_REVIEW', return: 'VILLAGE_REVIEW' },
    { stage: 'TOWNSHIP_REVIEW', approve: 'DISTRICT_FILING', return: 'VILLAGE_REVIEW' },
    { stage: 'DISTRICT_FILING', approve: 'SYSTEM_ENTRY', return: 'TOWNSHIP_REVIEW' },
    { stage: 'SYSTEM_ENTRY', approve: 'RISK_ELIMINATED', return: 'DISTRICT_FILING' },
  ],
};

/** A chain level of a kind of case. */
export function chainLevel(kind: CaseKind, stage: ApprovalStage): ChainLevel {
  const level = CHAINS[kind].find((l) => l.stage === stage);
  if (!level) throw new Error(`no ${stage} in the ${kind} chain`);
  return level;
}

export const resolveTarget = (target: ChainTarget, groupReview: boolean): Stage =>
  typeof target === 'string' ? target : groupReview ? target.withGroupReview : target.withoutGroupReview;

/** Where `return` sends a case: one level back; the first level goes back to the applicant. */
export function returnTarget(stage: ApprovalStage, options: ChainOptions): Stage {
  return resolveTarget(chainLevel(options.kind ?? 'IDENTIFICATION', stage).return, options.groupReview);
}

/** The stage a decision leads to. */
export function stageAfterDecision(stage: ApprovalStage, decision: Decision, options: ChainOptions): Stage {
  if (decision === 'reject') return 'REJECTED';
  const level = chainLevel(options.kind ?? 'IDENTIFICATION', stage);
  return resolveTarget(decision === 'return' ? level.return : level.approve, options.groupReview);
}

/** The first human stage after the commitment arrives. */
export const firstReviewStage = (options: ChainOptions): ApprovalStage =>
  options.groupReview ? 'GROUP_REVIEW' : 'VILLAGE_REVIEW';

/** Every move the workflow may make; anything else is a bug and is refused by the store. */
export function isAllowedTransition(from: Stage, to: Stage): boolean {
  // staying put is always allowed: an ended case still gets its closing record
  if (from === to) return true;
  if (isFinal(from)) return false;
  if (to === 'REJECTED' || to === 'LAPSED' || to === 'WITHDRAWN') return true;
  const allowed: Record<Stage, readonly Stage[]> = {
    // an elimination proposal goes straight to 评议
    SUBMITTED: ['AWAITING_COMMITMENT', 'VILLAGE_REVIEW'],
    AWAITING_COMMITMENT: ['GROUP_REVIEW', 'VILLAGE_REVIEW'],
    GROUP_REVIEW: ['VILLAGE_REVIEW', 'AWAITING_COMMITMENT'],
    VILLAGE_REVIEW: ['PUBLICITY', 'GROUP_REVIEW', 'AWAITING_COMMITMENT'],
    PUBLICITY: ['OBJECTION_REVIEW', 'TOWNSHIP_REVIEW'],
    OBJECTION_REVIEW: ['TOWNSHIP_REVIEW', 'VILLAGE_REVIEW'],
    TOWNSHIP_REVIEW: ['DISTRICT_FILING', 'VILLAGE_REVIEW'],
    DISTRICT_FILING: ['SYSTEM_ENTRY', 'TOWNSHIP_REVIEW'],
    SYSTEM_ENTRY: ['ACTIVE', 'RISK_ELIMINATED', 'DISTRICT_FILING'],
    ACTIVE: [],
    REJECTED: [],
    LAPSED: [],
    WITHDRAWN: [],
    RISK_ELIMINATED: [],
  };
  return from === to || allowed[from].includes(to);
}

/** A change the chain does not allow is a defect in the caller, never a user's error: it stops. */
export function assertAllowedTransition(from: Stage, to: Stage, applicationId: string): void {
  if (!isAllowedTransition(from, to))
    throw new Error(`refused stage change ${from} → ${to} of ${applicationId}`);
}
