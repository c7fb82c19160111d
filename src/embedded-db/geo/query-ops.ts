// $geoWithin, $within and $geoIntersects as mingo query operators, so they work wherever a filter
// is matched (find, count, update, delete, aggregate $match). $near and $nearSphere need an
// order, so find runs them itself (near-query.ts); met anywhere else they are refused as mongod does.
import { Context } from 'mingo';
import { CommandError } from '../errors.js';
import { parseStored } from './geojson.js';
import { geoCandidates } from './path-values.js';
import { intersects, within } from './predicates.js';
import { parseGeoPredicate, type QueryShape } from './query-shapes.js';
import type { GeoValue } from './geojson.js';

type Test = (shape: QueryShape, g: GeoValue) => boolean;

function geoOperator(op: '$geoWithin' | '$within' | '$geoIntersects', test: Test) {
  return (selector: string, value: unknown, _options: unknown) => {
    const shape = parseGeoPredicate(op, value);
    return (obj: unknown): boolean =>
      geoCandidates(obj, selector).some((v) => {
        const g = parseStored(v);
        return g.ok && test(shape, g.value);
      });
  };
}

export const NEAR_NOT_ALLOWED =
  '$geoNear, $near, and $nearSphere are not allowed in this context, as these operators require sorting ' +
  'geospatial data. If you do not need sort, consider using $geoWithin instead. Check out ' +
  'https://dochub.mongodb.org/core/near-sort-operation and ' +
  'https://dochub.mongodb.org/core/nearSphere-sort-operationfor more details.';

export const nearNotAllowed = () => new CommandError(5626500, 'Location5626500', NEAR_NOT_ALLOWED);

const refuseNear = (_selector: string, _value: unknown, _options: unknown): never => {
  throw nearNotAllowed();
};

/** The geo query operators, for an operator table (query-operators.ts) or a mingo context. */
export const geoQueryOps = {
  $geoWithin: geoOperator('$geoWithin', within),
  $within: geoOperator('$within', within),
  $geoIntersects: geoOperator('$geoIntersects', intersects),
  $near: refuseNear,
  $nearSphere: refuseNear,
  $geoNear: refuseNear,
};

const context = Context.init().addQueryOps(geoQueryOps);

/** Options for mingo's Query / Aggregator that add the geo operators. */
export const geoQueryOptions = { context };
