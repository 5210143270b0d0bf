import { describe, expect, it } from 'vitest';
import { ValidationError, type FieldError } from '../../../functions/domain/errors';
import { customerBody, queueQuery, ticketSubmission } from '../../../functions/http/schemas';
import { validate } from '../../../functions/shared/validation';

/** The ValidationError `validate` throws for a value, for assertions on its fields. */
function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, but the value was accepted');
}

const fields = (error: ValidationError): string[] =>
  (error.errors ?? []).map((e: FieldError) => e.field);

const form = {
  name: 'Erika Mustermann',
  email: 'erika@example.org',
  subject: 'Printer on fire',
  description: 'It burns.',
};

describe('ticket submission (POST /tickets body)', () => {
  it('defaults severity to normal and locale to de', () => {
    expect(validate(ticketSubmission, form, 'body')).toEqual({
      ...form,
      severity: 'normal',
      locale: 'de',
    });
  });

  it('keeps a given severity and phone, trimmed', () => {
    const parsed = validate(
      ticketSubmission,
      { ...form, severity: 'critical', phone: '  +49 (30) 1234-56 ' },
      'body',
    );
    expect(parsed.severity).toBe('critical');
    expect(parsed.phone).toBe('+49 (30) 1234-56');
  });

  it.each([
    ['en-GB', 'en'],
    ['en', 'en'],
    ['EN-us', 'en'],
    ['de-AT', 'de'],
    [' de ', 'de'],
  ])('reads the locale %j as %j', (locale, expected) => {
    expect(validate(ticketSubmission, { ...form, locale }, 'body').locale).toBe(expected);
  });

  it('normalizes the email address to lower case', () => {
    const parsed = validate(ticketSubmission, { ...form, email: 'Erika@Example.ORG' }, 'body');
    expect(parsed.email).toBe('erika@example.org');
  });

  it('trims the texts', () => {
    const parsed = validate(ticketSubmission, { ...form, subject: '  Printer on fire \n' }, 'body');
    expect(parsed.subject).toBe('Printer on fire');
  });

  it.each([
    ['email', { email: 'not-an-address' }],
    ['email', { email: 'erika@' }],
    ['email', { email: 'erika@localhost' }],
    ['subject', { subject: '   ' }],
    ['subject', { subject: '' }],
    ['subject', { subject: 'x'.repeat(201) }],
    ['name', { name: 42 }],
    ['description', { description: null }],
    ['severity', { severity: 'urgent' }],
    ['severity', { severity: 1 }],
    ['locale', { locale: 'fr' }],
    ['locale', { locale: 7 }],
    ['phone', { phone: 'call me maybe' }],
  ])('rejects a bad %s as body.%s', (field, change) => {
    const error = rejection(() => validate(ticketSubmission, { ...form, ...change }, 'body'));
    expect(error.status).toBe(400);
    expect(fields(error)).toEqual([`body.${field}`]);
    expect(error.message).toContain(`body.${field}`);
  });

  it('names every missing field', () => {
    const error = rejection(() => validate(ticketSubmission, {}, 'body'));
    expect(fields(error).sort()).toEqual(
      ['body.description', 'body.email', 'body.name', 'body.subject'].sort(),
    );
  });

  it('rejects unknown fields and says which', () => {
    const error = rejection(() =>
      validate(ticketSubmission, { ...form, priority: 'high', status: 'closed' }, 'body'),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('priority');
    expect(error.message).toContain('status');
  });

  it.each([null, 'a string', 42, [form]])('rejects a body that is not an object: %j', (body) => {
    expect(rejection(() => validate(ticketSubmission, body, 'body')).status).toBe(400);
  });
});

describe('customer body (PUT /customers/{customerId})', () => {
  const contract = {
    id: 'SMV-2026-01',
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    includedMinutesPerMonth: 600,
    coveredServiceCodes: ['SUPPORT'],
  };

  it('normalizes domains (case, leading @, trailing dot) and contacts', () => {
    const parsed = validate(
      customerBody,
      {
        name: 'ACME GmbH',
        domains: ['ACME.de', '@Eu.Acme.DE.', ' acme.example.com '],
        contacts: ['Anna@ACME.de', { email: 'Ben@acme.de', name: 'Ben' }],
      },
      'body',
    );
    expect(parsed.domains).toEqual(['acme.de', 'eu.acme.de', 'acme.example.com']);
    expect(parsed.contacts).toEqual([
      { email: 'anna@acme.de' },
      { email: 'ben@acme.de', name: 'Ben' },
    ]);
  });

  it('defaults lists to empty and allows no contract or a null contract', () => {
    expect(validate(customerBody, { name: 'Solo' }, 'body')).toEqual({
      name: 'Solo',
      domains: [],
      contacts: [],
    });
    expect(validate(customerBody, { name: 'Solo', contract: null }, 'body').contract).toBeNull();
  });

  it('accepts a contract, also open-ended or of one day', () => {
    expect(validate(customerBody, { name: 'A', contract }, 'body').contract).toEqual(contract);
    const { validTo: _omitted, ...openEnded } = contract;
    expect(validate(customerBody, { name: 'A', contract: openEnded }, 'body').contract).toEqual(
      openEnded,
    );
    const oneDay = { ...contract, validTo: contract.validFrom };
    expect(validate(customerBody, { name: 'A', contract: oneDay }, 'body').contract).toEqual(
      oneDay,
    );
  });

  it('rejects validTo before validFrom at body.contract.validTo', () => {
    const error = rejection(() =>
      validate(
        customerBody,
        { name: 'A', contract: { ...contract, validTo: '2025-12-31' } },
        'body',
      ),
    );
    expect(fields(error)).toEqual(['body.contract.validTo']);
  });

  it.each([
    ['body.contract.validFrom', { validFrom: '2026-02-29' }],
    ['body.contract.validTo', { validTo: '2026-13-01' }],
    ['body.contract.validFrom', { validFrom: '01.01.2026' }],
    ['body.contract.includedMinutesPerMonth', { includedMinutesPerMonth: -1 }],
    ['body.contract.includedMinutesPerMonth', { includedMinutesPerMonth: 1.5 }],
  ])('rejects %s', (field, change) => {
    const error = rejection(() =>
      validate(customerBody, { name: 'A', contract: { ...contract, ...change } }, 'body'),
    );
    expect(fields(error)).toContain(field);
  });

  it.each(['localhost', 'de', 'acme..de', '-acme.de', 'acme.de/x', 'ac me.de'])(
    'rejects the domain %j at body.domains.0',
    (domain) => {
      const error = rejection(() =>
        validate(customerBody, { name: 'A', domains: [domain] }, 'body'),
      );
      expect(fields(error)).toEqual(['body.domains.0']);
    },
  );

  it('rejects a bad contact address with its index', () => {
    const error = rejection(() =>
      validate(customerBody, { name: 'A', contacts: ['ok@acme.de', 'nope'] }, 'body'),
    );
    expect(fields(error).every((field) => field.startsWith('body.contacts.1'))).toBe(true);
  });
});

describe('queue query (GET /queue)', () => {
  it('defaults the limit to 25', () => {
    expect(validate(queueQuery, {}, 'query')).toEqual({ limit: 25 });
  });

  it('coerces the limit from the query string', () => {
    expect(validate(queueQuery, { limit: '1' }, 'query').limit).toBe(1);
    expect(validate(queueQuery, { limit: '100' }, 'query').limit).toBe(100);
    expect(validate(queueQuery, { limit: '7', cursor: 'abc' }, 'query')).toEqual({
      limit: 7,
      cursor: 'abc',
    });
  });

  it.each(['0', '101', '-5', '2.5', 'ten', ''])('rejects limit=%j as query.limit', (limit) => {
    const error = rejection(() => validate(queueQuery, { limit }, 'query'));
    expect(error.status).toBe(400);
    expect(fields(error)).toEqual(['query.limit']);
  });

  it('rejects an empty cursor and unknown parameters', () => {
    expect(fields(rejection(() => validate(queueQuery, { cursor: '' }, 'query')))).toEqual([
      'query.cursor',
    ]);
    expect(rejection(() => validate(queueQuery, { page: '2' }, 'query')).message).toContain('page');
  });
});
