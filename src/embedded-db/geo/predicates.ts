// Geo predicates and distances over parsed values, computed with turf (@turf/*): containment
// and intersection treat lng/lat as planar coordinates (edges are straight lines in lng/lat, where
// mongod's S2 uses great-circle edges: the same answer except near the edges of large shapes);
// distances are great-circle (haversine), in radians on a sphere of mongod's radius, 6378.1 km.
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import { distance } from '@turf/distance';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { pointToPolygonDistance } from '@turf/point-to-polygon-distance';
import type { Geometry, LineString, Point, Polygon, Position } from 'geojson';
import { acrossAntimeridian } from './antimeridian.js';
import { isValidLngLat, type GeoValue } from './geojson.js';
import { containerPolygons, type QueryShape } from './query-shapes.js';

/** mongod's kRadiusOfEarthInMeters. */
export const EARTH_RADIUS_M = 6378.1 * 1000;

type Simple = Point | LineString | Polygon;

/** The value in the flat plane: legacy pairs as they are, GeoJSON points by their coordinates. */
export function flatPointOf(g: GeoValue): Position | undefined {
  if (g.kind === 'legacy') return [g.x, g.y];
  return g.geom.type === 'Point' ? g.geom.coordinates : undefined;
}

/** The value on the sphere: GeoJSON, or a legacy pair that is a valid lng/lat. */
export function sphereGeomOf(g: GeoValue): Geometry | undefined {
  if (g.kind === 'legacy') return isValidLngLat(g.x, g.y) ? { type: 'Point', coordinates: [g.x, g.y] } : undefined;
  return g.strictWinding ? undefined : g.geom;
}

function simpleParts(geom: Geometry): Simple[] {
  switch (geom.type) {
    case 'MultiPoint':
      return geom.coordinates.map((coordinates) => ({ type: 'Point', coordinates }));
    case 'MultiLineString':
      return geom.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }));
    case 'MultiPolygon':
      return geom.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
    case 'GeometryCollection':
      return geom.geometries.flatMap(simpleParts);
    default:
      return [geom];
  }
}

function* positions(geom: Simple): Generator<Position> {
  if (geom.type === 'Point') yield geom.coordinates;
  else if (geom.type === 'LineString') yield* geom.coordinates;
  else for (const ring of geom.coordinates) yield* ring;
}

const radians = (a: Position, b: Position) => distance(a, b, { units: 'radians' });

/** Great-circle distance in radians from a point to the nearest part of a geometry. */
export function sphereDistance(center: Position, geom: Geometry): number {
  let best = Infinity;
  for (const part of simpleParts(geom)) {
    let d: number;
    if (part.type === 'Point') d = radians(center, part.coordinates);
    else if (part.type === 'LineString') d = pointToLineDistance(center, part, { units: 'radians' });
    else d = Math.max(0, pointToPolygonDistance(center, part, { units: 'radians' }));
    best = Math.min(best, d);
  }
  return best;
}

function partWithin(part: Simple, container: Polygon): boolean {
  return acrossAntimeridian(part, container, (a, b) => {
    if (a.type === 'Point') return booleanPointInPolygon(a.coordinates, b as Polygon);
    return booleanWithin(a, b);
  });
}

function withinCap(geom: Geometry, lng: number, lat: number, r: number): boolean {
  return simpleParts(geom).every((part) => {
    for (const p of positions(part)) if (radians([lng, lat], p) > r) return false;
    return true;
  });
}

function withinFlat(shape: QueryShape, p: Position): boolean {
  const [x = 0, y = 0] = p;
  if (shape.kind === 'box') return x >= shape.minX && x <= shape.maxX && y >= shape.minY && y <= shape.maxY;
  if (shape.kind === 'center') return Math.hypot(x - shape.x, y - shape.y) <= shape.r;
  if (shape.kind === 'flatPolygon') return booleanPointInPolygon(p, shape.polygon);
  return false;
}

/** $geoWithin: is the stored value inside the query shape? */
export function within(shape: QueryShape, g: GeoValue): boolean {
  if (shape.kind === 'box' || shape.kind === 'center' || shape.kind === 'flatPolygon') {
    const p = flatPointOf(g);
    return p !== undefined && withinFlat(shape, p);
  }
  const geom = sphereGeomOf(g);
  if (!geom) return false;
  if (shape.kind === 'centerSphere') return withinCap(geom, shape.lng, shape.lat, shape.r);
  if (shape.kind !== 'geometry') return false;
  const containers = containerPolygons(shape.geom).flatMap(simpleParts) as Polygon[];
  return simpleParts(geom).every((part) => containers.some((c) => partWithin(part, c)));
}

/** $geoIntersects: do the stored value and the query shape share any point? */
export function intersects(shape: QueryShape, g: GeoValue): boolean {
  const geom = sphereGeomOf(g);
  if (!geom) return false;
  if (shape.kind === 'geometry') return acrossAntimeridian(geom, shape.geom, (a, b) => booleanIntersects(a, b));
  if (shape.kind === 'legacyPointOnSphere') {
    return booleanIntersects(geom, { type: 'Point', coordinates: [shape.lng, shape.lat] });
  }
  if (shape.kind === 'centerSphere') return sphereDistance([shape.lng, shape.lat], geom) <= shape.r;
  return false;
}
