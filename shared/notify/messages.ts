/**
 * What people are told, as message kinds with named parameters: one text per kind, so that an SMS
 * provider that sends only registered templates (China's providers do) is given the kind's template id
 * and the parameters in the order the text names them, and every other channel gets the text.
 *
 * A message is written in the same transaction as the change that causes it (the transactional
 * outbox, 待发消息); the sender (`sender.ts`) delivers it.
 */
import { randomUUID } from 'node:crypto';
import { maskText } from '#domain/masking';

/** Each kind's text; `{name}` is a parameter. A personal link is the `link`, never a parameter. */
export const MESSAGE_TEMPLATES = {
  APPLICATION_RECEIVED:
    '您的纳入监测申请已受理，编号{applicationId}。请按提示上传签字按手印的《农户承诺和授权查询书》。',
  COMMITMENT_REFUSED:
    '您上传的承诺书未通过检查（{reason}），请重新上传签字按手印的PDF、JPEG或PNG文件（不超过10 MiB）。',
  RETURNED_FOR_CORRECTION:
    '您的纳入监测申请（{applicationId}）被退回补正：{comment}。请补正后重新上传签字按手印的承诺书。',
  COMMITMENT_REMINDER: '您的纳入监测申请（{applicationId}）尚未收到签字的承诺书，请尽快上传。',
  COMMITMENT_HELP: '{applicant}户的纳入监测申请尚未提交承诺书，请协助农户填写上传。',
  APPROVAL_REQUEST: '请审核{village}{group}{applicant}户的{caseTitle}（{step}，编号{applicationId}）。',
  APPROVAL_REMINDER: '催办：{applicant}户的{caseTitle}（{step}，编号{applicationId}）已超时，请尽快处理。',
  APPROVAL_ESCALATION: '督办：{village}{applicant}户的{caseTitle}在“{step}”环节已超时两次，再超时将失效。',
  GREEN_CHANNEL_UNCONFIRMED:
    '{applicant}户（{applicationId}）经绿色通道先行帮扶，但未纳入监测（{stage}），请核实处理先行帮扶。',
  CASE_REJECTED:
    '您户的{caseTitle}（{applicationId}）未通过，原因：{reason}。如有疑问可联系村委会或拨打12317。',
  LEAD_PLAN_REVIEW: '{head}户经风险线索核实存在新风险（{risks}），请调整帮扶计划并跟踪走访。',
  EXCLUSION_TO_REVIEW: '{head}户（{village}）经风险线索核实存在“{rule}”情形，请复核。',
  LEAD_OVERDUE: '风险线索核实已超期：{subject}（{reasons}）应于{dueOn}前核实，请尽快入户核实并登记结果。',
  LEAD_ESCALATION: '{village}的风险线索逾期未核实：{subject}（{reasons}，期限{dueOn}），请督促尽快核实。',
  AREA_EVENT_LEADS: '{event}（{occurredOn}）：本村{count}户须入户核实风险，最早须于{dueOn}前完成并登记结果。',
  REPORTED_LEAD: '{source}反映{head}户可能存在风险：{what}。请于{dueOn}前入户核实并登记结果。',
  LEADS_TO_VERIFY:
    '{month}部门筛查预警：本村有{count}条风险线索待核实，最早须于{dueOn}前完成入户核实并登记结果。',
  CASE_LAPSED: '您户的{caseTitle}（{applicationId}）因“{step}”环节超时已失效，请联系村委会重新申请。',
  MONITORING_ACTIVATED:
    '您户已纳入防止返贫监测（{objectType}），风险类型：{riskTypes}。帮扶联系人：{contact}。',
  CONTACT_OF_NEW_OBJECT: '{applicant}户已纳入监测，您是该户的帮扶联系人，请制定帮扶计划并跟踪走访。',
  RISK_ELIMINATED: '您户已标注风险消除（{way}）。如再遇困难，可随时向村委会反映或拨打12317。',
  RISK_ELIMINATED_WEAK:
    '{applicant}户已标注风险消除（{way}），收入稳定性较弱，请继续落实帮扶措施并跟踪走访。',
  RISK_ELIMINATED_CONTACT: '{applicant}户已标注风险消除（{way}），请继续关注，发现新风险及时再标注。',
  GREEN_CHANNEL_GRANTED: '乡镇已为您户开通绿色通道，先行落实帮扶：{measures}。纳入监测程序继续办理。',
  NEW_RISK_FOUND: '走访发现{head}户出现新风险，请核实并调整帮扶措施。',
  VISIT_DUE: '提醒：{village}{head}户{what}，请尽快入户走访并登记。',
  CONTACT_ASSIGNED: '您已被指定为{head}户的帮扶联系人（{grid}），请及时走访并落实帮扶措施。',
  PROBLEM_REMINDER: '整改提醒：{problem}整改时限为{deadline}，请按时整改并上传佐证。',
  PROBLEM_ESCALATION: '整改督办：{problem}已超过整改时限{deadline}，责任人{responsible}（{unit}）。',
} as const;

export type MessageKind = keyof typeof MESSAGE_TEMPLATES;

/** The parameters of a kind, in the order its text names them (the provider's {1}, {2}, …). */
export function templateParams(kind: MessageKind): string[] {
  return [...MESSAGE_TEMPLATES[kind].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** A kind's text in the numbered form SMS providers register (`{1}`, `{2}`, …), link last. */
export function providerTemplate(kind: MessageKind, withLink = false): string {
  let index = 0;
  const text = MESSAGE_TEMPLATES[kind].replace(/\{\w+\}/g, () => `{${++index}}`);
  return withLink ? `${text}{${index + 1}}` : text;
}

/** A kind's text with its parameters filled in; ID numbers and phones in them show masked. */
export function renderText(kind: MessageKind, params: Record<string, string>): string {
  return MESSAGE_TEMPLATES[kind].replace(/\{(\w+)\}/g, (_, name: string) => maskText(params[name] ?? ''));
}

export interface Recipient {
  personId?: string;
  name: string;
  phone: string;
}

export interface Notification {
  messageId: string;
  kind: MessageKind;
  to: Recipient;
  params: Record<string, string>;
  /** the kind's text with the parameters filled in */
  text: string;
  link?: string;
  /** the village the message is about (who may see it undelivered: that village's township) */
  village: string;
}

/** A message of a kind to a person, about a village. */
export function compose(
  kind: MessageKind,
  to: Recipient,
  village: string,
  params: Record<string, string | number | undefined>,
  link?: string,
): Notification {
  // a message never carries personal data whole: a reason or comment someone typed is masked here
  const values = Object.fromEntries(
    templateParams(kind).map((name) => [name, maskText(String(params[name] ?? ''))]),
  );
  return {
    messageId: randomUUID(),
    kind,
    to: { ...(to.personId ? { personId: to.personId } : {}), name: to.name, phone: to.phone },
    params: values,
    text: renderText(kind, values),
    ...(link ? { link } : {}),
    village,
  };
}

/**
 * Where a message is on its way: PENDING (the stream hands it to the sender), SENDING (claimed by one
 * sender until its lease ends), RETRY (a channel failed; tried again from `nextAttemptAt`), SENT, and
 * DEAD (failed every attempt: the township console lists it and can send it again).
 */
export type MessageStatus = 'PENDING' | 'SENDING' | 'RETRY' | 'SENT' | 'DEAD';

export interface Message extends Notification {
  status: MessageStatus;
  /** raised on each hand-over to the sender, so a stream record is acted on once */
  round: number;
  attempts: number;
  /** channels that have delivered it (a retry sends only through the others) */
  delivered: string[];
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt?: string;
  sentAt?: string;
}
