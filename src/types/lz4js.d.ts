// lz4js ships no types; the one function the LZ4 frame reader uses.
declare module 'lz4js' {
  /**
   * Decodes one LZ4 block: `sourceLength` bytes of `source` from `sourceIndex`, written to
   * `destination` from `destinationIndex`; returns the index after the last byte written.
   */
  export function decompressBlock(source: Uint8Array, destination: Uint8Array, sourceIndex: number, sourceLength: number, destinationIndex: number): number;
}
