import { readFileSync } from 'node:fs';
import type { KeyValue } from '@org/otlp';
import { RE2JS } from 're2js';
import { parse } from 'yaml';
import { z } from 'zod';
import { FileChanges } from '../../config/file-changes.ts';
import { scalarValue } from '../../values.ts';

const entrySchema = z.strictObject({
  match: z
    .string()
    .min(1)
    .describe('A service.name, exactly, or a glob where * stands for any run of characters.'),
  attributes: z
    .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
    .describe('Resource attributes for the service: team, owner, tier, on-call, chat, repository…'),
});

/** The catalog file: YAML or JSON, `services` in order; the first entry that matches wins. */
export const catalogFileSchema = z.strictObject({ services: z.array(entrySchema) });

interface Entry {
  matches: (service: string) => boolean;
  attributes: KeyValue[];
}

/** A glob as an RE2 pattern: linear-time matching whatever the file holds. */
function matcher(glob: string): (service: string) => boolean {
  if (!glob.includes('*')) return (service) => service === glob;
  const pattern = RE2JS.compile(
    `^${glob
      .split('*')
      .map((part) => RE2JS.quote(part))
      .join('.*')}$`,
  );
  return (service) => pattern.matches(service);
}

/** Reads and checks a catalog file; throws an Error naming the file and what is wrong with it. */
export function readCatalog(path: string): Entry[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`service catalog ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    throw new Error(
      `service catalog ${path}: ${problem.path.join('.') || '(file)'}: ${problem.message}`,
    );
  }
  return parsed.data.services.map((entry) => ({
    matches: matcher(entry.match),
    attributes: Object.entries(entry.attributes).map(([key, value]) => ({
      key,
      value: scalarValue(value),
    })),
  }));
}

/** What the catalog reports, for the log and the metrics. */
export interface CatalogEvents {
  reloaded(entries: number): void;
  rejected(reason: string): void;
}

/**
 * A service catalog kept current from its file: re-read when the file changes (polled every
 * `intervalMs`, which also sees files replaced by rename, as config tooling does; see
 * {@link FileChanges}). A file that cannot be read or fails the schema leaves the last good
 * catalog in use.
 */
export class ServiceCatalog {
  private entries: Entry[];
  private readonly path: string;
  private readonly events: CatalogEvents;
  private readonly intervalMs: number;
  private readonly changes: FileChanges;

  constructor(path: string, events: CatalogEvents, intervalMs = 1000) {
    this.path = path;
    this.events = events;
    this.intervalMs = intervalMs;
    this.changes = new FileChanges(path);
    this.entries = readCatalog(path);
    events.reloaded(this.entries.length);
  }

  /** The attributes for `service`, or undefined when no entry matches it. */
  lookup(service: string): KeyValue[] | undefined {
    return this.entries.find((entry) => entry.matches(service))?.attributes;
  }

  watch(): void {
    this.changes.start(this.intervalMs, () => this.reload());
  }

  unwatch(): void {
    this.changes.stop();
  }

  private reload(): void {
    try {
      this.entries = readCatalog(this.path);
      this.events.reloaded(this.entries.length);
    } catch (error) {
      this.events.rejected((error as Error).message);
    }
  }
}
