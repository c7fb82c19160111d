// ws exports its frame encoder (`Sender.frame`, marked public in ws's lib/sender.js and used by
// socket.io-adapter to frame a broadcast once), but @types/ws does not declare it. Only what we
// use is declared; should @types/ws declare it one day, the clash will say to delete this file.
import 'ws';

declare module 'ws' {
  export interface SenderFrameOptions {
    fin: boolean;
    rsv1: boolean;
    opcode: number;
    mask: boolean;
    readOnly: boolean;
  }

  export const Sender: {
    /** The frame's header, then (if any) the data: write them in this order. */
    frame(data: Buffer, options: SenderFrameOptions): Buffer[];
  };
}
