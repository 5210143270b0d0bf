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
  'form.required': 'All fields are required unless marked “optional”.',
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
  'form.files': 'Files (optional)',
  'form.files.hint':
    'Screenshots, logs or other files that help us: up to 4 MB per file, 25 MB in all. They are sent right after your ticket.',
  'form.files.noscript':
    'Without JavaScript no files can be attached here. Reply to our confirmation e-mail and attach them there (up to 10 MB per file).',
  'form.files.tooLarge': '“{name}” is {size}; a file can have at most 4 MB.',
  'form.files.empty': '“{name}” is empty.',
  'form.files.tooMuch': 'The files together are {size}; at most 25 MB in all.',
  'form.files.chosen': 'Chosen files',
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
  'done.files': 'Your files',

  'upload.waiting': 'waiting',
  'upload.uploading': 'sending…',
  'upload.done': 'attached',
  'upload.failed': 'not attached: {reason}',
  'upload.retry': 'Try again',
  'upload.progress': 'Sending file {index} of {total}…',
  'upload.allDone': 'All files are attached ({done} of {total}).',
  'upload.someFailed':
    '{failed} of {total} files could not be attached. Your ticket has been received all the same; you can add files on its status page or send them by replying to our e-mail.',
  'upload.reason.tooLarge': 'larger than 4 MB',
  'upload.reason.empty': 'the file is empty',
  'upload.reason.unreadable': 'the file could not be read',
  'upload.reason.ticketFull': 'the ticket already holds 25 MB of files',
  'upload.reason.closed': 'the ticket is closed',
  'upload.reason.refused': 'refused ({detail})',
  'upload.reason.network': 'the server could not be reached',
  'upload.reason.server': 'a problem on our side (error {detail})',

  'files.heading': 'Files',
  'files.none': 'No files yet.',
  'files.download': 'Download',
  'files.rejected': 'not stored: {reason}',
  'files.rejected.tooLarge':
    'larger than {max}. Please send it another way, e.g. as a download link.',
  'files.rejected.mailTooLarge':
    'the files of the e-mail together were over {max}. Please send it in a separate e-mail.',
  'files.downloadFailed': 'The file could not be downloaded. Please try again.',
  'files.add': 'Add files',
  'files.choose': 'Choose files',
  'files.hint': 'Up to 4 MB per file, 25 MB per ticket in all.',
  'files.upload': 'Upload',
  'files.required': 'Please choose at least one file.',
  'files.someFailed': '{failed} of {total} files could not be attached; the list says why.',

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
  'status.responseDue': 'We will get back to you by {when} at the latest.',
  'status.responded': 'First answer',
  'status.responseLate': 'Our first answer is overdue (it was due {when}); we are on it.',
  'status.resolutionDue': 'Resolution planned by',
  'status.resolutionPaused': 'on hold while we wait for your reply',
  'status.serviceLevel': 'Your service level',
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
  'status.queue.heading': 'Your place in the queue',
  'status.queue.position': 'Your request is number {position} in the queue.',
  'status.queue.next': 'Your request is the next one our team takes up.',
  'status.queue.aheadOne':
    'One request is ahead of yours ({contract} under a service contract, {standard} without).',
  'status.queue.ahead':
    '{ahead} requests are ahead of yours ({contract} under a service contract, {standard} without).',
  'status.queue.estimate':
    'At the pace our team has taken up requests over the past days, work on yours will probably start between {earliest} and {latest}.',
  'status.queue.noEstimate':
    'We cannot yet estimate when work on it will start: there is too little recent history.',
  'status.queue.noPromise': 'This is an estimate, not a promise.',
  'status.queue.overtakeStandard':
    'Requests from customers with a service contract, and more urgent requests, that arrive later are taken up before yours, so your place can move back.',
  'status.queue.overtakeContract':
    'More urgent requests under a service contract that arrive later are taken up before yours, so your place can move back.',
  'status.queue.live': 'As of {time}; this updates by itself every 30 seconds.',
  'portal.title': 'Customer portal',
  'portal.intro':
    'Your organisation’s tickets, your contract and its use. Sign in with your e-mail address: we send you a link that works once, for 15 minutes.',
  'portal.email': 'Your e-mail address',
  'portal.signIn': 'Send sign-in link',
  'portal.linkSent':
    'If this address may use the portal, a sign-in link is on its way. Please check your mailbox.',
  'portal.signingIn': 'Signing you in…',
  'portal.continue': 'Sign in',
  'portal.continueIntro': 'Sign in to the customer portal with the link from your e-mail:',
  'portal.linkInvalid':
    'This sign-in link is not valid any more (it works once, for 15 minutes). Ask for a new one.',
  'portal.expired': 'Your session has ended. Please sign in again.',
  'portal.signedInAs': 'Signed in as {name}',
  'portal.signOut': 'Sign out',
  'portal.tickets': 'Tickets',
  'portal.newTicket': 'New ticket',
  'portal.contract': 'Contract',
  'portal.filter': 'Show',
  'portal.filter.open': 'Open',
  'portal.filter.closed': 'Done',
  'portal.filter.all': 'All',
  'portal.noTickets': 'No tickets here.',
  'portal.more': 'Show more',
  'portal.from': 'from {name}',
  'portal.back': 'Back to the list',
  'portal.ownOnly': 'You see the tickets you sent.',
  'portal.orgTickets': 'You see all tickets of {customer}.',
  'portal.new.intro': 'We file the ticket under your name and address: {name} <{email}>.',
  'portal.new.sent': 'Ticket {ticketId} was filed. The confirmation is on its way by e-mail.',
  'portal.contract.none': 'No service contract: your tickets are handled at list prices.',
  'portal.contract.id': 'Contract',
  'portal.contract.valid': 'Valid',
  'portal.contract.validOpen': 'from {from}',
  'portal.contract.validRange': '{from} to {to}',
  'portal.contract.included': 'Included minutes per month',
  'portal.contract.thisMonth': 'This month ({month})',
  'portal.contract.usedLeft': '{used} used, {left} left',
  'portal.contract.months': 'The last 12 months',
  'portal.contract.month': 'Month',
  'portal.contract.used': 'Used',
  'portal.contract.inactive': 'The contract does not cover today.',
  'portal.contract.plan': 'Service level: {name}',
  'portal.contract.hours': 'Business hours: {hours}. Targets count business time only.',
  'portal.contract.targets': 'Targets',
  'portal.contract.severity': 'Severity',
  'portal.contract.firstResponse': 'First response within',
  'portal.contract.resolution': 'Resolved within',
  'portal.contract.results': 'Service levels of the last 12 months (tickets by month received)',
  'portal.contract.tickets': 'Tickets',
  'portal.contract.answered': 'First answers (in time / late)',
  'portal.contract.resolved': 'Resolved (in time / late)',
  'portal.contract.inTimeLate': '{met} / {late}',
  'portal.day.mon': 'Mon',
  'portal.day.tue': 'Tue',
  'portal.day.wed': 'Wed',
  'portal.day.thu': 'Thu',
  'portal.day.fri': 'Fri',
  'portal.day.sat': 'Sat',
  'portal.day.sun': 'Sun',

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
  'form.required': 'Alle Felder sind Pflichtfelder, außer wenn „optional“ dabeisteht.',
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
  'form.files': 'Dateien (optional)',
  'form.files.hint':
    'Bildschirmfotos, Protokolle oder andere hilfreiche Dateien: höchstens 4 MB je Datei, 25 MB insgesamt. Sie werden direkt nach Ihrem Ticket übertragen.',
  'form.files.noscript':
    'Ohne JavaScript können hier keine Dateien angehängt werden. Antworten Sie auf unsere Bestätigungs-E-Mail und hängen Sie sie dort an (bis 10 MB je Datei).',
  'form.files.tooLarge': '„{name}“ hat {size}; eine Datei darf höchstens 4 MB haben.',
  'form.files.empty': '„{name}“ ist leer.',
  'form.files.tooMuch':
    'Die Dateien haben zusammen {size}; insgesamt sind höchstens 25 MB möglich.',
  'form.files.chosen': 'Ausgewählte Dateien',
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
  'done.files': 'Ihre Dateien',

  'upload.waiting': 'wartet',
  'upload.uploading': 'wird gesendet …',
  'upload.done': 'angehängt',
  'upload.failed': 'nicht angehängt: {reason}',
  'upload.retry': 'Erneut versuchen',
  'upload.progress': 'Datei {index} von {total} wird gesendet …',
  'upload.allDone': 'Alle Dateien sind angehängt ({done} von {total}).',
  'upload.someFailed':
    '{failed} von {total} Dateien konnten nicht angehängt werden. Ihr Ticket ist trotzdem eingegangen; Sie können Dateien auf der Statusseite hinzufügen oder per Antwort auf unsere E-Mail senden.',
  'upload.reason.tooLarge': 'größer als 4 MB',
  'upload.reason.empty': 'die Datei ist leer',
  'upload.reason.unreadable': 'die Datei konnte nicht gelesen werden',
  'upload.reason.ticketFull': 'das Ticket hat schon 25 MB an Dateien',
  'upload.reason.closed': 'das Ticket ist geschlossen',
  'upload.reason.refused': 'abgelehnt ({detail})',
  'upload.reason.network': 'der Server war nicht erreichbar',
  'upload.reason.server': 'ein Problem bei uns (Fehler {detail})',

  'files.heading': 'Dateien',
  'files.none': 'Noch keine Dateien.',
  'files.download': 'Herunterladen',
  'files.rejected': 'nicht gespeichert: {reason}',
  'files.rejected.tooLarge':
    'größer als {max}. Bitte senden Sie sie auf anderem Weg, z. B. als Download-Link.',
  'files.rejected.mailTooLarge':
    'die Dateien der E-Mail hatten zusammen mehr als {max}. Bitte senden Sie sie in einer eigenen E-Mail.',
  'files.downloadFailed':
    'Die Datei konnte nicht heruntergeladen werden. Bitte versuchen Sie es noch einmal.',
  'files.add': 'Dateien hinzufügen',
  'files.choose': 'Dateien auswählen',
  'files.hint': 'Höchstens 4 MB je Datei, 25 MB je Ticket insgesamt.',
  'files.upload': 'Hochladen',
  'files.required': 'Bitte wählen Sie mindestens eine Datei aus.',
  'files.someFailed':
    '{failed} von {total} Dateien konnten nicht angehängt werden; die Liste nennt den Grund.',

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
  'status.responseDue': 'Wir melden uns spätestens bis {when}.',
  'status.responded': 'Erste Antwort',
  'status.responseLate':
    'Unsere erste Antwort ist überfällig (sie war bis {when} vorgesehen); wir kümmern uns darum.',
  'status.resolutionDue': 'Lösung vorgesehen bis',
  'status.resolutionPaused': 'angehalten, solange wir auf Ihre Antwort warten',
  'status.serviceLevel': 'Ihre Servicezeiten',
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
  'status.queue.heading': 'Ihr Platz in der Warteschlange',
  'status.queue.position': 'Ihre Anfrage ist Nummer {position} in der Warteschlange.',
  'status.queue.next': 'Ihre Anfrage ist die nächste, die unser Team aufnimmt.',
  'status.queue.aheadOne':
    'Eine Anfrage ist vor Ihrer ({contract} mit Wartungsvertrag, {standard} ohne).',
  'status.queue.ahead':
    '{ahead} Anfragen sind vor Ihrer ({contract} mit Wartungsvertrag, {standard} ohne).',
  'status.queue.estimate':
    'Nach dem Tempo, in dem unser Team in den letzten Tagen Anfragen aufgenommen hat, beginnt die Arbeit an Ihrer voraussichtlich zwischen {earliest} und {latest}.',
  'status.queue.noEstimate':
    'Wann die Arbeit daran beginnt, können wir noch nicht schätzen: Dafür gibt es noch zu wenig Erfahrungswerte.',
  'status.queue.noPromise': 'Das ist eine Schätzung, keine Zusage.',
  'status.queue.overtakeStandard':
    'Später eingehende Anfragen von Kunden mit Wartungsvertrag und dringendere Anfragen werden vor Ihrer bearbeitet; Ihr Platz kann sich daher nach hinten verschieben.',
  'status.queue.overtakeContract':
    'Später eingehende dringendere Anfragen mit Wartungsvertrag werden vor Ihrer bearbeitet; Ihr Platz kann sich daher nach hinten verschieben.',
  'status.queue.live': 'Stand {time}; wird alle 30 Sekunden von selbst aktualisiert.',
  'portal.title': 'Kundenportal',
  'portal.intro':
    'Die Tickets Ihrer Organisation, Ihr Vertrag und seine Nutzung. Melden Sie sich mit Ihrer E-Mail-Adresse an: wir senden Ihnen einen Link, der einmal und 15 Minuten lang gilt.',
  'portal.email': 'Ihre E-Mail-Adresse',
  'portal.signIn': 'Anmeldelink senden',
  'portal.linkSent':
    'Wenn diese Adresse das Portal nutzen darf, ist ein Anmeldelink unterwegs. Bitte sehen Sie in Ihr Postfach.',
  'portal.signingIn': 'Sie werden angemeldet …',
  'portal.continue': 'Anmelden',
  'portal.continueIntro': 'Melden Sie sich mit dem Link aus Ihrer E-Mail im Kundenportal an:',
  'portal.linkInvalid':
    'Dieser Anmeldelink gilt nicht mehr (er gilt einmal und 15 Minuten lang). Fordern Sie einen neuen an.',
  'portal.expired': 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an.',
  'portal.signedInAs': 'Angemeldet als {name}',
  'portal.signOut': 'Abmelden',
  'portal.tickets': 'Tickets',
  'portal.newTicket': 'Neues Ticket',
  'portal.contract': 'Vertrag',
  'portal.filter': 'Anzeigen',
  'portal.filter.open': 'Offen',
  'portal.filter.closed': 'Erledigt',
  'portal.filter.all': 'Alle',
  'portal.noTickets': 'Hier sind keine Tickets.',
  'portal.more': 'Mehr anzeigen',
  'portal.from': 'von {name}',
  'portal.back': 'Zurück zur Liste',
  'portal.ownOnly': 'Sie sehen die Tickets, die Sie gesendet haben.',
  'portal.orgTickets': 'Sie sehen alle Tickets von {customer}.',
  'portal.new.intro':
    'Wir legen das Ticket unter Ihrem Namen und Ihrer Adresse an: {name} <{email}>.',
  'portal.new.sent': 'Ticket {ticketId} wurde angelegt. Die Bestätigung kommt per E-Mail.',
  'portal.contract.none': 'Kein Service-Vertrag: Ihre Tickets werden nach Preisliste bearbeitet.',
  'portal.contract.id': 'Vertrag',
  'portal.contract.valid': 'Gültig',
  'portal.contract.validOpen': 'ab {from}',
  'portal.contract.validRange': '{from} bis {to}',
  'portal.contract.included': 'Inklusivminuten pro Monat',
  'portal.contract.thisMonth': 'Dieser Monat ({month})',
  'portal.contract.usedLeft': '{used} genutzt, {left} übrig',
  'portal.contract.months': 'Die letzten 12 Monate',
  'portal.contract.month': 'Monat',
  'portal.contract.used': 'Genutzt',
  'portal.contract.inactive': 'Der Vertrag gilt heute nicht.',
  'portal.contract.plan': 'Service-Level: {name}',
  'portal.contract.hours': 'Geschäftszeiten: {hours}. Die Ziele zählen nur Geschäftszeit.',
  'portal.contract.targets': 'Ziele',
  'portal.contract.severity': 'Dringlichkeit',
  'portal.contract.firstResponse': 'Erste Antwort binnen',
  'portal.contract.resolution': 'Gelöst binnen',
  'portal.contract.results': 'Service-Level der letzten 12 Monate (Tickets nach Eingangsmonat)',
  'portal.contract.tickets': 'Tickets',
  'portal.contract.answered': 'Erste Antworten (rechtzeitig / verspätet)',
  'portal.contract.resolved': 'Gelöst (rechtzeitig / verspätet)',
  'portal.contract.inTimeLate': '{met} / {late}',
  'portal.day.mon': 'Mo',
  'portal.day.tue': 'Di',
  'portal.day.wed': 'Mi',
  'portal.day.thu': 'Do',
  'portal.day.fri': 'Fr',
  'portal.day.sat': 'Sa',
  'portal.day.sun': 'So',

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

/**
 * The staff pages' words for a ticket's status and group (the staff pages are English; a
 * customer reads `ticketStatus.*`, worded for them). Severities are the form's
 * `severity.*`, the same for both.
 */
export const STAFF_WORDS = {
  status: {
    open: 'Open (waiting in the queue)',
    in_progress: 'In progress',
    waiting_customer: 'Waiting for the customer',
    resolved: 'Resolved',
    closed: 'Closed',
  },
  group: { contract: 'Contract', standard: 'Standard' },
} as const;
