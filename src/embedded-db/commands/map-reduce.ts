// mapReduce needs JavaScript for map and reduce, which the embedded DB refuses by design: it fails
// as on a mongod without a script engine (security.javascriptEnabled: false).
import { CommandError } from '../errors.js';
import { NO_ENGINE } from '../server-js-refusal.js';
import type { Handler } from './types.js';

export const mapReduce: Handler = () => {
  throw new CommandError(31246, 'Location31246', NO_ENGINE);
};
