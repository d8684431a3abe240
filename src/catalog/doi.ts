import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** `doi:10.1/X`, `https://doi.org/10.1/x` → `10.1/x` (DOIs are case-insensitive; DataCite stores them lower case). */
export function normalizeDoi(doi: string): string {
  return doi
    .trim()
    .replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i, '')
    .toLowerCase();
}

const DOI = /^10\.\d{4,9}\/[\x21-\x7e]{1,200}$/;

/** A catalog DOI, normalised; null/empty → null. @throws GatewayError BAD_USER_INPUT when it is not a DOI. */
export function catalogDoi(datasetId: string, raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const doi = normalizeDoi(raw);
  if (!DOI.test(doi)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `dataset "${datasetId}": doi must look like 10.NNNN/suffix, got ${JSON.stringify(raw).slice(0, 80)}`);
  }
  return doi;
}
