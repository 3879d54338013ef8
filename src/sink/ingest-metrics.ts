/**
 * Metrics of the ground-truth ingestion endpoint (POST /v1/ground-truth). Kept apart from
 * metrics.ts until they are merged there; same rules: driftmon_ prefix, bounded labels.
 */
import { Counter, type Registry } from 'prom-client';

export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    labelsAcceptedTotal: new Counter({
      name: 'driftmon_ground_truth_accepted_total',
      help: 'Ground-truth records accepted and acknowledged by the ground-truth topic.',
      registers,
    }),
    labelsDuplicateTotal: new Counter({
      name: 'driftmon_ground_truth_duplicates_total',
      help: 'Ground-truth records not produced again because their event ID was already accepted.',
      registers,
    }),
    labelsRejectedTotal: new Counter({
      name: 'driftmon_ground_truth_rejected_total',
      help: 'Invalid ground-truth records (their request was answered 400), by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    requestsTotal: new Counter({
      name: 'driftmon_ground_truth_requests_total',
      help: 'Requests to POST /v1/ground-truth, by HTTP status code.',
      labelNames: ['status'] as const,
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
