// create / drop / dropDatabase / listCollections / listDatabases / renameCollection / collMod.
import { UUID, type Document } from 'bson';
import { Query } from 'mingo';
import { encodeDocument, isPlainObject, bool } from '../bson-values.js';
import type { CollectionMeta } from '../catalog.js';
import { databasesVisibleTo } from '../auth/authorization.js';
import { firstBatch } from '../cursor-registry.js';
import { CommandError, namespaceNotFound } from '../errors.js';
import { u32 } from '../index-keys.js';
import { prefixRange } from '../storage.js';
import { collectionName, cursorOwner, type Handler } from './types.js';

export const create: Handler = (cmd, _exact, ctx) => {
  const name = collectionName(cmd, 'create');
  const ns = `${ctx.db}.${name}`;
  const { create: _c, $db: _d, lsid: _l, $clusterTime: _t, writeConcern: _w, ...options } = cmd;
  if (bool(options.capped) && options.size === undefined) {
    throw new CommandError(72, 'InvalidOptions', "the 'size' field is required when 'capped' is true");
  }
  return ctx.storage.write(() => {
    if (ctx.catalog.get(ns)) throw new CommandError(48, 'NamespaceExists', `Collection ${ns} already exists.`);
    ctx.catalog.ensure(ns, options);
    return { ok: 1 };
  });
};

export const drop: Handler = (cmd, _exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'drop')}`;
  return ctx.storage.write(() => {
    const meta = ctx.catalog.get(ns);
    if (!meta) throw namespaceNotFound();
    const nIndexesWas = meta.indexes.length + 1;
    ctx.catalog.drop(ns);
    return { nIndexesWas, ns, ok: 1 };
  });
};

export const dropDatabase: Handler = (_cmd, _exact, ctx) =>
  ctx.storage.write(() => {
    for (const meta of ctx.catalog.list(ctx.db)) ctx.catalog.drop(meta.ns);
    return { dropped: ctx.db, ok: 1 };
  });

function collectionInfo(meta: CollectionMeta) {
  return {
    name: meta.name,
    type: meta.options.timeseries ? 'timeseries' : 'collection',
    options: meta.options,
    info: { readOnly: false, uuid: UUID.createFromHexString(meta.uuid) },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

export const listCollections: Handler = (cmd, _exact, ctx) => {
  const filter = isPlainObject(cmd.filter) ? cmd.filter : {};
  const q = new Query(filter);
  const nameOnly = bool(cmd.nameOnly);
  const infos = ctx.catalog
    .list(ctx.db)
    .map(collectionInfo)
    .filter((info) => q.test(info))
    .map((info) => encodeDocument(nameOnly ? { name: info.name, type: info.type } : info));
  const batchSize = isPlainObject(cmd.cursor) && typeof cmd.cursor.batchSize === 'number' ? cmd.cursor.batchSize : -1;
  return firstBatch(`${ctx.db}.$cmd.listCollections`, infos[Symbol.iterator](), batchSize, false, cursorOwner(ctx));
};

export const listDatabases: Handler = (cmd, _exact, ctx) => {
  // Without users nobody is logged in, and everyone sees every database (as mongod without auth).
  const names = databasesVisibleTo(ctx.catalog.databases(), ctx.auth.user, cmd.authorizedDatabases);
  const databases = names.map((name) => {
    let size = 0;
    for (const meta of ctx.catalog.list(name)) size += ctx.storage.docs.getCount(prefixRange(u32(meta.id)));
    return bool(cmd.nameOnly) ? { name } : { name, sizeOnDisk: size * 256, empty: size === 0 };
  });
  const filter = isPlainObject(cmd.filter) ? new Query(cmd.filter) : undefined;
  const shown = filter ? databases.filter((d) => filter.test(d)) : databases;
  return {
    databases: shown,
    totalSize: shown.reduce((s, d) => s + ((d as { sizeOnDisk?: number }).sizeOnDisk ?? 0), 0),
    ok: 1,
  };
};

export const renameCollection: Handler = (cmd, _exact, ctx) => {
  const from = String(cmd.renameCollection);
  const to = String(cmd.to);
  return ctx.storage.write(() => {
    const meta = ctx.catalog.get(from);
    if (!meta) throw new CommandError(26, 'NamespaceNotFound', 'source namespace does not exist');
    if (ctx.catalog.get(to)) {
      if (!bool(cmd.dropTarget)) throw new CommandError(48, 'NamespaceExists', 'target namespace exists');
      ctx.catalog.drop(to);
    }
    // Data is keyed by the collection's numeric id, so a rename only rewrites metadata.
    ctx.catalog.forget(from);
    const dot = to.indexOf('.');
    ctx.catalog.save({ ...meta, ns: to, db: to.slice(0, dot), name: to.slice(dot + 1) });
    return { ok: 1 };
  });
};

export const collMod: Handler = (cmd, _exact, ctx) => {
  const ns = `${ctx.db}.${collectionName(cmd, 'collMod')}`;
  return ctx.storage.write(() => {
    const meta = ctx.catalog.get(ns);
    if (!meta) throw namespaceNotFound();
    const reply: Document = { ok: 1 };
    if (isPlainObject(cmd.index)) {
      const spec = cmd.index;
      const ix = meta.indexes.find(
        (i) =>
          i.name === spec.name ||
          (isPlainObject(spec.keyPattern) && JSON.stringify(i.keyDoc) === JSON.stringify(spec.keyPattern)),
      );
      if (!ix) throw new CommandError(27, 'IndexNotFound', 'cannot find index');
      if (typeof spec.expireAfterSeconds === 'number') {
        reply.expireAfterSeconds_old = ix.expireAfterSeconds;
        ix.expireAfterSeconds = spec.expireAfterSeconds;
        reply.expireAfterSeconds_new = spec.expireAfterSeconds;
      }
      if (typeof spec.hidden === 'boolean') {
        // Hidden only changes plan choice in MongoDB; here it is listed (results are the same).
        reply.hidden_old = ix.extra.hidden === true;
        ix.extra = { ...ix.extra, hidden: spec.hidden };
        if (!spec.hidden) delete ix.extra.hidden;
        reply.hidden_new = spec.hidden;
      }
      ctx.catalog.save(meta);
    }
    return reply;
  });
};
