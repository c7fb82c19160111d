// Other ways in for a GIF: dropping a file onto the room, or pasting one from the clipboard.
export function acceptGifDrops(zone: HTMLElement, onFile: (file: File) => void): void {
  let depth = 0;
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;
  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth += 1;
    zone.classList.add('is-dropping');
  });
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('is-dropping');
  });
  zone.addEventListener('drop', (e) => {
    depth = 0;
    zone.classList.remove('is-dropping');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    onFile(file);
  });
}

/** Pasting a file uploads it; pasting text is left alone. */
export function acceptGifPaste(onFile: (file: File) => void): void {
  document.addEventListener('paste', (e) => {
    const data = e.clipboardData;
    if (!data) return;
    const file = data.files[0] ?? [...data.items].find((item) => item.kind === 'file')?.getAsFile() ?? undefined;
    if (!file) return;
    e.preventDefault();
    onFile(file);
  });
}
