/** 自查专题报告 as a printable page, written from `campaignReportData`; every text escaped and masked. */
import type { campaignReportData } from '#cases/campaign/report';
import { HOUSEHOLD_TYPES } from '#domain/risk-types';
import { STAGE_LABELS, type Stage } from '#domain/stages';
import { esc } from '#http/html';

export function reportPage(data: Awaited<ReturnType<typeof campaignReportData>>): string {
  const { campaign, view, summary, facts, township } = data;
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '—');
  const rows = summary.rows
    .map(
      (r) =>
        `<tr><td>${r.category <= 4 ? '“三保障”和饮水安全' : ''}</td><td>${esc(r.name)}</td><td>${r.total}</td><td>${r.rectified}</td><td>${r.inProgress}</td></tr>`,
    )
    .join('');
  const nextSteps = [
    facts.problems.open
      ? `对尚未销号的${facts.problems.open}个问题逐项跟踪，按整改时限对账销号。`
      : '问题已全部整改销号，持续开展“回头看”。',
    facts.problems.overdue.length
      ? `${facts.problems.overdue.length}个问题已超过整改时限，责任单位须说明原因并限期整改：${facts.problems.overdue
          .slice(0, 5)
          .map((o) => `${esc(o.content)}（${esc(o.responsible)}，时限${o.deadline}）`)
          .join('；')}。`
      : '',
    facts.forms.applications.length
      ? `综合判定提请评议的${facts.forms.applications.length}户严格履行监测程序，及时在全国防止返贫监测信息系统录入标注。`
      : '',
    '落实“一户一方案、一人一措施”，持续开展跟踪走访，至少每半年开展一次集中排查。',
  ].filter(Boolean);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(campaign.name)}自查专题报告</title>
<style>body{font-family:"FangSong","STFangsong","WenQuanYi Micro Hei",serif;max-width:760px;margin:24px auto;padding:0 16px;line-height:1.8;color:#111}
h1{text-align:center;font-size:22px}h2{font-size:17px;margin-top:24px}table{border-collapse:collapse;width:100%;font-size:14px}
td,th{border:1px solid #333;padding:4px 6px;text-align:center}.meta{text-align:center;color:#555}@media print{body{margin:0}a{color:inherit}}</style></head>
<body><h1>${esc(township.name)}${esc(campaign.name)}自查专题报告</h1>
<p class="meta">截至${facts.today}</p>
<h2>一、集中排查开展情况</h2>
<p>按照巩固拓展脱贫攻坚成果集中排查工作部署，本次排查覆盖${campaign.villages.length}个村，分四个阶段推进：${view.phases.map((p) => `${esc(p.name)}（${p.from}至${p.to}${p.state === 'DONE' ? '，已完成' : p.state === 'CURRENT' ? '，进行中' : ''}）`).join('；')}。</p>
<p>共${facts.forms.inspectors.size}名排查人员对${facts.forms.villages.size}个村开展入户排查，填报入户排查表${facts.forms.total}户，其中${Object.entries(
    HOUSEHOLD_TYPES,
  )
    .map(([k, v]) => `${v}${facts.forms.byType[k] ?? 0}户`)
    .join('、')}。</p>
<h2>二、排查问题及整改落实情况</h2>
<p>共排查问题${summary.total.total}个，已整改销号${summary.total.rectified}个（${pct(summary.total.rectified, summary.total.total)}），正在整改${summary.total.inProgress}个；其中面上问题：${
    Object.entries(facts.problems.byLevel)
      .map(([k, n]) => `${k === 'COUNTY' ? '县级' : k === 'TOWNSHIP' ? '镇级' : '村级'}层面${n}个`)
      .join('、') || '无'
  }。超过整改时限未完成${facts.problems.overdue.length}个。</p>
<table><thead><tr><th colspan="2">问题类型</th><th>共排查问题数</th><th>已整改数</th><th>正在整改数</th></tr></thead><tbody>${rows}
<tr><td colspan="2">合计</td><td>${summary.total.total}</td><td>${summary.total.rectified}</td><td>${summary.total.inProgress}</td></tr></tbody></table>
<h2>三、动态管理及帮扶工作情况</h2>
<p>综合判定拟识别监测对象${summary.proposed.households}户${summary.proposed.persons}人，已进入识别程序${facts.forms.applications.length}户${
    Object.keys(facts.stages).length
      ? `（${Object.entries(facts.stages)
          .map(([s, n]) => `${STAGE_LABELS[s as Stage]}${n}户`)
          .join('、')}）`
      : ''
  }。排查范围内现有监测对象${facts.monitored}户，已标注风险消除${facts.eliminated}户。</p>
<h2>四、下一步工作安排</h2>
<ol>${nextSteps.map((s) => `<li>${s}</li>`).join('')}</ol>
</body></html>`;
}
