// Which sockets are in which room, and which watch the lobby: Map<roomId, Set<Client>>, with empty
// rooms removed so the map only holds live rooms.
import type { Client } from './client.js';

export class RoomRegistry {
  private readonly rooms = new Map<string, Set<Client>>();
  readonly lobby = new Set<Client>();

  add(roomId: string, client: Client): void {
    let set = this.rooms.get(roomId);
    if (!set) this.rooms.set(roomId, (set = new Set()));
    set.add(client);
    client.rooms.add(roomId);
  }

  remove(roomId: string, client: Client): boolean {
    const set = this.rooms.get(roomId);
    client.rooms.delete(roomId);
    if (!set?.delete(client)) return false;
    if (set.size === 0) this.rooms.delete(roomId);
    return true;
  }

  members(roomId: string): ReadonlySet<Client> {
    return this.rooms.get(roomId) ?? new Set();
  }

  /** Removes a room and returns who was in it. */
  drop(roomId: string): Client[] {
    const set = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    const clients = set ? [...set] : [];
    for (const c of clients) c.rooms.delete(roomId);
    return clients;
  }
}
