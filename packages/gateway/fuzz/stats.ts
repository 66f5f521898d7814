// What a fuzz run reports: inputs executed, how long each took (for the slowest against the
// median), and the process's peak resident memory.
import { readFileSync } from 'node:fs';

export interface RunSummary {
  inputs: number;
  medianUs: number;
  slowestUs: number;
  /** Size of the slowest input, in bytes. */
  slowestBytes: number;
  peakRssMiB: number;
}

/** Execution times of every input of one run (8 bytes each: a million inputs is 8 MB). */
export class ExecStats {
  private durations = new Float64Array(1 << 16);
  private count = 0;
  private slowest = 0;
  private slowestBytes = 0;
  /** A copy of the slowest input so far, to replay it on its own. */
  slowestInput: Buffer | undefined;

  record(microseconds: number, input: Uint8Array): void {
    if (this.count === this.durations.length) {
      const grown = new Float64Array(this.durations.length * 2);
      grown.set(this.durations);
      this.durations = grown;
    }
    this.durations[this.count++] = microseconds;
    if (microseconds > this.slowest) {
      this.slowest = microseconds;
      this.slowestBytes = input.length;
      this.slowestInput = Buffer.from(input);
    }
  }

  summary(): RunSummary {
    const sorted = this.durations.slice(0, this.count).sort();
    const status = readFileSync('/proc/self/status', 'utf8');
    const hwm = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    return {
      inputs: this.count,
      medianUs: this.count === 0 ? 0 : sorted[this.count >> 1]!,
      slowestUs: this.slowest,
      slowestBytes: this.slowestBytes,
      peakRssMiB: Math.round(hwm / 1024),
    };
  }
}
