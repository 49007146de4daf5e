/**
 * 集中排查 (seed 三、and annexes 2–4; DOMAIN.md, The centralized inspection campaign): the four phases,
 * the 入户排查表's 13 categories with their numbered items exactly as the seed prints them, the filling
 * rules of the form, and the problem types of the 汇总表.
 */
import type { HouseholdType } from './risk-types.ts';

export interface InspectionItem {
  /** ① = 1 */
  no: number;
  text: string;
  /** filled by the household's inspector; otherwise by departments, the township or the village (填表说明2) */
  household: boolean;
}

export interface InspectionCategory {
  no: number;
  name: string;
  items: InspectionItem[];
  /** checked for an ordinary household too (两不愁三保障、饮水、收入: 填表说明3) */
  ordinary: boolean;
}

const items = (texts: string[], departmentItems: number[] = []): InspectionItem[] =>
  texts.map((text, i) => ({ no: i + 1, text, household: !departmentItems.includes(i + 1) }));

/** 入户排查表 (附件2): 序号, 排查类型, 排查内容. */
export const INSPECTION_CATEGORIES: readonly InspectionCategory[] = [
  {
    no: 1,
    name: '义务教育',
    ordinary: true,
    items: items(
      [
        '是否存在适龄儿童未入学或已就读学生辍学现象',
        '教育资助政策是否全面落实到位',
        '是否做到动态清零',
        '控辍保学机制是否健全',
        '其他',
      ],
      [3, 4],
    ),
  },
  {
    no: 2,
    name: '基本医疗',
    ordinary: true,
    items: items(
      [
        '家中是否有未参加居民医保人员',
        '是否存在参保费用未享受政府资助问题',
        '是否存在负担不起医疗支出，有病人不去看病问题',
        '是否存在省外住院就医费用未及时报销等问题',
        '家庭成员中是否存在有慢性病未办理慢性病证问题',
        '是否存在符合家庭签约医生服务但未签约问题',
        '是否存在签约医生未定期上门对脱贫户进行体检和健康指导问题',
        '2016年以后的脱贫户是否存在住院交押金问题',
        '是否做到动态清零',
        '防止因病返贫致贫风险机制是否健全',
        '其他',
      ],
      [9, 10],
    ),
  },
  {
    no: 3,
    name: '住房安全',
    ordinary: true,
    items: items(
      [
        '现住房是否为土坯房且无安全鉴定或鉴定不准确',
        '现住房是否存在安全风险',
        '是否做到动态清零',
        '农村脱贫人口住房安全动态监测机制是否健全',
        '其他',
      ],
      [3, 4],
    ),
  },
  {
    no: 4,
    name: '安全饮水',
    ordinary: true,
    items: items(
      [
        '饮用水水量、水质是否不达标',
        '用水方便程度和供水保证率是否不符合相关要求',
        '是否做到动态清零',
        '农村供水工程长效管理机制是否健全',
        '其他',
      ],
      [3, 4],
    ),
  },
  {
    no: 5,
    name: '易地扶贫搬迁',
    ordinary: false,
    items: items(
      [
        '易地搬迁后续帮扶措施是否落实到位',
        '安置区社区治理体系是否建立完善',
        '搬迁群众是否“稳得住、有就业、逐步能致富”',
        '其他',
      ],
      [2],
    ),
  },
  {
    no: 6,
    name: '产业发展',
    ordinary: false,
    items: items(
      [
        '是否存在具备产业发展能力和意愿的，未实施产业到户项目，产业帮扶不到位的情况',
        '原采取入股分红等形式实施的产业到户项目，是否存在分红资金发放不及时、不到位的情况',
        '历年已批复的产业到户项目，是否存在补贴资金已发放，但项目未实施的情况',
        '脱贫人口和监测对象的产业发展项目是否实现增产增收',
        '各类经营主体、产业帮扶基地、就业帮扶车间等是否落实带贫减贫措施利益联结机制是否健全，带动链是否稳定',
        '光伏扶贫电站运维管理是否到位高效、综合利用是否开展全面、收益分配是否精准合规',
        '其他',
      ],
      [5, 6],
    ),
  },
  {
    no: 7,
    name: '脱贫人口就业',
    ordinary: false,
    items: items(
      [
        '有劳动能力和就业意愿的脱贫人口和边缘易致贫人口是否实现稳岗就业。',
        '帮扶措施落实是否到位。',
        '今年已录入的就业信息，是否存在标注已务工但实际未务工，联系电话、务工地点、务工时间等与实际不一致的情况。',
        '是否存在公益岗位长期未履职，公益岗薪酬待遇和补助资金发放不及时等情况。',
        '是否存在利用公益岗搞福利，平均发放情况。',
        '各类经营主体、产业帮扶基地、就业帮扶车间是否优先吸纳脱贫人口和边缘易致贫人口就业',
        '其他',
      ],
      [3, 4, 5, 6],
    ),
  },
  {
    no: 8,
    name: '脱贫人口小额信贷',
    ordinary: false,
    items: items(
      [
        '符合贷款条件、有发展生产意愿的脱贫人口和边缘易致贫人口是否做到应贷尽贷。',
        '贷款用途是否符合规定，是否存在贷款用于建房、理财、购置家庭用品等非生产性支出情况。',
        '是否存在“户贷企用”或变相“户贷企用”等问题。',
        '其他',
      ],
      [3],
    ),
  },
  {
    no: 9,
    name: '消费帮扶',
    ordinary: false,
    items: items(
      [
        '脱贫户、边缘易致贫户的农产品是否存在滞销现象',
        '消费扶贫重点产业认定管理是否规范',
        '“三专一平台”特别是专柜建设和运营管理是否落实',
        '其他',
      ],
      [2, 3],
    ),
  },
  {
    no: 10,
    name: '资金项目管理',
    ordinary: false,
    items: items(
      [
        '2021年市县财政衔接资金投入是否总体稳定',
        '中央、省到县资金是否安排项目',
        '资金使用是否规范',
        '项目实施是否规范',
        '资产管理是否规范有效',
        '其他',
      ],
      [1, 2, 3, 4, 5, 6],
    ),
  },
  {
    no: 11,
    name: '防止返贫动态监测',
    ordinary: false,
    items: items(
      [
        '镇村干部、驻村工作队、帮扶责任人和联系人是否对脱贫不稳定户和边缘易致贫户开展跟踪走访',
        '脱贫不稳定户和边缘易致贫户的实际困难是否及时解决',
        '脱贫不稳定户和边缘易致贫户的台账资料是否规范齐全',
        '部门数据比对和筛查机制是否健全',
        '其他',
      ],
      [3, 4],
    ),
  },
  {
    no: 12,
    name: '帮扶工作',
    ordinary: false,
    items: items(
      [
        '脱贫户帮扶责任人和边缘易致贫户帮扶联系人是否安排到位',
        '是否制定“一户一方案、一人一措施”',
        '帮扶政策和措施是否精准落实',
        '定点帮扶单位是否持续加强支持和帮助，驻村帮扶工作是否持续推进',
        '其他',
      ],
      [4],
    ),
  },
  {
    no: 13,
    name: '综合判定',
    ordinary: true,
    items: items(['该户是否疑似存在返贫致贫风险', '是否要纳入监测对象进行评议']),
  },
];

/** The categories that are problem types of the ledgers and the 汇总表 (综合判定 is a judgement). */
export const PROBLEM_CATEGORIES = INSPECTION_CATEGORIES.filter((c) => c.no <= 12);
export const JUDGEMENT_CATEGORY = 13;

/** ①..⑳ as the form prints them. */
export const circled = (n: number): string => String.fromCodePoint(0x2460 + n - 1);

/** 汇总表 rows: the 三保障和饮水安全 group, then one row per other type, then 合计. */
export const SUMMARY_GROUPS = [{ name: '“三保障”和饮水安全', categories: [1, 2, 3, 4] }] as const;

export interface TickedItem {
  category: number;
  item: number;
  /** 排查问题: what the inspector found */
  problem: string;
}

export interface FormFinding {
  path: string;
  message: string;
}

/**
 * The filling rules of the form (填表说明): only real items; items that are not household-level are
 * for departments, the township or the village; an ordinary household is checked only on 两不愁三保障,
 * 饮水 and income; a ticked item says what the problem is; only households with problems file a form.
 */
export function checkInspectionForm(input: {
  householdType: HouseholdType;
  items: readonly TickedItem[];
  judgement: { suspectedRisk: boolean; proposeReview: boolean };
}): FormFinding[] {
  const found: FormFinding[] = [];
  const seen = new Set<string>();
  input.items.forEach((ticked, i) => {
    const path = `items.${i}`;
    const category = INSPECTION_CATEGORIES.find((c) => c.no === ticked.category);
    const item = category?.items.find((it) => it.no === ticked.item);
    if (!category || category.no === JUDGEMENT_CATEGORY) {
      found.push({ path: `${path}.category`, message: '排查类型应为1–12（综合判定另行填写）' });
      return;
    }
    if (!item) {
      found.push({ path: `${path}.item`, message: `“${category.name}”没有第${ticked.item}项` });
      return;
    }
    const key = `${ticked.category}.${ticked.item}`;
    if (seen.has(key)) found.push({ path, message: `“${category.name}”${circled(item.no)}重复填写` });
    seen.add(key);
    if (!item.household) {
      found.push({
        path,
        message: `“${category.name}”${circled(item.no)}不涉及户内排查，由相关行业部门和镇、村排查填写（面上问题）`,
      });
    }
    if (input.householdType === 'ORDINARY' && !category.ordinary) {
      found.push({
        path,
        message: `一般农户重点排查“两不愁、三保障”及安全饮水、收入情况，不排查“${category.name}”等政策享受内容`,
      });
    }
    if (ticked.problem.trim().length < 2) {
      found.push({ path: `${path}.problem`, message: '打“√”的项须在排查问题栏中具体表述问题内容' });
    }
  });
  if (input.judgement.proposeReview && !input.judgement.suspectedRisk) {
    found.push({
      path: 'judgement.proposeReview',
      message: '未判定疑似存在返贫致贫风险，不能提请纳入监测评议',
    });
  }
  if (input.items.length === 0 && !input.judgement.suspectedRisk) {
    found.push({ path: 'items', message: '无问题的户不用填表' });
  }
  return found;
}

/** 四个阶段 (seed 三、): the 2021 plan is the default template. */
export const CAMPAIGN_PHASES = [
  { key: 'MOBILIZATION', name: '动员培训阶段', from: '06-08', to: '06-10' },
  { key: 'FIELD_INSPECTION', name: '实地排查阶段', from: '06-10', to: '06-15' },
  { key: 'RECTIFICATION', name: '问题整改及动态管理阶段', from: '06-15', to: '06-25' },
  { key: 'SUMMARY', name: '工作总结阶段', from: '06-25', to: '06-26' },
] as const;
export type PhaseKey = (typeof CAMPAIGN_PHASES)[number]['key'];

export interface Phase {
  key: PhaseKey;
  name: string;
  /** YYYY-MM-DD, inclusive */
  from: string;
  to: string;
}

/** The seed's four phases in a given year. */
export const defaultPhases = (year: number): Phase[] =>
  CAMPAIGN_PHASES.map((p) => ({
    key: p.key,
    name: p.name,
    from: `${year}-${p.from}`,
    to: `${year}-${p.to}`,
  }));

/** The phase a business date falls in (the later one on a shared boundary day), or before/after. */
export function phaseOn(phases: readonly Phase[], date: string): PhaseKey | 'NOT_STARTED' | 'FINISHED' {
  if (date < phases[0]!.from) return 'NOT_STARTED';
  for (let i = phases.length - 1; i >= 0; i--)
    if (date >= phases[i]!.from && date <= phases[i]!.to) return phases[i]!.key;
  return date > phases.at(-1)!.to ? 'FINISHED' : phases[0]!.key;
}

export function checkPhases(phases: readonly Phase[]): FormFinding[] {
  const found: FormFinding[] = [];
  phases.forEach((p, i) => {
    if (p.from > p.to) found.push({ path: `phases.${i}.to`, message: `${p.name}的结束日期早于开始日期` });
    const prev = phases[i - 1];
    if (prev && p.from < prev.from)
      found.push({ path: `phases.${i}.from`, message: `${p.name}不能早于${prev.name}开始` });
  });
  return found;
}
