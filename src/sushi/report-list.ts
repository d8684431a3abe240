/**
 * What `GET /api/sushi/reports` answers: the reports this service has, each
 * with the report filters and attributes it supports. CoP-RD §11 (Table
 * 11.1): the list includes "the report identifier, the release number, the
 * report name, a description, a list of supported report filters, and a
 * list of supported report attributes". DataCite's schema
 * (`sushi_report_list`) names the first five (`report-name`, `report-id`,
 * `release`, `report-description`, `path`) and no key for the two lists:
 * they are `supported-filters` and `supported-attributes` here, in the same
 * lower-case style. Pure.
 */
import { DSR_RELEASE, DSR_REPORT_ID, DSR_REPORT_NAME } from './dsr-report';

export interface SupportedParameter {
  /** The query parameter of `GET /api/sushi/reports/dsr`. */
  name: string;
  /** The values it takes, as a SUSHI client writes them. */
  values: string;
  required: boolean;
  description: string;
}

export interface ReportListEntry {
  'report-name': string;
  'report-id': string;
  release: string;
  'report-description': string;
  path: string;
  'supported-filters': SupportedParameter[];
  'supported-attributes': SupportedParameter[];
}

/**
 * Filters limit the usage reported; attributes change how it is presented
 * (CoP-RD Table 6.2). Those of CoP-RD Table 7.4 (YOP, Access_Method,
 * Version, Metric_Type, Exclude_Monthly_Details) are not supported: every
 * report has all years, both access methods and all four metric types, by
 * month.
 */
export function reportList(): ReportListEntry[] {
  return [
    {
      'report-name': DSR_REPORT_NAME,
      'report-id': DSR_REPORT_ID,
      release: DSR_RELEASE,
      'report-description': 'Usage by month and dataset (COUNTER Code of Practice for Research Data)',
      path: '/api/sushi/reports/dsr',
      'supported-filters': [
        { name: 'begin_date', values: 'YYYY-MM (or a day or date-time in it, UTC)', required: true, description: 'first month reported' },
        { name: 'end_date', values: 'YYYY-MM (or a day or date-time in it, UTC)', required: true, description: 'last month reported' },
        { name: 'portal', values: 'a portal id', required: false, description: "that portal's datasets only" },
        { name: 'dataset_id', values: 'a dataset id', required: false, description: 'that dataset only' },
      ],
      'supported-attributes': [
        {
          name: 'profile',
          values: 'full|hub',
          required: false,
          description: "full (default): the CoP-RD report, several months, with volume; hub: one month as DataCite's usage hub accepts it",
        },
        { name: 'format', values: 'json|tsv', required: false, description: 'SUSHI JSON (default) or the CoP-RD tabular report (also Accept: text/tab-separated-values)' },
      ],
    },
  ];
}
