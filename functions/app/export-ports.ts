/** Where billing exports are written (an S3 bucket). */
export interface ExportStore {
  /** Writes the chunks as one object, streaming; resolves where it is. */
  put(
    key: string,
    chunks: AsyncIterable<string | Uint8Array>,
    contentType: string,
  ): Promise<{ bucket: string; key: string }>;
  /** A time-limited link to download the object. */
  downloadUrl(key: string, fileName: string): Promise<string>;
}

/** Deleting files of the export bucket (a person's stored access export, SPEC §13). */
export interface ExportFiles {
  /** Deletes the objects (absent ones too); resolves how many were asked for. */
  delete(keys: readonly string[]): Promise<number>;
}
