// Server-side JavaScript ($where, $function, $accumulator, mapReduce) is refused by design: the
// embedded DB answers exactly as a mongod started with `security.javascriptEnabled: false`, so
// no client-supplied code ever runs inside the server.
import type { Document } from 'bson';
import { isPlainObject } from './bson-values.js';
import { badValue, CommandError } from './errors.js';

export const NO_ENGINE = 'Cannot run server-side javascript without the javascript engine enabled';

function hasKey(v: unknown, key: string): boolean {
  if (Array.isArray(v)) return v.some((el) => hasKey(el, key));
  if (!isPlainObject(v)) return false;
  return Object.entries(v).some(([k, sub]) => k === key || hasKey(sub, key));
}

/** For a query filter (find, count, distinct, findAndModify, update and delete statements). */
export function refuseServerJsInFilter(filter: Document): void {
  if (hasKey(filter, '$where')) {
    throw new CommandError(6108304, 'Location6108304', 'no globalScriptEngine in $where parsing');
  }
  if (hasKey(filter, '$function')) throw new CommandError(31264, 'Location31264', NO_ENGINE);
}

/** For an aggregation pipeline: $where is refused in $match as mongod does, $function/$accumulator anywhere. */
export function refuseServerJsInPipeline(pipeline: unknown[]): void {
  const matches = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(matches);
    if (!isPlainObject(v)) return false;
    return Object.entries(v).some(([k, sub]) => (k === '$match' && hasKey(sub, '$where')) || matches(sub));
  };
  if (matches(pipeline)) throw badValue('$where is not allowed in this context');
  if (hasKey(pipeline, '$function') || hasKey(pipeline, '$accumulator')) {
    throw new CommandError(31264, 'Location31264', NO_ENGINE);
  }
}
