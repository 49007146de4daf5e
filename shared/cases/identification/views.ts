/**
 * What people and integrators read about an application. ID numbers and phones are masked here, the
 * one place an application leaves the store for a reader.
 */

import { type Case, caseKind, isElimination, isIdentification } from '#domain/case';
import { maskIdNumber, maskPhone, maskText } from '#domain/masking';
import { RISK_TYPES } from '#domain/risk-types';
import { STAGE_LABELS } from '#domain/stages';

export function householdView(app: Case) {
  return {
    head: {
      name: app.applicant.name,
      idNumber: maskIdNumber(app.applicant.idNumber),
      phone: maskPhone(app.applicant.phone),
    },
    village: app.village,
    villageName: app.villageName,
    group: app.group,
    size: app.householdSize,
    householdType: app.householdType,
    declaredAnnualIncome: app.declaredAnnualIncome,
    perCapitaIncome: app.perCapitaIncome,
  };
}

export function historyView(app: Case) {
  return app.history.map((h) => ({
    stage: h.stage,
    decision: h.decision,
    by: h.by,
    at: h.at,
    ...(h.comment ? { comment: maskText(h.comment) } : {}),
    ...(h.meeting ? { meeting: h.meeting } : {}),
    ...(h.batchId ? { batchId: h.batchId } : {}),
  }));
}

/** `GET /applications/{id}` of CONTRACT.md, plus a few fields a reviewer needs. */
export function applicationView(app: Case) {
  const identification = isIdentification(app) ? app : undefined;
  const elimination = isElimination(app) ? app.elimination : undefined;
  const contact = identification?.outcome?.contactPerson;
  return {
    applicationId: app.applicationId,
    village: app.village,
    stage: app.stage,
    stageLabel: STAGE_LABELS[app.stage],
    household: householdView(app),
    reason: maskText(app.reason),
    riskTypes: app.riskTypes,
    riskTypeLabels: app.riskTypes.map((r) => RISK_TYPES[r]),
    history: historyView(app),
    publicity: app.publicity
      ? {
          startsAt: app.publicity.startsAt,
          endsAt: app.publicity.endsAt,
          objections: app.publicity.objections,
          provisional: app.publicity.provisional,
        }
      : null,
    commitment: {
      status: app.commitment.status,
      sha256: app.commitment.sha256,
      size: app.commitment.size,
      ...(app.commitment.contentType ? { contentType: app.commitment.contentType } : {}),
    },
    comparison: app.comparison ?? null,
    outcome: app.outcome
      ? {
          ...app.outcome,
          ...(contact ? { contactPerson: { ...contact, phone: maskPhone(contact.phone) } } : {}),
        }
      : null,
    kind: caseKind(app),
    remarking: identification?.remarking ?? null,
    greenChannel: identification?.greenChannel ?? null,
    elimination: elimination
      ? {
          identificationId: elimination.identificationId,
          proposal: elimination.proposal,
          check: elimination.check,
          proposedBy: elimination.proposedBy,
        }
      : null,
    systemEntryBatch: app.systemEntryBatch ? { batchId: app.systemEntryBatch.batchId } : null,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}
