// Clicking a GIF in the transcript opens it full size in a dialog (Escape or Close to leave).
export function startGifViewer(transcript: HTMLElement, dialog: HTMLDialogElement, img: HTMLImageElement): void {
  transcript.addEventListener('click', (e) => {
    if (!(e.target instanceof Element)) return;
    const link = e.target.closest<HTMLAnchorElement>('a.gif-link');
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    const thumb = link.querySelector('img');
    e.preventDefault();
    // A paused GIF opens as its still frame: playing is the toggle's choice.
    const box = link.closest<HTMLElement>('.gif.is-paused');
    img.src = box?.dataset.still || link.href;
    img.alt = thumb?.alt ?? '';
    dialog.showModal();
  });
  dialog.addEventListener('click', (e) => {
    // A click on the backdrop (the dialog box itself, outside its content) closes it.
    if (e.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => img.removeAttribute('src'));
}
