import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, retryInfoMetadata } from './status.ts';

describe('google.rpc.RetryInfo in grpc-status-details-bin', () => {
  it('reads back the delay the receiver writes', () => {
    const metadata = retryInfoMetadata(status.UNAVAILABLE, 'busy', 7);
    const details = metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(retryDelayMs(details)).toBe(7000);
  });

  it('is undefined for absent, unrelated or corrupt details', () => {
    expect(retryDelayMs(undefined)).toBeUndefined();
    expect(retryDelayMs(Uint8Array.of(0x08, 0x0e))).toBeUndefined(); // code only
    expect(retryDelayMs(Uint8Array.of(0x1a, 0x7f, 0x01))).toBeUndefined(); // length past the end
  });
});
