// A room's messages are published in the order of their ids, whatever order the database
// acknowledges them in. Ids are taken from one in-process counter when a message is posted, and a
// message is published only once every earlier one of its room is published or has failed. So a
// socket that has seen id X has seen every published id below X, and catch-up "after X, below the
// boundary" plus the live messages from then on is every message exactly once.
import { newMessageId } from '../store/message-repository.js';

interface Slot {
  id: string;
  /** Set once the message is stored (or failed): publishes it and settles its poster's promise. */
  finish?: () => void;
}

export class MessageOrder {
  private readonly rooms = new Map<string, Slot[]>();

  /**
   * Gives `store` the room's next id; once stored and every earlier message of the room is
   * through, runs `publish` and resolves with what `store` returned.
   */
  run<T>(roomId: string, store: (id: string) => Promise<T>, publish: (stored: T) => void): Promise<T> {
    const slot: Slot = { id: newMessageId() };
    const queue = this.rooms.get(roomId);
    if (queue) queue.push(slot);
    else this.rooms.set(roomId, [slot]);
    return new Promise<T>((resolve, reject) => {
      store(slot.id).then(
        (stored) => {
          slot.finish = () => {
            try {
              publish(stored);
              resolve(stored);
            } catch (err) {
              reject(err);
            }
          };
          this.drain(roomId);
        },
        (err: unknown) => {
          slot.finish = () => reject(err);
          this.drain(roomId);
        },
      );
    });
  }

  /**
   * An id above every message of the room published so far and at or below every message still
   * to be published: the upper end (exclusive) of a catch-up that live messages will continue.
   */
  boundary(roomId: string): string {
    return this.rooms.get(roomId)?.[0]?.id ?? newMessageId();
  }

  private drain(roomId: string): void {
    const queue = this.rooms.get(roomId);
    if (!queue) return;
    while (queue[0]?.finish) queue.shift()!.finish!();
    if (queue.length === 0) this.rooms.delete(roomId);
  }
}
