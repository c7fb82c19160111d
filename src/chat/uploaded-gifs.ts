// The GIF files that messages point to: a fresh name for an upload, where a named file lives,
// and removing files. The web layer reaches them through here rather than through store/, so
// that when the files move behind another store (GridFS, when instances share no disk) only chat
// and store change.
export { gifPath, isGifName, newGifName, removeGifFiles } from '../store/gif-files.js';
