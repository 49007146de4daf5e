/** The zh-CN approval page an approver opens on a phone. Everything shown is escaped and masked. */

import type { approvalView } from '#cases/identification/approvals';
import { RISK_TYPES, type RiskType } from '#domain/risk-types';
import { STAGE_LABELS, type Stage } from '#domain/stages';
import { esc, escUrl } from '#http/html';

type View = Awaited<ReturnType<typeof approvalView>>;

const DECISION_LABELS: Record<string, string> = {
  approve: '同意',
  return: '退回',
  reject: '不同意',
  submitted: '提交申请',
  commitment: '上传承诺书',
  publicity: '公示',
  objection: '异议',
  comparison: '数据比对',
  timeout: '超时',
  system: '系统',
  'green-channel': '绿色通道',
};

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329;font-size:16px}
header{background:#c8102e;color:#fff;padding:14px 16px}h1{font-size:18px;margin:0}main{padding:12px}
section{background:#fff;border-radius:8px;padding:12px 14px;margin-bottom:12px}h2{font-size:15px;margin:0 0 8px;color:#646a73}
dl{display:grid;grid-template-columns:6.5em 1fr;gap:6px 8px;margin:0}dt{color:#646a73}dd{margin:0}
ol{padding-left:20px;margin:0}li{margin-bottom:6px}.tag{display:inline-block;background:#fff1f0;color:#c8102e;border-radius:4px;padding:0 6px;margin-right:4px}
label{display:block;margin:10px 0 4px}textarea,input[type=number]{width:100%;box-sizing:border-box;font-size:16px;padding:8px;border:1px solid #d0d3d6;border-radius:6px}
.decisions{display:flex;gap:8px;flex-wrap:wrap}.decisions label{flex:1;border:1px solid #d0d3d6;border-radius:6px;padding:10px;text-align:center;margin:0}
.votes{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}button{width:100%;font-size:17px;padding:12px;border:0;border-radius:8px;background:#c8102e;color:#fff;margin-top:14px}
.notice{padding:14px;border-radius:8px;background:#fff7e6}.hint{color:#646a73;font-size:14px;margin:6px 0 0}.ok{background:#e8f8ee}.warn{color:#ad6800}`;

/** Times as people in the township read them: Asia/Shanghai, to the minute. */
const shanghaiTime = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The last business day of a period that ends at an instant (the end of that day in Asia/Shanghai). */
const lastDayOf = (endsAt: string) =>
  shanghaiTime(new Date(Date.parse(endsAt) - 60_000).toISOString()).slice(0, 10);

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><header><h1>${esc(title)}</h1></header><main>${body}</main></body></html>`;
}

export function noticePage(title: string, message: string, ok = false): string {
  return layout(title, `<section class="notice${ok ? ' ok' : ''}" role="status">${esc(message)}</section>`);
}

export function approvalPage(view: View, token: string): string {
  const h = view.household;
  const risks = view.riskTypes
    .map((r) => `<span class="tag">${esc(RISK_TYPES[r as RiskType])}</span>`)
    .join('');
  const history = view.history
    .map(
      (e) =>
        `<li>${esc(STAGE_LABELS[e.stage as Stage])} · ${esc(DECISION_LABELS[e.decision] ?? e.decision)} · ${esc(e.by === 'system' ? '系统' : e.by)} · ${esc(shanghaiTime(e.at))}${e.comment ? `<br>${esc(e.comment)}` : ''}</li>`,
    )
    .join('');
  const warnings = (view.comparison?.warnings ?? [])
    .map((w) => `<li class="warn">${esc(w.label)}</li>`)
    .join('');
  const meeting = view.recordsMeeting
    ? `<label for="attendees">参会人员（每行一人：姓名 身份，身份为村两委、驻村工作队、村监委会或村民代表）</label>
<textarea id="attendees" name="attendees" rows="4" placeholder="王村支书 村两委"></textarea>
<div class="votes"><div><label for="vote-for">同意票</label><input id="vote-for" type="number" name="voteFor" min="0" value="0"></div>
<div><label for="vote-against">反对票</label><input id="vote-against" type="number" name="voteAgainst" min="0" value="0"></div>
<div><label for="vote-abstain">弃权票</label><input id="vote-abstain" type="number" name="voteAbstain" min="0" value="0"></div></div>`
    : '';
  const form =
    view.status === 'PENDING'
      ? `<section><h2>审核意见（${esc(view.approver.name)}）</h2><form method="post" action="?t=${escUrl(token)}">
<div class="decisions" role="radiogroup" aria-label="决定">
<label><input type="radio" name="decision" value="approve" required> 同意</label>
<label><input type="radio" name="decision" value="return"> 退回</label>
<label><input type="radio" name="decision" value="reject"> 不同意</label></div>
<p class="hint">选择“退回”，案件回到：${esc(STAGE_LABELS[view.returnsTo])}</p>
<label for="comment">意见（不同意时必填）</label><textarea id="comment" name="comment" rows="3"></textarea>
${meeting}<button type="submit">提交</button></form></section>`
      : `<section class="notice">${view.status === 'DECIDED' ? '此审批已作出决定。' : '此审批环节已结束或链接已过期。'}</section>`;
  const green = view.greenChannel
    ? `<section class="notice"><h2>绿色通道</h2><p>${esc(view.greenChannel.grantedBy)}于${esc(shanghaiTime(view.greenChannel.grantedAt))}先行帮扶：${view.greenChannel.measures.map((m) => esc(m.content)).join('、')}</p><p>${esc(view.greenChannel.reason)}</p></section>`
    : '';
  const remarking = view.remarking
    ? `<section class="notice"><h2>风险再标注</h2><p>该户曾于${esc(view.remarking.eliminatedMonth ?? '')}标注风险消除，原纳入编号 ${esc(view.remarking.previousApplicationId)}</p></section>`
    : '';
  const elimination = view.elimination
    ? `<section><h2>风险消除提议</h2><dl><dt>消除方式</dt><dd>${view.elimination.way === 'ASSISTED' ? '帮扶消除' : '自然消除'}</dd>
<dt>人均纯收入</dt><dd>${esc(view.elimination.perCapitaIncome)}元（监测范围${esc(view.elimination.line)}元）</dd><dt>提议人</dt><dd>${esc(view.elimination.proposedBy)}</dd></dl>
${view.elimination.weakStability ? '<p class="warn">收入稳定性较弱：标注后继续落实帮扶措施</p>' : ''}</section>`
    : '';
  const batch = view.systemEntryBatch
    ? `<section><h2>全国系统录入批次</h2><p>批次号 ${esc(view.systemEntryBatch.batchId)}：<a href="${escUrl(view.systemEntryBatch.xlsxUrl)}" rel="noreferrer">下载XLSX</a> · <a href="${escUrl(view.systemEntryBatch.csvUrl)}" rel="noreferrer">下载CSV</a></p></section>`
    : '';
  return layout(
    `${view.stageLabel} · ${view.kind === 'ELIMINATION' ? '风险消除' : view.remarking ? '风险再标注' : '纳入监测申请'}`,
    `<section><h2>农户信息</h2><dl>
<dt>户主</dt><dd>${esc(h.head.name)}</dd><dt>身份证号</dt><dd>${esc(h.head.idNumber)}</dd><dt>联系电话</dt><dd>${esc(h.head.phone)}</dd>
<dt>村/组</dt><dd>${esc(h.villageName ?? h.village)} ${esc(h.group)}</dd><dt>家庭人口</dt><dd>${esc(h.size)}人</dd>
<dt>人均纯收入</dt><dd>${esc(h.perCapitaIncome)}元/年</dd><dt>风险类型</dt><dd>${risks}</dd></dl></section>
<section><h2>申请理由</h2><p>${esc(view.reason)}</p>${view.commitmentUrl ? `<p><a href="${escUrl(view.commitmentUrl)}" rel="noreferrer">查看承诺书扫描件</a></p>` : ''}</section>
${green}${remarking}${elimination}${batch}
${warnings ? `<section><h2>数据比对提示</h2><ul>${warnings}</ul></section>` : ''}
${view.publicity ? `<section><h2>公示</h2><p>至 ${esc(lastDayOf(view.publicity.endsAt))}（含当日），异议 ${esc(view.publicity.objections)} 件</p></section>` : ''}
${view.objections.length ? `<section><h2>异议内容</h2><ol>${view.objections.map((o) => `<li><p>${esc(o.content)}</p><p>反映人 ${esc(o.name)} ${esc(o.phone)}，${esc(shanghaiTime(o.at))}</p></li>`).join('')}</ol></section>` : ''}
<section><h2>办理记录</h2><ol>${history}</ol></section>${form}`,
  );
}
