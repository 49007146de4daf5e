/**
 * 家庭纯收入 and 家庭人均纯收入 (DOMAIN.md, Income and the monitoring line). Money is kept in fen
 * (integers) so that sums are exact; yuan appear only at the edges.
 */
export interface IncomeComponents {
  /** 工资性收入 */
  wages: number;
  /** 生产经营性收入 */
  business: number;
  /** 财产性收入 */
  property: number;
  /** 转移性收入 */
  transfers: number;
  /** 生产经营性支出 */
  businessExpenses: number;
}

export const toFen = (yuan: number): number => Math.round(yuan * 100);
export const toYuan = (fen: number): number => fen / 100;

/** 家庭纯收入 in fen. */
export function netIncomeFen(c: IncomeComponents): number {
  return (
    toFen(c.wages) + toFen(c.business) + toFen(c.property) + toFen(c.transfers) - toFen(c.businessExpenses)
  );
}

/** 家庭人均纯收入 in yuan, rounded to the fen. */
export function perCapitaNetIncome(netIncomeYuan: number, householdSize: number): number {
  if (!Number.isInteger(householdSize) || householdSize < 1) throw new RangeError('家庭人口应为正整数');
  return toYuan(Math.round(toFen(netIncomeYuan) / householdSize));
}
