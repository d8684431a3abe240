/** The catalog of the field-format tests and BI recipes (test/formats.test.ts, test/bi-recipes.test.ts). */
import type { TestGateway } from './test-gateway';
import type { GenCatalog } from '../../bench/log-gen';
import { Visibility } from '../../src/domain/resources';

export const GEN: GenCatalog = {
  datasets: [
    { id: 'ds-a', files: ['fa-1', 'fa-2'] },
    { id: 'ds-b', files: ['fb-1'] },
    { id: 'ds-c', files: [] },
    { id: 'ds-priv', files: ['fp-1'] },
  ],
};

export async function loadCatalog(t: TestGateway): Promise<void> {
  const w = t.gw.services.catalogWriter;
  await w.portals([{ _id: 'p1', name: 'Portal One', url: null }]);
  await w.users([{ _id: 'ursula', name: 'Ursula', email: null, role: 'USER', automated: false }]);
  const base = { description: null, licence: null, publisher: null, recordCount: 1, spaceIds: [] as string[], themeIds: [] as string[], collectionIds: [] as string[], ownerId: null, portalId: 'p1', published: true };
  await w.datasets([
    { ...base, _id: 'ds-a', title: 'Lake fish', doi: '10.5061/dryad.aa1', visibility: Visibility.PUBLIC },
    { ...base, _id: 'ds-b', title: 'Birds', doi: null, visibility: Visibility.PUBLIC },
    { ...base, _id: 'ds-c', title: 'Climate', doi: null, visibility: Visibility.PUBLIC },
    { ...base, _id: 'ds-priv', title: 'Secret', doi: null, visibility: Visibility.PRIVATE },
  ]);
  await w.files(
    GEN.datasets.flatMap((d) => d.files.map((f) => ({ _id: f, title: `${f}.csv`, sizeBytes: 1000, contentType: 'text/csv', datasetIds: [d.id], ownerId: null }))),
  );
}

