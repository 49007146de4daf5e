/**
 * 监测范围: the per-capita income line, as data per year and region. A region without its own line
 * falls back along district → city → province; a year nobody configured is an error, never a guess.
 */
export interface MonitoringLine {
  /** 6-digit district, 4-digit city or 2-digit province prefix of the 区划代码 */
  region: string;
  year: number;
  /** yuan per person per year */
  amount: number;
  source: string;
}

/** The seed's line: 2021 = 6000 元, set by the city (宿州市 3413). */
export const DEFAULT_MONITORING_LINES: readonly MonitoringLine[] = [
  { region: '3413', year: 2021, amount: 6000, source: '市级确定2021年家庭人均纯收入6000元' },
];

export class MissingMonitoringLineError extends Error {
  constructor(
    readonly region: string,
    readonly year: number,
  ) {
    super(`未配置${year}年区划${region}的监测范围`);
  }
}

export function monitoringLineFor(
  villageCode: string,
  year: number,
  lines: readonly MonitoringLine[] = DEFAULT_MONITORING_LINES,
): MonitoringLine {
  for (const prefix of [villageCode.slice(0, 6), villageCode.slice(0, 4), villageCode.slice(0, 2)]) {
    const line = lines.find((l) => l.region === prefix && l.year === year);
    if (line) return line;
  }
  throw new MissingMonitoringLineError(villageCode.slice(0, 6), year);
}

/** The line where one is configured; undefined (shown as unknown, never guessed) where none is. */
export function lineFor(
  villageCode: string,
  year: number,
  lines: readonly MonitoringLine[] = DEFAULT_MONITORING_LINES,
): number | undefined {
  try {
    return monitoringLineFor(villageCode, year, lines).amount;
  } catch (error) {
    if (error instanceof MissingMonitoringLineError) return undefined;
    throw error;
  }
}
