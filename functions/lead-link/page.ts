/**
 * The zh-CN page a village cadre opens on a phone from a lead digest: the village's open leads, each
 * with a form for what was found at the household. No script; everything shown is escaped and masked.
 */
import type { villageLeadsPage } from '#cases/leads/lead-links';
import { RISK_TYPES } from '#domain/risk-types';
import { esc, escUrl } from '#http/html';
import { layout } from '../approval-link/page.ts';

type Page = Awaited<ReturnType<typeof villageLeadsPage>>;

/** Colours of a deadline (时限): on time, due within a working day, past it, five working days past it. */
const DEADLINE_STYLE =
  '<style>.deadline{font-weight:600}.GREEN{color:#2ea121}.YELLOW{color:#ad8b00}.ORANGE{color:#d4380d}.RED{color:#c8102e}</style>';

function leadForm(lead: Page['items'][number], action: string): string {
  const reasons = lead.reasons
    .map(
      (r) =>
        `<li>${esc(('departmentName' in r ? `${r.departmentName}：` : '') + r.label)}（${esc(r.value)}）</li>`,
    )
    .join('');
  const risks = Object.entries(RISK_TYPES)
    .map(
      ([code, label]) =>
        `<label class="check"><input type="checkbox" name="riskTypes" value="${code}"> ${esc(label)}</label>`,
    )
    .join('');
  const outcomes =
    lead.kind === 'EXCLUSION'
      ? [
          ['EXCLUSION_CONFIRMED', '情形属实'],
          ['NO_RISK', '情形不属实'],
          ['DATA_ERROR', '部门数据有误'],
        ]
      : [
          ['AT_RISK', '存在风险'],
          ['NO_RISK', '无风险'],
          ['DATA_ERROR', '部门数据有误'],
        ];
  return `<section data-lead="${escUrl(lead.leadId)}"><h2>${esc(lead.head ?? '在办申请人')}户 · ${esc(lead.sourceLabel)} · ${esc(lead.gradeLabel)}</h2>
<ol>${reasons}</ol>
<p>核实期限 ${esc(lead.dueOn)}${lead.dueProvisional ? '（暂定）' : ''} <b class="deadline ${escUrl(lead.deadline?.colour ?? '')}">${esc(lead.deadline?.label ?? '')}</b></p>
<form method="post" action="${escUrl(action)}"><input type="hidden" name="leadId" value="${escUrl(lead.leadId)}">
<div class="decisions">${outcomes.map(([v, l], i) => `<label><input type="radio" name="outcome" value="${v}"${i === 0 ? ' required' : ''}> ${esc(l)}</label>`).join('')}</div>
<label for="text-${escUrl(lead.leadId)}">核实情况（无风险时写明理由，数据有误时写明错在何处）</label>
<textarea id="text-${escUrl(lead.leadId)}" name="text" rows="3" required minlength="2" maxlength="1000"></textarea>
<details><summary>存在风险时填写</summary><div class="risks">${risks}</div>
<label>家庭年收入（元）</label><input type="number" name="declaredAnnualIncome" min="0" step="0.01">
<label>家庭人口</label><input type="number" name="householdSize" min="1" max="50" step="1"></details>
<button type="submit">提交核实结果</button></form></section>`;
}

export function leadsPage(page: Page, action: string): string {
  const body = page.items.length
    ? page.items.map((lead) => leadForm(lead, action)).join('')
    : '<section class="notice ok" role="status">本村没有待核实的风险线索。</section>';
  return layout(`${page.villageName} · 风险线索核实（${page.items.length}条）`, DEADLINE_STYLE + body);
}
