// Pause and play for the GIFs in the transcript (WCAG 2.2.2). Every GIF has a toggle named
// "Pause GIF" while it moves and "Play GIF" while it stands still. Paused shows the still first
// frame the server made (data-still) — or, for a GIF it could not make one of, nothing in the
// reserved box — and loads no animation; playing puts the animation back, the WebP offered first
// where there is one (data-webp). With prefers-reduced-motion: reduce, every GIF starts paused.
import { el } from './dom';
import { t } from './i18n';

const reducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export function isPaused(box: HTMLElement): boolean {
  return box.classList.contains('is-paused');
}

export function setPaused(box: HTMLElement, paused: boolean): void {
  const picture = box.querySelector('picture');
  const img = picture?.querySelector('img');
  const gifUrl = box.querySelector('a.gif-link')?.getAttribute('href');
  const toggle = box.querySelector<HTMLButtonElement>('.gif-toggle');
  if (!picture || !img || !gifUrl || !toggle) return;
  const still = box.dataset.still ?? '';
  const webp = box.dataset.webp ?? '';
  // A <source> would win over the img's own src, so it goes while paused and comes back first.
  picture.querySelector('source')?.remove();
  if (paused) {
    if (still) img.src = still;
    else img.removeAttribute('src');
  } else {
    img.src = gifUrl;
    if (webp) picture.prepend(el('source', { type: 'image/webp', srcset: webp }));
  }
  box.classList.toggle('is-paused', paused);
  box.classList.toggle('no-still', paused && !still);
  const name = t(paused ? 'msg.playGif' : 'msg.pauseGif');
  toggle.setAttribute('aria-label', name);
  toggle.title = name;
}

/** A GIF's first state: paused when motion is reduced. Marks it ready (styles hide it until then). */
export function startMotion(box: HTMLElement): void {
  if (box.dataset.motion) return;
  if (reducedMotion()) setPaused(box, true);
  box.dataset.motion = 'ready';
}

/** The server-rendered GIFs get their first state, and every toggle in the transcript works. */
export function startGifToggles(transcript: HTMLElement): void {
  for (const box of transcript.querySelectorAll<HTMLElement>('.gif')) startMotion(box);
  transcript.addEventListener('click', (e) => {
    if (!(e.target instanceof Element)) return;
    const box = e.target.closest('.gif-toggle')?.closest<HTMLElement>('.gif');
    if (box) setPaused(box, !isPaused(box));
  });
}
