// Budgets for what a stranger can make the server do at a cost: create a room (an argon2 hash
// and a stored room), upload a GIF (a file on disk), and mint a visitor identity (a stored
// session). Each counts per person and per client address (IPv6: per /64); past it, the answer
// is 429 with Retry-After. Counted where the composition root says: in memory, or in Redis.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { addressKey, clientAddress } from '../client-address.js';
import type { LimiterFactory } from '../rate-limiters.js';
import { Budget, type BudgetKeys, type Refusal } from './budget.js';
import { HttpError } from './http-error.js';
import { visitorOf } from './visitor.js';

export interface RequestQuotaLimits {
  roomsPer10Min: { person: number; ip: number };
  uploadsPerMin: { person: number; ip: number };
  visitorsPerIpPer10Min: number;
}

export class RequestQuotas {
  private readonly rooms: Budget;
  private readonly uploads: Budget;
  private readonly visitors: RateLimiterAbstract;

  constructor(
    limits: RequestQuotaLimits,
    private readonly trustProxy: boolean,
    limiters: LimiterFactory,
  ) {
    this.rooms = new Budget({ ...limits.roomsPer10Min, per: 600 }, 'rooms', limiters);
    this.uploads = new Budget({ ...limits.uploadsPerMin, per: 60 }, 'uploads', limiters);
    this.visitors = limiters({ name: 'visitors:ip', points: limits.visitorsPerIpPer10Min, duration: 600 });
  }

  /** The client address key of a request, as every per-address budget counts it. */
  address(req: Request): string {
    return addressKey(clientAddress(req, this.trustProxy));
  }

  /** Takes one room creation for this visitor; throws 429 if their or their address's budget is spent. */
  async takeRoom(req: Request): Promise<BudgetKeys> {
    const keys = { person: visitorOf(req).id, ip: this.address(req) };
    const refused = await this.rooms.take(keys);
    if (refused) {
      const mine = `You have created ${this.rooms.limits.person} rooms in the last 10 minutes`;
      throw tooMany('too_many_rooms', refused, mine, 'Too many rooms were created from your network');
    }
    return keys;
  }

  /** A creation that was refused for its input does not count. */
  giveBackRoom(keys: BudgetKeys): Promise<void> {
    return this.rooms.giveBack(keys);
  }

  /** Middleware before the upload is read: one GIF upload per point, refused or not. */
  readonly uploadGate: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    this.uploads.take({ person: visitorOf(req).id, ip: this.address(req) }).then((refused) => {
      if (!refused) return next();
      const mine = `You have uploaded ${this.uploads.limits.person} GIFs in the last minute`;
      next(tooMany('too_many_uploads', refused, mine, 'Too many GIFs were uploaded from your network'));
    }, next);
  };

  /** Takes one new visitor identity for this address; throws 429 if its budget is spent. */
  async takeVisitor(req: Request): Promise<void> {
    try {
      await this.visitors.consume(this.address(req), 1);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const refused: Refusal = { by: 'ip', retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      throw tooMany('too_many_visitors', refused, '', 'Too many new visitors came from your network');
    }
  }
}

function tooMany(code: string, refused: Refusal, mine: string, network: string): HttpError {
  const why = refused.by === 'person' ? mine : network;
  return new HttpError(429, code, `${why}; try again in ${refused.retryAfterS} s.`, refused.retryAfterS);
}
