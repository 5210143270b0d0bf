import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAFF_GROUPS } from '../../../functions/domain/principal';
import { routeOf, routes } from '../../../functions/http/routes';
import { matchPath } from '../../../bin/local/api-gateway';

const httpFolder = fileURLToPath(new URL('../../../functions/http/', import.meta.url));

describe('matchPath', () => {
  it('matches a literal path with no parameters', () => {
    expect(matchPath('/queue/claim', '/queue/claim')).toEqual({});
    expect(matchPath('/health', '/health')).toEqual({});
  });

  it('resolves path parameters by name', () => {
    expect(matchPath('/tickets/{ticketId}', '/tickets/T-10001')).toEqual({ ticketId: 'T-10001' });
    expect(matchPath('/tickets/{ticketId}/release', '/tickets/T-10001/release')).toEqual({
      ticketId: 'T-10001',
    });
  });

  it('decodes percent-encoded characters in parameters', () => {
    expect(matchPath('/tickets/{ticketId}', '/tickets/T%2D10001')).toEqual({ ticketId: 'T-10001' });
    expect(matchPath('/customers/{customerId}', '/customers/M%C3%BCller%20AG')).toEqual({
      customerId: 'Müller AG',
    });
  });

  it('splits on slashes before decoding, so an encoded slash stays inside the parameter', () => {
    expect(matchPath('/customers/{customerId}', '/customers/a%2Fb')).toEqual({
      customerId: 'a/b',
    });
  });

  it('does not match literal segments that differ', () => {
    expect(matchPath('/queue/claim', '/queue/clam')).toBeUndefined();
    expect(matchPath('/tickets/{ticketId}/release', '/tickets/T-1/reopen')).toBeUndefined();
    expect(matchPath('/queue', '/Queue')).toBeUndefined();
  });

  it('does not match paths of another length', () => {
    expect(matchPath('/tickets/{ticketId}', '/tickets')).toBeUndefined();
    expect(matchPath('/tickets/{ticketId}', '/tickets/T-1/release')).toBeUndefined();
    expect(matchPath('/tickets', '/tickets/T-1')).toBeUndefined();
  });

  it('treats a trailing slash as another path', () => {
    expect(matchPath('/queue', '/queue/')).toBeUndefined();
    expect(matchPath('/tickets/{ticketId}', '/tickets/T-1/')).toBeUndefined();
  });

  it('does not match an empty parameter', () => {
    expect(matchPath('/tickets/{ticketId}', '/tickets/')).toBeUndefined();
    expect(matchPath('/tickets/{ticketId}/release', '/tickets//release')).toBeUndefined();
  });

  it.each(['/tickets/%', '/tickets/%E0%A4%A', '/tickets/%ZZ', '/tickets/%C3'])(
    'gives undefined, not an exception, for bad percent-encoding %s',
    (path) => {
      expect(matchPath('/tickets/{ticketId}', path)).toBeUndefined();
    },
  );
});

describe('the route table', () => {
  it('has each method and path once', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never lets two routes match the same request', () => {
    for (const a of routes) {
      for (const b of routes) {
        if (a === b || a.method !== b.method) continue;
        const request = a.path.replace(/\{\w+\}/g, 'x');
        expect(matchPath(b.path, request), `${a.path} vs ${b.path}`).toBeUndefined();
      }
    }
  });

  it.each(routes.map((r) => [r.handler, r]))('handler %s exists in functions/http/', (handler) => {
    expect(handler).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(existsSync(`${httpFolder}${handler}.ts`)).toBe(true);
  });

  it('names path parameters in camelCase, in API Gateway syntax', () => {
    // A literal segment may end in a file extension (`/openapi.json`, SPEC §6).
    for (const route of routes) {
      expect(route.path).toMatch(
        /^\/([a-z][a-z-]*(\.[a-z]+)?|\{[a-z][a-zA-Z0-9]*\})(\/([a-z][a-z-]*|\{[a-z][a-zA-Z0-9]*\}))*$/,
      );
    }
  });

  it('gives every staff route at least one staff group, and only known groups', () => {
    for (const route of routes) {
      for (const group of route.groups) expect(STAFF_GROUPS).toContain(group);
      if (route.auth === 'staff' || route.auth === 'staff-or-ticket-token') {
        expect(route.groups.length, `${route.method} ${route.path}`).toBeGreaterThan(0);
      }
    }
  });

  it('asks no group of public routes', () => {
    for (const route of routes.filter((r) => r.auth === 'public')) {
      expect(route.groups, `${route.method} ${route.path}`).toEqual([]);
    }
  });

  it('lets the routes that change state write the table', () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      expect(route.table, `${route.method} ${route.path}`).toBe('readwrite');
    }
  });

  it('finds the route of a handler, and refuses an unknown one', () => {
    expect(routeOf('claim-ticket')).toMatchObject({ method: 'POST', path: '/queue/claim' });
    expect(() => routeOf('no-such-handler')).toThrow(/no-such-handler/);
  });
});
