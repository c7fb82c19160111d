// The room page: wires the socket, transcript, composer, uploads, history and members together.
import type { MessageView, ServerFrame, UserView } from '../shared/protocol';
import { Announcer, announcement } from './announcer';
import { startComposer } from './composer';
import { connectionBanner } from './connection-banner';
import { byId, el, maybeById } from './dom';
import { acceptGifDrops, acceptGifPaste } from './gif-drop';
import { startGifToggles } from './gif-motion';
import { startGifViewer } from './gif-viewer';
import { fetchPage, HistoryLoader } from './history-loader';
import { errorText, t } from './i18n';
import { LiveWindow } from './live-window';
import { startNicknameForm } from './nickname-form';
import { Outbox } from './outbox';
import { startRoomDelete } from './room-delete';
import { RoomMembers } from './room-members';
import { ScrollFollow } from './scroll-follow';
import { localizeTimes } from './time-format';
import { Transcript } from './transcript';
import { TypingIndicator } from './typing-indicator';
import { UnreadTitle } from './unread-title';
import { Uploader } from './uploader';
import { WhisperMode } from './whisper-mode';
import { WsConnection } from './ws-connection';

const DEFAULT_UPLOAD_MAX = 5 * 1024 * 1024;

export function startRoom(): void {
  const root = byId('room', HTMLDivElement);
  const data = root.dataset;
  const roomId = data.roomId ?? '';
  const meId = data.meId ?? '';
  const me: UserView = { id: meId, nickname: data.meNickname ?? 'me', color: data.meColor ?? '' };
  const max = Number(data.max) || 0;

  const log = byId('transcript', HTMLDivElement);
  const scroller = byId('scroller', HTMLDivElement);
  const notice = byId('room-notice', HTMLDivElement);
  const form = byId('composer', HTMLFormElement);
  const input = byId('message-input', HTMLTextAreaElement);
  const fileInput = byId('gif-input', HTMLInputElement);

  localizeTimes(log);
  const transcript = new Transcript(log, meId);
  // Following the newest, the reader is far from the oldest: those leave the DOM (once a frame),
  // to come back from the history loader if the reader scrolls up to them.
  const follow = new ScrollFollow({
    scroller,
    log,
    button: byId('new-messages', HTMLButtonElement),
    beforeFollow: () => {
      if (transcript.dropOldest() === 0) return false;
      history.olderLeft();
      return true;
    },
    detached: () => transcript.detached,
    jumpToLive: () => live.jumpToLive(),
  });
  follow.toBottom(false);
  /** The pending bubble of mine that `m` confirms, taken out of the outbox. */
  const pendingFor = (m: MessageView) => (m.author?.id === meId && m.clientId ? outbox.take(m.clientId) : undefined);
  // Reading older pages, the reader is far from the newest: those leave, and come back on the way down.
  const live = new LiveWindow({
    roomId,
    scroller,
    transcript,
    follow: () => follow,
    olderLeft: () => history.olderLeft(),
    meId,
    pendingFor,
    failed: (text) => showNotice(text, false),
  });
  const unread = new UnreadTitle();
  const announcer = new Announcer(byId('announcer', HTMLDivElement));

  let joined = false;
  let gone = false;

  let noticeTimer: number | undefined;
  /** A lasting notice carries a link back to the lobby; a passing one fades after a while. */
  function showNotice(text: string, lasting: boolean): void {
    window.clearTimeout(noticeTimer);
    notice.replaceChildren(el('span', {}, [text]));
    if (lasting) notice.append(' ', el('a', { href: '/' }, [t('room.backToLobby')]));
    else noticeTimer = window.setTimeout(() => (notice.hidden = true), 8000);
    notice.hidden = false;
  }

  /** The room is gone for me (deleted, or I was removed): stop talking to it. */
  function closeRoom(text: string): void {
    gone = true;
    joined = false;
    members.clear();
    showNotice(text, true);
    for (const control of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLButtonElement>(
      'input, textarea, button',
    )) {
      control.disabled = true;
    }
    root.classList.add('is-closed');
  }

  /** Shows a message unless it is shown already; true if it is new and someone else's. */
  function showMessage(m: MessageView, forceFollow = false): boolean {
    if (m.roomId !== roomId) return false;
    if (m.kind === 'delete') {
      if (m.deletes) transcript.delete(m.deletes);
      return false;
    }
    const mine = m.author?.id === meId;
    // What I send or upload I expect to see at the end: from older history, go back there first.
    if (forceFollow && transcript.detached) live.jumpToLive();
    const added = live.holdsBack(forceFollow || mine || follow.isFollowing)
      ? live.arrived(m)
      : follow.append(() => (transcript.add(m, pendingFor(m)) !== null ? 1 : 0), forceFollow || mine) > 0;
    if (added && !mine && m.kind !== 'system') unread.arrived();
    if (m.author && m.kind !== 'system') typing.stopped(m.author.id);
    return added && !mine;
  }

  /** Shows a batch; returns the new ones from others. */
  function showMessages(messages: MessageView[]): MessageView[] {
    return messages.filter((m) => showMessage(m));
  }

  const connection = new WsConnection({
    onOpen() {
      joined = false;
      if (gone) return;
      const after = transcript.newestId();
      connection.send(after ? { type: 'join', roomId, after } : { type: 'join', roomId });
    },
    onFrame: handleFrame,
    onStatus: connectionBanner(),
  });

  const whisper = new WhisperMode({
    chip: byId('whisper-chip', HTMLDivElement),
    chipText: byId('whisper-chip-text', HTMLSpanElement),
    cancel: byId('whisper-cancel', HTMLButtonElement),
    form,
    input,
  });
  // Delete buttons (shown on my messages, and on all to the owner): confirmed first.
  log.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('.msg-delete');
    const messageId = button?.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
    if (!messageId || !joined) return;
    if (window.confirm(t('msg.deleteConfirm'))) connection.send({ type: 'delete', roomId, messageId });
  });

  const members = new RoomMembers({
    root,
    roomId,
    meId,
    max,
    list: byId('member-list', HTMLUListElement),
    count: maybeById('room-count', HTMLSpanElement),
    ownerControls: [
      maybeById('delete-room', HTMLButtonElement),
      maybeById('password-panel', HTMLDetailsElement),
    ].filter((c): c is HTMLButtonElement | HTMLDetailsElement => c !== null),
    whisper,
    send: (frame) => joined && connection.send(frame),
    notice: (text) => showNotice(text, false),
  });

  const outbox = new Outbox(
    me,
    (text, clientId, to) =>
      joined &&
      connection.send(
        to ? { type: 'whisper', roomId, to: to.id, text, clientId } : { type: 'chat', roomId, text, clientId },
      ),
    (node) => {
      if (transcript.detached) live.jumpToLive();
      follow.append(() => (transcript.appendPending(node), 1), true);
    },
  );
  const typing = new TypingIndicator(byId('typing', HTMLParagraphElement), () => {
    if (joined) connection.send({ type: 'typing', roomId });
  });

  /** What a catch-up brought: one message is read out, more are counted. */
  function announceBatch(fresh: MessageView[]): void {
    const [only] = fresh;
    if (only && fresh.length === 1) announcer.say(announcement(only, me.nickname));
    else if (fresh.length > 1) announcer.say(t('room.newMessagesCount', { count: fresh.length }));
  }

  function handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        if (frame.me.id === meId) Object.assign(me, { nickname: frame.me.nickname, color: frame.me.color });
        return;
      case 'joined':
        if (frame.roomId !== roomId) return;
        joined = true;
        if (!gone) notice.hidden = true;
        members.update(frame.members);
        // Nothing seen yet means no `after` to catch up from: take the latest page instead.
        if (!transcript.newestId())
          void fetchPage(roomId, {}).then(
            (p) => showMessages(p.messages),
            () => undefined,
          );
        outbox.resendAll();
        return;
      case 'catchup':
        if (frame.roomId !== roomId) return;
        announceBatch(showMessages(frame.messages));
        if (frame.more) {
          // From the end of this page, not the newest shown: while detached those differ.
          const after = frame.messages.at(-1)?.id ?? transcript.newestId();
          if (after) connection.send({ type: 'history', roomId, after });
        }
        return;
      case 'message':
        if (showMessage(frame.message)) announcer.say(announcement(frame.message, me.nickname));
        return;
      case 'ack':
        outbox.acked(frame.clientId);
        return;
      case 'members':
        if (frame.roomId === roomId) members.update(frame.members);
        return;
      case 'typing':
        if (frame.roomId === roomId && frame.user.id !== meId) typing.someoneTyping(frame.user);
        return;
      case 'kicked':
        if (frame.roomId === roomId) closeRoom(t('room.kicked'));
        return;
      case 'room-removed':
        if (frame.roomId === roomId) closeRoom(t('room.deleted'));
        return;
      case 'error':
        if (frame.clientId && outbox.has(frame.clientId)) outbox.failed(frame.clientId, frame.message);
        else if (!joined && ['not_found', 'forbidden', 'room_full', 'conflict'].includes(frame.code))
          closeRoom(errorText(frame.code, frame.message));
        else showNotice(errorText(frame.code, frame.message), false);
        return;
      default:
        return;
    }
  }

  startComposer(
    form,
    input,
    (text) => outbox.send(text, whisper.target),
    () => typing.iAmTyping(),
  );
  startNicknameForm((renamed) => Object.assign(me, { nickname: renamed.nickname }));

  const uploader = new Uploader(
    roomId,
    Number(data.uploadMaxBytes) || DEFAULT_UPLOAD_MAX,
    {
      box: byId('upload-status', HTMLDivElement),
      label: byId('upload-label', HTMLLabelElement),
      progress: byId('upload-progress', HTMLProgressElement),
      cancel: byId('upload-cancel', HTMLButtonElement),
      error: byId('upload-error', HTMLParagraphElement),
      alt: byId('gif-alt', HTMLInputElement),
    },
    (message) => showMessage(message, true),
  );
  const uploadFile = (file: File) => {
    if (!gone) void uploader.upload(file);
  };
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) uploadFile(file);
  });
  acceptGifDrops(root, uploadFile);
  acceptGifPaste(uploadFile);

  const history = new HistoryLoader(
    scroller,
    byId('history-status', HTMLParagraphElement),
    roomId,
    data.hasMore === 'true',
    () => transcript.oldestId(),
    () => transcript.oldestSeq(),
    (messages) => live.insertOlder(messages),
  );
  history.maybeLoad();

  startGifToggles(log);
  startGifViewer(log, byId('gif-viewer', HTMLDialogElement), byId('gif-viewer-img', HTMLImageElement));
  const deleteButton = maybeById('delete-room', HTMLButtonElement);
  if (deleteButton) startRoomDelete(deleteButton, roomId, (text) => showNotice(text, false));

  for (const link of root.querySelectorAll<HTMLAnchorElement>('.room-actions a[href="/"]')) {
    link.addEventListener('click', () => {
      if (joined) connection.send({ type: 'leave', roomId });
    });
  }
}
