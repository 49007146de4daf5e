/** The HTTP API's routes (no CDK here: the local gateway loads this too). */
/** Every HTTP route, with the function that serves it; the local gateway serves the same table. */
export const ROUTES = [
  { method: 'POST', path: '/webhooks/applications', fn: 'submit-application', auth: 'webhook' },
  {
    method: 'POST',
    path: '/webhooks/applications/{id}/commitment-url',
    fn: 'issue-commitment-url',
    auth: 'webhook',
  },
  { method: 'POST', path: '/webhooks/objections', fn: 'lodge-objection', auth: 'webhook' },
  { method: 'GET', path: '/approvals/{id}', fn: 'approval-link', auth: 'link' },
  { method: 'POST', path: '/approvals/{id}', fn: 'approval-link', auth: 'link' },
  { method: 'GET', path: '/applications/{id}', fn: 'staff-api', auth: 'staff' },
  { method: 'GET', path: '/applications/{id}/audit', fn: 'staff-api', auth: 'staff' },
  { method: 'GET', path: '/villages/{code}/applications', fn: 'staff-api', auth: 'staff' },
  { method: 'GET', path: '/openapi.json', fn: 'openapi', auth: 'none' },
] as const;
