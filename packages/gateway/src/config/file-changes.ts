import type { Stats } from 'node:fs';
import { stat, statSync } from 'node:fs';

/** What identifies one version of a file: a rewrite or a replacement by rename changes it. */
const versionOf = (stats: Stats | undefined) =>
  stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : 'missing';

/**
 * Changes to a file, polled. Made before the file is read, it remembers the version about to be
 * read, so a change made between the read and the first poll is still reported (fs.watchFile
 * takes its baseline at its first poll, and misses such a change for good). A file replaced by
 * rename, as config tooling does, counts as changed; so does one removed.
 */
export class FileChanges {
  private readonly path: string;
  private version: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(path: string) {
    this.path = path;
    this.version = versionOf(statSync(path, { throwIfNoEntry: false }));
  }

  /** Calls `changed` after each poll that finds the file differs from the version last seen. */
  start(intervalMs: number, changed: () => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      stat(this.path, (_error, stats) => {
        const version = versionOf(stats);
        if (!this.timer || version === this.version) return;
        this.version = version;
        changed();
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
