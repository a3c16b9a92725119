import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/notify/safe-http';

describe('the outbound block list', () => {
  it('refuses IPv6 forms that embed a private IPv4 address', () => {
    for (const a of [
      '::7f00:1',
      '::127.0.0.1',
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::7f00:1',
      '64:ff9b::10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::c0a8:1',
      '0:0:0:0:0:ffff:7f00:1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
  });

  it('still lets public addresses through, whatever their form', () => {
    for (const a of ['8.8.8.8', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});
