// Polled file changes: a change made before polling starts is still reported, as are a
// replacement by rename and a removal; an untouched file is never reported.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test-support/wait.ts';
import { FileChanges } from './file-changes.ts';

const dir = mkdtempSync(join(tmpdir(), 'file-changes-'));
let changes: FileChanges | undefined;
afterEach(() => changes?.stop());

/** A file written, then watched from that version on; `seen()` counts the changes reported. */
function watch(name: string): { path: string; start: () => void; seen: () => number } {
  const path = join(dir, name);
  writeFileSync(path, 'a: 1\n');
  const watcher = new FileChanges(path);
  changes = watcher;
  let seen = 0;
  return { path, start: () => watcher.start(20, () => seen++), seen: () => seen };
}

describe('FileChanges', () => {
  it('reports a change made after the read and before polling started', async () => {
    const file = watch('early.yaml');
    writeFileSync(file.path, 'a: 22\n');
    file.start();
    await until('the early change', () => file.seen() === 1);
  });

  it('reports a replacement by rename and a removal, once each', async () => {
    const file = watch('renamed.yaml');
    file.start();
    writeFileSync(join(dir, 'next.yaml'), 'a: 1\n');
    renameSync(join(dir, 'next.yaml'), file.path);
    await until('the replacement', () => file.seen() === 1);
    rmSync(file.path);
    await until('the removal', () => file.seen() === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(file.seen()).toBe(2);
  });

  it('never reports an untouched file', async () => {
    const file = watch('still.yaml');
    file.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(file.seen()).toBe(0);
  });
});
