/**
 * POST /v1/ground-truth — labelers send ground truth; driftmon validates it and produces it to the
 * ground-truth topic (a fastify plugin: app.register(groundTruthRoute, options)).
 *
 * Body: JSON Lines (Content-Type application/x-ndjson, application/jsonl or text/plain; one record
 * per line, blank lines skipped, a line holding a JSON array counts as its records, as AWS's own
 * notebooks write them), or JSON (application/json: an array of records, or one record). Records:
 * SageMaker ground-truth records or flat JSON labels (record/ground-truth-decoder.ts).
 *
 * Answers:
 *   401  no valid `Authorization: Bearer <token>` (WWW-Authenticate: Bearer). Checked before the
 *        body is read. Tokens are compared in constant time, against every configured token
 *        (several allow rotation).
 *   413  body larger than bodyLimitBytes (default 5 MiB); 415 for other content types.
 *   400  `{ errors: [{ index, line?, reason, message }], accepted: 0, duplicates: 0 }` listing EVERY
 *        invalid record (index: 0-based record number; line: 1-based line of a JSON Lines body).
 *        All or nothing: nothing of the body is produced; fix the listed records and resend the
 *        whole body (resending is safe: accepted IDs are never produced twice).
 *   202  `{ accepted, duplicates }` once the broker acknowledged every accepted record (acks all).
 *        duplicates: records whose event ID was accepted before (or earlier in the body; the
 *        first copy wins) and were not produced again.
 *   503  the topic or the ID store failed (Retry-After: 5): `{ error, message, accepted,
 *        duplicates }`; retry the same body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../errors.js';
import { GroundTruthDecoder, type GroundTruthDecodeResult, type GroundTruthFieldNames, type GroundTruthRecord } from '../record/ground-truth-decoder.js';
import { parseJsonText, type JsonValue } from '../record/json-text.js';
import type { GroundTruthRouteMetrics } from '../observability/component-metrics.js';
import { IngestFailure, type LabelIngestor } from './label-ingestor.js';

export const GROUND_TRUTH_PATH = '/v1/ground-truth';
export const DEFAULT_INGEST_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
export const JSON_LINES_CONTENT_TYPES = ['application/x-ndjson', 'application/jsonl', 'text/plain'] as const;

export interface GroundTruthRouteOptions {
  ingestor: LabelIngestor;
  /** Accepted bearer tokens (at least one). */
  tokens: readonly string[];
  bodyLimitBytes?: number | undefined;
  fields?: GroundTruthFieldNames | undefined;
  metrics?: GroundTruthRouteMetrics | undefined;
}

export interface RecordError {
  index: number;
  line?: number;
  reason: RecordErrorReason;
  message: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** A check of `Authorization: Bearer <token>` against every token, in time independent of where (or whether) it matches. */
export function bearerChecker(tokens: readonly string[]): (header: string | undefined) => boolean {
  if (tokens.length === 0 || tokens.some((t) => t.length === 0)) {
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'the ground-truth endpoint needs at least one non-empty bearer token');
  }
  const want = tokens.map(digest);
  return (header) => {
    const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const got = digest(m?.[1] ?? '');
    let ok = false;
    for (const w of want) ok = timingSafeEqual(w, got) || ok;
    return ok && m !== null;
  };
}

interface BodyItem {
  line?: number;
  result: GroundTruthDecodeResult;
}

/** Every record of a body, decoded, in order. */
export function decodeBody(body: string, jsonLines: boolean, decoder: GroundTruthDecoder): BodyItem[] {
  const out: BodyItem[] = [];
  const values = (v: JsonValue, line?: number): void => {
    const push = (x: JsonValue): number => out.push({ ...(line === undefined ? {} : { line }), result: decoder.decodeValue(x) });
    if (Array.isArray(v)) v.forEach(push);
    else push(v);
  };
  if (!jsonLines) {
    const doc = parseJsonText(body);
    if (doc !== undefined) {
      values(doc);
      return out;
    }
    if (body.indexOf('\n') < 0) {
      out.push({ result: { ok: false, reason: RecordErrorReason.NOT_JSON, message: 'the body is not valid JSON' } });
      return out;
    }
    // JSON Lines sent as application/json: read it as lines
  }
  let start = 0;
  for (let lineNo = 1; start <= body.length; lineNo++) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    const next = end + 1;
    if (end > start && body.charCodeAt(end - 1) === 13) end--;
    if (!/^\s*$/.test(body.slice(start, end))) {
      const doc = parseJsonText(body, start, end);
      if (doc === undefined) out.push({ line: lineNo, result: { ok: false, reason: RecordErrorReason.NOT_JSON, message: 'the line is not valid JSON' } });
      else values(doc, lineNo);
    }
    start = next;
  }
  return out;
}

function isJsonLinesType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (JSON_LINES_CONTENT_TYPES as readonly string[]).includes(media);
}

export const groundTruthRoute: FastifyPluginAsync<GroundTruthRouteOptions> = async (app, options) => {
  const authorized = bearerChecker(options.tokens);
  const decoder = new GroundTruthDecoder(options.fields);
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_INGEST_BODY_LIMIT_BYTES;
  const metrics = options.metrics;

  // This plugin's own parsers (encapsulated: the rest of the app keeps fastify's): the body as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', ...JSON_LINES_CONTENT_TYPES], { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (_req, reply) => {
    metrics?.requestsTotal.inc({ status: String(reply.statusCode) });
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (authorized(req.headers.authorization)) return;
    const given = req.headers.authorization !== undefined;
    await reply
      .code(401)
      .header('www-authenticate', given ? 'Bearer realm="driftmon", error="invalid_token"' : 'Bearer realm="driftmon"')
      .send({ error: 'unauthorized', message: given ? 'the bearer token is not valid' : 'send Authorization: Bearer <token>' });
    return reply;
  });

  app.post(GROUND_TRUTH_PATH, { bodyLimit }, async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const items = decodeBody(body, isJsonLinesType(req.headers['content-type']), decoder);
    const errors: RecordError[] = [];
    const records: GroundTruthRecord[] = [];
    items.forEach((it, index) => {
      if (it.result.ok) records.push(it.result.record);
      else errors.push({ index, ...(it.line === undefined ? {} : { line: it.line }), reason: it.result.reason, message: it.result.message });
    });
    if (items.length === 0) errors.push({ index: 0, reason: RecordErrorReason.EMPTY_PAYLOAD, message: 'the body holds no records' });
    if (errors.length > 0) {
      for (const e of errors) metrics?.labelsRejectedTotal.inc({ reason: e.reason });
      return reply.code(400).send({ errors, accepted: 0, duplicates: 0 });
    }
    try {
      const result = await options.ingestor.ingest(records);
      return reply.code(202).send(result);
    } catch (e) {
      const partial = e instanceof IngestFailure ? e.partial : { accepted: 0, duplicates: 0 };
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'unavailable', message: `${(e as Error).message}; retry the same body (accepted records are not produced twice)`, ...partial });
    }
  });
};
