// The decode limits the fuzz targets run with: the receivers' code with smaller numbers, so
// inputs of a few kilobytes reach every limit.
import type { DecodeLimitsConfig } from '../../dist/receivers/limits.js';

export const FUZZ_LIMITS: DecodeLimitsConfig = {
  max_items: 200,
  max_attributes_per_record: 32,
  max_events_per_span: 16,
  max_links_per_span: 16,
  max_values: 2_000,
  max_nodes: 5_000,
};
