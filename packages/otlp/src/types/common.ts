/**
 * opentelemetry-proto 1.x `common` and `resource` messages. Field names follow the OTLP/JSON
 * mapping (lowerCamelCase), so a decoded request is also its JSON shape.
 *
 * Conventions shared by every message type of this package:
 * - 64-bit integers (times, counts, `intValue`) are `bigint`: full precision, always.
 * - `bytes` fields are `Uint8Array`s. After a protobuf decode they are views into the input
 *   buffer (no copy): keep the input alive while you use them, and copy before mutating.
 * - Absent sub-messages and oneof members are `undefined`; present-but-empty ones are objects.
 *   Scalars use their proto3 default (0, '', false, empty bytes) when absent.
 * - `unknownFields` holds the raw bytes (tag and value) of fields this schema does not know, in
 *   wire order, so data from a newer client passes through unchanged; encoders re-emit them after
 *   the known fields. Never set it by hand unless the bytes are valid protobuf fields.
 */

/** Raw protobuf fields of a message that this schema does not know. */
export type UnknownFields = Uint8Array[] | undefined;

/**
 * `opentelemetry.proto.common.v1.AnyValue`: exactly one member is set, or none (the empty value).
 * Narrow with `'stringValue' in value` and so on.
 */
export type AnyValue = (
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: bigint }
  | { doubleValue: number }
  | { arrayValue: ArrayValue }
  | { kvlistValue: KeyValueList }
  | { bytesValue: Uint8Array }
  | EmptyValue
) & { unknownFields?: UnknownFields };

/** An AnyValue with no member set. */
export type EmptyValue = Record<never, never>;

export interface ArrayValue {
  values: AnyValue[];
  unknownFields?: UnknownFields;
}

export interface KeyValueList {
  values: KeyValue[];
  unknownFields?: UnknownFields;
}

export interface KeyValue {
  key: string;
  value: AnyValue | undefined;
  unknownFields?: UnknownFields;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  unknownFields?: UnknownFields;
}

/** `EntityRef` (opentelemetry-proto 1.5+): a reference from a resource to an entity. */
export interface EntityRef {
  schemaUrl: string;
  type: string;
  idKeys: string[];
  descriptionKeys: string[];
  unknownFields?: UnknownFields;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
  entityRefs: EntityRef[];
  unknownFields?: UnknownFields;
}
