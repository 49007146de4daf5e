/**
 * The functions of Fangfan, declared once: what each serves (routes, S3 events, schedules), what it
 * may touch (table, bucket prefixes, workflows, secrets, notification channels) and what it is told
 * (its settings). `infra/aws` derives every grant and environment variable from this table;
 * `infra/local` derives routing, S3 event dispatch and schedules from it, and runs each function with
 * the environment and IAM policy synthesized from it. No CDK here: the local runtime loads it too.
 */

export type Auth = 'webhook' | 'staff' | 'link' | 'none';
export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  auth: Auth;
}
export type WorkflowName = 'monitoringApplication' | 'riskElimination';
export type SecretName = 'keys' | 'hotline' | 'miniProgram';

export interface FunctionSpec {
  /** what it does, in a line (the function's description on AWS) */
  description: string;
  routes?: Route[];
  /** key prefixes whose object-created events invoke it (asynchronously) */
  s3Events?: string[];
  /** a daily run at 08:00 Beijing time (EventBridge Scheduler), by schedule id */
  dailySchedule?: string;
  /** handed the table's stream records of messages to send (the outbox), in batches */
  messageStream?: boolean;
  /** run every minute (EventBridge Scheduler), by schedule id */
  minuteSchedule?: string;
  /** run by a workflow's Task states */
  workflowTask?: boolean;
  table?: 'read' | 'readWrite';
  /** object prefixes of the documents bucket, per kind of access */
  bucket?: { read?: string[]; put?: string[]; delete?: string[] };
  workflows?: { starts?: WorkflowName[]; answers?: WorkflowName[] };
  secrets?: SecretName[];
  /**
   * decrypts personal data (kms:Decrypt on the data key): only the paths that need it whole — the
   * notification sender, the national-system entry files, the household view's health details
   */
  reveals?: boolean;
  /** sends messages to people through the deployment's channels (only the outbox's sender does) */
  notifies?: boolean;
  /** writes personal links (approval links), so it needs the API's public URL */
  links?: boolean;
  /**
   * served at its own function URL in streaming mode (responses up to 200 MB, headers of its own),
   * public: the signed token it is given is the authorization
   */
  functionUrl?: boolean;
  /** writes links to commitment scans, so it needs the scan function's URL (COMMITMENT_SCAN_URL) */
  scanLinks?: boolean;
  /** reads the deployment's policy settings (POLICY_SETTINGS) */
  policy?: boolean;
  /** signs staff in (OIDC authorization code with PKCE), so it needs the issuer and the client id */
  signIn?: boolean;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 */
  timeoutSeconds?: number;
}

/** The state machines, each with the variable that carries its ARN and its name within the stack. */
export const WORKFLOWS: Record<WorkflowName, { env: string; name: string }> = {
  monitoringApplication: { env: 'STATE_MACHINE_ARN', name: 'MonitoringApplication' },
  riskElimination: { env: 'ELIMINATION_STATE_MACHINE_ARN', name: 'RiskElimination' },
};

/** The secrets, each with its construct id and the variable that carries its ARN. */
export const SECRETS: Record<SecretName, { id: string; env: string; description: string }> = {
  keys: {
    id: 'Keys',
    env: 'KEYS_SECRET_ARN',
    description: 'Fangfan master key: approval links, ID-number HMACs (derived with HKDF)',
  },
  hotline: {
    id: 'HotlineWebhookSecret',
    env: 'HOTLINE_SECRET_ARN',
    description: 'Webhook secret of the 12317 hotline channel (give to the vendor)',
  },
  miniProgram: {
    id: 'MiniProgramWebhookSecret',
    env: 'MINIPROGRAM_SECRET_ARN',
    description: 'Webhook secret of the mini-program channel (give to its back end)',
  },
};

/**
 * Settings a deployment chooses: CDK context `fangfan:<context>` (cdk.json or `-c`); the local twin
 * takes each from its own environment under the variable's name. `required` ones fail synth when
 * unset; the others fall back to DOMAIN.md's defaults inside the rule that reads them.
 */
export const DEPLOYMENT_SETTINGS = {
  /** 村民小组评议 per district: `{"default": {"groupReview": true}, "341302": {...}}` */
  CHAIN_CONFIG: { context: 'chainConfig', json: true },
  /** reminders and escalations before a human step lapses */
  ESCALATIONS: { context: 'escalations', json: false },
  /** 监测范围 of the years after 2021: `[{"region": "3413", "year": 2026, "amount": 7800, "source": "…"}]`, the region a district, city or province code prefix */
  MONITORING_LINES: { context: 'monitoringLines', json: true },
  ELIMINATION_RULES: { context: 'eliminationRules', json: true },
  VISIT_RULES: { context: 'visitRules', json: true },
  PUBLICITY_CONFIG: { context: 'publicityConfig', json: true },
  LINK_TTL_SECONDS: { context: 'linkTtlSeconds', json: false },
  /** holiday data packaged with the deployment (years are also configured in the table) */
  CALENDAR_DATA: { context: 'calendarData', json: true },
  DIRECTORY_CACHE_SECONDS: { context: 'directoryCacheSeconds', json: false },
  /**
   * how people are told: `"sms"` (SNS), `"tencent-sms"` (Tencent Cloud SMS), `"wecom-app"` (WeCom
   * application messages), `"wecom"` (a group robot, WECOM_WEBHOOK_URL, digests only); at least one
   * personal channel
   */
  NOTIFY_CHANNELS: { context: 'notifyChannels', json: true },
  WECOM_WEBHOOK_URL: { context: 'wecomWebhookUrl', json: false },
  /** WeCom's API base (default https://qyapi.weixin.qq.com) */
  WECOM_API_BASE: { context: 'wecomApiBase', json: false },
  /** Tencent Cloud SMS's API (default https://sms.tencentcloudapi.com) */
  TENCENT_SMS_ENDPOINT: { context: 'tencentSmsEndpoint', json: false },
  /** staff sign-in through an external OIDC provider (required on aws-cn, where Cognito is not offered) */
  OIDC_ISSUER: { context: 'oidcIssuer', json: false },
  OIDC_AUDIENCE: { context: 'oidcAudience', json: false },
  /** the token claim holding the directory person id (Cognito: `custom:personId`) */
  PERSON_ID_CLAIM: { context: 'personIdClaim', json: false },
} as const;
export type DeploymentSetting = keyof typeof DEPLOYMENT_SETTINGS;

/** The policy rules every business function reads (one value per deployment). */
export const POLICY_SETTINGS: DeploymentSetting[] = [
  'CHAIN_CONFIG',
  'ESCALATIONS',
  'MONITORING_LINES',
  'ELIMINATION_RULES',
  'VISIT_RULES',
  'PUBLICITY_CONFIG',
  'LINK_TTL_SECONDS',
  'CALENDAR_DATA',
  'DIRECTORY_CACHE_SECONDS',
];

const webhook = (method: Route['method'], path: string): Route => ({ method, path, auth: 'webhook' });
const staff = (method: Route['method'], path: string): Route => ({ method, path, auth: 'staff' });
/** a personal link's page: GET shows, POST acts; the signed token is the authorization */
const personalLink = (path: string): Route[] => [
  { method: 'GET', path, auth: 'link' },
  { method: 'POST', path, auth: 'link' },
];
/** what every function that verifies signed webhooks and hashes ID numbers reads */
const WEBHOOK_SECRETS: SecretName[] = ['keys', 'hotline', 'miniProgram'];
/** what opening an identification takes: the chain is started and the commitment upload presigned */
const OPENS_IDENTIFICATIONS = {
  bucket: { put: ['commitments/'] },
  workflows: { starts: ['monitoringApplication'] },
} satisfies Pick<FunctionSpec, 'bucket' | 'workflows'>;

export const FUNCTIONS = {
  'submit-application': {
    description: '纳入监测申请 by webhook: checks, writes the application, starts the chain',
    routes: [webhook('POST', '/webhooks/applications')],
    table: 'readWrite',
    ...OPENS_IDENTIFICATIONS,
    secrets: WEBHOOK_SECRETS,
    policy: true,
  },
  'issue-commitment-url': {
    description: 'a fresh upload URL for the signed commitment',
    routes: [webhook('POST', '/webhooks/applications/{id}/commitment-url')],
    table: 'readWrite',
    bucket: { put: ['commitments/'] },
    secrets: WEBHOOK_SECRETS,
    policy: true,
  },
  'lodge-objection': {
    description: '公示异议 by webhook',
    routes: [webhook('POST', '/webhooks/objections')],
    table: 'readWrite',
    secrets: WEBHOOK_SECRETS,
    policy: true,
  },
  'commitment-uploaded': {
    description: 'checks an uploaded commitment scan and hands the case on',
    s3Events: ['commitments/'],
    table: 'readWrite',
    bucket: { read: ['commitments/'], delete: ['commitments/'], put: ['quarantine/'] },
    workflows: { answers: ['monitoringApplication'] },
    secrets: ['keys'],
    policy: true,
    // a 10 MiB scan is decoded whole to check its structure
    memorySize: 1024,
    timeoutSeconds: 30,
  },
  'approval-link': {
    description: 'the approver’s personal link: GET shows the case, POST decides',
    routes: personalLink('/approvals/{id}'),
    table: 'readWrite',
    bucket: { read: ['system-entry/'] },
    workflows: { answers: ['monitoringApplication', 'riskElimination'] },
    secrets: ['keys'],
    scanLinks: true,
    policy: true,
  },
  'commitment-scan': {
    description: '承诺书扫描件: streams an accepted scan to the holder of its link, as a download',
    functionUrl: true,
    bucket: { read: ['commitments/'] },
    secrets: ['keys'],
    memorySize: 256,
    timeoutSeconds: 30,
  },
  'staff-api': {
    description: 'staff reads of applications and their audit',
    routes: [
      staff('GET', '/applications/{id}'),
      staff('GET', '/applications/{id}/audit'),
      staff('GET', '/villages/{code}/applications'),
    ],
    table: 'read',
    secrets: ['keys'],
    policy: true,
  },
  openapi: {
    description: 'the OpenAPI document',
    routes: [{ method: 'GET', path: '/openapi.json', auth: 'none' }],
  },
  console: {
    description: 'the township console page',
    routes: [{ method: 'GET', path: '/console', auth: 'none' }],
    signIn: true,
  },
  'human-steps': {
    description: 'each human step of the workflows: approval items, personal links, reminders',
    workflowTask: true,
    table: 'readWrite',
    workflows: { answers: ['monitoringApplication', 'riskElimination'] },
    secrets: ['keys'],
    links: true,
    policy: true,
  },
  'workflow-steps': {
    description: 'the automatic steps of the workflows: publicity, comparison, endings, activation',
    workflowTask: true,
    table: 'readWrite',
    secrets: ['keys'],
    policy: true,
  },
  'system-entry-batch': {
    description: 'writes the national-system entry file of a case',
    workflowTask: true,
    table: 'readWrite',
    reveals: true,
    bucket: { put: ['system-entry/'] },
    secrets: ['keys'],
    policy: true,
  },
  'households-api': {
    description: 'households, grids, contact persons, plans, visits, elimination, green channel',
    routes: [
      staff('GET', '/villages/{code}/households'),
      staff('GET', '/villages/{code}/grids'),
      staff('PUT', '/villages/{code}/grids/{gridId}'),
      staff('GET', '/villages/{code}/visits/overdue'),
      staff('GET', '/households/{id}'),
      staff('PUT', '/households/{id}'),
      staff('GET', '/households/{id}/audit'),
      staff('GET', '/households/{id}/visits'),
      staff('GET', '/households/{id}/plans/{year}'),
      staff('PUT', '/households/{id}/plans/{year}'),
      staff('PUT', '/households/{id}/contact'),
      staff('POST', '/households/{id}/elimination'),
      staff('POST', '/applications/{id}/green-channel'),
    ],
    table: 'readWrite',
    reveals: true,
    workflows: { starts: ['riskElimination'] },
    secrets: ['keys'],
    policy: true,
  },
  'registry-files': {
    description: 'spreadsheets: registry import, inspection workbooks, the district entry batch',
    routes: [
      staff('POST', '/households/import'),
      staff('GET', '/districts/{code}/system-entry-batch'),
      staff('POST', '/campaigns/{id}/inspections/import'),
      staff('GET', '/campaigns/{id}/inspections/template'),
    ],
    table: 'readWrite',
    reveals: true,
    // a workbook's 综合判定 "propose for review" opens an identification
    ...OPENS_IDENTIFICATIONS,
    secrets: ['keys'],
    policy: true,
    // a 10,000-household import parses, hashes and writes in one call
    memorySize: 1024,
    timeoutSeconds: 29,
  },
  'cadre-records': {
    description: 'measures and visits cadres file by webhook',
    routes: [webhook('POST', '/webhooks/measures'), webhook('POST', '/webhooks/visits')],
    table: 'readWrite',
    ...OPENS_IDENTIFICATIONS,
    secrets: WEBHOOK_SECRETS,
    policy: true,
  },
  'visit-watch': {
    description: '跟踪走访: reminds the contact persons of overdue households',
    dailySchedule: 'DailyVisitWatch',
    table: 'readWrite',
    secrets: ['keys'],
    policy: true,
  },
  'deadline-watch': {
    description: '整改时限: reminds before a ledger line’s deadline and escalates after it',
    dailySchedule: 'DailyDeadlineWatch',
    table: 'readWrite',
    secrets: ['keys'],
    policy: true,
  },
  'inspection-intake': {
    description: '入户排查表 by webhook',
    routes: [webhook('POST', '/webhooks/inspections')],
    table: 'readWrite',
    ...OPENS_IDENTIFICATIONS,
    secrets: WEBHOOK_SECRETS,
    policy: true,
  },
  'campaign-api': {
    description: '集中排查: campaigns, the ledger, the summary, exports, the report',
    routes: [
      staff('GET', '/me'),
      staff('POST', '/townships/{code}/campaigns'),
      staff('GET', '/townships/{code}/campaigns'),
      staff('GET', '/townships/{code}/pipeline'),
      staff('GET', '/campaigns/{id}'),
      staff('GET', '/campaigns/{id}/problems'),
      staff('POST', '/campaigns/{id}/problems'),
      staff('GET', '/campaigns/{id}/summary'),
      staff('POST', '/campaigns/{id}/close'),
      staff('GET', '/campaigns/{id}/report'),
      staff('POST', '/campaigns/{id}/exports'),
      staff('GET', '/exports/{id}'),
      staff('GET', '/problems/{id}'),
      staff('POST', '/problems/{id}/actions'),
    ],
    table: 'readWrite',
    bucket: { put: ['export-requests/'], read: ['exports/'] },
    secrets: ['keys'],
    policy: true,
  },
  'leads-api': {
    description:
      '风险线索: department files, the monthly screening (部门筛查预警), area events, village leads',
    routes: [
      staff('POST', '/districts/{code}/extracts'),
      staff('POST', '/districts/{code}/screenings'),
      staff('GET', '/districts/{code}/screenings/{month}'),
      staff('GET', '/districts/{code}/screenings/{month}/feedback'),
      staff('GET', '/villages/{code}/leads'),
      staff('POST', '/villages/{code}/leads'),
      staff('POST', '/leads/{id}/verification'),
      staff('POST', '/districts/{code}/area-events'),
      staff('GET', '/districts/{code}/area-events/{id}'),
      staff('POST', '/districts/{code}/area-events/{id}/close'),
    ],
    table: 'readWrite',
    // upload URLs are signed with this role: department files (read back by the run), and the
    // commitment of an identification a verified lead opens
    bucket: { put: ['extracts/', ...OPENS_IDENTIFICATIONS.bucket.put], read: ['extracts/'] },
    workflows: OPENS_IDENTIFICATIONS.workflows,
    secrets: ['keys'],
    links: true,
    // a month's files are read and matched within the API's 29 s until the screening workflow takes over
    memorySize: 1024,
    timeoutSeconds: 29,
    policy: true,
  },
  'lead-link': {
    description: 'a village cadre’s personal link: GET shows the village’s open leads, POST verifies one',
    routes: personalLink('/lead-links/{village}'),
    table: 'readWrite',
    ...OPENS_IDENTIFICATIONS,
    secrets: ['keys'],
    policy: true,
  },
  'lead-watch': {
    description: '核实时限: reminds a village of its overdue leads, then escalates them to the township',
    dailySchedule: 'DailyLeadWatch',
    table: 'readWrite',
    secrets: ['keys'],
    links: true,
    policy: true,
  },
  'message-sender': {
    description: 'the outbox’s sender: delivers each message through the deployment’s channels',
    messageStream: true,
    minuteSchedule: 'MessageRetrySweep',
    table: 'readWrite',
    reveals: true,
    notifies: true,
    timeoutSeconds: 60,
  },
  'messages-api': {
    description: 'a township’s undelivered messages, and sending one again',
    routes: [staff('GET', '/townships/{code}/messages'), staff('POST', '/messages/{id}/resend')],
    table: 'readWrite',
  },
  'export-builder': {
    description: 'builds an annex export in the background',
    s3Events: ['export-requests/'],
    table: 'readWrite',
    bucket: { put: ['exports/'] },
    secrets: ['keys'],
    policy: true,
    memorySize: 1024,
    timeoutSeconds: 300,
  },
} satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
export const specOf = (name: FunctionName): FunctionSpec => FUNCTIONS[name];

/** Every HTTP route, with the function that serves it. */
export const ROUTES = FUNCTION_NAMES.flatMap((fn) =>
  (specOf(fn).routes ?? []).map((route) => ({ ...route, fn })),
);

/** The function that streams commitment scans, at its own URL. */
export const SCAN_FUNCTION: FunctionName = 'commitment-scan';

/** The function S3 invokes for an object key, as the bucket's notifications are set. */
export function functionForObject(key: string): FunctionName | undefined {
  return FUNCTION_NAMES.find((fn) => specOf(fn).s3Events?.some((prefix) => key.startsWith(prefix)));
}

/** The variables a function's configuration must carry, derived from what it may touch. */
export function requiredSettings(spec: FunctionSpec): string[] {
  const names = new Set<string>();
  if (spec.table) names.add('TABLE_NAME');
  if (spec.bucket) names.add('BUCKET_NAME');
  if (spec.table === 'readWrite' || spec.reveals) names.add('DATA_KEY_ARN');
  for (const w of [...(spec.workflows?.starts ?? []), ...(spec.workflows?.answers ?? [])])
    names.add(WORKFLOWS[w].env);
  for (const s of spec.secrets ?? []) names.add(SECRETS[s].env);
  if (spec.notifies) names.add('NOTIFY_CHANNELS');
  if (spec.links) names.add('PUBLIC_BASE_URL');
  if (spec.scanLinks) names.add('COMMITMENT_SCAN_URL');
  if (spec.routes?.some((r) => r.auth === 'staff')) names.add('PERSON_ID_CLAIM');
  if (spec.signIn) for (const name of ['STAFF_OIDC_ISSUER', 'STAFF_OIDC_CLIENT_ID']) names.add(name);
  return [...names].sort();
}
