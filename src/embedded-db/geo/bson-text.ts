// Renders a query-form value the way mongod prints BSON in its geo error messages
// (`{ type: "Point", coordinates: [ 1, 2 ] }`), so our errmsg text reads like the server's.
import { isPlainObject } from '../bson-values.js';

const MAX_CHARS = 1000;

function render(v: unknown, out: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  let s: string;
  if (Array.isArray(v)) {
    if (v.length === 0) s = '[]';
    else {
      out.push('[ ');
      for (const [i, el] of v.entries()) {
        if (budget.left <= 0) break;
        if (i > 0) out.push(', ');
        render(el, out, budget);
      }
      out.push(' ]');
      return;
    }
  } else if (isPlainObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) s = '{}';
    else {
      out.push('{ ');
      entries.forEach(([k, el], i) => {
        if (i > 0) out.push(', ');
        out.push(`${k}: `);
        render(el, out, budget);
      });
      out.push(' }');
      return;
    }
  } else if (typeof v === 'string') s = JSON.stringify(v);
  else if (v === undefined) s = 'undefined';
  else if (v === null) s = 'null';
  else if (v instanceof Date) s = `new Date(${v.getTime()})`;
  else if (typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'ObjectId') {
    s = `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
  } else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else s = typeof v === 'symbol' || typeof v === 'function' ? typeof v : JSON.stringify(v);
  budget.left -= s.length;
  out.push(s);
}

/** mongod-style text of a value, cut after about 1000 characters (huge shapes stay readable). */
export function bsonText(v: unknown): string {
  const out: string[] = [];
  const budget = { left: MAX_CHARS };
  render(v, out, budget);
  const text = out.join('');
  return budget.left <= 0 ? `${text.slice(0, MAX_CHARS)}...` : text;
}

/** `name: value`, as mongod prints a BSON element. */
export function elementText(name: string, v: unknown): string {
  return `${name}: ${bsonText(v)}`;
}
