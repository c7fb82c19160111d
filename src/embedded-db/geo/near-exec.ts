// Runs a $near / $nearSphere / $geoNear: checks a geo index can serve it (mongod refuses
// otherwise), then ranks the documents that pass the rest of the filter by distance. There is no
// geo index scan: every candidate of the rest of the filter is read and measured.
import type { Document } from 'bson';
import type { Position } from 'geojson';
import type { CollectionMeta, IndexSpec } from '../catalog.js';
import { CommandError } from '../errors.js';
import { parseStored } from './geojson.js';
import { findNearClause, type NearSpec } from './near-parse.js';
import { geoCandidates } from './path-values.js';
import { EARTH_RADIUS_M, flatPointOf, sphereDistance, sphereGeomOf } from './predicates.js';

export type GeoKind = '2d' | '2dsphere';

/** The geo field and kind of an index, if it is a 2d / 2dsphere index. */
export function geoFieldOf(ix: IndexSpec): { field: string; kind: GeoKind } | undefined {
  for (const [field, v] of Object.entries<unknown>(ix.keyDoc)) {
    if (v === '2d' || v === '2dsphere') return { field, kind: v };
  }
  return undefined;
}

/** Index kinds that can answer a near query in this mode (a GeoJSON point needs 2dsphere). */
export function servingKinds(spec: NearSpec): GeoKind[] {
  if (spec.mode === 'flat') return ['2d'];
  if (spec.mode === 'radians') return ['2d', '2dsphere'];
  return ['2dsphere'];
}

export function noIndexError(ns: string): CommandError {
  return new CommandError(
    291,
    'NoQueryExecutionPlans',
    `error processing query: ns=${ns} planner returned error :: caused by :: unable to find index for $geoNear query`,
  );
}

export function requireNearIndex(meta: CollectionMeta, spec: NearSpec): void {
  const kinds = servingKinds(spec);
  const ok = meta.indexes.some((ix) => {
    const g = geoFieldOf(ix);
    return g !== undefined && g.field === spec.path && kinds.includes(g.kind);
  });
  if (!ok) throw noIndexError(meta.ns);
}

export interface Ranked<R> {
  row: R;
  distance: number;
  /** The stored value the distance was measured to (for $geoNear's includeLocs). */
  location: unknown;
}

function distanceTo(spec: NearSpec, stored: unknown): number | undefined {
  const g = parseStored(stored);
  if (!g.ok) return undefined;
  if (spec.mode === 'flat') {
    const p: Position | undefined = flatPointOf(g.value);
    if (!p) return undefined;
    return Math.hypot((p[0] ?? 0) - spec.center[0], (p[1] ?? 0) - spec.center[1]);
  }
  const geom = sphereGeomOf(g.value);
  if (!geom) return undefined;
  const rad = sphereDistance(spec.center, geom);
  return spec.mode === 'meters' ? rad * EARTH_RADIUS_M : rad;
}

/** Rows within [min, max] of the center, nearest first (ties keep scan order). */
export function rankByDistance<R extends { doc: Document }>(spec: NearSpec, rows: Iterable<R>): Array<Ranked<R>> {
  const out: Array<Ranked<R>> = [];
  for (const row of rows) {
    let best: Ranked<R> | undefined;
    for (const v of geoCandidates(row.doc, spec.path)) {
      const d = distanceTo(spec, v);
      if (d !== undefined && (!best || d < best.distance)) best = { row, distance: d, location: v };
    }
    if (best && best.distance >= spec.min && best.distance <= spec.max) out.push(best);
  }
  return out.sort((a, b) => a.distance - b.distance);
}

/**
 * The hook for find: when the filter has a $near / $nearSphere, the rows that pass the rest of the
 * filter (read with `read`) ranked nearest first; undefined when it has none.
 */
export function nearRows<R extends { doc: Document }>(
  meta: CollectionMeta,
  filter: Document,
  read: (rest: Document) => Iterable<R>,
): R[] | undefined {
  const near = findNearClause(filter);
  if (!near) return undefined;
  requireNearIndex(meta, near.spec);
  return rankByDistance(near.spec, read(near.rest)).map((r) => r.row);
}
