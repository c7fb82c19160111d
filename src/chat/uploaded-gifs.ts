// The GIFs that messages point to: a fresh name for an upload, and the store that keeps them
// (disk or GridFS, chosen in the composition root). The web layer reaches them through here
// rather than through store/.
export { isGifName, isMediaName, mediaName, mediaType, newGifName, type MediaKind } from '../store/gif-files.js';
export type { GifStore, StoredGif } from '../store/gif-store.js';
