/**
 * The `country-counts` keys DataCite's usage hub permits, kept as data in
 * sashimi-country-codes.json: sashimi's COUNTRY_CODES
 * (config/initializers/constants.rb, built from the iso_country_codes gem
 * 0.7.8; datacite/sashimi at 7a9205df). A report holding any other key is
 * refused (unpermitted parameter), so the hub profile leaves other codes
 * out. The local hub of the tests (test/support/datacite-hub.ts) checks
 * against this same list. (The data file has another name than this
 * module: under ts-node, `require('./hub-country-codes')` would find a
 * `.json` of the same name before the `.ts`.)
 */
import list from './sashimi-country-codes.json';

export const HUB_COUNTRY_CODES: ReadonlySet<string> = new Set(list.codes);
