import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * How often written records are forced to the disk. Each record is written to the file
 * before the stand-in answers (so `kill -9` of `npm start` loses nothing); the fsync that
 * makes it survive a crash of the machine too is shared by everything written in this span.
 */
export const JOURNAL_SYNC_MS = 100;

/**
 * An append-only file of JSON lines, the write-ahead log of an in-memory stand-in. A record
 * is in the file when `append` returns; a torn last line (the process died mid-write) is
 * skipped when the file is read.
 */
export class Journal<T> {
  private fd: number;
  private dirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;
  /** Records appended since the file was opened or rewritten. */
  appended = 0;

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.timer = setInterval(() => this.sync(), JOURNAL_SYNC_MS);
    this.timer.unref();
  }

  /** The records of a journal file, oldest first; none when there is no file. */
  static read<T>(file: string): T[] {
    if (!existsSync(file)) return [];
    const records: T[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        // Only the last line can be torn, by a crash in the middle of writing it.
      }
    }
    return records;
  }

  append(record: T): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.dirty = true;
    this.appended++;
  }

  /** Replaces the whole file with `records` (compaction), atomically: a crash keeps the old one. */
  rewrite(records: Iterable<T>): void {
    const temporary = `${this.file}.next`;
    const fd = openSync(temporary, 'w');
    let chunk = '';
    for (const record of records) {
      chunk += `${JSON.stringify(record)}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.file);
    // An fsync still running on the old descriptor finds it closed and fails harmlessly.
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.dirty = false;
    this.appended = 0;
  }

  /** Forces what was written to the disk, on libuv's thread pool: the event loop goes on. */
  sync(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    const fd = this.fd;
    fdatasync(fd, () => {
      this.syncing = false;
    });
  }

  close(): void {
    clearInterval(this.timer);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** Writes a whole file so that a crash leaves either the old or the new content, on disk. */
export function writeFileDurably(file: string, content: Uint8Array | string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.next`;
  const fd = openSync(temporary, 'w');
  writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temporary, file);
}
