// Two OpenID Connect providers for the browser tests, on loopback: the npm package oidc-provider
// (OpenID Certified), with its development login and consent pages and an account store that
// gives each person groups. "acme" keeps the ID token to the standard claims (groups come from
// userinfo); "partner" puts every claim in the ID token.
//   node provider.mjs <app origin> <acme port> <partner port>
import Provider from 'oidc-provider';

const [app, acmePort, partnerPort] = process.argv.slice(2);
// Who is in which group. Anyone else is in "staff".
const GROUPS = { ada: ['it-admins'], otto: ['support'], vera: ['staff'], eve: ['sales'] };

function provider(name, port, conform) {
  const issuer = `http://127.0.0.1:${port}`;
  const p = new Provider(issuer, {
    clients: [
      {
        client_id: 'meeting-admin',
        client_secret: `e2e-${name}-client-secret`,
        redirect_uris: [`${app}/auth/oidc/${name}/callback`],
        post_logout_redirect_uris: [`${app}/sign-in?signed_out=1`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: `${id}@${name}.example`, groups: GROUPS[id] ?? ['staff'] };
        },
      };
    },
    scopes: ['openid', 'email', 'groups', 'offline_access'],
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
    conformIdTokenClaims: conform,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    // A refresh token for Meeting Admin without asking for offline_access (and consent for it).
    async issueRefreshToken(ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
  });
  p.listen(Number(port), '127.0.0.1');
}

provider('acme', acmePort, true);
provider('partner', partnerPort, false);
console.log('providers listening');
