// Parses stored geo values and GeoJSON query geometries with mongod's rules and messages
// (src/mongo/db/geo/geoparser.cpp): legacy coordinate pairs are flat, GeoJSON is on the sphere.
// Not checked, unlike mongod's S2 validation: self-intersecting loops, holes outside the shell.
import type { Geometry, Position } from 'geojson';
import { isPlainObject } from '../bson-values.js';
import { bsonText } from './bson-text.js';

export interface LegacyPoint {
  kind: 'legacy';
  x: number;
  y: number;
}

export interface GeoJson {
  kind: 'geojson';
  geom: Geometry;
  /** crs urn:x-mongodb:crs:strictwinding:EPSG:4326 (a "big polygon"): queries only, never indexed. */
  strictWinding: boolean;
}

export type GeoValue = LegacyPoint | GeoJson;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Vertices counted while parsing; a query shape over the limit is refused (see MAX_QUERY_VERTICES). */
export interface VertexBudget {
  left: number;
}

const TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);

export const isGeoObject = (v: unknown): v is Record<string, unknown> | unknown[] =>
  Array.isArray(v) || isPlainObject(v);

const firstValues = (v: Record<string, unknown> | unknown[]): unknown[] => (Array.isArray(v) ? v : Object.values(v));

/** A flat point: the first two values of an array or object, numeric and finite. */
export function parseFlatPoint(v: unknown, allowExtra: boolean): Parsed<[number, number]> {
  if (!isGeoObject(v)) return fail('Point must be an array or object');
  const vals = firstValues(v);
  const [x, y] = vals;
  if (typeof x !== 'number' || typeof y !== 'number') return fail('Point must only contain numeric elements');
  if (!allowExtra && vals.length > 2) return fail('Point must only contain two numeric elements');
  if (!Number.isFinite(x) || !Number.isFinite(y)) return fail('Point coordinates must be finite numbers');
  return { ok: true, value: [x, y] };
}

export const isValidLngLat = (lng: number, lat: number): boolean =>
  lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;

export const outOfBounds = (lng: number, lat: number): string =>
  `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`;

/** True when a value is stored as a legacy pair rather than GeoJSON (mongod's test). */
export const looksLegacy = (v: Record<string, unknown> | unknown[]): boolean =>
  Array.isArray(v) || typeof firstValues(v)[0] === 'number';

function coordinate(v: unknown, budget?: VertexBudget): Parsed<Position> {
  if (!Array.isArray(v)) return fail('GeoJSON coordinates must be an array');
  const p = parseFlatPoint(v, true);
  if (!p.ok) return p;
  const [lng, lat] = p.value;
  if (!isValidLngLat(lng, lat)) return fail(outOfBounds(lng, lat));
  if (budget && --budget.left < 0) return fail(tooManyVertices());
  return p;
}

export const MAX_QUERY_VERTICES = 100_000;
const tooManyVertices = () =>
  `geometry has more than ${MAX_QUERY_VERTICES} vertices, the embedded server's limit for a query shape`;

function coordinates(v: unknown, budget?: VertexBudget): Parsed<Position[]> {
  if (!Array.isArray(v)) return fail('GeoJSON coordinates must be an array of coordinates');
  const out: Position[] = [];
  for (const el of v) {
    const c = coordinate(el, budget);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return { ok: true, value: out };
}

const samePos = (a: Position | undefined, b: Position | undefined) => !!a && !!b && a[0] === b[0] && a[1] === b[1];

function withoutAdjacentDuplicates(points: Position[]): Position[] {
  return points.filter((p, i) => i === 0 || !samePos(points[i - 1], p));
}

function line(v: unknown, budget?: VertexBudget): Parsed<Position[]> {
  const c = coordinates(v, budget);
  if (!c.ok) return c;
  const pts = withoutAdjacentDuplicates(c.value);
  if (pts.length < 2) return fail(`GeoJSON LineString must have at least 2 vertices: ${bsonText(v)}`);
  return { ok: true, value: c.value };
}

function polygon(v: unknown, budget?: VertexBudget): Parsed<Position[][]> {
  if (!Array.isArray(v)) return fail('Polygon coordinates must be an array');
  const loops: Position[][] = [];
  for (const loopValue of v) {
    const c = coordinates(loopValue, budget);
    if (!c.ok) return c;
    const pts = c.value;
    if (pts.length === 0) return fail(`Loop has no vertices: ${bsonText(loopValue)}`);
    if (!samePos(pts[0], pts[pts.length - 1])) return fail(`Loop is not closed: ${bsonText(loopValue)}`);
    if (withoutAdjacentDuplicates(pts).length - 1 < 3) {
      return fail(`Loop must have at least 3 different vertices: ${bsonText(loopValue)}`);
    }
    loops.push(pts);
  }
  if (loops.length === 0) return fail('Polygon has no loops.');
  return { ok: true, value: loops };
}

function many<T>(v: unknown, what: string, parse: (el: unknown) => Parsed<T>): Parsed<T[]> {
  if (!Array.isArray(v)) return fail(`${what} coordinates must be an array`);
  const out: T[] = [];
  for (const el of v) {
    const r = parse(el);
    if (!r.ok) return r;
    out.push(r.value);
  }
  if (out.length === 0) return fail(`${what} coordinates must have at least 1 element`);
  return { ok: true, value: out };
}

const CRS_SPHERE = new Set(['urn:ogc:def:crs:OGC:1.3:CRS84', 'EPSG:4326']);
const CRS_STRICT = 'urn:x-mongodb:crs:strictwinding:EPSG:4326';

function crs(obj: Record<string, unknown>, type: string): Parsed<boolean> {
  const c = obj.crs;
  if (c === undefined) return { ok: true, value: false };
  if (!isPlainObject(c)) return fail('GeoJSON CRS must be an object');
  if (c.type !== 'name') return fail('GeoJSON CRS must have field "type": "name"');
  if (!isPlainObject(c.properties)) return fail('CRS must have field "properties" which is an object');
  const name = c.properties.name;
  if (typeof name !== 'string') return fail('In CRS, "properties.name" must be a string');
  if (CRS_SPHERE.has(name)) return { ok: true, value: false };
  if (name !== CRS_STRICT) return fail(`Unknown CRS name: ${name}`);
  if (type !== 'Polygon') return fail('Strict winding order is only supported by polygon');
  return { ok: true, value: true };
}

function geometry(obj: Record<string, unknown>, type: string, budget?: VertexBudget): Parsed<Geometry> {
  const coords = obj.coordinates;
  switch (type) {
    case 'Point': {
      const p = parseFlatPoint(coords, true);
      if (!p.ok) return p;
      if (!isValidLngLat(p.value[0], p.value[1])) return fail(outOfBounds(p.value[0], p.value[1]));
      if (budget && --budget.left < 0) return fail(tooManyVertices());
      return { ok: true, value: { type, coordinates: p.value } };
    }
    case 'LineString': {
      const l = line(coords, budget);
      return l.ok ? { ok: true, value: { type, coordinates: l.value } } : l;
    }
    case 'Polygon': {
      const p = polygon(coords, budget);
      return p.ok ? { ok: true, value: { type, coordinates: p.value } } : p;
    }
    case 'MultiPoint': {
      const c = coordinates(coords, budget);
      if (!c.ok) return c;
      if (c.value.length === 0) return fail('MultiPoint coordinates must have at least 1 element');
      return { ok: true, value: { type, coordinates: c.value } };
    }
    case 'MultiLineString': {
      const m = many(coords, 'MultiLineString', (el) => line(el, budget));
      return m.ok ? { ok: true, value: { type, coordinates: m.value } } : m;
    }
    default: {
      const m = many(coords, 'MultiPolygon', (el) => polygon(el, budget));
      return m.ok ? { ok: true, value: { type: 'MultiPolygon', coordinates: m.value } } : m;
    }
  }
}

function collection(obj: Record<string, unknown>, budget?: VertexBudget): Parsed<Geometry> {
  const list = obj.geometries;
  if (!Array.isArray(list)) return fail('GeometryCollection geometries must be an array');
  if (list.length === 0) return fail('GeometryCollection geometries must have at least 1 element');
  const geometries: Geometry[] = [];
  for (const [i, el] of list.entries()) {
    if (!isPlainObject(el)) return fail(`Element ${i} of "geometries" is not an object`);
    const type = el.type;
    if (type === 'GeometryCollection') return fail(`GeometryCollections cannot be nested: ${bsonText(el)}`);
    if (typeof type !== 'string' || !TYPES.has(type)) return fail(`Unknown GeoJSON type: ${bsonText(el)}`);
    const c = crs(el, type);
    if (!c.ok) return c;
    const g = geometry(el, type, budget);
    if (!g.ok) return g;
    geometries.push(g.value);
  }
  return { ok: true, value: { type: 'GeometryCollection', geometries } };
}

/** A GeoJSON object ({type, coordinates} or a GeometryCollection). */
export function parseGeoJson(obj: Record<string, unknown>, budget?: VertexBudget): Parsed<GeoJson> {
  const type = obj.type;
  if (typeof type !== 'string' || (!TYPES.has(type) && type !== 'GeometryCollection')) {
    return fail(`unknown GeoJSON type: ${bsonText(obj)}`);
  }
  const c = type === 'GeometryCollection' ? ({ ok: true, value: false } as const) : crs(obj, type);
  if (!c.ok) return c;
  const g = type === 'GeometryCollection' ? collection(obj, budget) : geometry(obj, type, budget);
  return g.ok ? { ok: true, value: { kind: 'geojson', geom: g.value, strictWinding: c.value } } : g;
}

/** A geo value as stored in a document: a legacy pair (extra values allowed) or GeoJSON. */
export function parseStored(v: unknown): Parsed<GeoValue> {
  if (!isGeoObject(v)) return fail(`geo element must be an array or object: ${bsonText(v)}`);
  if (looksLegacy(v)) {
    const p = parseFlatPoint(v, true);
    return p.ok ? { ok: true, value: { kind: 'legacy', x: p.value[0], y: p.value[1] } } : p;
  }
  return parseGeoJson(v as Record<string, unknown>);
}
