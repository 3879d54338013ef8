import { defineConfig } from 'vitest/config';

const json = process.env.DRIFTMON_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Starts (or reuses) the real Kafka/S3/Prometheus; DRIFTMON_SERVICES=off skips it.
    globalSetup: ['test/support/global-setup.ts'],
    // before any test loads kafkajs: driftmon's read_committed fix must be in place when it does
    setupFiles: ['src/source/kafkajs-read-committed.ts'],
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
