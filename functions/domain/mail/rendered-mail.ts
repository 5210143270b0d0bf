/** A mail's words, ready to be put into MIME: subject, a text part and an HTML part. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
