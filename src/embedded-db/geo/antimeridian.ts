// Edges that cross the antimeridian. On the sphere an edge from lng 178 to -178 is 4° long;
// in turf's planar lng/lat it would span 356° the other way. Coordinates are unwrapped so each
// edge takes the short way (lng may leave [-180, 180]), and when either shape leaves that range
// the pair is also compared with the other shape moved by ±360°.
import type { Geometry, Position } from 'geojson';

function unwrapLine(coords: Position[]): Position[] {
  let offset = 0;
  let prev: number | undefined;
  return coords.map(([x = 0, y = 0]) => {
    if (prev !== undefined) {
      const d = x + offset - prev;
      if (d > 180) offset -= 360;
      else if (d < -180) offset += 360;
    }
    prev = x + offset;
    return [prev, y];
  });
}

const shiftLine = (coords: Position[], dx: number): Position[] => coords.map(([x = 0, y = 0]) => [x + dx, y]);

function mapLines(geom: Geometry, f: (line: Position[]) => Position[]): Geometry {
  switch (geom.type) {
    case 'Point':
      return { type: 'Point', coordinates: f([geom.coordinates])[0] ?? geom.coordinates };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: geom.coordinates.map((p) => f([p])[0] ?? p) };
    case 'LineString':
      return { type: 'LineString', coordinates: f(geom.coordinates) };
    case 'MultiLineString':
    case 'Polygon':
      return { type: geom.type, coordinates: geom.coordinates.map(f) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: geom.coordinates.map((poly) => poly.map(f)) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: geom.geometries.map((g) => mapLines(g, f)) };
  }
}

function leavesRange(geom: Geometry): boolean {
  let out = false;
  mapLines(geom, (line) => {
    if (line.some(([x = 0]) => x < -180 || x > 180)) out = true;
    return line;
  });
  return out;
}

const unwrapped = new WeakMap<Geometry, { geom: Geometry; outside: boolean }>();

function unwrap(geom: Geometry): { geom: Geometry; outside: boolean } {
  let u = unwrapped.get(geom);
  if (!u) {
    const g = mapLines(geom, (line) => (line.length > 1 ? unwrapLine(line) : line));
    u = { geom: g, outside: leavesRange(g) };
    unwrapped.set(geom, u);
  }
  return u;
}

/** test(a, b) with both shapes' edges taking the short way round, trying b shifted by ±360°. */
export function acrossAntimeridian(a: Geometry, b: Geometry, test: (a: Geometry, b: Geometry) => boolean): boolean {
  const ua = unwrap(a);
  const ub = unwrap(b);
  if (test(ua.geom, ub.geom)) return true;
  if (!ua.outside && !ub.outside) return false;
  return [360, -360].some((dx) =>
    test(
      ua.geom,
      mapLines(ub.geom, (line) => shiftLine(line, dx)),
    ),
  );
}
