/**
 * One monitor's streaming pipeline: raw batches → (back-off sampling) → decode → event-time windows
 * of profiles → on close: statistics → evaluation against the baseline → report sink + gauges.
 *
 * Hot path (per record): one decode call and, per row, one profile update per window size.
 * Counters are accumulated locally and flushed to prom-client once per batch; nothing is logged
 * per record.
 *
 * With a partitioned source (Kafka) and a checkpoint store, the pipeline also owns the
 * exactly-once cycle: after a batch that closed windows, or every checkpoint interval, it makes
 * dead letters durable, writes a checkpoint (window state + the positions it covers) and only
 * then commits those positions to the broker. On start it restores the last checkpoint and tells
 * the source to resume from its positions; on stop it checkpoints the open windows instead of
 * dropping them.
 */
import { baselineFeatureOrder } from '../../baseline/load-files.js';
import { formatDuration } from '../../config/duration.js';
import { DriftmonError, ErrorCode, RecordErrorReason } from '../../errors.js';
import { DatasetProfile } from '../../profile/dataset-profile.js';
import { DecodedRows } from '../../profile/decoded-rows.js';
import { createDecoder } from '../../record/create-decoder.js';
import type { ColumnNaming } from '../../record/column-naming.js';
import type { RecordDecoder } from '../../record/decoder.js';
import { FeatureRegistry } from '../../record/feature-registry.js';
import type { FeatureRow } from '../../record/row.js';
import { DecodedBlockReader, type DecodedBlock } from '../../record/decoded-block.js';
import { quantileSketchFactory } from '../../sketch/quantile-factory.js';
import type { RawBatch } from '../../source/source.js';
import { PartitionClock, type PartitionClockEntry } from '../../window/partition-clock.js';
import { StreamClock } from '../../window/stream-clock.js';
import { MemoryWindowStore, type WindowState } from '../../window/window-store.js';
import { decodeFramed, encodeFramed } from '../../state/framed.js';
import { Windower } from '../../window/windower.js';
import { refreshBackoff, type BackoffController } from '../backoff.js';
import { CheckpointCycle, type CheckpointState } from '../checkpoint-cycle.js';
import { MemberCycle } from '../member-cycle.js';
import { PartialsOutbox } from './partials-outbox.js';
import { PartitionWindows } from '../../window/partition-windows.js';
import { PoisonTally } from '../record-fault.js';
import { WindowCloser } from './window-closer.js';
import { WindowOwner } from './window-owner.js';
import { PreprocessStage } from '../hooks/preprocess-stage.js';

import { baselineDeclarations } from './decode-task.js';
import type { MonitorDeps, MonitorSummary } from './monitor-deps.js';

export type { Baseline, MemberDeps, MonitorDeps, MonitorSummary } from './monitor-deps.js';
export { baselineDeclarations, decodeSpec, decodeTask } from './decode-task.js';

export class MonitorPipeline {
  readonly registry: FeatureRegistry;
  private readonly decoder: RecordDecoder;
  private readonly preprocess: PreprocessStage | undefined;
  private readonly windower: Windower<DatasetProfile>;
  /** Where the current batch's rows go: `windower`, or (a member) the batch's partition's own. */
  private current: Windower<DatasetProfile>;
  /** A member's per-partition windows and transactions (undefined in one process). */
  private readonly partitionWindows: PartitionWindows<DatasetProfile> | undefined;
  private readonly memberCycle: MemberCycle | undefined;
  private owner: WindowOwner | undefined;
  private readonly store: MemoryWindowStore<DatasetProfile>;
  private readonly clock: () => number;
  readonly name: string;
  private row: FeatureRow | undefined;
  private readonly applyRow = (p: DatasetProfile): void => p.updateRow(this.row as FeatureRow);
  private decodedRows: DecodedRows | undefined;
  private readonly applyDecodedRow = (p: DatasetProfile): void => p.updateDecoded(this.decodedRows as DecodedRows);
  private readonly onRow = (row: FeatureRow): void => {
    if (row.eventTimeMs > this.futureLimitMs) {
      this.rowReason = RecordErrorReason.EVENT_TIME_IN_FUTURE;
      return;
    }
    if (this.filterRows && !(this.deps.backoff as BackoffController).keep(row.inferenceId ?? row.eventId)) {
      this.batchSampledOut++;
      return;
    }
    this.admit(row);
  };

  /** A row passed the checks: into its windows. */
  private admit(row: FeatureRow): void {
    this.row = row;
    this.batchRows++;
    this.recordTimeMs = row.eventTimeMs;
    this.current.add(row.eventTimeMs, this.applyRow, this.rowWeight);
  }

  /** admit for row `at` of a decoded block, read in place (profile/decoded-rows.ts). */
  private admitDecoded(rows: DecodedRows, at: number): void {
    rows.advance(at);
    this.batchRows++;
    const t = (this.recordTimeMs = rows.times[at] as number);
    this.current.add(t, this.applyDecodedRow, this.rowWeight);
  }
  private batchRows = 0;
  private batchSampledOut = 0;
  /** Per batch: event times beyond this (wall-clock now + maxFutureSkew) are rejected. */
  private futureLimitMs = Number.POSITIVE_INFINITY;
  /** Per record: why its rows were refused (the decoder accepted the record), and its event time if a row was used (else NaN). */
  private rowReason: RecordErrorReason | undefined;
  private recordTimeMs = Number.NaN;
  /** Files, stdin: the one stream's clock. Partitioned sources: each partition's, in partitionClock. */
  private readonly ownClock = new StreamClock();
  /** Sampling is on and the current record had no key: decide per decoded row, by its inference ID. */
  private filterRows = false;
  /** 1 / sampling ratio while backed off, else 1. */
  private rowWeight = 1;
  private lateReported: number[];
  private readonly summary: MonitorSummary;
  private readonly closer: WindowCloser;
  private ready = false;
  /** Partitioned sources: the watermark over partitions drives stream time. */
  private readonly partitionClock: PartitionClock | undefined;
  /** Partitioned sources with a checkpoint store: positions, checkpoints, commits. */
  private readonly cycle: CheckpointCycle;
  private readonly state = async (): Promise<CheckpointState> => ({ state: this.snapshot() });
  private lastBackoffUpdateMs = Number.NEGATIVE_INFINITY;
  /** Records decoded in another thread: how that decoder named headerless columns, once decided. */
  private decodedNaming: ColumnNaming | undefined;

  constructor(private readonly deps: MonitorDeps) {
    const s = deps.settings;
    this.name = s.name;
    this.clock = deps.clock ?? Date.now;
    this.cycle = new CheckpointCycle(s.name, deps, this.clock, s.checkpointIntervalMs);
    this.registry = new FeatureRegistry(s.maxFeatures);
    for (const d of baselineDeclarations(deps.baseline)) this.registry.declare(d.name, { keepText: d.keepText });
    const decoder = createDecoder(s.record, this.registry, { baselineNames: baselineFeatureOrder(deps.baseline) });
    this.decoder = deps.wrapDecoder?.(decoder) ?? decoder;
    const pre = s.hooks?.preprocess;
    if (deps.preprocess !== undefined && pre !== undefined) {
      this.preprocess = new PreprocessStage(s.name, this.registry, this.decoder, deps.preprocess, pre.timeoutMs, s.maxLineLength, deps.deadLetters, deps.metrics, deps.logger);
    }
    const quantiles = quantileSketchFactory(s.quantileSketch);
    const profileOptions = { quantiles, frequencyCap: s.categoryCap };
    const store = (this.store = new MemoryWindowStore<DatasetProfile>({
      create: () => new DatasetProfile(this.registry, profileOptions),
      serialize: (p) => p.serialize(),
      deserialize: (b) => DatasetProfile.deserialize(b, this.registry, profileOptions),
    }));
    const partitioned = deps.source.partitioned === true;
    this.partitionClock = partitioned ? new PartitionClock(s.partitionIdleMs) : undefined;
    this.windower = this.current = new Windower(store, { sizesMs: s.windowsMs, graceMs: s.graceMs });
    if (deps.member !== undefined && partitioned) {
      this.partitionWindows = new PartitionWindows(
        { create: () => new DatasetProfile(this.registry, profileOptions), serialize: (p) => p.serialize(), deserialize: (b) => DatasetProfile.deserialize(b, this.registry, profileOptions) },
        { sizesMs: s.windowsMs, graceMs: s.graceMs, idleMs: s.partitionIdleMs },
      );
      const m = deps.member;
      this.memberCycle = new MemberCycle({
        monitor: s.name,
        groupId: m.groupId,
        transactionalIdPrefix: m.transactionalIdPrefix,
        transactions: m.transactions,
        progressTopic: m.partialsTopic,
        progressPartitions: m.partialsPartitions,
        outbox: new PartialsOutbox(s.name, m.partialsTopic, this.partitionWindows, (p) => p.serialize(), deps.logger),
        resumeFrom: (positions) => deps.source.resumeFrom?.(positions),
        clock: this.clock,
        intervalMs: s.checkpointIntervalMs,
        logger: deps.logger,
        counted: (outcome) => deps.metrics.scaleOutTransactionsTotal.labels(s.name, 'member', outcome).inc(),
      });
    }
    this.lateReported = s.windowsMs.map(() => 0);
    this.summary = {
      monitor: s.name,
      records: 0,
      rows: 0,
      invalid: {},
      lateRows: {},
      sampledOut: 0,
      blankLines: 0,
      windowsClosed: 0,
      windowsWithViolations: 0,
      violations: Object.create(null) as Record<string, Record<string, number>>,
      drifted: Object.create(null) as Record<string, number>,
      reportPaths: [],
      warnings: [],
      finished: false,
      inputFiles: undefined,
    };
    if (this.preprocess !== undefined) this.summary.preprocess = this.preprocess.counts;
    this.closer = new WindowCloser({ ...deps, settings: s, clock: this.clock, summary: this.summary });
    const m = deps.member;
    if (m !== undefined && this.memberCycle !== undefined) {
      this.owner = new WindowOwner({
        monitor: s.name,
        groupId: m.ownerGroupId,
        partialsTopic: m.partialsTopic,
        partialsPartitions: m.partialsPartitions,
        transactionalIdPrefix: m.transactionalIdPrefix,
        inputPartitions: m.inputPartitions,
        graceMs: s.graceMs,
        createProfile: () => new DatasetProfile(this.registry, profileOptions),
        deserializeProfile: (b) => DatasetProfile.deserialize(b, this.registry, profileOptions),
        closer: this.closer,
        transactions: m.transactions,
        resumeFrom: (positions) => m.partialsSource.resumeFrom?.(positions),
        clock: this.clock,
        intervalMs: s.checkpointIntervalMs,
        logger: deps.logger,
        counted: (outcome) => deps.metrics.scaleOutTransactionsTotal.labels(s.name, 'owner', outcome).inc(),
      });
    }
  }

  /** A member's input source: partitions gained and lost (KafkaSource's onAssignment). */
  readonly memberAssignment = (added: readonly string[], removed: readonly string[]): Promise<void> =>
    this.memberCycle?.onAssignment(added, removed) ?? Promise.resolve();

  /** A member's partials source: partials partitions gained and lost, as the owner of their windows. */
  readonly ownerAssignment = (added: readonly string[], removed: readonly string[]): Promise<void> =>
    this.owner?.onAssignment(added, removed) ?? Promise.resolve();

  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Consume the source until it ends or `signal` aborts. A finite source's end closes every
   * window; a stop checkpoints the open ones (when there is a checkpoint store) for the restart.
   */
  async run(signal?: AbortSignal): Promise<MonitorSummary> {
    const { source, logger, checkpoints } = this.deps;
    await this.restoreCheckpoint();
    logger.info({ monitor: this.name, source: source.description, windows: this.deps.settings.windowsMs.map(formatDuration) }, 'monitor started');
    this.ready = true;
    const onAbort = (): void => (source.stop ? source.stop() : void source.close());
    signal?.addEventListener('abort', onAbort, { once: true });
    const member = this.memberCycle;
    const ownerDone = this.owner === undefined || this.deps.member === undefined ? undefined : this.owner.run(this.deps.member.partialsSource, signal);
    // a member commits every interval even without traffic: owners must hear its partitions' progress
    const ticker = member?.startTicking();
    try {
      for await (const batch of source.batches()) {
        if (member !== undefined) {
          await member.serial.run(async () => {
            await this.processBatch(batch);
            await member.afterBatch(batch);
          });
        } else {
          const closed = await this.processBatch(batch);
          if (batch.continues !== true) await this.cycle.afterBatch(batch, closed > 0, this.state);
        }
        if (signal?.aborted) break;
      }
      if (member !== undefined) {
        clearInterval(ticker);
        // stopping: what the held partitions gathered goes to the owners with their offsets
        await member.serial.run(() => member.commitAll());
        await member.close();
        this.deps.member?.partialsSource.stop?.();
        await ownerDone;
      } else if (signal?.aborted || source.partitioned) {
        // stopped, not finished: open windows are incomplete, so they are not reported as if they
        // were; with a checkpoint store they are kept for the restart
        const open = this.windower.openCount();
        if (checkpoints !== undefined) {
          await this.cycle.save(this.state, true);
          logger.info({ monitor: this.name, openWindows: open, checkpoint: checkpoints.describe(this.name) }, 'stopped: open windows checkpointed');
        } else if (open > 0) {
          logger.warn({ monitor: this.name, openWindows: open }, 'stopped: open windows dropped unreported');
        }
      } else {
        await this.closeWindows(this.windower.closeAll());
        this.summary.finished = true;
      }
    } finally {
      clearInterval(ticker);
      this.summary.inputFiles = source.filesFound?.();
      signal?.removeEventListener('abort', onAbort);
      await this.deps.reports.flush();
      await this.deps.deadLetters.flush();
      await source.close();
    }
    logger.info({ monitor: this.name, ...this.summaryCounts() }, 'monitor finished');
    return this.summary;
  }

  /**
   * Decode and window one batch, then close the windows stream time has passed. Returns how many
   * windows closed.
   */
  async processBatch(batch: RawBatch): Promise<number> {
    const { metrics } = this.deps;
    this.batchRows = 0;
    this.batchSampledOut = 0;
    const batchStartMs = this.clock();
    this.futureLimitMs = batchStartMs + this.deps.settings.maxFutureSkewMs;
    const partitionClock = this.partitionClock;
    const partition = partitionClock === undefined ? undefined : batch.partition?.key;
    // a member keeps each partition's windows by that partition's own clock (partition-windows.ts)
    const own = partition === undefined ? undefined : this.partitionWindows?.of(partition, batchStartMs);
    const partitioned = partitionClock !== undefined && partition !== undefined && own === undefined;
    const streamClock = own !== undefined ? own.clock : partitioned ? partitionClock.clockOf(partition, batchStartMs) : this.ownClock;
    this.current = own?.windower ?? this.windower;
    const lateBefore = own === undefined ? undefined : [...own.windower.lateBySize];
    const backoff = this.deps.backoff;
    const sampling = backoff !== undefined && backoff.ratio < 1;
    this.rowWeight = sampling ? 1 / backoff.ratio : 1;
    const invalid =
      batch.decoded !== undefined ? this.applyDecoded(batch, batch.decoded, streamClock, partitioned, sampling)
      : this.preprocess !== undefined ? await this.preprocessed(this.preprocess, batch, streamClock, partitioned)
      : this.decodeRecords(batch, streamClock, partitioned, sampling);
    this.filterRows = false;
    const recordCount = batch.decoded !== undefined ? batch.decoded.records - (batch.decodedFrom ?? 0) : batch.records.length;
    this.summary.records += recordCount;
    if (batch.blankLines !== undefined) {
      this.summary.blankLines += batch.blankLines;
      metrics.blankLinesTotal.labels(this.name).inc(batch.blankLines);
    }
    this.summary.rows += this.batchRows;
    metrics.recordsTotal.labels(this.name).inc(recordCount);
    metrics.rowsTotal.labels(this.name).inc(this.batchRows);
    if (this.batchSampledOut > 0) {
      this.summary.sampledOut += this.batchSampledOut;
      metrics.recordsSampledOutTotal.labels(this.name).inc(this.batchSampledOut);
    }
    if (invalid !== undefined) {
      for (const [reason, n] of invalid) {
        metrics.recordsInvalidTotal.labels(this.name, reason).inc(n);
        this.summary.invalid[reason] = (this.summary.invalid[reason] ?? 0) + n;
      }
      metrics.deadLettersTotal.labels(this.name).inc([...invalid.values()].reduce((a, b) => a + b, 0));
    }
    if (batch.continues === true) return 0;
    if (own !== undefined && partition !== undefined) {
      // a member: its windows leave as partials at the next transaction (member-cycle.ts); its late
      // rows are added to the monitor's counters, which `windower` holds for all partitions
      this.partitionWindows?.afterBatch(partition, this.clock());
      own.windower.lateBySize.forEach((n, i) => ((this.windower.lateBySize[i] as number) += n - (lateBefore?.[i] ?? 0)));
      this.updateBackoff();
      this.publishLate();
      return 0;
    }
    if (partitioned) {
      const now = this.clock();
      const assigned = this.deps.source.assignment?.();
      if (assigned !== undefined) partitionClock.assign(assigned, now);
      partitionClock.seen(partition, now);
      this.windower.advanceTo(partitionClock.watermark(now));
    }
    if (this.summary.columnNaming === undefined) this.noteColumnNaming();
    this.updateBackoff();
    this.publishLate();
    if (Number.isFinite(this.windower.streamTimeMs)) metrics.streamTime.labels(this.name).set(this.windower.streamTimeMs / 1000);
    const closed = this.windower.closeDue();
    await this.closeWindows(closed);
    return closed.length;
  }

  /** Decode the batch's lines and window their rows; returns the rejected records by reason. */
  private decodeRecords(batch: RawBatch, streamClock: StreamClock, partitioned: boolean, sampling: boolean): Map<RecordErrorReason, number> | undefined {
    const { deadLetters } = this.deps;
    const backoff = this.deps.backoff as BackoffController;
    const records = batch.records;
    let invalid: Map<RecordErrorReason, number> | undefined;
    const maxLength = this.deps.settings.maxLineLength;
    // The try wraps the whole loop, not each record: a poison record is dead-lettered in the catch
    // and the loop resumes after it (see record-fault.ts for what stops the monitor instead).
    let i = 0;
    let rowsBeforeRecord = 0;
    const poison = new PoisonTally();
    while (i < records.length) {
      try {
        for (; i < records.length; i++) {
          rowsBeforeRecord = this.batchRows;
          const line = records[i] as string;
          if (sampling) {
            // keyed messages (key = inference ID) are decided before decoding, which is the saving
            const key = batch.key?.(i);
            this.filterRows = key === undefined || key === null || key.length === 0;
            if (!this.filterRows && !backoff.keepBytes(key as Uint8Array)) {
              this.batchSampledOut++;
              continue;
            }
          }
          const rejected = batch.rejected?.(i);
          this.rowReason = undefined;
          this.recordTimeMs = Number.NaN;
          const reason = rejected?.reason ?? (line.length > maxLength ? RecordErrorReason.LINE_TOO_LONG : this.decoder.decode(line, this.onRow) ?? this.rowReason);
          this.recordDone(streamClock, partitioned);
          if (reason !== undefined) {
            invalid = tally(invalid, reason);
            deadLetters.write({ monitor: this.name, reason, source: batch.origin(i), record: line, recordBytes: rejected?.bytes, bytes: batch.bytes?.(i), key: batch.key?.(i) });
          }
        }
      } catch (e) {
        invalid = tally(invalid, RecordErrorReason.PROCESSING_ERROR);
        poison.dead(this.name, batch, i, records[i] as string, e, this.batchRows !== rowsBeforeRecord, deadLetters);
        i++;
      }
    }
    poison.warn(this.name, this.deps.logger);
    return invalid;
  }

  /**
   * Window the rows of records decoded in another thread (record/block-decoder.ts decided each
   * record's rejection); returns the rejected records by reason. Back-off samples as decodeRecords
   * does: a keyed record by its key, a keyless one row by row (by DecodedBlock.sampleKeys).
   */
  private applyDecoded(batch: RawBatch, block: DecodedBlock, streamClock: StreamClock, partitioned: boolean, sampling: boolean): Map<RecordErrorReason, number> | undefined {
    const { deadLetters } = this.deps;
    const backoff = this.deps.backoff as BackoffController;
    const reader = new DecodedBlockReader(block, this.registry);
    if (block.columnNaming !== undefined) this.decodedNaming = block.columnNaming;
    const problems = block.problems;
    const rowCounts = reader.arrays.rowCounts;
    const sampleKeys = block.sampleKeys;
    const rows = (this.decodedRows = new DecodedRows(block, reader.arrays, this.registry.features));
    let i = batch.decodedFrom ?? 0;
    let row = rowCounts.subarray(0, i).reduce((a, b) => a + b, 0);
    let next = problems.filter((p) => p.record < i).length;
    let invalid: Map<RecordErrorReason, number> | undefined;
    let rowsBeforeRecord = 0;
    const poison = new PoisonTally();
    while (i < block.records) {
      try {
        for (; i < block.records; i++) {
          rowsBeforeRecord = this.batchRows;
          this.recordTimeMs = Number.NaN;
          const n = rowCounts[i] as number;
          row += n; // first, so that a record that throws leaves the next one its own rows
          let keys: Float64Array | undefined;
          if (sampling) {
            const key = batch.key?.(i);
            if (key === undefined || key === null || key.length === 0) keys = sampleKeys;
            else if (!backoff.keepBytes(key)) {
              this.batchSampledOut++; // as if before decoding (decodeRecords): not even a dead letter
              if (problems[next]?.record === i) next++;
              continue;
            }
          }
          for (let k = row - n; k < row; k++) {
            if (keys === undefined || backoff.keepSampleKey(keys[k] as number)) this.admitDecoded(rows, k);
            else this.batchSampledOut++;
          }
          this.recordDone(streamClock, partitioned);
          const p = problems[next];
          if (p !== undefined && p.record === i) {
            next++;
            invalid = tally(invalid, p.reason);
            const letter = { monitor: this.name, reason: p.reason, source: batch.origin(i), record: p.text, recordBytes: p.bytes, bytes: batch.bytes?.(i), key: batch.key?.(i) };
            deadLetters.write(p.error === undefined ? letter : { ...letter, error: p.error });
            if (p.error !== undefined) poison.seen(batch.origin(i), p.error);
          }
        }
      } catch (e) {
        const p = problems[next];
        const text = p !== undefined && p.record === i ? p.text : '';
        if (text !== '') next++;
        invalid = tally(invalid, RecordErrorReason.PROCESSING_ERROR);
        poison.dead(this.name, batch, i, text, e, this.batchRows !== rowsBeforeRecord, deadLetters);
        i++;
      }
    }
    poison.warn(this.name, this.deps.logger);
    return invalid;
  }

  /** The batch through the record pre-processor (a slower path of its own: preprocess-stage.ts). */
  private async preprocessed(stage: PreprocessStage, batch: RawBatch, streamClock: StreamClock, partitioned: boolean): Promise<Map<RecordErrorReason, number> | undefined> {
    const begin = (): void => void (this.recordTimeMs = Number.NaN);
    const end = (): void => this.recordDone(streamClock, partitioned);
    const r = await stage.batch(batch, { futureLimitMs: this.futureLimitMs, backoff: this.deps.backoff, begin, admit: (row) => this.admit(row), end });
    this.batchSampledOut += r.sampledOut;
    return r.invalid;
  }

  /** After a record's rows: its event time (if a row was used) moves the stream clock, once per record. */
  private recordDone(streamClock: StreamClock, partitioned: boolean): void {
    if (this.recordTimeMs !== this.recordTimeMs) return;
    streamClock.record(this.recordTimeMs);
    if (!partitioned) this.current.advanceTo(streamClock.confirmedMs);
  }

  private async restoreCheckpoint(): Promise<void> {
    const { logger } = this.deps;
    const c = await this.cycle.load();
    if (c === undefined) {
      if (this.cycle.enabled) logger.info({ monitor: this.name, checkpoint: this.cycle.describe() }, 'no checkpoint: starting from the committed offsets');
      return;
    }
    this.restore(c.state);
    logger.info(
      { monitor: this.name, checkpoint: this.cycle.describe(), age_s: (this.clock() - c.createdAtMs) / 1000, openWindows: this.windower.openCount(), partitions: c.positions.length },
      'restored from checkpoint',
    );
  }

  /** Once the decoder has named headerless columns: say how, once (a warning on a count mismatch). */
  private noteColumnNaming(): void {
    const naming = this.decodedNaming ?? this.decoder.columnNaming?.();
    if (naming === undefined) return;
    this.summary.columnNaming = naming;
    const { logger } = this.deps;
    const fields = { monitor: this.name, captureColumns: naming.columns, baselineFeatures: naming.baselineFeatures };
    if (naming.fromBaseline) {
      logger.info(fields, "headerless columns named after the baseline's features, in order");
      return;
    }
    const warning =
      `monitor ${this.name}: capture rows have ${naming.columns} unnamed columns but the baseline has ${naming.baselineFeatures} features, ` +
      `so the columns keep positional names _c0…_c${naming.columns - 1} and do not match the baseline's; name them (outputs first) ` +
      `with --outputs and --inputs (replay) or record.outputs and record.inputs (config)`;
    this.summary.warnings.push(warning);
    logger.warn(fields, warning);
  }

  /** Re-evaluate back-off pressure (at most every 250 ms) and publish it. */
  private updateBackoff(): void {
    const now = this.clock();
    if (now - this.lastBackoffUpdateMs < 250) return;
    this.lastBackoffUpdateMs = now;
    refreshBackoff({ monitor: this.name, ...this.deps });
  }

  /**
   * The monitor's window state as bytes: stream time, late counters and every open window's
   * profile. Restoring it into a fresh pipeline over the same config continues exactly where this
   * one stood (the Kafka issue checkpoints these bytes together with the consumed offsets).
   */
  snapshot(): Uint8Array {
    const header = {
      version: 1,
      streamTimeMs: this.windower.streamTimeMs,
      // the one stream's latest record, not confirmed yet (partitioned sources: in `partitions`)
      lastEventMs: this.ownClock.lastMs,
      lateBySize: this.windower.lateBySize,
      sizesMs: this.windower.sizesMs,
      partitions: this.partitionClock?.snapshot() ?? [],
    };
    return encodeFramed(header, this.store.snapshot());
  }

  restore(bytes: Uint8Array): void {
    const fail = (why: string): never => {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `monitor ${this.name}: snapshot is invalid: ${why}`);
    };
    type Header = { version?: number; streamTimeMs?: number | null; lastEventMs?: number | null; lateBySize?: number[]; sizesMs?: number[]; partitions?: PartitionClockEntry[] };
    const { header, body } = decodeFramed<Header>(bytes, fail);
    if (header.version !== 1) fail(`unknown version ${String(header.version)}`);
    if (JSON.stringify(header.sizesMs) !== JSON.stringify(this.windower.sizesMs)) {
      fail(`window sizes ${JSON.stringify(header.sizesMs)} differ from the configured ${JSON.stringify(this.windower.sizesMs)}`);
    }
    this.store.restore(body);
    // JSON writes -Infinity (no record seen yet) as null
    const streamTimeMs = header.streamTimeMs ?? Number.NEGATIVE_INFINITY;
    this.windower.setStreamTime(streamTimeMs);
    // (snapshots before the outlier-safe clock have no lastEventMs: the next record is then confirmed by the one after it)
    this.ownClock.restore(streamTimeMs, header.lastEventMs ?? Number.NEGATIVE_INFINITY);
    (header.lateBySize ?? []).forEach((n, i) => (this.windower.lateBySize[i] = n));
    this.lateReported = [...this.windower.lateBySize];
    // JSON writes -Infinity (a partition with no valid row yet) as null
    this.partitionClock?.restore(
      (header.partitions ?? []).map((p) => ({ key: p.key, maxEventMs: p.maxEventMs ?? Number.NEGATIVE_INFINITY, lastEventMs: p.lastEventMs ?? Number.NEGATIVE_INFINITY })),
      this.clock(),
    );
  }

  private publishLate(): void {
    const sizes = this.windower.sizesMs;
    sizes.forEach((size, i) => {
      const late = this.windower.lateBySize[i] as number;
      const delta = late - (this.lateReported[i] as number);
      const label = formatDuration(size);
      if (delta > 0) this.deps.metrics.rowsLateTotal.labels(this.name, label).inc(delta);
      this.lateReported[i] = late;
      this.summary.lateRows[label] = late;
      this.deps.metrics.windowsOpen.labels(this.name, label).set(this.windower.openCount(size));
    });
  }

  private async closeWindows(closed: WindowState<DatasetProfile>[]): Promise<void> {
    for (const w of closed) await this.closeWindow(w);
    if (closed.length > 0) this.publishLate();
  }

  private async closeWindow(w: WindowState<DatasetProfile>): Promise<void> {
    const sizeIndex = this.windower.sizesMs.indexOf(w.sizeMs);
    await this.closer.close(w, this.windower.lateBySize[sizeIndex] ?? 0);
  }

  private summaryCounts(): Record<string, unknown> {
    const { records, rows, invalid, windowsClosed, windowsWithViolations, lateRows, sampledOut, blankLines } = this.summary;
    const preprocess = this.preprocess?.counts;
    return { records, rows, invalid, windowsClosed, windowsWithViolations, lateRows, sampledOut, blankLines, ...(preprocess ? { preprocess } : {}) };
  }
}


/** One more record rejected for `reason` in this batch (the map exists only once one is). */
function tally(invalid: Map<RecordErrorReason, number> | undefined, reason: RecordErrorReason): Map<RecordErrorReason, number> {
  const m = invalid ?? new Map<RecordErrorReason, number>();
  m.set(reason, (m.get(reason) ?? 0) + 1);
  return m;
}
