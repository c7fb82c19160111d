// The Lua scripts behind RedisPresence: every change to who is present is one of these, so it is
// atomic across instances. ARGV[1] is always the key prefix P. Keys, per room R:
//   P:m:R  hash person id → JSON {p = person, k = {name key 1, name key 2}, t = arrival number}
//   P:c:R  hash "instance/connection" → person id (a person is present while they have one, or in grace)
//   P:b:R  set of person ids the owner removed (the join refuses them at once, on every instance)
//   P:v:R  version of R's member list, raised on every change (views apply only newer ones)
//   P:rooms (rooms with members), P:leaving (zset "R\nperson" → when their grace ends),
//   P:seq (arrival numbers), P:alive:I (instance I's heartbeat, with a TTL), P:instances.
// Every change to a member list publishes R on P:changed, so every instance re-reads it.
// Not Redis Cluster safe: the keys are built inside the scripts.
import { LuaScript } from './lua-script.js';

export { LuaScript };

const COMMON = `
local P = ARGV[1]
local function k(kind, room) return P .. ':' .. kind .. ':' .. room end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function conns_of(room, id)
  local n = 0
  local all = redis.call('HGETALL', k('c', room))
  for i = 2, #all, 2 do if all[i] == id then n = n + 1 end end
  return n
end
local function changed(room)
  redis.call('INCR', k('v', room))
  redis.call('PUBLISH', P .. ':changed', room)
end
local function snapshot(out, room)
  out[#out + 1] = tonumber(redis.call('GET', k('v', room)) or '0')
  for _, v in ipairs(redis.call('HVALS', k('m', room))) do out[#out + 1] = v end
  return out
end
local function drop(room, id)
  redis.call('HDEL', k('m', room), id)
  redis.call('ZREM', P .. ':leaving', room .. '\\n' .. id)
  local all = redis.call('HGETALL', k('c', room))
  for i = 1, #all, 2 do
    if all[i + 1] == id then redis.call('HDEL', k('c', room), all[i]) end
  end
  if redis.call('HLEN', k('m', room)) == 0 then redis.call('SREM', P .. ':rooms', room) end
end
local function collides(room, id, k1, k2)
  for _, v in ipairs(redis.call('HVALS', k('m', room))) do
    local e = cjson.decode(v)
    if e.p.id ~= id and (e.k[1] == k1 or e.k[2] == k2) then return e.p.nickname end
  end
  return nil
end
`;

/**
 * ARGV: P, room, person id, person JSON, name key 1, name key 2, "instance/connection", max seats
 * (-1: none), check names ('1'/'0'). Returns {'banned'} | {'full', count} | {'conflict', nickname}
 * | {'first' or 'again', version, member JSON...}. Someone already present is let in without
 * counting seats or names (another tab, or back within the grace period: no leave, no join).
 */
export const JOIN = new LuaScript(`${COMMON}
local room, id, conn = ARGV[2], ARGV[3], ARGV[7]
local members = k('m', room)
if redis.call('SISMEMBER', k('b', room), id) == 1 then return {'banned'} end
local entry = redis.call('HGET', members, id)
local outcome = 'again'
if entry then
  local e = cjson.decode(entry)
  e.p = cjson.decode(ARGV[4])
  e.k = {ARGV[5], ARGV[6]}
  redis.call('HSET', members, id, cjson.encode(e))
  redis.call('ZREM', P .. ':leaving', room .. '\\n' .. id)
else
  local count = redis.call('HLEN', members)
  local max = tonumber(ARGV[8])
  if max >= 0 and count >= max then return {'full', count} end
  if ARGV[9] == '1' then
    local twin = collides(room, id, ARGV[5], ARGV[6])
    if twin then return {'conflict', twin} end
  end
  local t = redis.call('INCR', P .. ':seq')
  redis.call('HSET', members, id, cjson.encode({p = cjson.decode(ARGV[4]), k = {ARGV[5], ARGV[6]}, t = t}))
  redis.call('SADD', P .. ':rooms', room)
  outcome = 'first'
end
redis.call('HSET', k('c', room), conn, id)
changed(room)
return snapshot({outcome}, room)`);

/** ARGV: P, room, person id, "instance/connection", grace ms. The last connection gone starts the grace period. */
export const LEAVE = new LuaScript(`${COMMON}
local room, id = ARGV[2], ARGV[3]
if redis.call('HDEL', k('c', room), ARGV[4]) == 0 then return 0 end
if redis.call('HEXISTS', k('m', room), id) == 1 and conns_of(room, id) == 0 then
  redis.call('ZADD', P .. ':leaving', now_ms() + tonumber(ARGV[5]), room .. '\\n' .. id)
end
return 1`);

/** ARGV: P, room, person id, "instance/connection". Returns the snapshot {version, member JSON...}. */
export const UNDO_JOIN = new LuaScript(`${COMMON}
local room, id = ARGV[2], ARGV[3]
redis.call('HDEL', k('c', room), ARGV[4])
if redis.call('HEXISTS', k('m', room), id) == 1 and conns_of(room, id) == 0 then
  drop(room, id)
  changed(room)
end
return snapshot({}, room)`);

/** ARGV: P, room, person id, ban ('1'/'0'). Returns {member JSON or '', version, member JSON...}. */
export const EVICT = new LuaScript(`${COMMON}
local room, id = ARGV[2], ARGV[3]
if ARGV[4] == '1' then redis.call('SADD', k('b', room), id) end
local entry = redis.call('HGET', k('m', room), id)
if entry then
  drop(room, id)
  changed(room)
end
return snapshot({entry or ''}, room)`);

/**
 * ARGV: P, person JSON, name key 1, name key 2, room... Renames the person in every listed room
 * where they are present, unless someone there looks the same: then {'conflict', nickname}.
 */
export const RENAME = new LuaScript(`${COMMON}
local person = cjson.decode(ARGV[2])
for i = 5, #ARGV do
  local twin = collides(ARGV[i], person.id, ARGV[3], ARGV[4])
  if twin then return {'conflict', twin} end
end
for i = 5, #ARGV do
  local entry = redis.call('HGET', k('m', ARGV[i]), person.id)
  if entry then
    local e = cjson.decode(entry)
    e.p = person
    e.k = {ARGV[3], ARGV[4]}
    redis.call('HSET', k('m', ARGV[i]), person.id, cjson.encode(e))
    changed(ARGV[i])
  end
end
return {'ok'}`);

/** ARGV: P, room. The room was deleted: nobody is in it, nobody is banned from it. */
export const FORGET = new LuaScript(`${COMMON}
local room = ARGV[2]
for _, id in ipairs(redis.call('HKEYS', k('m', room))) do
  redis.call('ZREM', P .. ':leaving', room .. '\\n' .. id)
end
redis.call('DEL', k('m', room), k('c', room), k('b', room))
redis.call('SREM', P .. ':rooms', room)
changed(room)
return 0`);

/** ARGV: P, room. Returns {version, member JSON...}, read together. */
export const SNAPSHOT = new LuaScript(`${COMMON}
return snapshot({}, ARGV[2])`);

/**
 * ARGV: P. Removes everyone whose grace period has ended with no connection, and returns them as
 * {room, member JSON, room, member JSON...}: whichever instance runs this announces them, once.
 */
export const DUE = new LuaScript(`${COMMON}
local out = {}
for _, item in ipairs(redis.call('ZRANGEBYSCORE', P .. ':leaving', '-inf', now_ms(), 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. ':leaving', item)
  local sep = string.find(item, '\\n', 1, true)
  local room, id = string.sub(item, 1, sep - 1), string.sub(item, sep + 1)
  local entry = redis.call('HGET', k('m', room), id)
  if entry and conns_of(room, id) == 0 then
    drop(room, id)
    changed(room)
    out[#out + 1] = room
    out[#out + 1] = entry
  end
end
return out`);

/**
 * ARGV: P, grace ms. Run by one instance at a time (SET NX PX). Instances whose heartbeat expired
 * (killed) lose their connections; a person left with none starts the grace period, as after a
 * leave. Returns how many connections were removed.
 */
export const SWEEP = new LuaScript(`${COMMON}
local dead, any = {}, false
for _, inst in ipairs(redis.call('SMEMBERS', P .. ':instances')) do
  if redis.call('EXISTS', P .. ':alive:' .. inst) == 0 then
    dead[inst] = true
    any = true
    redis.call('SREM', P .. ':instances', inst)
  end
end
if not any then return 0 end
local removed, deadline = 0, now_ms() + tonumber(ARGV[2])
for _, room in ipairs(redis.call('SMEMBERS', P .. ':rooms')) do
  local all = redis.call('HGETALL', k('c', room))
  for i = 1, #all, 2 do
    if dead[string.sub(all[i], 1, (string.find(all[i], '/', 1, true) or 1) - 1)] then
      redis.call('HDEL', k('c', room), all[i])
      removed = removed + 1
    end
  end
  for _, id in ipairs(redis.call('HKEYS', k('m', room))) do
    local key = room .. '\\n' .. id
    if conns_of(room, id) == 0 and not redis.call('ZSCORE', P .. ':leaving', key) then
      redis.call('ZADD', P .. ':leaving', deadline, key)
    end
  end
end
return removed`);

/**
 * ARGV: P, room, person JSON, name key 1, name key 2, "instance/connection". Puts back a connection
 * this instance holds after Redis lost it (restarted empty): no seat or name check, nobody told.
 */
export const RESTORE = new LuaScript(`${COMMON}
local room, person = ARGV[2], cjson.decode(ARGV[3])
local members = k('m', room)
if redis.call('SISMEMBER', k('b', room), person.id) == 1 then return 0 end
if redis.call('HEXISTS', members, person.id) == 0 then
  local t = redis.call('INCR', P .. ':seq')
  redis.call('HSET', members, person.id, cjson.encode({p = person, k = {ARGV[4], ARGV[5]}, t = t}))
  redis.call('SADD', P .. ':rooms', room)
end
redis.call('HSET', k('c', room), ARGV[6], person.id)
redis.call('ZREM', P .. ':leaving', room .. '\\n' .. person.id)
changed(room)
return 1`);
