// Budgets for what a stranger can make the server do at a cost: create a room or change its
// password (an argon2 hash and a stored room), upload a GIF (a file on disk), change their
// nickname (a line stored in every room they are in), and mint a visitor identity (a stored
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
  renamesPer10Min: { person: number; ip: number };
  visitorsPerIpPer10Min: number;
}

export class RequestQuotas {
  private readonly rooms: Budget;
  private readonly uploads: Budget;
  private readonly renames: Budget;
  private readonly visitors: RateLimiterAbstract;

  constructor(
    limits: RequestQuotaLimits,
    private readonly trustProxy: boolean,
    limiters: LimiterFactory,
  ) {
    this.rooms = new Budget({ ...limits.roomsPer10Min, per: 600 }, 'rooms', limiters);
    this.uploads = new Budget({ ...limits.uploadsPerMin, per: 60 }, 'uploads', limiters);
    this.renames = new Budget({ ...limits.renamesPer10Min, per: 600 }, 'renames', limiters);
    this.visitors = limiters({ name: 'visitors:ip', points: limits.visitorsPerIpPer10Min, duration: 600 });
  }

  /** The client address key of a request, as every per-address budget counts it. */
  address(req: Request): string {
    return addressKey(clientAddress(req, this.trustProxy));
  }

  /** Takes one room creation for this visitor; throws 429 if their or their address's budget is spent. */
  takeRoom(req: Request): Promise<BudgetKeys> {
    const mine = `You have created ${this.rooms.limits.person} rooms in the last 10 minutes`;
    return this.take(this.rooms, req, 'too_many_rooms', mine, 'Too many rooms were created from your network');
  }

  /** A room's password change makes an argon2 hash as a creation does: it counts in the same budget. */
  takePasswordChange(req: Request): Promise<BudgetKeys> {
    const mine = `You have created rooms or changed their passwords ${this.rooms.limits.person} times in the last 10 minutes`;
    return this.take(
      this.rooms,
      req,
      'too_many_rooms',
      mine,
      'Too many rooms were created or changed from your network',
    );
  }

  /** A creation or change that was refused for its input does not count. */
  giveBackRoom(keys: BudgetKeys): Promise<void> {
    return this.rooms.giveBack(keys);
  }

  /** Takes one nickname change; throws 429 if the visitor's or their address's budget is spent. */
  takeRename(req: Request): Promise<BudgetKeys> {
    const mine = `You have changed your name ${this.renames.limits.person} times in the last 10 minutes`;
    return this.take(this.renames, req, 'too_many_renames', mine, 'Too many names were changed from your network');
  }

  /** A change that changed nothing (refused, or the same name) does not count. */
  giveBackRename(keys: BudgetKeys): Promise<void> {
    return this.renames.giveBack(keys);
  }

  private async take(budget: Budget, req: Request, code: string, mine: string, network: string): Promise<BudgetKeys> {
    const keys = { person: visitorOf(req).id, ip: this.address(req) };
    const refused = await budget.take(keys);
    if (refused) throw tooMany(code, refused, mine, network);
    return keys;
  }

  /** Middleware before the upload is read: one GIF upload per point, refused or not. */
  readonly uploadGate: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    const mine = `You have uploaded ${this.uploads.limits.person} GIFs in the last minute`;
    this.take(this.uploads, req, 'too_many_uploads', mine, 'Too many GIFs were uploaded from your network').then(
      () => next(),
      next,
    );
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
