// node-oidc-provider (an OpenID Certified implementation) as the municipality's IdP in LUS'
// SSO tests. tests/sso/real_idps.py starts it; its configuration comes as JSON on stdin:
// {"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris",
//  "accounts": {"<login>": {claims...}}}. It listens on a free port of 127.0.0.1 and prints
// "listening <issuer>" when ready.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const config = JSON.parse(input);

// Port 0: the system picks a free port, so parallel test workers never collide.
const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'k1' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris,
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [key] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The defaults otherwise: e-mail and name are given by the userinfo endpoint only.
  async findAccount(ctx, id) {
    const claims = config.accounts[id] || {};
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  features: { devInteractions: { enabled: true } },
});
server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);
