import type {
  ExportLogsServiceRequest,
  LogRecord,
  ResourceLogs,
  ScopeLogs,
} from '../types/logs.ts';

/** What a log record visitor sees: the record with the scope and resource it sits in. */
export type LogRecordVisitor<T> = (
  record: LogRecord,
  scope: ScopeLogs,
  resource: ResourceLogs,
) => T;

/** Calls `visit` for every log record, in order. */
export function forEachLogRecord(
  request: ExportLogsServiceRequest,
  visit: LogRecordVisitor<void>,
): void {
  for (const resource of request.resourceLogs)
    for (const scope of resource.scopeLogs)
      for (const record of scope.logRecords) visit(record, scope, resource);
}

/** Log records in the request. */
export function countLogRecords(request: ExportLogsServiceRequest): number {
  let n = 0;
  for (const resource of request.resourceLogs)
    for (const scope of resource.scopeLogs) n += scope.logRecords.length;
  return n;
}

/**
 * Keeps the log records `keep` answers true for, in place; scopes and resources left empty are removed.
 * Returns how many log records were removed. Lists with nothing to remove are not copied.
 */
export function retainLogRecords(
  request: ExportLogsServiceRequest,
  keep: LogRecordVisitor<boolean>,
): number {
  let removed = 0;
  for (const resource of request.resourceLogs) {
    for (const scope of resource.scopeLogs) {
      const before = scope.logRecords.length;
      let i = 0;
      while (i < before && keep(scope.logRecords[i]!, scope, resource)) i++;
      if (i === before) continue; // the common case allocates nothing
      const kept = scope.logRecords.slice(0, i);
      for (i++; i < before; i++)
        if (keep(scope.logRecords[i]!, scope, resource)) kept.push(scope.logRecords[i]!);
      scope.logRecords = kept;
      removed += before - kept.length;
    }
    if (removed > 0) resource.scopeLogs = resource.scopeLogs.filter((s) => s.logRecords.length > 0);
  }
  if (removed > 0)
    request.resourceLogs = request.resourceLogs.filter((r) => r.scopeLogs.length > 0);
  return removed;
}

/**
 * Moves every log record into the request of its key, each under copies of its resource and scope
 * containers (the resource and scope messages themselves are shared, not copied). The input must
 * not be used afterwards: its log records now belong to the parts.
 */
export function partitionLogRecords<K>(
  request: ExportLogsServiceRequest,
  key: LogRecordVisitor<K>,
): Map<K, ExportLogsServiceRequest> {
  const parts = new Map<K, ExportLogsServiceRequest>();
  for (const resource of request.resourceLogs) {
    const resources = new Map<K, ResourceLogs>();
    for (const scope of resource.scopeLogs) {
      const scopes = new Map<K, ScopeLogs>();
      for (const record of scope.logRecords) {
        const k = key(record, scope, resource);
        let s = scopes.get(k);
        if (!s) {
          s = { ...scope, logRecords: [] };
          scopes.set(k, s);
          let r = resources.get(k);
          if (!r) {
            r = { ...resource, scopeLogs: [] };
            resources.set(k, r);
            let part = parts.get(k);
            if (!part) parts.set(k, (part = { ...request, resourceLogs: [] }));
            part.resourceLogs.push(r);
          }
          r.scopeLogs.push(s);
        }
        s.logRecords.push(record);
      }
    }
  }
  return parts;
}
