import { Diagnostics } from '../src/diag.ts';

/** Diagnostics that keep the warnings they are given, for tests to read. */
export class Warnings extends Diagnostics {
  readonly lines: string[] = [];
  constructor() {
    super('warn');
  }
  override warn(message: string): void {
    this.lines.push(message);
  }
}
