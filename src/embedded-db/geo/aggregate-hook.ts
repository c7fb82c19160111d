// What aggregate needs from geo: $geoNear only as the first stage, no $near in any $match, and the
// documents a leading $geoNear produces.
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import type { CollectionMeta } from '../catalog.js';
import { CommandError } from '../errors.js';
import { parseGeoNearStage, runGeoNear } from './geo-near-stage.js';
import { usesNear } from './near-parse.js';
import { nearNotAllowed } from './query-ops.js';

export function checkGeoStages(stages: Document[]): void {
  stages.forEach((stage, i) => {
    if (!isPlainObject(stage)) return;
    if ('$geoNear' in stage && i > 0) {
      throw new CommandError(40602, 'Location40602', '$geoNear is only valid as the first stage in a pipeline.');
    }
    if ('$match' in stage && usesNear(stage.$match)) throw nearNotAllowed();
  });
}

/** When the pipeline starts with $geoNear: its output and the stages after it. */
export function geoNearSource(
  stages: Document[],
  meta: CollectionMeta | undefined,
  read: (filter: Document) => Iterable<{ doc: Document }>,
): { docs: Document[]; spec: { filter: Document }; rest: Document[] } | undefined {
  const first = stages[0];
  if (!isPlainObject(first) || !('$geoNear' in first)) return undefined;
  const stage = parseGeoNearStage(first.$geoNear);
  return { docs: runGeoNear(meta, stage, read), spec: { filter: {} }, rest: stages.slice(1) };
}
