// A private nginx in front of app instances, as a scaled-out deployment runs one: its own prefix,
// temporary dirs, pid file and logs in a temporary directory, in the foreground (`daemon off`),
// on free ports, stopped (and its directory removed) by `close`. Never the machine's own nginx.
//
// It listens on one port balanced round-robin over every instance (no sticky sessions: each
// request, and each WebSocket upgrade, may land on any instance) and on one port per instance, so
// a test can send one browser through instance 1 and another through instance 2, both via nginx.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, stopProcess } from './processes.js';
import { waitFor } from './wait.js';

export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface TestNginx {
  /** The round-robin port over every instance, e.g. http://127.0.0.1:PORT */
  balancedUrl: string;
  /** One URL per instance, in the order the upstreams were given, each still through nginx. */
  instanceUrls: string[];
  /** nginx's access log so far (one line per request, with the instance that answered it). */
  accessLog(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The proxy block a deployment puts in front of gif-chat (README, Deploy). `Host $http_host`
 * keeps the port the browser used: the app allows an Origin whose host equals the request's Host,
 * and `$host` would drop a non-standard port, so every socket and form post would get 403.
 */
function proxyLocation(upstream: string): string {
  return `
    location / {
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 120s;
      client_max_body_size 6m;
    }`;
}

function configText(dir: string, upstreams: string[], balancedPort: number, ports: number[]): string {
  const servers = (list: string[]) => list.map((u) => `server ${u};`).join(' ');
  const serverBlock = (port: number, upstream: string) => `
  server {
    listen 127.0.0.1:${port};
    ${proxyLocation(upstream)}
  }`;
  // As root, workers would switch to "nobody", who cannot write to this root-owned directory.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  return `${user}
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream gifchat_all { ${servers(upstreams)} }
${upstreams.map((u, i) => `  upstream gifchat_${i + 1} { server ${u}; }`).join('\n')}
${serverBlock(balancedPort, 'gifchat_all')}
${ports.map((port, i) => serverBlock(port, `gifchat_${i + 1}`)).join('\n')}
}
`;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** nginx in front of the given upstream addresses ("127.0.0.1:PORT"). */
export async function startNginx(upstreams: string[]): Promise<TestNginx> {
  if (!existsSync(NGINX_PATH)) {
    throw new Error(`nginx not found at ${NGINX_PATH}. Install it (Debian: apt-get install nginx) or set NGINX_PATH.`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-nginx-'));
  let child: ChildProcess | undefined;
  const close = async () => {
    // SIGTERM, a fast stop: a graceful one (SIGQUIT) would wait for the open WebSockets.
    if (child) await stopProcess(child, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const balancedPort = await freePort();
    const ports: number[] = [];
    for (const _ of upstreams) ports.push(await freePort());
    const conf = path.join(dir, 'nginx.conf');
    await writeFile(conf, configText(dir, upstreams, balancedPort, ports));
    // -e: nginx opens its error log before reading the config; keep even that one private.
    const args = ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')];
    const started = spawn(NGINX_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let out = '';
    started.stdout.on('data', (d: Buffer) => (out += d.toString()));
    started.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited: Promise<never> = new Promise<never>((_, reject) =>
      started.once('exit', (code) =>
        reject(
          new Error(
            `nginx exited with ${code} before it listened:\n${out}\n${configText(dir, upstreams, balancedPort, ports)}`,
          ),
        ),
      ),
    );
    exited.catch(() => undefined); // once listening, a later exit is the test's to notice
    await Promise.race([
      exited,
      waitFor(
        async () => (await Promise.all([balancedPort, ...ports].map(accepts))).every(Boolean),
        10_000,
        'nginx to listen',
      ),
    ]);
    return {
      balancedUrl: `http://127.0.0.1:${balancedPort}`,
      instanceUrls: ports.map((p) => `http://127.0.0.1:${p}`),
      accessLog: () => readFile(path.join(dir, 'access.log'), 'utf8').catch(() => ''),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
