/** The registry households the monitoring tests import: three of the sample village, one file's rows. */
import { sampleIdNumber } from './local-stack.ts';

export const VILLAGE = '341302105201';
export const headA = sampleIdNumber('34130219600101001');
export const spouseA = sampleIdNumber('34130219620202002');
export const childA = sampleIdNumber('34130220150303003');
export const headB = sampleIdNumber('34130219400404004');
export const spouseB = sampleIdNumber('34130219420505005');
export const headC = sampleIdNumber('34130219700606006');

export const HEADER =
  '村代码,村民小组,户类型,户主证件号码,联系电话,成员姓名,成员证件号码,与户主关系,健康状况,劳动能力,在校情况,务工情况,参加医保,参加养老保险,享受低保,特困供养,收入年度,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,消费型轿车,财政供养人员,企业高管,帮扶责任人,帮扶责任人电话';
/** The 村两委's elimination proposal: every condition stated as met. */
export const PROPOSAL = {
  way: 'ASSISTED',
  incomeAboveLineSince: '2026-03',
  rigidExpensesSettled: true,
  compulsoryEducationSecure: true,
  basicMedicalSecure: true,
  housingSecure: true,
  drinkingWaterSecure: true,
};
export const COLUMNS = HEADER.split(',');
/** Cells every member row shares unless it says otherwise. */
export const USUAL: Record<string, string | number> = {
  村代码: VILLAGE,
  村民小组: '第一村民小组',
  户类型: '一般农户',
  健康状况: '健康',
  劳动能力: '普通劳动力',
  在校情况: '非在校生',
  务工情况: '未务工',
  参加医保: '是',
  参加养老保险: '是',
  享受低保: '否',
  特困供养: '否',
  消费型轿车: '否',
  财政供养人员: '否',
  企业高管: '否',
};
export const row = (cells: Record<string, string | number>) =>
  COLUMNS.map((column) => String(cells[column] ?? USUAL[column] ?? '')).join(',');
export const income = (wages: number, business: number, transfers: number) => ({
  收入年度: 2026,
  工资性收入: wages,
  生产经营性收入: business,
  财产性收入: 0,
  转移性收入: transfers,
  生产经营性支出: 0,
});
export const HOUSEHOLD_B = {
  村民小组: '第二村民小组',
  户类型: '脱贫户',
  户主证件号码: headB,
  劳动能力: '丧失劳动力',
  享受低保: '是',
};
export const GOOD_ROWS = [
  row({
    户主证件号码: headA,
    联系电话: '13800001001',
    成员姓名: '李四',
    成员证件号码: headA,
    与户主关系: '户主',
    务工情况: '稳定务工',
    ...income(30000, 0, 1200),
  }),
  row({
    户主证件号码: headA,
    成员姓名: '赵梅',
    成员证件号码: spouseA,
    与户主关系: '配偶',
    务工情况: '在家务农',
  }),
  row({
    户主证件号码: headA,
    成员姓名: '李小',
    成员证件号码: childA,
    与户主关系: '子女',
    劳动能力: '无劳动力（老人、儿童、在校生）',
    在校情况: '义务教育',
    参加养老保险: '否',
  }),
  row({
    ...HOUSEHOLD_B,
    联系电话: '13800001002',
    成员姓名: '王五',
    成员证件号码: headB,
    与户主关系: '户主',
    健康状况: '长期慢性病',
    ...income(0, 800, 6000),
    帮扶责任人: '陈干部',
    帮扶责任人电话: '13900002001',
  }),
  row({ ...HOUSEHOLD_B, 成员姓名: '孙兰', 成员证件号码: spouseB, 与户主关系: '配偶', 健康状况: '残疾' }),
];
