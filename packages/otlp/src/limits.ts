import { OtlpDecodeError } from './errors.ts';

/**
 * Bounds on what one request may decode into, checked while decoding (protobuf and JSON) so the
 * work and memory a request costs never depend on a count the sender chose: an empty span is two
 * bytes on the wire but a few hundred bytes decoded, so without them a small compressed body can
 * decode into gigabytes. Every limit is optional; an absent limit does not bound.
 */
export interface DecodeLimits {
  /** Spans, data points or log records in the request. */
  maxItems?: number;
  /**
   * Attributes of any one span, event, link, data point, exemplar, log record, resource or
   * scope (and metadata entries of one metric).
   */
  maxAttributes?: number;
  /** Events of any one span. */
  maxEvents?: number;
  /** Links of any one span. */
  maxLinks?: number;
  /**
   * Values in the whole request: every attribute, every element of an array value, every entry
   * of a key-value list and every log body count one, at any depth.
   */
  maxValues?: number;
  /**
   * Decoded objects of any kind in the whole request: every message (resources, scopes, spans,
   * attributes, values, events, metrics, data points, buckets…), every unknown field kept for
   * pass-through, every histogram bucket count. Bounds the memory a request costs.
   */
  maxNodes?: number;
}

/** Which limit a request went over; `OtlpDecodeError.limit` carries it when `code` is `LIMIT`. */
export type LimitName = 'items' | 'attributes' | 'events' | 'links' | 'values' | 'nodes';

/**
 * The remaining allowance of one decode. The decoders call these checks at the point an object
 * is about to be created; a failed check throws `OtlpDecodeError` with code `LIMIT` before
 * anything more is allocated.
 */
export class Budget {
  private itemsLeft: number;
  private valuesLeft: number;
  private nodesLeft: number;
  readonly maxAttributes: number;
  readonly maxEvents: number;
  readonly maxLinks: number;
  private readonly limits: DecodeLimits;

  constructor(limits: DecodeLimits | undefined) {
    this.limits = limits ?? {};
    this.itemsLeft = this.limits.maxItems ?? Infinity;
    this.valuesLeft = this.limits.maxValues ?? Infinity;
    this.nodesLeft = this.limits.maxNodes ?? Infinity;
    this.maxAttributes = this.limits.maxAttributes ?? Infinity;
    this.maxEvents = this.limits.maxEvents ?? Infinity;
    this.maxLinks = this.limits.maxLinks ?? Infinity;
  }

  /** Decoded objects still allowed. */
  get nodes(): number {
    return this.nodesLeft;
  }

  /** Decoded objects used so far (0 without a node limit): what the decode cost. */
  get nodesUsed(): number {
    const max = this.limits.maxNodes;
    return max === undefined ? 0 : max - this.nodesLeft;
  }

  /** Throws the LIMIT error for `limit`; `what` names what was counted, e.g. "spans". */
  exceeded(limit: LimitName, what: string, offset = -1): never {
    const max = {
      items: this.limits.maxItems,
      attributes: this.maxAttributes,
      events: this.maxEvents,
      links: this.maxLinks,
      values: this.limits.maxValues,
      nodes: this.limits.maxNodes,
    }[limit];
    const scope =
      limit === 'attributes' || limit === 'events' || limit === 'links'
        ? 'in one record'
        : 'in one request';
    throw new OtlpDecodeError('LIMIT', `more than ${max} ${what} ${scope}`, offset, limit);
  }

  /** Counts `n` items (spans, data points or log records, named by `what`). */
  item(what: string, n = 1, offset = -1): void {
    if ((this.itemsLeft -= n) < 0) this.exceeded('items', what, offset);
  }

  /** Counts `n` values (see {@link DecodeLimits.maxValues}). */
  value(n = 1, offset = -1): void {
    if ((this.valuesLeft -= n) < 0) this.exceeded('values', 'values', offset);
  }

  /** Counts `n` decoded objects (see {@link DecodeLimits.maxNodes}). */
  node(n = 1, offset = -1): void {
    if ((this.nodesLeft -= n) < 0) this.exceeded('nodes', 'decoded objects', offset);
  }

  /** Checks that a record holding `count` of the per-record kind `limit` is within it. */
  perRecord(
    limit: 'attributes' | 'events' | 'links',
    count: number,
    what: string,
    offset = -1,
  ): void {
    const max =
      limit === 'attributes'
        ? this.maxAttributes
        : limit === 'events'
          ? this.maxEvents
          : this.maxLinks;
    if (count > max) this.exceeded(limit, what, offset);
  }
}
