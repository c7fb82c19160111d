// Builds the Express app: security headers, logging, static files, sessions, CSRF, routes and the
// one error handler. Views are Nunjucks templates in views/, autoescaped.
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import morgan from 'morgan';
import nunjucks from 'nunjucks';
import type { Chat } from '../chat/create-chat.js';
import { hostRefusal, type HostCheck } from '../host-policy.js';
import { csrfTokens } from './csrf.js';
import { errorHandler, notFound } from './error-handler.js';
import type { GifUploadOptions } from './gif-upload.js';
import { HttpError } from './http-error.js';
import { localeMiddleware } from './locale.js';
import { PasswordLimiter } from './password-limiter.js';
import { RequestQuotas, type RequestQuotaLimits } from './request-quotas.js';
import { gifRoutes } from './routes/gif-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { langRoutes } from './routes/lang-routes.js';
import { lobbyRoutes } from './routes/lobby-routes.js';
import { meRoutes } from './routes/me-routes.js';
import { roomRoutes } from './routes/room-routes.js';
import type { LimiterFactory } from '../rate-limiters.js';
import type { SessionSetup } from './session.js';
import { ensureVisitor } from './visitor.js';

export interface AppDeps {
  rootDir: string;
  chat: Chat;
  sessions: SessionSetup;
  upload: GifUploadOptions;
  cookieSecret: string;
  allowedOrigins: string[];
  checkHost: (host: string | undefined) => HostCheck;
  quotas: RequestQuotaLimits;
  /** Where the request and password-guess budgets count (memory, or Redis shared by every instance). */
  limiters: LimiterFactory;
  trustProxy: boolean;
  logFormat: string;
  production: boolean;
  isReady: () => Promise<boolean>;
  isLive: () => boolean;
  logError: (err: unknown) => void;
  /** Names this process in an X-Instance header on every response (which worker answered). */
  instance: string;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy) app.set('trust proxy', 1);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Instance', deps.instance);
    next();
  });

  nunjucks.configure(path.join(deps.rootDir, 'views'), {
    autoescape: true,
    express: app,
    noCache: !deps.production,
  });
  app.set('view engine', 'njk');

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: deps.trustProxy ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  if (deps.logFormat !== 'none') app.use(morgan(deps.logFormat));
  // Before anything that can fail, so even a 404 for a static file gets a page in the right language.
  app.use(cookieParser(deps.cookieSecret));
  app.use(localeMiddleware);
  // Every request, health checks included: a rebound DNS name must not reach anything.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const host = deps.checkHost(req.headers.host);
    next(host.ok ? undefined : new HttpError(403, 'bad_host', hostRefusal(host.name)));
  });

  app.use(healthRoutes(deps.isReady, deps.isLive));
  app.use(express.static(path.join(deps.rootDir, 'public'), { index: false, maxAge: deps.production ? '1h' : 0 }));
  app.use(gifRoutes(deps.upload.gifs));

  const csrf = csrfTokens(deps.cookieSecret);
  const quotas = new RequestQuotas(deps.quotas, deps.trustProxy, deps.limiters);
  app.use(deps.sessions.middleware);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  app.use(express.json({ limit: '16kb' }));
  app.use(csrf.protection(deps.allowedOrigins, deps.trustProxy));
  // Only what needs an identity makes one (and so stores a session): see visitor.ts.
  const identity = ensureVisitor(quotas);
  app.use(['/me', '/room/:id'], identity);
  app.post('/room', identity);
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.me = req.session.visitor;
    // A getter: the token (and its cookie, when there is no session) is made only for a page
    // that is rendered, not for JSON answers or redirects.
    Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, get: () => csrf.tokenFor(req, res) });
    next();
  });

  app.use(lobbyRoutes(deps.chat.rooms));
  app.use(meRoutes(deps.chat.membership, quotas));
  app.use(langRoutes());
  app.use(roomRoutes(deps.chat, deps.upload, quotas, new PasswordLimiter(deps.limiters)));

  app.use(notFound);
  app.use(errorHandler(deps.logError));
  return app;
}
