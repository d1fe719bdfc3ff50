// node-oidc-provider (an OpenID Certified implementation) as the municipality's IdP in LUS'
// SSO tests. tests/sso/real_idps.py starts it; its configuration comes as JSON on stdin:
// {"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris",
//  "accounts": {"<login>": {claims...}}, "id_token_rewrites": {"<client_id>": "<mode>"},
//  "signing_keys": 1}. It listens on a free port of 127.0.0.1 and prints "listening <issuer>"
// when ready.
//
// id_token_rewrites: more clients (same secret and addresses) whose ID tokens are rewritten
// on their way out of the token endpoint, as IdPs LUS must cope with would issue them.
// node-oidc-provider itself always puts a `kid` in the header and cannot sign with `none`:
//   "no-kid"      the header without `kid`, signed again with the provider's own key
//   "foreign-key" the header without `kid`, signed with a key the JWKS does not have
//   "none"        `alg: none` and no signature
//   {"claims": {...}, "expired": true}  claims replaced (or the token expired ten minutes
//                 ago), signed again with the provider's key and `kid`
// signing_keys: 2 publishes a second RSA key in the JWKS (tokens are signed with the first).
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const config = JSON.parse(input);

// Port 0: the system picks a free port, so parallel test workers never collide.
const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const privateKeys = Array.from({ length: config.signing_keys || 1 }, rsaKey);
const keys = privateKeys.map((privateKey, i) => ({
  ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: `k${i + 1}`,
}));
const rewrites = config.id_token_rewrites || {};
const client = (clientId) => ({
  client_id: clientId,
  client_secret: config.client_secret,
  redirect_uris: config.redirect_uris,
  post_logout_redirect_uris: config.post_logout_redirect_uris,
  token_endpoint_auth_method: 'client_secret_post',
});

const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rewriteIdToken(token, mode) {
  const [encodedHeader, encodedPayload] = token.split('.');
  const { kid, ...header } = JSON.parse(Buffer.from(encodedHeader, 'base64url'));
  if (mode === 'none') return `${base64url({ ...header, alg: 'none' })}.${encodedPayload}.`;
  let payload = encodedPayload;
  if (typeof mode === 'object') { // claims changed; its kid and the provider's key kept
    const claims = { ...JSON.parse(Buffer.from(encodedPayload, 'base64url')), ...mode.claims };
    if (mode.expired) Object.assign(claims, { iat: claims.iat - 900, exp: claims.iat - 600 });
    payload = base64url(claims);
    header.kid = kid;
  }
  const signingKey = mode === 'foreign-key' ? rsaKey() : privateKeys[0];
  const input = `${base64url(header)}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), signingKey).toString('base64url')}`;
}

const provider = new Provider(issuer, {
  clients: [config.client_id, ...Object.keys(rewrites)].map(client),
  jwks: { keys },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The defaults otherwise: e-mail and name are given by the userinfo endpoint only.
  async findAccount(ctx, id) {
    const claims = config.accounts[id] || {};
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  features: { devInteractions: { enabled: true } },
});
provider.use(async (ctx, next) => {
  await next();
  const mode = rewrites[ctx.oidc?.client?.clientId];
  if (mode && ctx.method === 'POST' && ctx.path === '/token' && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: rewriteIdToken(ctx.body.id_token, mode) };
  }
});
server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);
