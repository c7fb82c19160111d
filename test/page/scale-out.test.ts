// Two instances behind nginx, as a scaled-out deployment runs them: one standalone embedded
// database, one redis-server, two app instances (each its own DATA_DIR and UPLOAD_DIR, GIFs in
// GridFS), nginx with a port per instance and one round-robin port. Real Chromium visitors:
// Alice and Carol through instance 1, Bob and the lobby watcher Dave through instance 2, and Erin
// through the balanced port with her page and her socket on different instances.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { closeAll, gifBytes, launchBrowser, newVisitor, skipBrowserTests, type Visit } from '../helpers/browser.js';

/** A visitor whose WebSocket upgrades are watched: `sockets` holds each 101's X-Instance. */
interface Watched extends Visit {
  sockets: string[];
}

describe('two instances behind nginx, in a browser', { skip: skipBrowserTests }, () => {
  let deployment: Deployment;
  let nginx: TestNginx;
  let browser: Browser;
  let alice: Watched;
  let bob: Watched;
  let carol: Watched;
  let dave: Watched;
  let roomUrl = '';
  const names = { alice: '', bob: '', carol: '' };

  const visit = async (baseURL: string): Promise<Watched> => {
    const v = await newVisitor(browser, baseURL);
    const sockets: string[] = [];
    const cdp = await v.context.newCDPSession(v.page);
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
      const header = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'x-instance');
      sockets.push(header?.[1] ?? '(none)');
    });
    return { ...v, sockets };
  };
  /** Opens a path and answers which instance served the page (its X-Instance). */
  const open = async (page: Page, url: string) => (await page.goto(url))?.headers()['x-instance'];
  const connected = (page: Page) => page.waitForFunction(() => document.body.dataset.connection === 'connected');
  const nicknameOf = async (page: Page) => (await page.locator('.site-header .me .nick').textContent())?.trim() ?? '';
  const memberItem = (page: Page, nickname: string) =>
    page
      .getByRole('list', { name: 'Members' })
      .locator('li', { has: page.locator('.nick', { hasText: new RegExp(`^${nickname}$`) }) });
  const transcript = (page: Page) => page.getByRole('log');
  const say = async (page: Page, text: string) => {
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
  };

  before(async () => {
    [deployment, browser] = await Promise.all([
      // TRUST_PROXY: nginx forwards the visitor's address and scheme, as in a deployment.
      startDeployment(2, { GIF_STORE: 'gridfs', TRUST_PROXY: 'true', LOG_FORMAT: 'none' }),
      launchBrowser(),
    ]);
    nginx = await startNginx(deployment.instances.map((i) => `127.0.0.1:${i.server.port}`));
    const [one, two] = nginx.instanceUrls as [string, string];
    [alice, bob, carol, dave] = await Promise.all([visit(one), visit(two), visit(one), visit(two)]);
  });

  after(async () => {
    await closeAll(browser, nginx, deployment);
  });

  test('each nginx port reaches its instance, pages and sockets alike', async () => {
    assert.equal(await open(dave.page, '/'), 'instance-2');
    await connected(dave.page);
    assert.deepEqual(dave.sockets, ['instance-2']);

    assert.equal(await open(alice.page, '/room'), 'instance-1');
    await alice.page.getByLabel('Title').fill('Across instances');
    await alice.page.getByRole('button', { name: 'Create' }).click();
    await alice.page.waitForURL(/\/room\/[0-9a-f]{24}$/);
    roomUrl = new URL(alice.page.url()).pathname;
    await connected(alice.page);
    assert.deepEqual(alice.sockets, ['instance-1']);
    names.alice = await nicknameOf(alice.page);
  });

  test('a room made on instance 1 shows in the lobby on instance 2, with its count', async () => {
    const card = dave.page.locator('.room-card', { has: dave.page.getByRole('link', { name: 'Across instances' }) });
    await card.locator('.room-count').getByText('1/10').waitFor();

    assert.equal(await open(bob.page, roomUrl), 'instance-2');
    await connected(bob.page);
    assert.deepEqual(bob.sockets, ['instance-2']);
    names.bob = await nicknameOf(bob.page);
    await card.locator('.room-count').getByText('2/10').waitFor();
  });

  test('both member lists show both visitors', async () => {
    await memberItem(alice.page, names.bob).waitFor();
    await memberItem(bob.page, names.alice).waitFor();
    await memberItem(alice.page, names.alice).waitFor();
    await memberItem(bob.page, names.bob).waitFor();
    await memberItem(bob.page, names.alice).getByText('owner').waitFor();
    await alice.page.locator('#room-count').getByText('2/10').waitFor();
    await bob.page.locator('#room-count').getByText('2/10').waitFor();
  });

  test('typing on instance 2 shows on instance 1', async () => {
    // Bob's first keys in the room: a page announces typing at most every 3 s.
    await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('typing across');
    await alice.page.getByText(`${names.bob} is typing…`).waitFor();
    await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await transcript(alice.page).getByText('typing across').waitFor();
    assert.equal((await alice.page.locator('#typing').textContent())?.trim(), '');
  });

  test('chat crosses both ways', async () => {
    await say(alice.page, 'hello from instance one');
    await transcript(bob.page).getByText('hello from instance one').waitFor();
    await say(bob.page, 'and back from instance two');
    await transcript(alice.page).getByText('and back from instance two').waitFor();
    // Each once, in the same order on both sides.
    const order = (page: Page) => transcript(page).locator('.msg:not(.msg-system) .msg-text').allTextContents();
    for (const page of [alice.page, bob.page]) {
      assert.equal(await transcript(page).getByText('hello from instance one').count(), 1);
      assert.equal(await transcript(page).getByText('and back from instance two').count(), 1);
    }
    assert.deepEqual(await order(alice.page), await order(bob.page));
  });

  test('a GIF uploaded through instance 2 shows for a reader on instance 1', async () => {
    await bob.page
      .getByLabel('Upload GIF')
      .setInputFiles({ name: 'wave.gif', mimeType: 'image/gif', buffer: gifBytes(40, 40) });
    await alice.page.getByRole('img', { name: `GIF from ${names.bob}` }).waitFor();
    // The picture itself loads from instance 1, which never had the file on its disk.
    await alice.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.gif-link img');
      return img !== null && img.complete && img.naturalWidth === 40;
    });
  });

  test('a whisper from instance 1 reaches Bob on instance 2, and not Carol', async () => {
    assert.equal(await open(carol.page, roomUrl), 'instance-1');
    await connected(carol.page);
    names.carol = await nicknameOf(carol.page);
    await memberItem(alice.page, names.carol).waitFor();
    await memberItem(bob.page, names.carol).waitFor();

    await alice.page.getByRole('button', { name: `Whisper to ${names.bob}` }).click();
    await alice.page
      .getByRole('status')
      .filter({ hasText: `Whispering to ${names.bob}` })
      .waitFor();
    await say(alice.page, 'psst, only Bob');
    await transcript(bob.page)
      .locator('.msg', { hasText: 'psst, only Bob' })
      .getByText(`from ${names.alice} (private)`)
      .waitFor();
    await alice.page.getByRole('button', { name: 'Stop whispering' }).click();
    await say(alice.page, 'now for everyone');
    await transcript(carol.page).getByText('now for everyone').waitFor();
    await transcript(bob.page).getByText('now for everyone').waitFor();
    assert.equal(await transcript(carol.page).getByText('psst').count(), 0);
    assert.equal(await carol.page.locator('.msg-whisper, .msg-private').count(), 0);
  });

  test('the owner on instance 1 hands the room to Bob on instance 2, and both see it', async () => {
    alice.page.once('dialog', (dialog) => void dialog.accept());
    await alice.page.getByRole('button', { name: `Make ${names.bob} owner` }).click();
    for (const page of [alice.page, bob.page, carol.page]) {
      await memberItem(page, names.bob).getByText('owner').waitFor();
      await transcript(page).getByText(`${names.bob} is now the owner.`).waitFor();
    }
    assert.equal(await memberItem(alice.page, names.alice).locator('.badge').count(), 0);
    await bob.page.getByRole('button', { name: `Kick ${names.carol}` }).waitFor();
    assert.equal(await alice.page.getByRole('button', { name: /^Kick / }).count(), 0);
  });

  test('Bob on instance 2 kicks Carol on instance 1, who stays out on both instances', async () => {
    bob.page.once('dialog', (dialog) => void dialog.accept());
    await bob.page.getByRole('button', { name: `Kick ${names.carol}` }).click();
    await carol.page.getByRole('alert').filter({ hasText: 'The owner removed you from this room.' }).waitFor();
    assert.equal(await carol.page.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
    await memberItem(alice.page, names.carol).waitFor({ state: 'detached' });
    await memberItem(bob.page, names.carol).waitFor({ state: 'detached' });
    await transcript(alice.page).getByText(`${names.carol} was removed by the owner.`).waitFor();

    assert.equal((await carol.page.reload())?.status(), 403, 'back through instance 1');
    const elsewhere = await carol.page.goto(`${nginx.instanceUrls[1]}${roomUrl}`);
    assert.equal(elsewhere?.status(), 403, 'through instance 2');
    assert.equal(elsewhere.headers()['x-instance'], 'instance-2');
    await carol.page.getByRole('alert').filter({ hasText: 'The owner removed you from this room.' }).waitFor();
  });

  test('through the round-robin port, a page from one instance and a socket on the other chat', async () => {
    const erin = await visit(nginx.balancedUrl);
    try {
      // Round robin counts every request (page, scripts, /me, the upgrade): reload until the page
      // and its socket came from different instances, as they may for any visitor.
      let page: string | undefined;
      for (let tries = 0; tries < 10; tries++) {
        erin.sockets.length = 0;
        page = await open(erin.page, roomUrl);
        await connected(erin.page);
        if (erin.sockets[0] !== page) break;
      }
      assert.ok(page && erin.sockets[0] && erin.sockets[0] !== page, `page ${page}, socket ${erin.sockets[0]}`);
      const erinName = await nicknameOf(erin.page);
      await memberItem(alice.page, erinName).waitFor();
      await say(erin.page, 'hello from the balanced port');
      await transcript(alice.page).getByText('hello from the balanced port').waitFor();
      await transcript(bob.page).getByText('hello from the balanced port').waitFor();
      await say(alice.page, 'welcome, Erin');
      await transcript(erin.page).getByText('welcome, Erin').waitFor();
      const log = await nginx.accessLog();
      for (const i of deployment.instances) assert.match(log, new RegExp(`upstream=127\\.0\\.0\\.1:${i.server.port}`));
      assert.deepEqual(erin.errors, []);
    } finally {
      await erin.context.close();
    }
  });

  test('no console errors on the pages', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
    assert.deepEqual(dave.errors, []);
    // Carol's two refused returns (403) are logged by Chromium as failed loads, nothing else.
    assert.deepEqual(
      carol.errors.filter((e) => !e.includes('the server responded with a status of 403')),
      [],
    );
  });
});
