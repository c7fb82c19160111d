// Browser entry: each page says what it is in <body data-page>, and gets only its own code.
import { applyColors } from './dom';
import { startLobby } from './lobby-page';
import { startRoom } from './room-page';

function start(): void {
  // Author colours arrive as data-color (the CSP forbids style attributes); every page has some.
  applyColors(document);
  const page = document.body.dataset.page;
  if (page === 'lobby') startLobby();
  else if (page === 'room') startRoom();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
