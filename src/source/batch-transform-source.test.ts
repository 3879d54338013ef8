import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { keyProblem, parseManifest, resolveObject } from './batch-manifest.js';
import { BatchTransformSource } from './batch-transform-source.js';
import { describeSourceContract } from './source.contract.js';
import type { UnreadableInput } from './source.js';

describeSourceContract('BatchTransformSource (output files)', async (text, batchSize) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-batch-contract-'));
  writeFileSync(join(dir, 'part-0.out'), text);
  return new BatchTransformSource({ paths: [dir], manifests: false, prefixMap: new Map(), batchSize });
});

describeSourceContract('BatchTransformSource (manifest, mapped local copy)', async (text, batchSize) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftmon-batch-contract-'));
  mkdirSync(join(dir, 'copy'));
  writeFileSync(join(dir, 'copy', 'part-0.out.gz'), gzipSync(text));
  writeFileSync(join(dir, 'm.json'), JSON.stringify([{ prefix: 's3://bucket/out/' }, 'part-0.out.gz']));
  return new BatchTransformSource({ paths: [join(dir, 'm.json')], manifests: true, prefixMap: new Map([['s3://bucket/out/', join(dir, 'copy')]]), batchSize });
});

describe('parseManifest', () => {
  it("reads AWS's documented manifest", () => {
    expect(parseManifest('[{"prefix": "s3://bucket/transform-output/"}, "test-dataset.json.out"]')).toEqual({
      prefix: 's3://bucket/transform-output/',
      keys: ['test-dataset.json.out'],
      problems: [],
    });
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '[{"prefix": ', /not JSON/],
    ['an object', '{"prefix": "s3://bucket/x/"}', /not a JSON array/],
    ['an empty array', '[]', /first element/],
    ['no prefix first', '["a.out", {"prefix": "s3://bucket/x/"}]', /first element/],
    ['a prefix that is not a string', '[{"prefix": 5}, "a"]', /first element/],
    ['an inherited prefix', '[{"__proto__": {"prefix": "s3://bucket/x/"}}, "a"]', /first element/],
    ['a local prefix', '[{"prefix": "/etc/"}, "passwd"]', /not an s3/],
    ['a prefix escaping upwards', '[{"prefix": "s3://bucket/x/../../"}, "a"]', /prefix: .*leaves its prefix/],
  ];
  for (const [what, text, error] of bad) {
    it(`rejects the whole manifest when it is ${what}`, () => {
      const m = parseManifest(text);
      expect('error' in m && m.error).toMatch(error);
    });
  }

  it('skips entries that are not relative keys, keeping the others', () => {
    const m = parseManifest(JSON.stringify([{ prefix: 's3://bucket/out/' }, 'ok-1.out', '../secret', 'a/../../b', '/abs', '', 7, null, 'a\\b', 'x\u0000', './a', 'dir/ok-2.out']));
    expect('error' in m).toBe(false);
    if ('error' in m) return;
    expect(m.keys).toEqual(['ok-1.out', 'dir/ok-2.out']);
    expect(m.problems).toHaveLength(9);
    expect(m.problems[0]).toMatch(/^entry 2: key "\.\.\/secret" leaves its prefix/);
  });

  it('keyProblem accepts names with dots that are not segments', () => {
    expect(keyProblem('a..b/c.out')).toBeUndefined();
    expect(keyProblem('..')).toMatch(/leaves/);
  });
});

describe('resolveObject', () => {
  const map = new Map([
    ['s3://bucket/', '/copy/all'],
    ['s3://bucket/transform-output/', '/copy/out'],
  ]);
  it('maps to the longest matching local prefix, else S3', () => {
    expect(resolveObject('s3://bucket/transform-output/', 'a/b.out', map)).toEqual({ file: '/copy/out/a/b.out', name: 's3://bucket/transform-output/a/b.out' });
    expect(resolveObject('s3://bucket/other', 'c.out', map)).toEqual({ file: '/copy/all/other/c.out', name: 's3://bucket/other/c.out' });
    expect(resolveObject('s3://elsewhere/p/', 'c.out', map)).toEqual({ s3: { bucket: 'elsewhere', key: 'p/c.out' }, name: 's3://elsewhere/p/c.out' });
  });
});

async function readAll(source: BatchTransformSource): Promise<string[]> {
  const out: string[] = [];
  for await (const b of source.batches()) for (let i = 0; i < b.records.length; i++) out.push(`${b.origin(i)} ${b.records[i] as string}`);
  return out;
}

describe('BatchTransformSource over local files', () => {
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-batch-src-'));
    const copy = join(dir, 'copy');
    mkdirSync(join(copy, 'part'), { recursive: true });
    writeFileSync(join(copy, 'a.csv.out'), 'l1\nl2\n');
    writeFileSync(join(copy, 'part', 'b.out.gz'), gzipSync('g1\n'));
    const manifests = join(dir, 'output', '2022', '08', '30', '00');
    mkdirSync(manifests, { recursive: true });
    const unreadable: UnreadableInput[] = [];
    const source = (paths: string[], manifestsMode = true) =>
      new BatchTransformSource({ paths, manifests: manifestsMode, prefixMap: new Map([['s3://bucket/out/', copy]]), onUnreadable: (u) => unreadable.push(u) });
    return { dir, copy, manifests, unreadable, source };
  };

  it('reads every object a manifest directory names, once, gunzipping .gz, with <object>:<line> origins', async () => {
    const t = setup();
    writeFileSync(join(t.manifests, '1.json'), JSON.stringify([{ prefix: 's3://bucket/out/' }, 'a.csv.out', 'part/b.out.gz']));
    writeFileSync(join(t.manifests, '2.json'), JSON.stringify([{ prefix: 's3://bucket/out/' }, 'a.csv.out']));
    const s = t.source([join(t.dir, 'output')]);
    expect(await readAll(s)).toEqual(['s3://bucket/out/a.csv.out:1 l1', 's3://bucket/out/a.csv.out:2 l2', 's3://bucket/out/part/b.out.gz:1 g1']);
    expect(s.filesFound()).toBe(2);
    expect(t.unreadable).toEqual([]);
  });

  it('reports bad manifests, escaping keys and missing objects once each, and reads everything else', async () => {
    const t = setup();
    writeFileSync(join(t.manifests, '1-not-array.json'), '{"prefix": "s3://bucket/out/"}');
    writeFileSync(join(t.manifests, '2-no-prefix.json'), '["a.csv.out"]');
    writeFileSync(join(t.manifests, '3-mixed.json'), JSON.stringify([{ prefix: 's3://bucket/out/' }, '../../../etc/passwd', 'gone.out', 'a.csv.out']));
    const s = t.source([t.manifests]);
    expect(await readAll(s)).toEqual(['s3://bucket/out/a.csv.out:1 l1', 's3://bucket/out/a.csv.out:2 l2']);
    expect(t.unreadable.map((u) => [u.path.replace(t.dir, ''), u.reason.replace(/\(.*\)/, '(…)')])).toEqual([
      ['/output/2022/08/30/00/1-not-array.json', 'not a batch-transform capture manifest: not a JSON array (…)'],
      ['/output/2022/08/30/00/2-no-prefix.json', 'not a batch-transform capture manifest: its first element is not {"prefix": "s3://…/"}'],
      ['/output/2022/08/30/00/3-mixed.json', `manifest entry skipped: entry 1: key "../../../etc/passwd" leaves its prefix (…)`],
      ['s3://bucket/out/gone.out', 'object missing (…)'],
    ]);
    expect(s.unreadable()).toHaveLength(4);
  });

  it('an unmapped s3:// prefix without an S3 client is one unreadable object, not the end of the run', async () => {
    const t = setup();
    writeFileSync(join(t.manifests, '1.json'), JSON.stringify([{ prefix: 's3://other/x/' }, 'y.out']));
    writeFileSync(join(t.manifests, '2.json'), JSON.stringify([{ prefix: 's3://bucket/out/' }, 'a.csv.out']));
    expect(await readAll(t.source([t.manifests]))).toHaveLength(2);
    expect(t.unreadable).toEqual([{ path: 's3://other/x/y.out', reason: 'no S3 client configured for s3:// prefixes' }]);
  });

  it('reads transform output files directly (any name) with manifests: false', async () => {
    const t = setup();
    expect(await readAll(t.source([t.copy], false))).toEqual([`${join(t.copy, 'a.csv.out')}:1 l1`, `${join(t.copy, 'a.csv.out')}:2 l2`, `${join(t.copy, 'part', 'b.out.gz')}:1 g1`]);
  });
});
