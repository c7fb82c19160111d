// Finds and parses the $near / $nearSphere clause of a find filter, with mongod's rules
// (GeoNearExpression in expression_geo.cpp; "geoNear must be top-level expr" from canonical_query.cpp).
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import { badValue, CommandError } from '../errors.js';
import { bsonText, elementText } from './bson-text.js';
import { isGeoObject, isValidLngLat, looksLegacy, parseFlatPoint, parseGeoJson, type Parsed } from './geojson.js';

/** flat: $near on a legacy pair (2d index, plane units); radians: $nearSphere on a legacy pair;
 *  meters: a GeoJSON point (2dsphere index). */
export type NearMode = 'flat' | 'radians' | 'meters';

export interface NearSpec {
  path: string;
  center: [number, number];
  mode: NearMode;
  min: number;
  max: number;
}

const NEAR_OPS = new Set(['$near', '$nearSphere', '$geoNear']);

const location = (code: number, msg: string) => new CommandError(code, `Location${code}`, msg);

/** A query point: a legacy pair (exactly two numbers) or a GeoJSON point (sphere: true). */
export function parseQueryPoint(v: unknown): Parsed<{ center: [number, number]; sphere: boolean }> {
  if (!isGeoObject(v)) return { ok: false, reason: 'Point must be an array or object' };
  if (looksLegacy(v)) {
    const p = parseFlatPoint(v, false);
    return p.ok ? { ok: true, value: { center: p.value, sphere: false } } : p;
  }
  const obj = v as Record<string, unknown>;
  const g = parseGeoJson({ type: 'Point', coordinates: obj.coordinates, ...(obj.crs ? { crs: obj.crs } : {}) });
  if (!g.ok) return g;
  const c = g.value.geom.type === 'Point' ? g.value.geom.coordinates : [];
  return { ok: true, value: { center: [c[0] ?? 0, c[1] ?? 0], sphere: true } };
}

interface Raw {
  center?: [number, number];
  sphere: boolean;
  nearSphere: boolean;
  min: number;
  max: number;
}

function legacyForm(clause: Record<string, unknown>): Raw | undefined {
  const out: Raw = { sphere: false, nearSphere: false, min: 0, max: Number.MAX_VALUE };
  for (const [name, v] of Object.entries(clause)) {
    if (NEAR_OPS.has(name)) {
      if (!isGeoObject(v)) return undefined;
      const p = parseQueryPoint(v);
      const vals = Array.isArray(v) ? v : Object.values(v);
      if (p.ok) Object.assign(out, p.value);
      else if (vals.length === 3 && vals.every((n) => typeof n === 'number')) {
        out.center = [vals[0] as number, vals[1] as number];
        out.max = vals[2] as number;
        if (!(out.max >= 0)) throw location(18522, 'max distance must be non-negative');
      } else continue;
      out.nearSphere = name === '$nearSphere';
    } else if (name === '$minDistance') {
      if (typeof v !== 'number') throw location(16893, '$minDistance must be a number');
      if (!(v >= 0)) throw location(16894, '$minDistance must be non-negative');
      out.min = v;
    } else if (name === '$maxDistance') {
      if (typeof v !== 'number') throw location(16895, '$maxDistance must be a number');
      if (!(v >= 0)) throw location(16896, '$maxDistance must be non-negative');
      out.max = v;
    } else if (name !== '$uniqueDocs') {
      throw location(34413, `invalid argument in geo near query: ${name}`);
    }
  }
  return out.center ? out : undefined;
}

function distanceArg(name: string, v: unknown): number {
  if (typeof v !== 'number') throw badValue(`${name} must be a number`);
  if (!(v >= 0 && Number.isFinite(v))) throw badValue(`${name} must be non-negative`);
  return v;
}

function geoJsonForm(clause: Record<string, unknown>): Raw {
  const entries = Object.entries(clause);
  const [first, extra] = entries;
  if (!first) throw badValue('empty geo near query object');
  if (extra) {
    throw badValue(
      'geo near accepts just one argument when querying for a GeoJSON point. ' +
        `Extra field found: ${elementText(extra[0], extra[1])}`,
    );
  }
  const [op, arg] = first;
  if (!isPlainObject(arg)) throw badValue('geo near query argument is not an object');
  if (!NEAR_OPS.has(op)) throw badValue(`invalid geo near query operator: ${op}`);
  const out: Raw = { sphere: true, nearSphere: false, min: 0, max: Number.MAX_VALUE };
  for (const [name, v] of Object.entries(arg)) {
    if (name === '$geometry') {
      if (!isGeoObject(v)) continue;
      const p = parseQueryPoint(v);
      if (!p.ok) throw badValue(`invalid point in geo near query $geometry argument: ${bsonText(v)}  ${p.reason}`);
      if (!p.value.sphere) throw badValue(`$near requires geojson point, given ${bsonText(v)}`);
      out.center = p.value.center;
    } else if (name === '$minDistance') out.min = distanceArg(name, v);
    else if (name === '$maxDistance') out.max = distanceArg(name, v);
    else throw badValue(`invalid argument in geo near query: ${name}`);
  }
  if (!out.center) throw badValue('$geometry is required for geo near query');
  return out;
}

/** Parses `{$near: ..., $maxDistance: ...}` (the value of the geo field in the filter). */
export function parseNearClause(path: string, clause: Record<string, unknown>): NearSpec {
  const raw = legacyForm(clause) ?? geoJsonForm(clause);
  const [x, y] = raw.center ?? [0, 0];
  if (raw.nearSphere && !raw.sphere && !isValidLngLat(x, y)) {
    throw badValue('Legacy point is out of bounds for spherical query');
  }
  const mode: NearMode = raw.sphere ? 'meters' : raw.nearSphere ? 'radians' : 'flat';
  return { path, center: [x, y], mode, min: raw.min, max: raw.max };
}

const hasNearOp = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && Object.keys(v).some((k) => NEAR_OPS.has(k));

interface Found {
  path: string;
  clause: Record<string, unknown>;
  topLevel: boolean;
}

function collect(filter: unknown, topLevel: boolean, out: Found[]): void {
  if (Array.isArray(filter)) {
    for (const el of filter) collect(el, topLevel, out);
    return;
  }
  if (!isPlainObject(filter)) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) collect(value, topLevel && key === '$and', out);
    else if (hasNearOp(value)) out.push({ path: key, clause: value, topLevel });
    else if (isPlainObject(value)) {
      for (const [op, arg] of Object.entries(value)) if (op.startsWith('$')) collect(arg, false, out);
    }
  }
}

function without(filter: Document, target: Record<string, unknown>): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries<unknown>(filter)) {
    if (value === target) continue;
    out[key] =
      key === '$and' && Array.isArray(value)
        ? (value as unknown[]).map((f) => (isPlainObject(f) ? without(f, target) : f))
        : value;
  }
  return out;
}

/** The filter's near clause and the filter without it, or undefined when it has none. */
export function findNearClause(filter: Document): { spec: NearSpec; rest: Document } | undefined {
  const found: Found[] = [];
  collect(filter, true, found);
  const [near, second] = found;
  if (!near) return undefined;
  if (second) throw badValue('Too many geoNear expressions');
  if (!near.topLevel) throw badValue('geoNear must be top-level expr');
  return { spec: parseNearClause(near.path, near.clause), rest: without(filter, near.clause) };
}

/** True when a filter uses $near / $nearSphere / $geoNear anywhere (refused in aggregation). */
export function usesNear(filter: unknown): boolean {
  const found: Found[] = [];
  collect(filter, true, found);
  return found.length > 0;
}
