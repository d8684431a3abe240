/*
 * Okabe–Ito colours: distinguishable with the common colour-vision
 * deficiencies. The order puts the high-contrast ones (against white) first;
 * yellow is last because it is weak on white and only used for many slices.
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000', '#F0E442'];

/** One colour per metric, the same on every chart. */
export const METRIC_COLOURS = { views: '#56B4E9', downloads: '#0072B2', apiCalls: '#D55E00', reuses: '#009E73', score: '#0072B2', machine: '#CC79A7', robots: '#000000' };
