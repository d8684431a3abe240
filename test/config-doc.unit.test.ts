import { readFileSync } from 'node:fs';
import { CONFIG_GROUPS, SETTINGS, loadConfig } from '../src/config';
import { DEFAULT_POPULARITY_WEIGHTS, parsePopularityWeights } from '../src/dashboard/popularity-weights';
import { README, configTables, readmeTables } from '../scripts/config-doc';

describe('configuration: src/config.ts is the one source, the README follows it', () => {
  it('README.md shows exactly the tables generated from src/config.ts (run `npx ts-node scripts/config-doc.ts --write`)', () => {
    expect(readmeTables(readFileSync(README, 'utf8'))).toBe(configTables());
  });

  it('the README lists no variable outside the generated tables', () => {
    const readme = readFileSync(README, 'utf8');
    const outside = readme.replace(readmeTables(readme) ?? '', '');
    expect(outside.match(/^\| `[A-Z][A-Z0-9_]+` \|/gm)).toBeNull();
  });

  it('names each variable once, in a known group', () => {
    const names = Object.values(SETTINGS).map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const s of Object.values(SETTINGS)) {
      expect(Object.keys(CONFIG_GROUPS)).toContain(s.group);
      expect(s.doc.trim()).not.toBe('');
    }
  });

  it('documents the default loadConfig uses when a variable is unset', () => {
    const unset = loadConfig({});
    for (const [key, s] of Object.entries(SETTINGS)) {
      const literal = /^`([^`]*)`$/.exec(s.defaultText);
      if (!literal || s.env === 'POPULARITY_WEIGHTS') continue;
      expect([s.env, String(unset[key as keyof typeof unset])]).toEqual([s.env, literal[1]]);
    }
    expect(parsePopularityWeights(SETTINGS.popularityWeights.defaultText.replace(/`/g, ''))).toEqual(DEFAULT_POPULARITY_WEIGHTS);
  });

  it('computes the defaults that depend on other variables as documented', () => {
    expect(loadConfig({}).maxPoolSize).toBe(4);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db' }).maxPoolSize).toBe(20);
    expect(loadConfig({}).maxConnectionsPerIp).toBe(64);
    expect(loadConfig({ TRUST_PROXY: '1' }).maxConnectionsPerIp).toBe(0);
    expect(loadConfig({}).identityKeyDays).toBeNull();
    expect(loadConfig({}).maxConnections).toBeGreaterThanOrEqual(256);
  });

  it('refuses malformed values with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow('PORT must be an integer >= 0, got "x"');
    expect(() => loadConfig({ MAX_BODY_BYTES: '10' })).toThrow('MAX_BODY_BYTES must be an integer >= 1024, got "10"');
    expect(() => loadConfig({ DEMO_DATA: 'maybe' })).toThrow('DEMO_DATA must be true or false, got "maybe"');
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example.org/x' })).toThrow('CORS_ORIGINS: "https://a.example.org/x" is not an origin like https://portal.example.org');
  });

  it('reads empty variables as unset', () => {
    const empty = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.env, '']));
    expect({ ...loadConfig(empty), robotPatterns: undefined, machinePatterns: undefined, popularityWeights: undefined, dataciteHub: undefined, dataciteHubUrl: undefined, dataciteHubToken: undefined }).toEqual({
      ...loadConfig({}),
      robotPatterns: undefined,
      machinePatterns: undefined,
      popularityWeights: undefined,
      dataciteHub: undefined,
      dataciteHubUrl: undefined,
      dataciteHubToken: undefined,
    });
  });
});
