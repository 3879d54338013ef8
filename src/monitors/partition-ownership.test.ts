import { describe, expect, it } from 'vitest';
import { assignmentChanges, ownershipUnit, Serial } from './partition-ownership.js';

describe('partition ownership', () => {
  it('runs work on a Serial one at a time in call order, a failure not stopping the next', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) => () =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          log.push(name);
          if (fail) reject(new Error(name));
          else resolve();
        }, ms),
      );
    const a = serial.run(step('a', 30));
    const b = serial.run(step('b', 1, true));
    const c = serial.run(step('c', 1));
    await a;
    await expect(b).rejects.toThrow('b');
    await c;
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('applies assignment changes on the Serial: releases first, then takeovers', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const changes = assignmentChanges(
      serial,
      async (k) => void log.push(`release ${k}`),
      async (k) => void log.push(`take ${k}`),
    );
    const batch = serial.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      log.push('batch');
    });
    await Promise.all([batch, changes(['t/1'], ['t/0'])]);
    expect(log).toEqual(['batch', 'release t/0', 'take t/1']);
  });

  it('gives each consumer group its own transactional ids, so two monitors of one name never fence each other', () => {
    const a = ownershipUnit('partials/3', { groupId: 'team-a.partials', transactionalIdPrefix: 'driftmon' });
    const b = ownershipUnit('partials/3', { groupId: 'team-b.partials', transactionalIdPrefix: 'driftmon' });
    expect(a).toEqual({ topic: 'partials', partition: 3, groupId: 'team-a.partials', transactionalId: 'driftmon.team-a.partials.partials.3' });
    expect(b.transactionalId).not.toBe(a.transactionalId);
    // and one group's stages on different topics differ too
    expect(ownershipUnit('inference/3', { groupId: 'team-a', transactionalIdPrefix: 'driftmon' }).transactionalId).not.toBe(ownershipUnit('labels/3', { groupId: 'team-a', transactionalIdPrefix: 'driftmon' }).transactionalId);
  });
});
