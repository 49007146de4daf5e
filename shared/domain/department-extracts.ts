/**
 * 部门数据 (DOMAIN.md, Department extracts): one file per department per month, as the department
 * exports it. This module knows each department's columns and reads one row into checked values; a
 * row it cannot read is a bad row, reported with its column and skipped. A file without a required
 * column is refused whole (`missingColumns`).
 */
import { normaliseIdNumber } from './id-number.ts';
import { ID_AS_NUMBER, lostAsNumber } from './spreadsheet.ts';

export const DEPARTMENTS = {
  MEDICAL: '医保',
  EDUCATION: '教育',
  HOUSING: '住建',
  CIVIL_AFFAIRS: '民政',
  HUMAN_RESOURCES: '人社',
  DISABILITY: '残联',
  PUBLIC_SECURITY: '公安',
  MARKET_REGULATION: '市场监管',
  EMERGENCY: '应急',
} as const;
export type Department = keyof typeof DEPARTMENTS;
export const DEPARTMENT_CODES = Object.keys(DEPARTMENTS) as [Department, ...Department[]];

/** The required columns of each department's file, by their Chinese header (extra columns are ignored). */
export const DEPARTMENT_COLUMNS: Record<Department, readonly string[]> = {
  MEDICAL: ['证件号码', '姓名', '年度累计个人自付金额', '当月门诊自付金额'],
  EDUCATION: ['证件号码', '姓名', '学籍状态'],
  HOUSING: ['证件号码', '姓名', '房屋安全鉴定等级'],
  CIVIL_AFFAIRS: ['证件号码', '姓名', '救助类别', '变动类型'],
  HUMAN_RESOURCES: ['证件号码', '姓名', '就业状态', '变动日期'],
  DISABILITY: ['证件号码', '姓名', '残疾类别', '残疾等级', '发证日期'],
  PUBLIC_SECURITY: ['证件号码', '姓名', '事项', '车辆类型', '发生日期'],
  MARKET_REGULATION: ['证件号码', '姓名', '任职类型', '企业名称'],
  EMERGENCY: ['村代码', '灾害类型', '发生日期', '受灾户数'],
};

const ENUMS = {
  学籍状态: ['在读', '休学', '辍学', '未入学'],
  房屋安全鉴定等级: ['A', 'B', 'C', 'D'],
  救助类别: ['低保', '特困', '低保边缘', '临时救助'],
  变动类型: ['新增', '退出'],
  就业状态: ['登记失业', '就业'],
  残疾等级: ['一级', '二级', '三级', '四级'],
  事项: ['死亡', '户籍迁出', '机动车登记'],
  任职类型: ['法定代表人', '董事', '监事', '高级管理人员', '股东'],
} as const;
type EnumColumn = keyof typeof ENUMS;

/** 应急 灾害类型 as the DISASTER sub-kinds of an area event. */
export const DISASTER_KINDS: Record<string, 'FLOOD' | 'DROUGHT' | 'GEOLOGICAL' | 'OTHER'> = {
  洪涝: 'FLOOD',
  旱灾: 'DROUGHT',
  地质: 'GEOLOGICAL',
  地震: 'GEOLOGICAL',
  生物: 'OTHER',
  气象: 'OTHER',
  其他: 'OTHER',
};

/** A cell as a file reader hands it over: text, or a number from an XLSX cell. */
export type ExtractCell = string | number | undefined;

/** A row read and checked; `idNumber` is the normalised 18-digit number. */
export type ExtractRow =
  | {
      department: 'MEDICAL';
      idNumber: string;
      birthDate: string;
      name: string;
      annualSelfPay: number;
      outpatientSelfPay: number;
    }
  | {
      department: 'EDUCATION';
      idNumber: string;
      birthDate: string;
      name: string;
      status: (typeof ENUMS)['学籍状态'][number];
    }
  | {
      department: 'HOUSING';
      idNumber: string;
      birthDate: string;
      name: string;
      safetyGrade: (typeof ENUMS)['房屋安全鉴定等级'][number];
    }
  | {
      department: 'CIVIL_AFFAIRS';
      idNumber: string;
      birthDate: string;
      name: string;
      category: (typeof ENUMS)['救助类别'][number];
      change: (typeof ENUMS)['变动类型'][number];
    }
  | {
      department: 'HUMAN_RESOURCES';
      idNumber: string;
      birthDate: string;
      name: string;
      employment: (typeof ENUMS)['就业状态'][number];
      changedOn: string;
    }
  | {
      department: 'DISABILITY';
      idNumber: string;
      birthDate: string;
      name: string;
      category: string;
      level: (typeof ENUMS)['残疾等级'][number];
      issuedOn: string;
    }
  | {
      department: 'PUBLIC_SECURITY';
      idNumber: string;
      birthDate: string;
      name: string;
      matter: (typeof ENUMS)['事项'][number];
      vehicleType: string;
      occurredOn: string;
    }
  | {
      department: 'MARKET_REGULATION';
      idNumber: string;
      birthDate: string;
      name: string;
      role: (typeof ENUMS)['任职类型'][number];
      enterprise: string;
    }
  | {
      department: 'EMERGENCY';
      village: string;
      disaster: (typeof DISASTER_KINDS)[string];
      disasterLabel: string;
      occurredOn: string;
      households: number;
    };

export interface CellError {
  column: string;
  message: string;
}

/**
 * A row read, or why not. `village` is the row's 村代码 where a person file has that column: a person
 * outside the registry is then routed to that village.
 */
export type RowReading = { ok: true; row: ExtractRow; village?: string } | { ok: false; errors: CellError[] };

/** Headers are trimmed; the required columns a file lacks (a file error, not a bad row). */
export function missingColumns(department: Department, headers: readonly string[]): string[] {
  const present = new Set(headers.map((h) => h.trim()));
  return DEPARTMENT_COLUMNS[department].filter((c) => !present.has(c));
}

const text = (cell: ExtractCell): string => (cell === undefined ? '' : String(cell).trim());

/** `2026-11-03`, `2026/11/3`, `2026.11.3` or `20261103` as an ISO date, if it is a real day. */
export function readDate(cell: ExtractCell): string | undefined {
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(text(cell));
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** 元 with at most two decimals, not negative. */
function readMoney(cell: ExtractCell): number | undefined {
  const raw = text(cell).replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Reads one row of a department's file. `cells` is keyed by the trimmed header; `today` bounds the
 * birth dates in ID numbers.
 */
export function readExtractRow(
  department: Department,
  cells: Readonly<Record<string, ExtractCell>>,
  today: Date = new Date(),
): RowReading {
  const errors: CellError[] = [];
  const fail = (column: string, message: string) => {
    errors.push({ column, message });
    return undefined;
  };
  const oneOf = <C extends EnumColumn>(column: C): (typeof ENUMS)[C][number] | undefined => {
    const value = text(cells[column]);
    return (ENUMS[column] as readonly string[]).includes(value)
      ? (value as (typeof ENUMS)[C][number])
      : fail(column, `应为${ENUMS[column].join('、')}之一`);
  };
  const date = (column: string) => readDate(cells[column]) ?? fail(column, '日期无效，应为 YYYY-MM-DD');
  const money = (column: string) =>
    readMoney(cells[column]) ?? fail(column, '金额无效，应为不小于 0 的数，至多两位小数');

  if (department === 'EMERGENCY') {
    const village = /^\d{12}$/.test(text(cells.村代码))
      ? text(cells.村代码)
      : fail('村代码', '村代码应为12位数字');
    const label = text(cells.灾害类型);
    const disaster =
      DISASTER_KINDS[label] ?? fail('灾害类型', `应为${Object.keys(DISASTER_KINDS).join('、')}之一`);
    const occurredOn = date('发生日期');
    const households = /^\d+$/.test(text(cells.受灾户数))
      ? Number(text(cells.受灾户数))
      : fail('受灾户数', '应为不小于 0 的整数');
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      row: {
        department,
        village: village!,
        disaster: disaster!,
        disasterLabel: label,
        occurredOn: occurredOn!,
        households: households!,
      },
    };
  }

  const idCell = cells.证件号码;
  let idNumber: string | undefined;
  let birthDate: string | undefined;
  if (lostAsNumber(idCell)) {
    // only the file's author can mend it
    fail('证件号码', ID_AS_NUMBER);
  } else {
    const check = normaliseIdNumber(text(idCell), today);
    if (check.valid) {
      idNumber = check.normalized;
      birthDate = check.birthDate;
    } else fail('证件号码', check.reason);
  }
  const name = text(cells.姓名) || fail('姓名', '姓名不能为空');
  const person = { idNumber: idNumber!, birthDate: birthDate!, name: name! };
  let row: ExtractRow | undefined;
  switch (department) {
    case 'MEDICAL': {
      const annualSelfPay = money('年度累计个人自付金额');
      const outpatientSelfPay = money('当月门诊自付金额');
      row = { department, ...person, annualSelfPay: annualSelfPay!, outpatientSelfPay: outpatientSelfPay! };
      break;
    }
    case 'EDUCATION':
      row = { department, ...person, status: oneOf('学籍状态')! };
      break;
    case 'HOUSING':
      row = { department, ...person, safetyGrade: oneOf('房屋安全鉴定等级')! };
      break;
    case 'CIVIL_AFFAIRS':
      row = { department, ...person, category: oneOf('救助类别')!, change: oneOf('变动类型')! };
      break;
    case 'HUMAN_RESOURCES':
      row = { department, ...person, employment: oneOf('就业状态')!, changedOn: date('变动日期')! };
      break;
    case 'DISABILITY':
      row = {
        department,
        ...person,
        category: text(cells.残疾类别),
        level: oneOf('残疾等级')!,
        issuedOn: date('发证日期')!,
      };
      break;
    case 'PUBLIC_SECURITY': {
      const matter = oneOf('事项');
      const vehicleType = text(cells.车辆类型);
      if (matter === '机动车登记' && !vehicleType) fail('车辆类型', '机动车登记须填写车辆类型');
      row = { department, ...person, matter: matter!, vehicleType, occurredOn: date('发生日期')! };
      break;
    }
    case 'MARKET_REGULATION':
      row = { department, ...person, role: oneOf('任职类型')!, enterprise: text(cells.企业名称) };
      break;
  }
  if (errors.length || !row) return { ok: false, errors };
  const village = text(cells.村代码);
  return /^\d{12}$/.test(village) ? { ok: true, row, village } : { ok: true, row };
}
