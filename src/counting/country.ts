/**
 * Country of an IP address, for COUNTER's per-country counts when the
 * portal sends no `country`: the GeoLite2 country database shipped in the
 * `@ip-location-db/geolite2-country-mmdb` npm package (CC BY-SA 4.0 /
 * GeoLite2 EULA), read with `maxmind`. Loaded once, in memory (9 MB).
 * The IP itself is never stored.
 */
import { readFileSync } from 'node:fs';
import { Reader, type CountryResponse } from 'maxmind';
import { normalizeIp } from './identity';

export interface CountryLookup {
  /** ISO 3166-1 alpha-2 code, or null when unknown (private ranges, bad input). */
  countryOf(ip: string): string | null;
}

export function loadCountryLookup(): CountryLookup {
  const file = require.resolve('@ip-location-db/geolite2-country-mmdb/geolite2-country.mmdb');
  // ip-location-db records are `{ country_code: 'FR' }`, not MaxMind's own shape.
  const reader = new Reader<CountryResponse>(readFileSync(file));
  return {
    countryOf(ip) {
      try {
        const code = (reader.get(normalizeIp(ip)) as { country_code?: string } | null)?.country_code;
        return code && /^[A-Z]{2}$/.test(code) ? code : null;
      } catch {
        // Not an IP address: no country rather than a rejected event.
        return null;
      }
    },
  };
}
