// The $geoNear aggregation stage (first stage only): the options are turned into a near query on
// the chosen geo field, with mongod's index choice (a 2d index first, then a 2dsphere one) and
// errors (pipeline_d.cpp, document_source_geo_near.cpp).
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import type { CollectionMeta } from '../catalog.js';
import { badValue, CommandError } from '../errors.js';
import { geoFieldOf, noIndexError, rankByDistance, servingKinds } from './near-exec.js';
import { parseQueryPoint, usesNear, type NearSpec } from './near-parse.js';
import { nearNotAllowed } from './query-ops.js';

export interface GeoNearStage {
  spec: Omit<NearSpec, 'path'>;
  key?: string;
  distanceField: string;
  includeLocs?: string;
  multiplier: number;
  query: Document;
}

const typeMismatch = (msg: string) => new CommandError(14, 'TypeMismatch', msg);
const indexNotFound = (msg: string) => new CommandError(27, 'IndexNotFound', msg);

function distance(opts: Record<string, unknown>, name: string, fallback: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw typeMismatch(`${name} must be a number`);
  if (!(v >= 0)) throw badValue(`${name} must be nonnegative`);
  return v;
}

export function parseGeoNearStage(arg: unknown): GeoNearStage {
  if (!isPlainObject(arg))
    throw new CommandError(10065, 'Location10065', 'invalid parameter: expected an object ($geoNear)');
  const near = parseQueryPoint(arg.near);
  if (arg.near === undefined) throw badValue("$geoNear requires a 'near' argument");
  if (!near.ok) throw badValue(`invalid argument in geo near query: near  ${near.reason}`);
  if (typeof arg.distanceField !== 'string') {
    throw new CommandError(16606, 'Location16606', "$geoNear requires a 'distanceField' option as a String");
  }
  if (arg.includeLocs !== undefined && typeof arg.includeLocs !== 'string') {
    throw new CommandError(16607, 'Location16607', "$geoNear requires that 'includeLocs' option is a String");
  }
  if (arg.key !== undefined && typeof arg.key !== 'string') {
    throw typeMismatch(`$geoNear parameter 'key' must be of type string but found type: ${typeof arg.key}`);
  }
  if (arg.key === '') throw badValue("$geoNear parameter 'key' cannot be the empty string");
  if (arg.query !== undefined && !isPlainObject(arg.query)) throw typeMismatch('query must be an object');
  const query = (arg.query ?? {}) as Document;
  if (usesNear(query)) throw nearNotAllowed();
  const multiplier = distance(arg, 'distanceMultiplier', 1);
  const { center, sphere } = near.value;
  const mode = sphere ? 'meters' : arg.spherical === true ? 'radians' : 'flat';
  return {
    spec: { center, mode, min: distance(arg, 'minDistance', 0), max: distance(arg, 'maxDistance', Number.MAX_VALUE) },
    key: arg.key,
    distanceField: arg.distanceField,
    includeLocs: arg.includeLocs,
    multiplier,
    query,
  };
}

/** mongod's choice of geo field when `key` is not given: the only 2d index, else the only 2dsphere one. */
function chooseField(meta: CollectionMeta): string {
  const geo = meta.indexes.map(geoFieldOf).filter((g) => g !== undefined);
  for (const kind of ['2d', '2dsphere'] as const) {
    const found = geo.filter((g) => g.kind === kind);
    if (found.length > 1) {
      throw indexNotFound(`There is more than one ${kind} index on ${meta.ns}; unsure which to use for $geoNear`);
    }
    if (found[0]) return found[0].field;
  }
  throw indexNotFound('$geoNear requires a 2d or 2dsphere index, but none were found');
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] ?? path] = value;
}

/** Output documents of the stage, nearest first; `read` yields the rows matching a filter. */
export function runGeoNear(
  meta: CollectionMeta | undefined,
  stage: GeoNearStage,
  read: (filter: Document) => Iterable<{ doc: Document }>,
): Document[] {
  if (!meta) return [];
  const path = stage.key ?? chooseField(meta);
  const spec: NearSpec = { ...stage.spec, path };
  const kinds = servingKinds(spec);
  const served = meta.indexes.some((ix) => {
    const g = geoFieldOf(ix);
    return g?.field === path && kinds.includes(g.kind);
  });
  if (!served) throw noIndexError(meta.ns);
  return rankByDistance(spec, read(stage.query)).map(({ row, distance, location }) => {
    const out = { ...row.doc };
    setPath(out, stage.distanceField, distance * stage.multiplier);
    if (stage.includeLocs) setPath(out, stage.includeLocs, location);
    return out;
  });
}
