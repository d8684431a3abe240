/*
 * The world map's geometry, bundled (no request, works offline): Natural
 * Earth's 1:110m countries from the world-atlas package as TopoJSON (~108 kB,
 * ~30 kB gzipped), converted to GeoJSON for ECharts. Features are named by
 * their ISO 3166-1 alpha-2 code, the code the API gives, so the map matches
 * data by code and the page shows names in its own language
 * (Intl.DisplayNames). Countries too small for 1:110m (Singapore, Malta…)
 * have no shape, and Antarctica is left out; the table beside the map lists
 * every country anyway.
 */
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { FeatureCollection, Geometry } from 'geojson';
import countries from 'i18n-iso-countries';
import atlas from 'world-atlas/countries-110m.json';

/** Shapes without an ISO numeric id in Natural Earth that still have a code in GeoLite2. */
const NO_NUMERIC_ID: Record<string, string> = { Kosovo: 'XK' };

let cached: FeatureCollection | null = null;

/**
 * Rings crossing the antimeridian (Russia's far east, Fiji) jump from +180°
 * to -180°; drawn flat they streak across the whole map. Their western
 * points move past +180° instead.
 */
function unwrapAntimeridian(g: Geometry | null): void {
  const polygons = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      const lons = ring.map((p) => p[0]);
      if (Math.max(...lons) - Math.min(...lons) <= 180) continue;
      for (const p of ring) if (p[0] < 0) p[0] += 360;
    }
  }
}

export function worldGeoJson(): FeatureCollection {
  if (cached) return cached;
  const topo = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const fc = feature(topo, topo.objects.countries) as FeatureCollection;
  // Antarctica: a fifth of the map's height for no visitor.
  fc.features = fc.features.filter((f) => (f.properties as { name?: string } | null)?.name !== 'Antarctica');
  for (const f of fc.features) {
    unwrapAntimeridian(f.geometry);
    const props = (f.properties ?? {}) as { name: string };
    const code = (f.id !== undefined ? countries.numericToAlpha2(String(f.id)) : undefined) ?? NO_NUMERIC_ID[props.name];
    // Shapes without a code keep a name no API code can take.
    f.properties = { name: code ?? `~${props.name}` };
  }
  cached = fc;
  return fc;
}
