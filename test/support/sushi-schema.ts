import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates a DSR the way DataCite does (data/counter/README.md): the
 * header's fields flattened next to `report-datasets`, against the
 * published schema; the header also against its own definition.
 * Returns the errors (empty when valid).
 */
export function validateDsr(report: Record<string, unknown>): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../data/counter/sushi_usage_schema.json'), 'utf8'));
  delete schema.$schema; // draft-04 keywords used here are a subset of draft-07's
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // The schema's non-standard format name for RFC 3339 date-times.
  ajv.addFormat('datetime', ajv.formats['date-time'] as never);
  ajv.addSchema(schema, 'sushi');
  const errors: string[] = [];
  const header = report['report-header'] as Record<string, unknown>;
  const flat = { ...header, 'report-datasets': report['report-datasets'] };
  const whole = ajv.getSchema('sushi')!;
  if (!whole(flat)) errors.push(...(whole.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const head = ajv.compile({ $ref: 'sushi#/definitions/sushi_report_header' });
  if (!head(header)) errors.push(...(head.errors ?? []).map((e) => `header${e.instancePath} ${e.message}`));
  return errors;
}
