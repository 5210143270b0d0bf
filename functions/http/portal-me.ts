import { portalAuthor, portalScopeOf } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';

/** `GET /portal/me`: who is signed in, and what the portal shows them. */
export const handler = httpHandler('portal-me', async (request) => {
  const principal = portalPrincipal(request.principal);
  const deps = dependencies();
  const [scope, author] = await Promise.all([
    portalScopeOf(deps, principal.email),
    portalAuthor(deps, principal),
  ]);
  return {
    status: 200,
    body: {
      email: principal.email,
      name: author.name,
      customer:
        scope.kind === 'customer' ? { id: scope.customerId, name: scope.customerName } : null,
      ownTicketsOnly: scope.kind === 'requester' || scope.ownTicketsOnly,
      expiresAt: principal.expiresAt,
    },
  };
});
