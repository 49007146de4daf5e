/**
 * 村两委核实评议: who attended and the vote. The record names attendees of every required group; an
 * approval needs more votes for than against and abstaining together; a decision that contradicts its
 * own recorded vote is refused (DOMAIN.md, the chain, 3).
 */
/** The four groups of a 村级评议 meeting; a district may require fewer (`CHAIN_CONFIG`'s `meetingGroups`). */
export const MEETING_GROUPS = ['村两委', '驻村工作队', '村监委会', '村民代表'] as const;
export type MeetingGroup = (typeof MEETING_GROUPS)[number];

/** The required groups nobody attended for. */
export const missingGroups = (
  attendees: readonly { role: MeetingGroup }[],
  required: readonly MeetingGroup[] = MEETING_GROUPS,
): MeetingGroup[] => required.filter((group) => !attendees.some((a) => a.role === group));

export interface Vote {
  for: number;
  against: number;
  abstain: number;
}

export const voteCarries = (vote: Vote): boolean => vote.for > vote.against + vote.abstain;

/** Why a decision cannot stand with its vote, or undefined when they agree. */
export function voteContradiction(decision: 'approve' | 'return' | 'reject', vote: Vote): string | undefined {
  if (decision === 'approve' && !voteCarries(vote))
    return `同意票（${vote.for}）须多于反对票与弃权票之和（${vote.against + vote.abstain}），表决未通过不能同意`;
  if (decision === 'reject' && voteCarries(vote)) return '表决已通过，与“不同意”的决定矛盾';
  return undefined;
}
