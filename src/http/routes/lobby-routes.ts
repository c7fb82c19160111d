import { Router } from 'express';
import type { RoomService } from '../../chat/room-service.js';

export function lobbyRoutes(rooms: RoomService): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.render('lobby', { rooms: await rooms.list() });
  });
  router.get('/rooms', async (_req, res) => {
    res.json({ rooms: await rooms.list() });
  });
  return router;
}
