// The message both peers broadcast: the same fields as gif-chat's `message` frame, so every
// server sends frames of about the same size.
import { randomBytes } from 'node:crypto';

export interface ChatIn {
  roomId: string;
  text: string;
  clientId?: string;
}

export interface Author {
  id: string;
  nickname: string;
  color: string;
}

let counter = 0;
const prefix = randomBytes(8).toString('hex');

export function chatMessage(msg: ChatIn, author: Author) {
  return {
    id: prefix + (++counter).toString(16).padStart(8, '0'),
    roomId: msg.roomId,
    kind: 'chat',
    author,
    text: msg.text,
    gif: null,
    createdAt: new Date().toISOString(),
    clientId: msg.clientId ?? null,
  };
}
