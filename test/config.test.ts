import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

describe('configuration', () => {
  it('works with nothing set: embedded database, local address, background work on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4321,
      databaseUrl: 'file:db/open-kitchen.db',
      publicUrl: 'http://127.0.0.1:4321',
      backgroundWork: true,
      logRequests: true,
      passwordHashCost: 16384, // better-auth's own
      widgetLookupFloorMs: 150,
    });
  });

  it('reads what is set, and names what is wrong', () => {
    expect(
      loadConfig({ BACKGROUND_WORK: '0', PORT: '8080', PUBLIC_URL: 'https://track.example/' }),
    ).toMatchObject({
      backgroundWork: false,
      port: 8080,
      publicUrl: 'https://track.example',
      vapidSubject: 'https://track.example/',
    });
    expect(() => loadConfig({ BACKGROUND_WORK: 'yes' })).toThrow(/BACKGROUND_WORK/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ SECRET_KEY: 'short' })).toThrow(/SECRET_KEY/);
    expect(() => loadConfig({ PASSWORD_HASH_COST: '1000' })).toThrow(/PASSWORD_HASH_COST: a power of two/);
    expect(loadConfig({ PASSWORD_HASH_COST: '1024', WIDGET_LOOKUP_FLOOR_MS: '0' })).toMatchObject({
      passwordHashCost: 1024,
      widgetLookupFloorMs: 0,
    });
  });
});
