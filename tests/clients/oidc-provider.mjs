// A real OpenID Connect provider (panva's certified oidc-provider) standing in for a
// province's unified identity in the console's sign-in test. Its development login page
// accepts any name; the name typed becomes the ID token's `sub`.
//
//   node tests/clients/oidc-provider.mjs PORT REDIRECT_URI CLIENT_SECRET
//
// The issuer is http://localhost:PORT, a different site from the API at 127.0.0.1, so the
// browser treats the round trip as cross-site, as it is in production.
import Provider from "oidc-provider";

const [port, redirectUri, clientSecret] = process.argv.slice(2);
if (!port || !redirectUri || !clientSecret) {
  console.error("usage: node oidc-provider.mjs PORT REDIRECT_URI CLIENT_SECRET");
  process.exit(2);
}
const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: "establishment",
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, preferred_username: id }) }),
  claims: { openid: ["sub"], profile: ["preferred_username"] },
  pkce: { required: () => true },
  cookies: { keys: ["a throw-away key for a test provider"] },
  features: { devInteractions: { enabled: true } },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`provider at http://localhost:${port}`));
