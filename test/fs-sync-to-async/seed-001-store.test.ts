/**
 * Seed 001's JSON-file store under concurrency, before and after harden. `deleteVideo` reads the
 * videos file, splices, deletes the upload and writes the file back; a `createVideo` that runs
 * while it waits is lost if an `await` sits between the read and the write (what an earlier
 * harden did: `await unlink(...)` there). The read-modify-write rule refuses that function, so
 * after harden the same concurrent calls keep every update, like before. A hand-made copy with the
 * old rewrite shows the scenario does catch a lost update.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRepo } from '../apps/support.js';
import { harden } from '../support/cli.js';

const STORE = 'src/services/localStorageService.js';

interface Store {
  createVideo(data: Record<string, unknown>): Promise<{ id: string }>;
  deleteVideo(id: string): Promise<boolean>;
  getVideosByUser(userId: string): Promise<Array<{ id: string; title: string }>>;
}

/** Loads the store of the app copy at `root` on a fresh data directory (its own module instances). */
function loadStore(root: string): Store {
  const dataDir = mkdtempSync(join(tmpdir(), 'vfxb-data-'));
  process.env.VFXB_DATA_DIR = dataDir;
  const require = createRequire(join(root, 'package.json'));
  for (const key of Object.keys(require.cache)) if (key.startsWith(root)) delete require.cache[key];
  return require(join(root, STORE)) as Store;
}

/** One upload being deleted while two others are created: which titles survive. */
async function concurrentCreateDelete(store: Store): Promise<string[]> {
  const uploads = mkdtempSync(join(tmpdir(), 'vfxb-uploads-'));
  const filePath = join(uploads, 'old.mp4');
  writeFileSync(filePath, 'old');
  const old = await store.createVideo({ userId: 'u1', title: 'old', filePath });
  await Promise.all([
    store.deleteVideo(old.id),
    store.createVideo({ userId: 'u1', title: 'first' }),
    store.createVideo({ userId: 'u1', title: 'second' }),
  ]);
  return (await store.getVideosByUser('u1')).map((video) => video.title).sort();
}

describe("seed 001's JSON store under concurrent create/delete", () => {
  let before = '';
  let after = '';
  let naive = '';
  let report = '';

  beforeAll(() => {
    before = appRepo('vfxb').root;
    after = appRepo('vfxb').root;
    const result = harden(['apply', '--transform', 'fs-sync-to-async', '--verbose', '.'], after);
    expect(result.status, result.stderr).toBe(0);
    report = result.stderr;
    // the rewrite harden made before the read-modify-write rule: an await between read and write
    naive = appRepo('vfxb').root;
    const source = readFileSync(join(naive, STORE), 'utf8');
    const old = source
      .replace('fs.existsSync(video.filePath)', '(await fs.promises.access(video.filePath).then(() => true, () => false))')
      .replace('fs.unlinkSync(video.filePath);', 'await fs.promises.unlink(video.filePath);');
    expect(old).not.toBe(source);
    writeFileSync(join(naive, STORE), old);
  });

  it('harden refuses deleteVideo, readData and writeData as read-modify-write', () => {
    for (const line of [32, 42, 110, 111]) expect(report).toMatch(new RegExp(`${STORE}:${line}:\\d+ read-modify-write`));
    expect(readFileSync(join(after, STORE), 'utf8')).toContain('fs.unlinkSync(video.filePath);');
  });

  it('before harden: no lost update', async () => {
    expect(await concurrentCreateDelete(loadStore(before))).toEqual(['first', 'second']);
  });

  it('the old rewrite (an await between read and write) loses the concurrent creates', async () => {
    expect(await concurrentCreateDelete(loadStore(naive))).not.toEqual(['first', 'second']);
  });

  it('after harden: no lost update, the same result as before', async () => {
    expect(await concurrentCreateDelete(loadStore(after))).toEqual(await concurrentCreateDelete(loadStore(before)));
    expect(await concurrentCreateDelete(loadStore(after))).toEqual(['first', 'second']);
  });
});
