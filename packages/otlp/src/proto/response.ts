import { guarded } from '../errors.ts';
import type { ExportLogsServiceResponse } from '../types/logs.ts';
import type { ExportMetricsServiceResponse } from '../types/metrics.ts';
import type { ExportTraceServiceResponse } from '../types/trace.ts';
import type { DecodeOptions } from './reader.ts';
import { Reader, keepUnknown } from './reader.ts';
import { writer, unknownSize, varint64Size, varintSize } from './writer.ts';

// The three Export*ServiceResponse messages share one shape:
//   partial_success = 1 { int64 rejected_<items> = 1; string error_message = 2; }

interface Partial {
  rejected: bigint;
  errorMessage: string;
  unknownFields?: Uint8Array[] | undefined;
}

type Decoded = { partial: Partial | undefined; unknownFields?: Uint8Array[] };

function decodeResponse(input: Uint8Array, options?: DecodeOptions): Decoded {
  return guarded(() => decodeResponseUnguarded(input, options));
}

function decodeResponseUnguarded(input: Uint8Array, options?: DecodeOptions): Decoded {
  const r = new Reader(input, options);
  let partial: Partial | undefined;
  let unknown: Uint8Array[] | undefined;
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      const parent = r.enter();
      partial = { rejected: 0n, errorMessage: '' };
      while (r.pos < r.limit) {
        const fieldAt = r.pos;
        const field = r.uint32();
        if (field === 0x08) partial.rejected = r.int64();
        else if (field === 0x12) partial.errorMessage = r.string();
        else
          partial.unknownFields = keepUnknown(
            partial.unknownFields,
            r.unknown(field, fieldAt, 0b110),
          );
      }
      r.leave(parent);
    } else unknown = keepUnknown(unknown, r.unknown(tag, at, 0b10));
  }
  return unknown === undefined ? { partial } : { partial, unknownFields: unknown };
}

function encodeResponse(
  partial: Partial | undefined,
  unknown: Uint8Array[] | undefined,
): Uint8Array {
  const w = writer();
  let total = unknownSize(unknown);
  let inner = 0;
  if (partial !== undefined) {
    if (partial.rejected !== 0n) inner += 1 + varint64Size(partial.rejected);
    if (partial.errorMessage !== '') inner += 1 + w.strSize(partial.errorMessage);
    inner += unknownSize(partial.unknownFields);
    total += 1 + varintSize(inner) + inner;
  }
  w.begin(total);
  if (partial !== undefined) {
    w.byte(0x0a);
    w.varint(inner);
    if (partial.rejected !== 0n) {
      w.byte(0x08);
      w.varint64(partial.rejected);
    }
    if (partial.errorMessage !== '') {
      w.byte(0x12);
      w.str(partial.errorMessage);
    }
    w.unknown(partial.unknownFields);
  }
  w.unknown(unknown);
  return w.buf;
}

export function decodeTraceResponse(input: Uint8Array): ExportTraceServiceResponse {
  const { partial, unknownFields } = decodeResponse(input);
  const partialSuccess = partial && {
    rejectedSpans: partial.rejected,
    errorMessage: partial.errorMessage,
    unknownFields: partial.unknownFields,
  };
  return { partialSuccess, unknownFields };
}

export function encodeTraceResponse(response: ExportTraceServiceResponse): Uint8Array {
  const p = response.partialSuccess;
  return encodeResponse(
    p && {
      rejected: p.rejectedSpans,
      errorMessage: p.errorMessage,
      unknownFields: p.unknownFields,
    },
    response.unknownFields,
  );
}

export function decodeMetricsResponse(input: Uint8Array): ExportMetricsServiceResponse {
  const { partial, unknownFields } = decodeResponse(input);
  const partialSuccess = partial && {
    rejectedDataPoints: partial.rejected,
    errorMessage: partial.errorMessage,
    unknownFields: partial.unknownFields,
  };
  return { partialSuccess, unknownFields };
}

export function encodeMetricsResponse(response: ExportMetricsServiceResponse): Uint8Array {
  const p = response.partialSuccess;
  return encodeResponse(
    p && {
      rejected: p.rejectedDataPoints,
      errorMessage: p.errorMessage,
      unknownFields: p.unknownFields,
    },
    response.unknownFields,
  );
}

export function decodeLogsResponse(input: Uint8Array): ExportLogsServiceResponse {
  const { partial, unknownFields } = decodeResponse(input);
  const partialSuccess = partial && {
    rejectedLogRecords: partial.rejected,
    errorMessage: partial.errorMessage,
    unknownFields: partial.unknownFields,
  };
  return { partialSuccess, unknownFields };
}

export function encodeLogsResponse(response: ExportLogsServiceResponse): Uint8Array {
  const p = response.partialSuccess;
  return encodeResponse(
    p && {
      rejected: p.rejectedLogRecords,
      errorMessage: p.errorMessage,
      unknownFields: p.unknownFields,
    },
    response.unknownFields,
  );
}
