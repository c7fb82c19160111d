// createIndexes / listIndexes / dropIndexes. Index builds run inside one write transaction: a
// read pass proves uniqueness first, then entries are written, so a failed build leaves nothing.
import type { Document } from 'bson';
import { bool, decodeForQuery, encodeDocument, isPlainObject, num } from '../bson-values.js';
import { clearRange, type CollectionMeta, type IndexSpec } from '../catalog.js';
import { firstBatch } from '../cursor-registry.js';
import { CommandError, duplicateKeyError, namespaceNotFound } from '../errors.js';
import { geoBuildError, geoIndexDefaults } from '../geo/index-rules.js';
import { entriesFor } from '../index-manager.js';
import { encodeValue, u32 } from '../index-keys.js';
import { prefixRange } from '../storage.js';
import { checkTextIndexConflict, textIndexParts } from '../text/text-index-spec.js';
import { collectionName, cursorOwner, type CommandContext, type Handler } from './types.js';

const KNOWN = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'v',
  'background',
  'ns',
]);

/** MongoDB's default index name, e.g. `roomId_1_at_-1`; key values are directions or kinds ('text'). */
function defaultIndexName(keyDoc: Record<string, unknown>): string {
  return Object.entries(keyDoc)
    .map(([f, v]) => `${f}_${typeof v === 'number' || typeof v === 'string' ? v : 1}`)
    .join('_');
}

function parseSpec(raw: Document, id: number): IndexSpec {
  const keyDoc: unknown = raw.key;
  if (!isPlainObject(keyDoc) || Object.keys(keyDoc).length === 0) {
    throw new CommandError(67, 'CannotCreateIndex', 'index key pattern must be a non-empty object');
  }
  let special = false;
  const key = Object.entries(keyDoc).map(([field, d]): [string, 1 | -1] => {
    if (typeof d !== 'number') special = true;
    return [field, typeof d === 'number' && d < 0 ? -1 : 1];
  });
  const name = typeof raw.name === 'string' ? raw.name : defaultIndexName(keyDoc);
  const extra: Document = {};
  for (const [k, v] of Object.entries<unknown>(raw)) if (!KNOWN.has(k)) extra[k] = v;
  const text = textIndexParts(raw, extra);
  Object.assign(extra, geoIndexDefaults(keyDoc, raw));
  return {
    id,
    name,
    key,
    keyDoc,
    unique: bool(raw.unique),
    sparse: bool(raw.sparse),
    partialFilterExpression: isPlainObject(raw.partialFilterExpression) ? raw.partialFilterExpression : undefined,
    expireAfterSeconds: raw.expireAfterSeconds === undefined ? undefined : num(raw.expireAfterSeconds),
    special,
    multikey: false,
    extra,
    ...text,
  };
}

const sameKey = (a: Document, b: Document) => encodeValue(a).equals(encodeValue(b));

function build(ctx: CommandContext, meta: CollectionMeta, ix: IndexSpec): void {
  const docs = ctx.storage.docs.getRange(prefixRange(u32(meta.id)));
  if (ix.special) {
    for (const { value } of docs) {
      const err = geoBuildError(meta, ix, decodeForQuery(value));
      if (err) throw err;
    }
  }
  if (ix.unique) {
    const seen = new Set<string>();
    for (const { value } of docs) {
      const doc = decodeForQuery(value);
      for (const e of entriesFor(ix, doc).entries) {
        const k = e.prefix.toString('latin1');
        if (seen.has(k)) {
          const keyValue: Document = {};
          ix.key.forEach(([f], i) => (keyValue[f] = e.values[i] ?? null));
          const err = duplicateKeyError(meta, { index: ix, keyValue });
          throw new CommandError(11000, 'DuplicateKey', `Index build failed: ${err.errmsg}`, {
            keyPattern: ix.keyDoc,
            keyValue,
          });
        }
        seen.add(k);
      }
    }
  }
  for (const { value } of ctx.storage.docs.getRange(prefixRange(u32(meta.id)))) {
    const doc = decodeForQuery(value);
    const idBytes = encodeValue(doc._id);
    const { entries, multikey } = entriesFor(ix, doc);
    if (multikey) ix.multikey = true;
    for (const e of entries) ctx.storage.index.putSync(Buffer.concat([e.prefix, idBytes]), idBytes);
  }
}

export const createIndexes: Handler = (cmd, _exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'createIndexes')}`;
  const specs = Array.isArray(cmd.indexes) ? (cmd.indexes as Document[]) : [];
  return ctx.storage.write(() => {
    const { meta, created } = ctx.catalog.ensure(ns);
    const before = meta.indexes.length + 1;
    let note: string | undefined;
    for (const raw of specs) {
      const ix = parseSpec(raw, 0);
      if (ix.name === '_id_' || sameKey(ix.keyDoc, { _id: 1 })) continue;
      checkTextIndexConflict(meta.indexes, ix);
      const byName = meta.indexes.find((i) => i.name === ix.name);
      const byKey = meta.indexes.find(
        (i) =>
          sameKey(i.keyDoc, ix.keyDoc) &&
          i.unique === ix.unique &&
          i.sparse === ix.sparse &&
          !i.partialFilterExpression === !ix.partialFilterExpression,
      );
      if (byName && !sameKey(byName.keyDoc, ix.keyDoc)) {
        throw new CommandError(
          86,
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(raw)}, ` +
            `existing index: ${JSON.stringify({ key: byName.keyDoc, name: byName.name })}`,
        );
      }
      if (byName) {
        if (byName.unique !== ix.unique || byName.expireAfterSeconds !== ix.expireAfterSeconds) {
          throw new CommandError(
            85,
            'IndexOptionsConflict',
            'An equivalent index already exists with the same name but different options. ' +
              `Requested index: ${JSON.stringify(raw)}`,
          );
        }
        note = 'all indexes already exist';
        continue;
      }
      if (byKey) {
        throw new CommandError(85, 'IndexOptionsConflict', `Index already exists with a different name: ${byKey.name}`);
      }
      ix.id = ctx.catalog.allocateId();
      build(ctx, meta, ix);
      meta.indexes.push(ix);
      ctx.catalog.save(meta);
    }
    ctx.catalog.save(meta);
    const reply: Document = {
      numIndexesBefore: before,
      numIndexesAfter: meta.indexes.length + 1,
      createdCollectionAutomatically: created,
      ok: 1,
    };
    if (note && before === meta.indexes.length + 1) reply.note = note;
    return reply;
  });
};

export function describeIndex(ix: IndexSpec): Document {
  const d: Document = { v: 2, key: ix.keyDoc, name: ix.name };
  if (ix.unique) d.unique = true;
  if (ix.sparse) d.sparse = true;
  if (ix.partialFilterExpression) d.partialFilterExpression = ix.partialFilterExpression;
  if (ix.expireAfterSeconds !== undefined) d.expireAfterSeconds = ix.expireAfterSeconds;
  return { ...d, ...ix.extra };
}

export const listIndexes: Handler = (cmd, _exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'listIndexes')}`;
  const meta = ctx.catalog.get(ns);
  if (!meta) throw namespaceNotFound(`ns does not exist: ${ns}`);
  const docs = [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...meta.indexes.map(describeIndex)].map((d) =>
    encodeDocument(d),
  );
  return firstBatch(ns, docs[Symbol.iterator](), -1, false, cursorOwner(ctx));
};

export const dropIndexes: Handler = (cmd, _exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'dropIndexes')}`;
  const which: unknown = cmd.index;
  return ctx.storage.write(() => {
    const meta = ctx.catalog.get(ns);
    if (!meta) throw namespaceNotFound(`ns not found ${ns}`);
    const nIndexesWas = meta.indexes.length + 1;
    let drop: IndexSpec[];
    if (which === '*') drop = [...meta.indexes];
    else {
      const wanted = Array.isArray(which) ? which : [which];
      drop = wanted.map((w) => {
        if (w === '_id_' || (isPlainObject(w) && sameKey(w, { _id: 1 }))) {
          throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
        }
        const ix = meta.indexes.find((i) =>
          typeof w === 'string' ? i.name === w : isPlainObject(w) && sameKey(i.keyDoc, w),
        );
        if (!ix) {
          throw new CommandError(
            27,
            'IndexNotFound',
            typeof w === 'string'
              ? `index not found with name [${w}]`
              : `can't find index with key: ${JSON.stringify(w)}`,
          );
        }
        return ix;
      });
    }
    for (const ix of drop) clearRange(ctx.storage, 'index', u32(ix.id));
    meta.indexes = meta.indexes.filter((i) => !drop.includes(i));
    ctx.catalog.save(meta);
    return { nIndexesWas, ok: 1 };
  });
};
