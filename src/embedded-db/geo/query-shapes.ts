// The shape argument of $geoWithin / $within / $geoIntersects, parsed with mongod's rules and
// messages (geometry_container.cpp, expression_geo.cpp). Errors are BadValue (code 2).
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { isPlainObject } from '../bson-values.js';
import { badValue } from '../errors.js';
import { elementText } from './bson-text.js';
import {
  isGeoObject,
  isValidLngLat,
  looksLegacy,
  MAX_QUERY_VERTICES,
  outOfBounds,
  parseFlatPoint,
  parseGeoJson,
  type Parsed,
  type VertexBudget,
} from './geojson.js';

/** Shapes in the flat (legacy, 2d) plane. */
export type FlatShape =
  | { kind: 'box'; minX: number; minY: number; maxX: number; maxY: number }
  | { kind: 'flatPolygon'; polygon: Polygon & { bbox: [number, number, number, number] } }
  | { kind: 'center'; x: number; y: number; r: number };

/** Shapes on the sphere. */
export type SphereShape =
  | { kind: 'centerSphere'; lng: number; lat: number; r: number }
  | { kind: 'geometry'; geom: Geometry }
  | { kind: 'legacyPointOnSphere'; lng: number; lat: number };

export type QueryShape = FlatShape | SphereShape;

export const isFlat = (s: QueryShape): s is FlatShape =>
  s.kind === 'box' || s.kind === 'flatPolygon' || s.kind === 'center';

function unwrap<T>(p: Parsed<T>): T {
  if (!p.ok) throw badValue(p.reason);
  return p.value;
}

function flatPoint(v: unknown, budget: VertexBudget): [number, number] {
  if (--budget.left < 0) throw badValue(`$polygon has more than ${MAX_QUERY_VERTICES} points`);
  return unwrap(parseFlatPoint(v, false));
}

function circle(v: Record<string, unknown> | unknown[]): { center: unknown; radius: unknown; extra: boolean } {
  const vals = Array.isArray(v) ? v : Object.values(v);
  return { center: vals[0], radius: vals[1], extra: vals.length > 2 };
}

function radiusOf(r: unknown): number {
  if (typeof r !== 'number' || !(r >= 0)) throw badValue('radius must be a non-negative number');
  return r;
}

function bboxOf(ring: Position[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x = 0, y = 0] of ring) {
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  }
  return b;
}

function legacy(name: string, v: Record<string, unknown> | unknown[]): QueryShape {
  const budget = { left: MAX_QUERY_VERTICES };
  const vals = Array.isArray(v) ? v : Object.values(v);
  if (name === '$box') {
    const [ax, ay] = flatPoint(vals[0], budget);
    const [bx, by] = flatPoint(vals[1], budget);
    return {
      kind: 'box',
      minX: Math.min(ax, bx),
      minY: Math.min(ay, by),
      maxX: Math.max(ax, bx),
      maxY: Math.max(ay, by),
    };
  }
  if (name === '$polygon') {
    const ring = vals.map((p) => flatPoint(p, budget));
    if (ring.length < 3) throw badValue('Polygon must have at least 3 points');
    const closed: Position[] = [...ring, ring[0] as Position];
    return { kind: 'flatPolygon', polygon: { type: 'Polygon', coordinates: [closed], bbox: bboxOf(closed) } };
  }
  const { center, radius, extra } = circle(v);
  const [x, y] = flatPoint(center, budget);
  if (name === '$centerSphere' && !isValidLngLat(x, y)) throw badValue(outOfBounds(x, y));
  const r = radiusOf(radius);
  if (extra) throw badValue('Only 2 fields allowed for circular region');
  return name === '$center' ? { kind: 'center', x, y, r } : { kind: 'centerSphere', lng: x, lat: y, r };
}

const SPECIFIERS = new Set(['$box', '$center', '$polygon', '$centerSphere', '$geometry']);

/** One geo specifier ({$box: ...}, {$geometry: ...}, ...). */
export function parseSpecifier(name: string, v: unknown): QueryShape {
  if (!SPECIFIERS.has(name) || !isGeoObject(v)) throw badValue(`unknown geo specifier: ${elementText(name, v)}`);
  if (name !== '$geometry') return legacy(name, v);
  if (looksLegacy(v)) {
    const [lng, lat] = unwrap(parseFlatPoint(v, false));
    return { kind: 'legacyPointOnSphere', lng, lat };
  }
  const g = unwrap(parseGeoJson(v as Record<string, unknown>, { left: MAX_QUERY_VERTICES }));
  return { kind: 'geometry', geom: g.geom };
}

/** The polygons a $geoWithin $geometry may use (Polygon, MultiPolygon, or those in a collection). */
export function containerPolygons(geom: Geometry): Array<Polygon | MultiPolygon> {
  if (geom.type === 'Polygon' || geom.type === 'MultiPolygon') return [geom];
  if (geom.type === 'GeometryCollection') {
    return geom.geometries.filter(
      (g): g is Polygon | MultiPolygon => g.type === 'Polygon' || g.type === 'MultiPolygon',
    );
  }
  return [];
}

function supportsContains(s: QueryShape): boolean {
  if (s.kind === 'legacyPointOnSphere') return false;
  return s.kind !== 'geometry' || containerPolygons(s.geom).length > 0;
}

/** `{$geoWithin: {...}}` / `{$within: ...}` / `{$geoIntersects: ...}` argument → one shape. */
export function parseGeoPredicate(op: '$geoWithin' | '$within' | '$geoIntersects', arg: unknown): QueryShape {
  if (!isPlainObject(arg)) throw badValue('geometry must be an object');
  let shape: QueryShape | undefined;
  for (const [name, v] of Object.entries(arg)) {
    if (shape && op !== '$geoIntersects') {
      throw badValue(`$geoWithin doesn't accept multiple shapes ${elementText(op, arg)}`);
    }
    if (name === '$uniqueDocs') continue;
    shape = parseSpecifier(name, v);
  }
  if (!shape) throw badValue("geo query doesn't have any geometry");
  const whole = () => `{ ${elementText(op, arg)} }`;
  if (op !== '$geoIntersects' && !supportsContains(shape)) {
    throw badValue(`$within not supported with provided geometry: ${whole()}`);
  }
  if (op === '$geoIntersects') {
    const sphere =
      shape.kind === 'geometry' ||
      shape.kind === 'centerSphere' ||
      (shape.kind === 'legacyPointOnSphere' && isValidLngLat(shape.lng, shape.lat));
    if (!sphere) throw badValue(`$geoIntersect not supported with provided geometry: ${whole()}`);
  }
  return shape;
}
