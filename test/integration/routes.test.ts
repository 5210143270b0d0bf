import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';
import { useStack } from './harness';

/**
 * The local server serves exactly the route table (test/infra checks the CDK API against
 * the same table): every route answers, and no method outside the table does.
 */
describe('the local server and the route table', () => {
  const { api } = useStack();

  const concrete = (path: string) =>
    path.replace('{ticketId}', 'T-10001').replace('{customerId}', 'acme');

  it('routes every entry of the table to its handler', async () => {
    for (const route of routes) {
      const response = await api.request(route.method, concrete(route.path));
      const refusedByRouter =
        response.status === 405 ||
        (response.status === 404 && String(response.json.detail).startsWith('No resource at'));
      expect(refusedByRouter, `${route.method} ${route.path}: ${response.text}`).toBe(false);
    }
  });

  it('answers 405 for methods the table does not list, naming the allowed ones', async () => {
    for (const path of new Set(routes.map((r) => r.path))) {
      const listed = routes.filter((r) => r.path === path).map((r) => r.method);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
        (m) => !listed.includes(m as never),
      )) {
        const response = await api.request(method, concrete(path));
        expect(response.status, `${method} ${path}`).toBe(405);
        for (const allowed of listed) expect(response.json.detail).toContain(allowed);
      }
    }
  });
});
