/**
 * The township console: one zh-CN page that reads the staff API with the signed-in person's token, so
 * the page itself holds no data and the API's scoping applies. Views: campaign progress by phase, the
 * ledger with filters and the overdue list, the 汇总表 with its chart, the application pipeline, each
 * village's open risk leads with their grades and deadlines, and the undelivered messages (sent again
 * from here).
 */

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329;font-size:14px}
header{background:#c8102e;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}header h1{font-size:17px;margin:0}
nav a{color:#fff;margin-right:12px;text-decoration:none;opacity:.85}nav a.on{opacity:1;font-weight:600;border-bottom:2px solid #fff}
main{padding:16px;max-width:1200px;margin:0 auto}section{background:#fff;border-radius:8px;padding:14px 16px;margin-bottom:14px}
h2{font-size:15px;margin:0 0 10px;color:#373c43}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f7f8fa;font-weight:600}td.n,th.n{text-align:right}.phases{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.phase{border:1px solid #dee0e3;border-radius:6px;padding:8px}.phase.CURRENT{border-color:#c8102e;background:#fff1f0}.phase.DONE{background:#f2f3f5;color:#646a73}
.bar{height:8px;background:#e5e6eb;border-radius:4px;overflow:hidden}.bar i{display:block;height:8px;background:#2ea121}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:10px}select,input,button{font-size:14px;padding:5px 8px;border:1px solid #d0d3d6;border-radius:6px;background:#fff}
button{background:#c8102e;color:#fff;border:0;cursor:pointer}.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;background:#f2f3f5}
.tag.OPEN{background:#fff7e6;color:#ad6800}.tag.IN_PROGRESS{background:#e8f3ff;color:#1d4ed8}.tag.RECTIFIED{background:#f0f5ff;color:#3b5bdb}.tag.CLOSED{background:#e8f8ee;color:#2ea121}
.overdue{color:#c8102e;font-weight:600}.muted{color:#8f959e}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:150px;background:#f7f8fa;border-radius:6px;padding:10px}
.card b{display:block;font-size:22px}.tag.GREEN{background:#e8f8ee;color:#2ea121}.tag.YELLOW{background:#fffbe6;color:#ad8b00}.tag.ORANGE{background:#fff2e8;color:#d4380d}.tag.RED{background:#c8102e;color:#fff}.tag.g1{background:#c8102e;color:#fff}.tag.g2{background:#fa8c16;color:#fff}.tag.g3{background:#fadb14;color:#1f2329}@media print{header nav,.filters{display:none}}`;

const SCRIPT = `
const SIGN_IN = ${'${SIGN_IN}'};
const $ = (s) => document.querySelector(s);
const el = (tag, attrs = {}, ...children) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) { if (k === 'class') e.className = v; else e.setAttribute(k, v); } for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? '')); return e; };
const STAGE = {SUBMITTED:'已受理',AWAITING_COMMITMENT:'待上传承诺书',GROUP_REVIEW:'村民小组评议',VILLAGE_REVIEW:'村两委评议',PUBLICITY:'村内公示',OBJECTION_REVIEW:'异议复核',TOWNSHIP_REVIEW:'乡镇审核',DISTRICT_FILING:'区级备案',SYSTEM_ENTRY:'系统录入',ACTIVE:'已纳入监测',REJECTED:'未通过',LAPSED:'已失效',WITHDRAWN:'已撤回',RISK_ELIMINATED:'风险消除'};
const STATUS = {OPEN:'待整改',IN_PROGRESS:'正在整改',RECTIFIED:'已整改待复核',CLOSED:'已销号'};
let me; let campaign;
async function api(path, init = {}) {
  const token = sessionStorage.getItem('fangfan.token');
  const res = await fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: 'Bearer ' + token } });
  if (res.status === 401) { location.hash = '#/login'; throw new Error('login'); }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.status);
  return body;
}
function table(head, rows, numeric = []) {
  const t = el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', numeric.includes(i) ? { class: 'n' } : {}, h)))));
  const b = el('tbody'); for (const r of rows) b.append(el('tr', {}, ...r.map((c, i) => c instanceof Node ? el('td', {}, c) : el('td', numeric.includes(i) ? { class: 'n' } : {}, String(c)))));
  t.append(b); return t;
}
function nav(active) {
  const links = [['#/campaign', '排查进度'], ['#/ledger', '整改台账'], ['#/summary', '汇总表'], ['#/pipeline', '识别进度'], ['#/leads', '风险线索'], ['#/messages', '未送达消息'], ['#/report', '自查报告']];
  $('nav').replaceChildren(...links.map(([h, t]) => el('a', { href: h, class: h === active ? 'on' : '' }, t)));
  $('#who').textContent = me ? me.name : '';
}
async function login() {
  nav('');
  if (SIGN_IN.issuer !== 'local') return signInWithProvider();
  // the development twin: a person of the sample directory by id
  const section = el('section', {}, el('h2', {}, '登录'), el('p', { class: 'muted' }, '本机开发环境：输入名录中的人员编号。'));
  const input = el('input', { id: 'person', placeholder: '人员编号，如 p-tr-105', size: '30' });
  const button = el('button', { id: 'login' }, '登录');
  const msg = el('p', { class: 'overdue' });
  button.onclick = async () => {
    const res = await fetch('/_local/login', { method: 'POST', body: JSON.stringify({ personId: input.value.trim() }) });
    if (!res.ok) { msg.textContent = '登录失败'; return; }
    sessionStorage.setItem('fangfan.token', (await res.json()).token); location.hash = '#/campaign';
  };
  section.append(el('div', { class: 'filters' }, input, button), msg);
  $('main').replaceChildren(section);
}
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
/** OIDC authorization code with PKCE: to the provider, and back here with a code for the ID token. */
async function signInWithProvider() {
  const here = location.origin + location.pathname;
  const discovery = await (await fetch(SIGN_IN.issuer.replace(/\\/$/, '') + '/.well-known/openid-configuration')).json();
  const params = new URLSearchParams(location.search);
  if (params.get('code')) {
    const verifier = sessionStorage.getItem('fangfan.pkce');
    if (!verifier || params.get('state') !== sessionStorage.getItem('fangfan.state')) throw new Error('登录状态已失效，请刷新页面重新登录');
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: here, client_id: SIGN_IN.clientId, code_verifier: verifier }),
    });
    const tokens = await res.json();
    if (!res.ok || !tokens.id_token) throw new Error('登录失败：' + (tokens.error_description || tokens.error || res.status));
    sessionStorage.setItem('fangfan.token', tokens.id_token);
    sessionStorage.removeItem('fangfan.pkce'); sessionStorage.removeItem('fangfan.state');
    history.replaceState(null, '', here + '#/campaign');
    return route();
  }
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('fangfan.pkce', verifier); sessionStorage.setItem('fangfan.state', state);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  location.assign(discovery.authorization_endpoint + '?' + new URLSearchParams({
    response_type: 'code', client_id: SIGN_IN.clientId, redirect_uri: here, scope: 'openid profile',
    code_challenge: challenge, code_challenge_method: 'S256', state,
  }));
  $('main').replaceChildren(el('section', {}, el('p', { class: 'muted' }, '正在前往统一身份认证登录…')));
}
async function ensureCampaign() {
  me = me || await api('/me');
  const township = me.township;
  const { items } = await api('/townships/' + township + '/campaigns');
  campaign = items.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return campaign;
}
async function progress() {
  nav('#/campaign'); const c = await ensureCampaign();
  if (!c) { $('main').replaceChildren(el('section', {}, el('p', {}, '本乡镇尚未组织集中排查。'))); return; }
  const s = await api('/campaigns/' + c.campaignId + '/summary');
  const phases = el('div', { class: 'phases' }, ...c.phases.map((p) => el('div', { class: 'phase ' + p.state }, el('b', {}, p.name), el('div', {}, p.from + ' 至 ' + p.to), el('div', { class: 'muted' }, p.state === 'CURRENT' ? '进行中' : p.state === 'DONE' ? '已完成' : '未开始'))));
  const ratio = s.total.total ? Math.round(100 * s.total.rectified / s.total.total) : 0;
  const cards = el('div', { class: 'cards' },
    el('div', { class: 'card' }, el('b', { id: 'total' }, String(s.total.total)), '共排查问题数'),
    el('div', { class: 'card' }, el('b', {}, String(s.total.rectified)), '已整改（销号）'),
    el('div', { class: 'card' }, el('b', {}, String(s.total.inProgress)), '正在整改'),
    el('div', { class: 'card' }, el('b', {}, s.proposed.households + '户' + s.proposed.persons + '人'), '拟识别监测对象'));
  const bar = el('div', { class: 'bar', title: ratio + '%' }, el('i', { style: 'width:' + ratio + '%' }));
  $('main').replaceChildren(
    el('section', {}, el('h2', {}, c.name + '（' + c.year + '年，覆盖' + c.villages.length + '个村）'), phases),
    el('section', {}, el('h2', {}, '整改进度 ' + ratio + '%'), bar, el('p'), cards),
    el('section', {}, el('h2', {}, '各村'), table(['单位', '共排查', '已整改', '正在整改', '拟识别户数'], s.units.map((u) => [u.name, u.total.total, u.total.rectified, u.total.inProgress, u.proposed.households]), [1, 2, 3, 4])),
    el('section', {}, el('a', { href: '#/report', id: 'report' }, '查看自查专题报告')));
}
async function ledger() {
  nav('#/ledger'); const c = await ensureCampaign(); if (!c) return progress();
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const status = el('select', { id: 'status' }, el('option', { value: '' }, '全部状态'), ...Object.entries(STATUS).map(([k, v]) => el('option', { value: k }, v)));
  const category = el('select', { id: 'category' }, el('option', { value: '' }, '全部类型'), ...${'${CATEGORIES}'}.map(([n, name]) => el('option', { value: String(n) }, name)));
  const unit = el('select', { id: 'unit' }, el('option', { value: '' }, '全部村'), ...c.villages.map((v) => el('option', { value: v }, v)));
  const overdue = el('input', { type: 'checkbox', id: 'overdue' });
  status.value = q.get('status') || ''; category.value = q.get('category') || ''; unit.value = q.get('unit') || ''; overdue.checked = q.get('overdue') === '1';
  const apply = el('button', { id: 'apply' }, '筛选');
  apply.onclick = () => { const p = new URLSearchParams(); if (status.value) p.set('status', status.value); if (category.value) p.set('category', category.value); if (unit.value) p.set('unit', unit.value); if (overdue.checked) p.set('overdue', '1'); location.hash = '#/ledger?' + p; };
  const params = new URLSearchParams(q); params.set('limit', '200');
  const { items } = await api('/campaigns/' + c.campaignId + '/problems?' + params);
  const rows = items.map((p, i) => [String(i + 1), p.kind === 'HOUSEHOLD' ? p.household.name + '（' + p.householdTypeLabel + '）' : p.levelLabel, p.categoryName, p.content, p.measure, p.responsible.name + ' / ' + p.responsible.unit, el('span', { class: p.overdue ? 'overdue' : '' }, p.deadline + (p.overdue ? ' 已超期' : '')), el('span', { class: 'tag ' + p.status }, STATUS[p.status])]);
  $('main').replaceChildren(el('section', {}, el('h2', {}, '问题整改台账（' + items.length + (items.length === 200 ? '+' : '') + '条）'),
    el('div', { class: 'filters' }, status, category, unit, el('label', {}, overdue, ' 仅看超期'), apply),
    table(['序号', '户/层级', '问题类型', '具体内容', '整改措施', '责任人/单位', '整改时限', '状态'], rows)));
}
async function summary() {
  nav('#/summary'); const c = await ensureCampaign(); if (!c) return progress();
  const s = await api('/campaigns/' + c.campaignId + '/summary');
  const max = Math.max(1, ...s.rows.map((r) => r.total));
  const w = 720, rowH = 26, left = 130;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + (s.rows.length * rowH + 30)); svg.setAttribute('width', '100%'); svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', '各类问题及整改进度'); svg.id = 'chart';
  const add = (tag, attrs, text) => { const e = document.createElementNS('http://www.w3.org/2000/svg', tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); };
  s.rows.forEach((r, i) => {
    const y = i * rowH + 4; const scale = (w - left - 60) / max;
    add('text', { x: left - 6, y: y + 15, 'text-anchor': 'end', 'font-size': '12' }, r.name);
    add('rect', { x: left, y, width: r.rectified * scale, height: 18, fill: '#2ea121' });
    add('rect', { x: left + r.rectified * scale, y, width: r.inProgress * scale, height: 18, fill: '#f7ba1e' });
    add('text', { x: left + r.total * scale + 6, y: y + 14, 'font-size': '12' }, r.rectified + '/' + r.total);
  });
  add('rect', { x: left, y: s.rows.length * rowH + 10, width: 12, height: 12, fill: '#2ea121' }); add('text', { x: left + 16, y: s.rows.length * rowH + 21, 'font-size': '12' }, '已整改');
  add('rect', { x: left + 80, y: s.rows.length * rowH + 10, width: 12, height: 12, fill: '#f7ba1e' }); add('text', { x: left + 96, y: s.rows.length * rowH + 21, 'font-size': '12' }, '正在整改');
  const rows = s.rows.map((r) => [r.category <= 4 ? '“三保障”和饮水安全' : '', r.name, r.total, r.rectified, r.inProgress]);
  rows.push(['合计', '', s.total.total, s.total.rectified, s.total.inProgress]);
  $('main').replaceChildren(el('section', {}, el('h2', {}, '各类问题及整改进度'), svg),
    el('section', {}, el('h2', {}, '整改情况汇总表（' + s.unit.name + '）'), table(['', '问题类型', '共排查问题数', '已整改数', '正在整改数'], rows, [2, 3, 4]),
      el('p', {}, '拟识别监测对象：' + s.proposed.households + '户 ' + s.proposed.persons + '人')));
}
async function pipeline() {
  nav('#/pipeline'); me = me || await api('/me');
  const p = await api('/townships/' + me.township + '/pipeline');
  const shown = Object.keys(STAGE).filter((s) => p.villages.some((v) => v.stages[s]));
  const rows = p.villages.map((v) => [v.name, ...shown.map((s) => v.stages[s] || 0), shown.reduce((n, s) => n + (v.stages[s] || 0), 0)]);
  $('main').replaceChildren(el('section', {}, el('h2', {}, '识别纳入进度（按环节、按村）'), table(['村', ...shown.map((s) => STAGE[s]), '合计'], rows, shown.map((_, i) => i + 1).concat(shown.length + 1))));
}
async function leads() {
  nav('#/leads'); me = me || await api('/me');
  const p = await api('/townships/' + me.township + '/pipeline');
  const sections = [];
  for (const v of p.villages) {
    const { items } = await api('/villages/' + v.village + '/leads?status=OPEN');
    const rows = items.map((l) => [
      el('span', { class: 'tag g' + l.grade }, l.kind === 'EXCLUSION' ? '排除情形' : l.gradeLabel),
      l.sourceLabel,
      l.reasons.map((r) => (r.departmentName ? r.departmentName + '：' : '') + r.label + '（' + r.value + '）').join('；'),
      l.arrivedOn,
      l.dueOn + (l.dueProvisional ? '（暂定）' : ''),
      el('span', { class: 'tag ' + l.deadline.colour, 'data-deadline': l.deadline.colour }, l.deadline.label),
    ]);
    sections.push(el('section', { 'data-village': v.village }, el('h2', {}, v.name + '（待核实' + items.length + '条）'),
      rows.length ? table(['等级', '来源', '预警事由', '下发日期', '核实期限', '时限'], rows) : el('p', { class: 'muted' }, '没有待核实的风险线索。')));
  }
  $('main').replaceChildren(...sections);
}
const MESSAGE_STATUS = {RETRY:'重试中',DEAD:'发送失败'};
async function messages() {
  nav('#/messages'); me = me || await api('/me');
  const m = await api('/townships/' + me.township + '/messages');
  const rows = m.items.map((x) => {
    const cell = x.status === 'DEAD' ? el('button', { 'data-resend': x.messageId }, '重新发送') : (x.nextAttemptAt ? '下次 ' + new Date(x.nextAttemptAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '');
    if (cell instanceof Node) cell.onclick = async () => { cell.disabled = true; try { await api('/messages/' + x.messageId + '/resend', { method: 'POST' }); await messages(); } catch (e) { cell.disabled = false; cell.after(el('span', { class: 'overdue' }, e.message)); } };
    return [x.to.name + ' ' + x.to.phone, x.text, MESSAGE_STATUS[x.status] || x.status, x.attempts, x.lastError || '', cell];
  });
  $('main').replaceChildren(el('section', {}, el('h2', {}, '未送达消息'), rows.length ? table(['收件人', '内容', '状态', '已尝试', '原因', ''], rows, [3]) : el('p', {}, '没有未送达的消息。')));
}
async function report() {
  nav('#/report'); const c = await ensureCampaign(); if (!c) return progress();
  const token = sessionStorage.getItem('fangfan.token');
  const res = await fetch('/campaigns/' + c.campaignId + '/report', { headers: { authorization: 'Bearer ' + token } });
  // the report runs nothing: sandboxed without scripts, so nothing in it reaches the token
  const frame = el('iframe', { id: 'report-frame', title: '自查专题报告', sandbox: 'allow-same-origin allow-modals', style: 'width:100%;height:80vh;border:0;background:#fff' });
  frame.srcdoc = await res.text();
  const print = el('button', {}, '打印'); print.onclick = () => frame.contentWindow.print();
  $('main').replaceChildren(el('section', {}, el('div', { class: 'filters' }, print), frame));
}
async function route() {
  const h = location.hash || '#/campaign';
  try {
    if (!sessionStorage.getItem('fangfan.token') || h.startsWith('#/login')) return await login();
    if (h.startsWith('#/ledger')) return await ledger();
    if (h.startsWith('#/summary')) return await summary();
    if (h.startsWith('#/pipeline')) return await pipeline();
    if (h.startsWith('#/leads')) return await leads();
    if (h.startsWith('#/messages')) return await messages();
    if (h.startsWith('#/report')) return await report();
    return await progress();
  } catch (e) { if (e.message !== 'login') $('main').replaceChildren(el('section', {}, el('p', { class: 'overdue' }, '出错了：' + e.message))); }
  finally { document.body.dataset.ready = h; }
}
window.addEventListener('hashchange', route); route();
`;

/** `signIn`: where staff sign in (`local`: the development twin's person-id login). */
export function consolePage(
  categories: [number, string][],
  signIn: { issuer: string; clientId: string },
): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>防返 · 乡镇工作台</title><style>${STYLE}</style></head><body><header><h1>防返 · 乡镇工作台</h1><nav></nav><span id="who"></span></header><main></main>
<script>${SCRIPT.replace('${CATEGORIES}', JSON.stringify(categories)).replace('${SIGN_IN}', JSON.stringify(signIn).replace(/</g, '\\u003c'))}</script></body></html>`;
}
