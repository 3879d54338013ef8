/**
 * Composition of a files monitor reading SageMaker batch-transform capture: the source over its
 * manifests or output files, with an S3 client for unmapped `s3://` prefixes (built on first use,
 * so a replay of local copies never loads the SDK).
 */
import type { BatchTransformSettings } from '../config/batch-transform-config.js';
import { DEFAULTS } from '../config/defaults.js';
import type { S3Settings } from '../config/load.js';
import { BatchTransformSource } from '../source/batch-transform-source.js';
import type { UnreadableInput } from '../source/source.js';

export function batchTransformSource(
  paths: readonly string[],
  b: BatchTransformSettings,
  outputS3: S3Settings | undefined,
  maxLineLength: number,
  onUnreadable: (input: UnreadableInput) => void,
): BatchTransformSource {
  const endpoint = b.s3.endpoint ?? outputS3?.endpoint;
  const checksums = (outputS3?.checksums ?? 'when_required') === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return new BatchTransformSource({
    paths,
    manifests: b.manifests,
    prefixMap: b.prefixMap,
    maxLineLength,
    onUnreadable,
    s3Client: async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({
        region: b.s3.region ?? outputS3?.region ?? DEFAULTS.s3Region,
        ...(endpoint === undefined ? {} : { endpoint }),
        forcePathStyle: b.s3.forcePathStyle ?? outputS3?.forcePathStyle ?? endpoint !== undefined,
        requestChecksumCalculation: checksums,
        responseChecksumValidation: checksums,
      });
    },
  });
}
