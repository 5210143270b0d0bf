import { ApiError, type Attachment, type CallOptions, type FieldError } from './api';
import { h } from './dom';
import type { Translate } from './locale';

/**
 * Files on tickets, as the pages use them (README "The HTTP API").
 *
 * Upload: `POST /tickets/{ticketId}/attachments` with `{filename, contentType?, contentBase64}`,
 * one file per request, at most 4 MB each and 25 MB per ticket.
 *
 * Download: the API answers `GET …/attachments?key=` with a 303 to a short-lived link on
 * another origin (S3). The page cannot link to the API route itself, because the customer's
 * token (or the agent's bearer token) travels in a header; a `fetch` that follows the 303
 * is blocked by the CSP (`connect-src 'self'`), and one with `redirect: 'manual'` gets an
 * opaque answer without its `Location`. So the page asks for the link as JSON
 * (`&format=json` → `{url}`) the moment the button is pressed and navigates there: S3
 * sends the file as `Content-Disposition: attachment`, so the browser saves it and the
 * page stays where it is.
 */
export const UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024;
export const TICKET_LIMIT_BYTES = 25 * 1024 * 1024;

/** How a page calls the API: with the customer's ticket token, or the agent's session. */
export type Send = <T>(path: string, options?: CallOptions) => Promise<T | undefined>;

/** Why a file was not added; each page puts it in words for its readers. */
export type UploadFailure =
  'tooLarge' | 'empty' | 'unreadable' | 'ticketFull' | 'closed' | 'refused' | 'network' | 'server';

export interface Upload {
  file: File;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  failure?: UploadFailure;
  /** For `refused`, the API's words; for `server`, the HTTP status. */
  detail?: string;
  attachment?: Attachment;
}

/** A media type the API takes (`type/subtype`, no parameters). */
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
const MAX_FILENAME = 200;

/** What is wrong with a file before it is sent, if anything. */
export function precheck(file: File): UploadFailure | undefined {
  if (file.size === 0) return 'empty';
  if (file.size > UPLOAD_LIMIT_BYTES) return 'tooLarge';
  return undefined;
}

/** Failures that may go away when the same file is sent again. */
export function retryable(upload: Upload): boolean {
  return (
    upload.state === 'failed' &&
    (upload.failure === 'network' || upload.failure === 'server' || upload.failure === 'unreadable')
  );
}

export function uploadsOf(files: FileList | File[] | null): Upload[] {
  return [...(files ?? [])].map((file) => ({ file, state: 'waiting' }));
}

/**
 * Sends the waiting files one after the other (each request carries up to ~5.6 MB of
 * base64) and reports every change of state. A file to retry is set back to `waiting`.
 */
export async function uploadAll(
  send: Send,
  ticketId: string,
  uploads: Upload[],
  onChange: () => void,
): Promise<void> {
  for (const upload of uploads) {
    if (upload.state !== 'waiting') continue;
    delete upload.failure;
    delete upload.detail;
    const early = precheck(upload.file);
    if (early) {
      upload.state = 'failed';
      upload.failure = early;
      onChange();
      continue;
    }
    upload.state = 'uploading';
    onChange();
    try {
      const json = await uploadBody(upload.file);
      const attachment = await send<Attachment>(
        `/tickets/${encodeURIComponent(ticketId)}/attachments`,
        { method: 'POST', json },
      );
      upload.state = 'done';
      if (attachment) upload.attachment = attachment;
    } catch (error) {
      upload.state = 'failed';
      Object.assign(upload, failureOf(error));
    }
    onChange();
  }
}

function failureOf(error: unknown): { failure: UploadFailure; detail?: string } {
  if (!(error instanceof ApiError)) return { failure: 'unreadable' };
  const { status, problem } = error;
  if (status === 0) return { failure: 'network' };
  if (status === 413) return { failure: 'tooLarge' };
  if (status === 409) return { failure: /closed/i.test(problem.detail) ? 'closed' : 'ticketFull' };
  if (status === 400 || status === 422) {
    const words = problem.errors?.map((e) => e.message).join('; ') || problem.detail;
    return { failure: 'refused', detail: words };
  }
  return { failure: 'server', detail: String(status) };
}

/** The JSON the API takes for one file. */
export async function uploadBody(
  file: File,
): Promise<{ filename: string; contentType?: string; contentBase64: string }> {
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () => resolve(String(reader.result)));
    reader.addEventListener('error', () => reject(reader.error ?? new Error('unreadable')));
    reader.readAsDataURL(file);
  });
  const type = file.type.toLowerCase();
  return {
    filename: shortName(file.name),
    ...(MEDIA_TYPE.test(type) ? { contentType: type } : {}),
    contentBase64: dataUrl.slice(dataUrl.indexOf(',') + 1),
  };
}

/** A file name the API takes (at most 200 characters), keeping the extension. */
export function shortName(name: string): string {
  const trimmed = name.trim() || 'file';
  const chars = [...trimmed];
  if (chars.length <= MAX_FILENAME) return trimmed;
  const dot = trimmed.lastIndexOf('.');
  const extension = dot > 0 && trimmed.length - dot <= 16 ? [...trimmed.slice(dot)] : [];
  return [...chars.slice(0, MAX_FILENAME - extension.length - 1), '…', ...extension].join('');
}

/**
 * Downloads a stored file: asks the API for a fresh link and navigates to it (see above
 * why the page cannot fetch it). Rejects with an `ApiError` when there is no link.
 */
export async function downloadAttachment(send: Send, ticketId: string, key: string) {
  const answer = await send<{ url?: unknown }>(
    `/tickets/${encodeURIComponent(ticketId)}/attachments?key=${encodeURIComponent(key)}&format=json`,
  );
  const url = typeof answer?.url === 'string' ? new URL(answer.url, location.href) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ApiError(502, {
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: 'The server sent no download link.',
    });
  }
  location.assign(url.href);
}

/** `532` → `532 bytes`, `4194304` → `4 MB`; rounded up, so a file over a limit never looks equal to it. */
export function formatSize(bytes: number, locale: 'de' | 'en' = 'en'): string {
  const format = (value: number) =>
    new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      maximumFractionDigits: 1,
    }).format(Math.ceil(value * 10) / 10);
  if (bytes < 1024) {
    return `${bytes} ${locale === 'de' ? 'Bytes' : bytes === 1 ? 'byte' : 'bytes'}`;
  }
  if (bytes < 1024 * 1024) return `${format(bytes / 1024)} KB`;
  return `${format(bytes / (1024 * 1024))} MB`;
}

/** Why a mailed file was not stored, as the API says it (`larger than 10485760 bytes`, …). */
export function rejectionOf(
  reason: string,
): { kind: 'tooLarge' | 'mailTooLarge'; max: number } | { kind: 'other' } {
  const tooLarge = /^larger than (\d+) bytes$/.exec(reason);
  if (tooLarge) return { kind: 'tooLarge', max: Number(tooLarge[1]) };
  const mail = /exceed (\d+) bytes$/.exec(reason);
  if (mail) return { kind: 'mailTooLarge', max: Number(mail[1]) };
  return { kind: 'other' };
}

/** The API's reason with byte counts in words people read (`larger than 10 MB`). */
export function readableReason(reason: string, locale: 'de' | 'en' = 'en'): string {
  return reason.replace(/(\d+) bytes/g, (_whole, n: string) => formatSize(Number(n), locale));
}

export interface FileListWords {
  locale: 'de' | 'en';
  /** Read before the file name by screen readers: "Download". */
  download: string;
  /** "not stored: larger than 10 MB" */
  rejected(attachment: Attachment): string;
}

/**
 * The files of a ticket or message: each stored one a button that downloads it, each
 * refused one with its reason.
 */
export function fileList(
  attachments: Attachment[],
  words: FileListWords,
  onDownload: (attachment: Attachment, button: HTMLButtonElement) => void,
  attrs: Record<string, string> = {},
): HTMLUListElement {
  return h(
    'ul',
    { className: 'file-list', attrs },
    ...attachments.map((attachment) => {
      const size = h(
        'span',
        { className: 'meta' },
        ` (${formatSize(attachment.size, words.locale)})`,
      );
      if (!attachment.key) {
        return h(
          'li',
          { className: 'rejected', attrs: { 'data-filename': attachment.filename } },
          h('span', { className: 'file-name' }, attachment.filename),
          size,
          ' – ',
          h('span', { className: 'rejected-reason' }, words.rejected(attachment)),
        );
      }
      const button = h(
        'button',
        { className: 'link', attrs: { type: 'button', 'data-key': attachment.key } },
        h('span', { className: 'visually-hidden' }, `${words.download} `),
        attachment.filename,
      );
      button.addEventListener('click', () => onDownload(attachment, button));
      return h('li', { attrs: { 'data-filename': attachment.filename } }, button, size);
    }),
  );
}

export interface UploadListWords {
  locale: 'de' | 'en';
  /** The state of one file in words: "uploading…", "attached", "not attached: …". */
  state(upload: Upload): string;
  retry: string;
}

/**
 * A queue of files to send that can be added to while it runs (a retry): `run()` sends
 * every waiting file and resolves when none is left.
 */
export function uploadQueue(
  send: Send,
  ticketId: string,
  uploads: Upload[],
  onChange: () => void,
): { run(): Promise<void>; retry(upload: Upload): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= (async () => {
      try {
        while (uploads.some((u) => u.state === 'waiting')) {
          await uploadAll(send, ticketId, uploads, onChange);
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return {
    run,
    retry: (upload) => {
      upload.state = 'waiting';
      onChange();
      // A run in progress looks for waiting files before it ends; otherwise one starts.
      return running ?? run();
    },
  };
}

/** The files being sent, each with its state and, when it may help, a retry button. */
export function uploadList(
  uploads: Upload[],
  words: UploadListWords,
  onRetry: (upload: Upload) => void,
  attrs: Record<string, string> = {},
): HTMLUListElement {
  return h(
    'ul',
    { className: 'file-list uploads', attrs },
    ...uploads.map((upload) =>
      h(
        'li',
        { attrs: { 'data-state': upload.state, 'data-filename': upload.file.name } },
        h('span', { className: 'file-name' }, upload.file.name),
        h('span', { className: 'meta' }, ` (${formatSize(upload.file.size, words.locale)})`),
        ': ',
        h('span', { className: 'upload-state' }, words.state(upload)),
        retryable(upload)
          ? h(
              'button',
              {
                className: 'link retry',
                attrs: { type: 'button', 'aria-label': `${words.retry}: ${upload.file.name}` },
                on: { click: () => onRetry(upload) },
              },
              words.retry,
            )
          : null,
      ),
    ),
  );
}

/** How many of the uploads are done and how many failed (the rest are still going). */
export function uploadCounts(uploads: Upload[]): { done: number; failed: number; total: number } {
  return {
    done: uploads.filter((u) => u.state === 'done').length,
    failed: uploads.filter((u) => u.state === 'failed').length,
    total: uploads.length,
  };
}

/** One file's state in the customer's words (support form and status page). */
export function customerUploadState(t: Translate, upload: Upload): string {
  switch (upload.state) {
    case 'waiting':
      return t('upload.waiting');
    case 'uploading':
      return t('upload.uploading');
    case 'done':
      return t('upload.done');
    case 'failed':
      return t('upload.failed', {
        reason: t(`upload.reason.${upload.failure ?? 'server'}`, { detail: upload.detail ?? '' }),
      });
  }
}

/** Why a mailed file was not stored, in the customer's words. */
export function customerRejection(t: Translate, locale: 'de' | 'en', attachment: Attachment) {
  const reason = attachment.rejected ?? '';
  const known = rejectionOf(reason);
  const words =
    known.kind === 'tooLarge'
      ? t('files.rejected.tooLarge', { max: formatSize(known.max, locale) })
      : known.kind === 'mailTooLarge'
        ? t('files.rejected.mailTooLarge', { max: formatSize(known.max, locale) })
        : readableReason(reason, locale);
  return t('files.rejected', { reason: words });
}

/**
 * What is wrong with the chosen files before anything is sent, as errors of the field
 * `files` (in the customer's words): too large, empty, more than a ticket holds.
 */
export function fileProblems(t: Translate, locale: 'de' | 'en', files: File[]): FieldError[] {
  const problems: FieldError[] = [];
  for (const file of files) {
    const failure = precheck(file);
    if (failure === 'tooLarge') {
      const size = formatSize(file.size, locale);
      problems.push({
        field: 'files',
        message: t('form.files.tooLarge', { name: file.name, size }),
      });
    } else if (failure === 'empty') {
      problems.push({ field: 'files', message: t('form.files.empty', { name: file.name }) });
    }
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > TICKET_LIMIT_BYTES) {
    const size = formatSize(total, locale);
    problems.push({ field: 'files', message: t('form.files.tooMuch', { size }) });
  }
  return problems;
}
