/**
 * The customer pages' words in German and English. Pure data: the site build renders the
 * static pages from it (`{{key}}` in `web/pages/*.html`), and the pages' scripts use it for
 * what they write at run time. German is the default language (SPEC §5).
 */
export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  'site.name': 'Servicedesk',
  'site.skip': 'Skip to content',
  'site.language': 'Language',
  'site.footer': 'Support for our customers. Replies reach you by e-mail.',

  'form.title': 'Contact support',
  'form.heading': 'Contact support',
  'form.intro':
    'Tell us what is wrong. You get a ticket number at once and an e-mail confirmation; our answers reach you by e-mail.',
  'form.required': 'All fields are required.',
  'form.name': 'Your name',
  'form.email': 'Your e-mail address',
  'form.email.hint': 'We send the confirmation and our answers to this address.',
  'form.subject': 'Subject',
  'form.subject.hint': 'In a few words, e.g. “Backup fails since the update”.',
  'form.description': 'Description',
  'form.description.hint':
    'What happened, what did you expect, and since when? Error messages and version numbers help us.',
  'form.severity': 'How urgent is it?',
  'form.severity.hint':
    'Contract customers come first; within each group, more urgent tickets are worked first.',
  'form.noAttachments':
    'Files cannot be attached here. If we need screenshots or logs, reply to our e-mail and attach them there.',
  'form.submit': 'Send ticket',
  'form.sending': 'Sending…',
  'form.noscript':
    'JavaScript is off: the form still works. After sending you get a page with your ticket number.',

  'severity.critical': 'Critical',
  'severity.critical.explain':
    'Your production system is down or data is at risk, and there is no workaround.',
  'severity.high': 'High',
  'severity.high.explain':
    'An important function fails and seriously hinders your work; a workaround is hard or missing.',
  'severity.normal': 'Normal',
  'severity.normal.explain': 'Something does not work as it should, but you can keep working.',
  'severity.low': 'Low',
  'severity.low.explain': 'A question, a wish, or a cosmetic flaw.',

  'errors.summary': 'Please check these fields:',
  'errors.generic': 'Sending did not work. Please try again in a moment.',
  'errors.network': 'We could not reach the server. Check your connection and try again.',
  'errors.throttled': 'Too many requests right now. Please wait a minute and try again.',

  'done.heading': 'Thank you, we have your ticket',
  'done.number': 'Your ticket number',
  'done.mail': 'We are sending a confirmation to {email}.',
  'done.statusLink': 'Follow your ticket on its status page',
  'done.keepLink':
    'Keep this link (it is also in the e-mail): anyone who has it can read the ticket.',
  'done.another': 'Send another ticket',

  'fieldError.required': 'Please fill in this field.',
  'fieldError.email': 'Please enter an e-mail address like name@example.com.',
  'fieldError.tooLong': 'Please shorten this to at most {max} characters.',
  'fieldError.invalid': 'Please check this entry.',

  'status.title': 'Ticket status',
  'status.heading': 'Ticket {ticketId}',
  'status.loading': 'Loading your ticket…',
  'status.noscript':
    'The status page needs JavaScript. You can also follow your ticket by replying to our e-mails.',
  'status.missing':
    'This link is incomplete. Please open the link from your confirmation e-mail again.',
  'status.notFound':
    'We cannot find this ticket with this link. Please open the link from your confirmation e-mail again.',
  'status.subject': 'Subject',
  'status.status': 'Status',
  'status.severity': 'Urgency',
  'status.received': 'Received',
  'status.updated': 'Last change',
  'status.conversation': 'Conversation',
  'status.you': 'You',
  'status.support': 'Support ({name})',
  'status.replyHeading': 'Reply',
  'status.reply': 'Your message',
  'status.reply.hint': 'Your reply is added to the ticket; we answer by e-mail.',
  'status.send': 'Send reply',
  'status.sent': 'Your reply was added.',
  'status.closed': 'This ticket is closed. For a new request please send a new ticket.',
  'status.newTicket': 'Send a new ticket',
  'status.refresh': 'Refresh',
  'status.viaMail': 'by e-mail',
  'status.viaPhone': 'by phone',

  'ticketStatus.open': 'Received, waiting for an agent',
  'ticketStatus.in_progress': 'Being worked on',
  'ticketStatus.waiting_customer': 'Waiting for your reply',
  'ticketStatus.resolved': 'Resolved. If the problem persists, reply below and we reopen it.',
  'ticketStatus.closed': 'Closed',
};

export type MessageKey = keyof typeof en;

const de: Record<MessageKey, string> = {
  'site.name': 'Servicedesk',
  'site.skip': 'Zum Inhalt springen',
  'site.language': 'Sprache',
  'site.footer': 'Support für unsere Kundinnen und Kunden. Antworten erhalten Sie per E-Mail.',

  'form.title': 'Support kontaktieren',
  'form.heading': 'Support kontaktieren',
  'form.intro':
    'Beschreiben Sie uns das Problem. Sie erhalten sofort eine Ticketnummer und eine Bestätigung per E-Mail; unsere Antworten kommen per E-Mail.',
  'form.required': 'Alle Felder sind Pflichtfelder.',
  'form.name': 'Ihr Name',
  'form.email': 'Ihre E-Mail-Adresse',
  'form.email.hint': 'An diese Adresse senden wir die Bestätigung und unsere Antworten.',
  'form.subject': 'Betreff',
  'form.subject.hint': 'In wenigen Worten, z. B. „Datensicherung schlägt seit dem Update fehl“.',
  'form.description': 'Beschreibung',
  'form.description.hint':
    'Was ist passiert, was haben Sie erwartet, und seit wann? Fehlermeldungen und Versionsnummern helfen uns.',
  'form.severity': 'Wie dringend ist es?',
  'form.severity.hint':
    'Kunden mit Vertrag werden zuerst bedient; innerhalb jeder Gruppe kommen dringendere Tickets zuerst.',
  'form.noAttachments':
    'Dateien können hier nicht angehängt werden. Brauchen wir Bildschirmfotos oder Protokolle, antworten Sie einfach auf unsere E-Mail und hängen sie dort an.',
  'form.submit': 'Ticket senden',
  'form.sending': 'Wird gesendet …',
  'form.noscript':
    'JavaScript ist ausgeschaltet: Das Formular funktioniert trotzdem. Nach dem Senden sehen Sie eine Seite mit Ihrer Ticketnummer.',

  'severity.critical': 'Kritisch',
  'severity.critical.explain':
    'Ihr Produktivsystem steht still oder Daten sind in Gefahr, und es gibt keine Umgehung.',
  'severity.high': 'Hoch',
  'severity.high.explain':
    'Eine wichtige Funktion fällt aus und behindert Ihre Arbeit erheblich; eine Umgehung ist schwierig oder fehlt.',
  'severity.normal': 'Normal',
  'severity.normal.explain':
    'Etwas funktioniert nicht wie erwartet, aber Sie können weiterarbeiten.',
  'severity.low': 'Niedrig',
  'severity.low.explain': 'Eine Frage, ein Wunsch oder ein Schönheitsfehler.',

  'errors.summary': 'Bitte prüfen Sie diese Felder:',
  'errors.generic': 'Das Senden hat nicht geklappt. Bitte versuchen Sie es gleich noch einmal.',
  'errors.network':
    'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.',
  'errors.throttled':
    'Gerade kommen zu viele Anfragen an. Bitte warten Sie eine Minute und versuchen Sie es erneut.',

  'done.heading': 'Vielen Dank, Ihr Ticket ist eingegangen',
  'done.number': 'Ihre Ticketnummer',
  'done.mail': 'Wir senden eine Bestätigung an {email}.',
  'done.statusLink': 'Den Stand Ihres Tickets auf der Statusseite verfolgen',
  'done.keepLink':
    'Bewahren Sie diesen Link auf (er steht auch in der E-Mail): Wer ihn kennt, kann das Ticket lesen.',
  'done.another': 'Weiteres Ticket senden',

  'fieldError.required': 'Bitte füllen Sie dieses Feld aus.',
  'fieldError.email': 'Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.',
  'fieldError.tooLong': 'Bitte kürzen Sie auf höchstens {max} Zeichen.',
  'fieldError.invalid': 'Bitte prüfen Sie diese Angabe.',

  'status.title': 'Ticketstatus',
  'status.heading': 'Ticket {ticketId}',
  'status.loading': 'Ihr Ticket wird geladen …',
  'status.noscript':
    'Die Statusseite braucht JavaScript. Sie können Ihr Ticket auch verfolgen, indem Sie auf unsere E-Mails antworten.',
  'status.missing':
    'Dieser Link ist unvollständig. Bitte öffnen Sie den Link aus Ihrer Bestätigungs-E-Mail erneut.',
  'status.notFound':
    'Zu diesem Link finden wir kein Ticket. Bitte öffnen Sie den Link aus Ihrer Bestätigungs-E-Mail erneut.',
  'status.subject': 'Betreff',
  'status.status': 'Status',
  'status.severity': 'Dringlichkeit',
  'status.received': 'Eingegangen',
  'status.updated': 'Letzte Änderung',
  'status.conversation': 'Verlauf',
  'status.you': 'Sie',
  'status.support': 'Support ({name})',
  'status.replyHeading': 'Antworten',
  'status.reply': 'Ihre Nachricht',
  'status.reply.hint': 'Ihre Antwort wird dem Ticket hinzugefügt; wir antworten per E-Mail.',
  'status.send': 'Antwort senden',
  'status.sent': 'Ihre Antwort wurde hinzugefügt.',
  'status.closed':
    'Dieses Ticket ist geschlossen. Für ein neues Anliegen senden Sie bitte ein neues Ticket.',
  'status.newTicket': 'Neues Ticket senden',
  'status.refresh': 'Aktualisieren',
  'status.viaMail': 'per E-Mail',
  'status.viaPhone': 'per Telefon',

  'ticketStatus.open': 'Eingegangen, wartet auf Bearbeitung',
  'ticketStatus.in_progress': 'In Bearbeitung',
  'ticketStatus.waiting_customer': 'Wartet auf Ihre Antwort',
  'ticketStatus.resolved':
    'Gelöst. Besteht das Problem weiter, antworten Sie unten und wir öffnen es wieder.',
  'ticketStatus.closed': 'Geschlossen',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { de, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The message for `key` in `locale`, with `{name}` placeholders filled from `values`. */
export function translate(
  locale: Locale,
  key: MessageKey,
  values: Record<string, string> = {},
): string {
  return messages[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? (values[name] as string) : whole,
  );
}
