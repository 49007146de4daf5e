/**
 * 不得确定为监测对象 (hard stops) and local red lines (warnings), DOMAIN.md "Inclusion and exclusion".
 * Hard stops end an application with the rule named; warnings are only shown to reviewers.
 */

/** What the registry and the district comparison know about a household and its 分户子女. */
export interface HouseholdFlags {
  /** 消费型轿车 (a car not used to earn a living), the household's own or a 分户子女's */
  privateCar?: boolean;
  /** 财政供养人员 */
  stateSalariedMember?: boolean;
  /** 企业高管 / 法定代表人 */
  companyExecutive?: boolean;
  multipleHomes?: boolean;
  recentCommercialHousing?: boolean;
  largeMachinery?: boolean;
  childStudyingAbroadSelfFunded?: boolean;
}

export const HARD_EXCLUSIONS = {
  privateCar: '本人、家庭成员或分户子女家中有消费型轿车',
  stateSalariedMember: '家中有财政供养人员',
  companyExecutive: '家庭成员为企业高管或法定代表人',
} as const;
export type HardExclusion = keyof typeof HARD_EXCLUSIONS;

export const WARNING_RULES = {
  multipleHomes: '家庭拥有两套及以上住房',
  recentCommercialHousing: '近年购买商品房',
  largeMachinery: '拥有大型农机具或工程机械',
  childStudyingAbroadSelfFunded: '子女自费出国留学',
} as const;
export type WarningRule = keyof typeof WARNING_RULES;

/** The default set of local red lines shown as warnings; a district may configure fewer or none. */
export const DEFAULT_WARNING_RULES: readonly WarningRule[] = Object.keys(WARNING_RULES) as WarningRule[];

export interface ExclusionCheck {
  excluded: boolean;
  hardStops: { rule: HardExclusion; label: string }[];
  warnings: { rule: WarningRule; label: string }[];
}

export function checkExclusions(
  flags: HouseholdFlags,
  warningRules: readonly WarningRule[] = DEFAULT_WARNING_RULES,
): ExclusionCheck {
  const hardStops = (Object.keys(HARD_EXCLUSIONS) as HardExclusion[])
    .filter((rule) => flags[rule] === true)
    .map((rule) => ({ rule, label: HARD_EXCLUSIONS[rule] }));
  const warnings = warningRules
    .filter((rule) => flags[rule] === true)
    .map((rule) => ({ rule, label: WARNING_RULES[rule] }));
  return { excluded: hardStops.length > 0, hardStops, warnings };
}

/**
 * 必须纳入: income below the line and a risk of falling (back) into poverty. Income is a reference, not
 * the only test, so a household above the line with a sudden hardship is still considered.
 */
export function assessInclusion(input: { perCapitaIncome: number; line: number; riskCount: number }): {
  mustInclude: boolean;
  belowLine: boolean;
} {
  const belowLine = input.perCapitaIncome < input.line;
  return { belowLine, mustInclude: belowLine && input.riskCount > 0 };
}
