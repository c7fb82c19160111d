// A private redis-server for a test: its own port and temporary directory, no persistence. The
// starter lives in support/ so the bench can start one the same way.
export { startRedis, type TestRedis } from '../../support/redis-server.js';
