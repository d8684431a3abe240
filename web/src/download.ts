/** Saves a CSV built by `toCsv` (csv.ts) as a file download. */
export function downloadCsv(fileName: string, csv: string): void {
  // BOM: Excel reads UTF-8 (accents in French titles) only with it.
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
