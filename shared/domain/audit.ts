/** What every state change records beside itself. */

export interface AuditEntry {
  action: string;
  by: string;
  at: string;
  detail?: Record<string, unknown>;
}
