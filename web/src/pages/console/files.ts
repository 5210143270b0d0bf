import type { Attachment } from '../../lib/api';
import {
  customerUploadState,
  downloadAttachment,
  fileList,
  fileProblems,
  readableReason,
  uploadCounts,
  uploadList,
  uploadQueue,
  uploadsOf,
  type Send,
} from '../../lib/attachments';
import { announce, busy, byId, replaceChildren } from '../../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../../lib/field-errors';
import { translator } from '../../lib/locale';
import { staffPage, state } from './state';
import { openTicket } from './ticket';
import { messageOf } from './view';

/** The open ticket's files: download, and upload with progress and retry. */

const ticketMessage = byId('ticket-message');

/** The agent's session does the calls, so a 401 signs the page out as everywhere else. */
const send: Send = (path, options) => staffPage().call(path, options);
const english = translator('en');
const uploadInput = byId('upload-files', HTMLInputElement);
const uploadStatus = byId('upload-status');

/** Files as a list: stored ones download on a click, refused ones say why. */
export function files(attachments: Attachment[]): HTMLUListElement {
  return fileList(
    attachments,
    {
      locale: 'en',
      download: 'Download',
      rejected: (attachment) => `not stored: ${readableReason(attachment.rejected ?? '')}`,
    },
    (attachment, button) => {
      const id = state.ticket?.ticketId;
      const key = attachment.key;
      if (!id || !key) return;
      void busy(button, async () => {
        try {
          await downloadAttachment(send, id, key);
        } catch (error) {
          announce(
            ticketMessage,
            `${attachment.filename} could not be downloaded: ${messageOf(error)}`,
            'error',
          );
        }
      });
    },
  );
}

export function renderFiles(): void {
  if (!state.ticket) return;
  const attachments = state.ticket.attachments ?? [];
  const list = byId('ticket-files');
  list.replaceWith(Object.assign(files(attachments), { id: 'ticket-files' }));
  byId('no-files').hidden = attachments.length > 0;
  // A closed ticket takes no more files (the API answers 409).
  byId('upload-form').hidden = state.ticket.status === 'closed';
}

function renderUploads(): void {
  replaceChildren(
    byId('uploads'),
    state.uploads.length
      ? uploadList(
          state.uploads,
          { locale: 'en', state: (u) => customerUploadState(english, u), retry: 'Try again' },
          (upload) => {
            uploadInput.focus();
            if (state.uploading)
              void finishUploads(state.uploading.ticketId, state.uploading.queue.retry(upload));
          },
        )
      : null,
  );
  const index = state.uploads.findIndex((u) => u.state === 'uploading');
  if (index >= 0) announce(uploadStatus, `Sending file ${index + 1} of ${state.uploads.length}…`);
}

async function finishUploads(id: string, sending: Promise<void>): Promise<void> {
  const batch = state.uploads;
  await sending;
  // Another ticket was opened meanwhile: its panel has nothing to say about these files.
  if (batch !== state.uploads) return;
  const { done, failed, total } = uploadCounts(batch);
  announce(
    uploadStatus,
    failed === 0
      ? `${done} of ${total} file${total === 1 ? '' : 's'} attached to ${id}.`
      : `${failed} of ${total} file${total === 1 ? '' : 's'} could not be attached (see the list).`,
    failed === 0 ? 'success' : 'error',
  );
  if (state.ticket?.ticketId === id) await openTicket(id);
}

byId('upload-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!state.ticket) return;
  const id = state.ticket.ticketId;
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('upload-errors');
  clearFieldErrors(form, summary);
  announce(uploadStatus, '');
  const chosen = [...(uploadInput.files ?? [])];
  const problems = chosen.length
    ? fileProblems(english, 'en', chosen)
    : [{ field: 'files', message: 'Choose at least one file.' }];
  if (problems.length) {
    showFieldErrors(
      form,
      { type: 'about:blank', title: 'Bad files', status: 400, detail: '', errors: problems },
      { summary, heading: 'The files were not sent:' },
    );
    return;
  }
  state.uploads = uploadsOf(chosen);
  uploadInput.value = '';
  const queue = uploadQueue(send, id, state.uploads, renderUploads);
  state.uploading = { ticketId: id, queue };
  void busy(byId('upload-send', HTMLButtonElement), () => finishUploads(id, queue.run()));
});

/** No files chosen or on their way (another ticket was opened). */
export function resetUploads(): void {
  uploadInput.value = '';
  state.uploads = [];
  state.uploading = undefined;
  renderUploads();
  announce(uploadStatus, '');
}
