// Text index specs as mongod normalizes them: the text fields of the key become `_fts: 'text',
// _ftsx: 1` (between any ascending/descending prefix and suffix fields) and their weights,
// languages and version are stored as options, echoed by listIndexes. One text index per collection.
import type { Document } from 'bson';
import { isPlainObject } from '../bson-values.js';
import type { IndexSpec } from '../catalog.js';
import { CommandError } from '../errors.js';
import { requireLanguage } from './languages.js';

export interface TextIndexOptions {
  /** Field path (or '$**') → weight. */
  weights: Record<string, number>;
  defaultLanguage: string;
  languageOverride: string;
  /** Non-text key fields before the text fields (queries must give them by equality). */
  prefix: string[];
}

const OPTION_KEYS = ['weights', 'default_language', 'language_override', 'textIndexVersion'];
const MAX_WEIGHT = 99999;

const cannotCreate = (msg: string) => new CommandError(67, 'CannotCreateIndex', msg);

export function isTextKey(keyDoc: unknown): boolean {
  return isPlainObject(keyDoc) && Object.values(keyDoc).some((v) => v === 'text');
}

function parseWeights(rawKey: Document, rawWeights: unknown): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const [field, v] of Object.entries(rawKey)) if (v === 'text') weights[field] = 1;
  if (rawWeights !== undefined) {
    if (!isPlainObject(rawWeights)) throw cannotCreate('weights must be an object');
    for (const [field, w] of Object.entries(rawWeights)) {
      if (typeof w !== 'number' || !(w > 0 && w < MAX_WEIGHT)) {
        throw cannotCreate(
          `text index weight must be in the exclusive interval (0,${MAX_WEIGHT}) but found: ${String(w)}`,
        );
      }
      weights[field] = w;
    }
  }
  // mongod keeps weights in a sorted map, so listIndexes shows them in field-name order.
  return Object.fromEntries(Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The normalized parts of a text index spec (key, key fields, options for listIndexes), or
 * undefined when the key has no 'text' field. `extra` holds the other unknown options.
 */
export function textIndexParts(
  raw: Document,
  extra: Document,
): Pick<IndexSpec, 'key' | 'keyDoc' | 'extra'> | undefined {
  const rawKey: unknown = raw.key;
  if (!isPlainObject(rawKey) || !isTextKey(rawKey)) return undefined;
  const entries = Object.entries(rawKey);
  const first = entries.findIndex(([, v]) => v === 'text');
  const after = entries.slice(first).findIndex(([, v]) => v !== 'text');
  const textEnd = after < 0 ? entries.length : first + after;
  if (entries.slice(textEnd).some(([, v]) => v === 'text')) throw cannotCreate('text fields must be contiguous');
  const keyDoc: Document = {};
  const key: Array<[string, 1 | -1]> = [];
  const plain = (list: Array<[string, unknown]>) => {
    for (const [f, v] of list) {
      if (typeof v !== 'number') throw cannotCreate(`text index key pattern fields must be 1 or -1: ${f}`);
      keyDoc[f] = v;
      key.push([f, v < 0 ? -1 : 1]);
    }
  };
  plain(entries.slice(0, first));
  keyDoc._fts = 'text';
  keyDoc._ftsx = 1;
  key.push(['_fts', 1], ['_ftsx', 1]);
  plain(entries.slice(textEnd));
  const version: unknown = raw.textIndexVersion ?? 3;
  if (version !== 3) {
    throw cannotCreate(`currently only textIndexVersion 3 is supported by the embedded DB, not ${String(version)}`);
  }
  const defaultLanguage = requireLanguage(raw.default_language ?? 'english').name;
  const override: unknown = raw.language_override ?? 'language';
  if (typeof override !== 'string' || override === '') throw cannotCreate('language_override must be a string');
  const rest = Object.fromEntries(Object.entries(extra).filter(([k]) => !OPTION_KEYS.includes(k)));
  return {
    key,
    keyDoc,
    extra: {
      weights: parseWeights(rawKey, raw.weights),
      default_language: typeof raw.default_language === 'string' ? raw.default_language : defaultLanguage,
      language_override: override,
      textIndexVersion: 3,
      ...rest,
    },
  };
}

export function isTextIndex(ix: IndexSpec): boolean {
  return ix.keyDoc._fts === 'text';
}

export function textOptions(ix: IndexSpec): TextIndexOptions {
  const prefix: string[] = [];
  for (const [f] of ix.key) {
    if (f === '_fts') break;
    prefix.push(f);
  }
  const weights = isPlainObject(ix.extra.weights) ? (ix.extra.weights as Record<string, number>) : {};
  return {
    weights,
    defaultLanguage: typeof ix.extra.default_language === 'string' ? ix.extra.default_language : 'english',
    languageOverride: typeof ix.extra.language_override === 'string' ? ix.extra.language_override : 'language',
    prefix,
  };
}

const sameOptions = (a: IndexSpec, b: IndexSpec) =>
  JSON.stringify([a.keyDoc, a.extra]) === JSON.stringify([b.keyDoc, b.extra]);

/** mongod's answer when `ix` is a text index and the collection already has a different one. */
export function checkTextIndexConflict(existing: IndexSpec[], ix: IndexSpec): void {
  if (!isTextIndex(ix)) return;
  const other = existing.find(isTextIndex);
  if (!other || sameOptions(other, ix)) return; // identical: the usual "already exists" paths answer
  if (other.name === ix.name) {
    throw new CommandError(
      85,
      'IndexOptionsConflict',
      'An equivalent index already exists with the same name but different options. Requested index: ' +
        `${JSON.stringify({ key: ix.keyDoc, name: ix.name, ...ix.extra })}, existing index: ` +
        JSON.stringify({ key: other.keyDoc, name: other.name, ...other.extra }),
    );
  }
  throw cannotCreate(`only one text index per collection allowed, found existing text index "${other.name}"`);
}
