import { signToken } from '../src/platform/token.js'
import { loadConfig } from '../src/config.js'
import { DEMO_PRINCIPALS } from '../src/demo.js'
import { ROLES, type Role } from '../src/roles.js'

// Mints a bearer token for local use: npm run token -- <role> <org> [sub] [--ttl seconds]
const args = process.argv.slice(2)
if (args[0] === '--list' || args.length === 0) {
  console.log('Demo principals (npm run token -- <role> <org> <sub>):')
  for (const p of DEMO_PRINCIPALS) console.log(`  ${p.role.padEnd(14)} ${p.org.padEnd(12)} ${p.sub.padEnd(18)} ${p.who}`)
  process.exit(args.length === 0 ? 1 : 0)
}
const ttlAt = args.indexOf('--ttl')
const ttl = ttlAt >= 0 ? Number(args.splice(ttlAt, 2)[1]) : 8 * 3600
const [role, org, sub = `${role}@${org}`] = args
if (!(ROLES as readonly string[]).includes(role ?? '') || !org || !Number.isFinite(ttl)) {
  console.error(`usage: npm run token -- <${ROLES.join('|')}> <org-unit-id> [sub] [--ttl seconds]`)
  process.exit(2)
}
const { jwtSecret } = loadConfig(process.env)
if (jwtSecret === undefined) {
  // Next to an identity provider the server believes HS256 tokens only with a JWT_SECRET set on purpose.
  console.error('An identity provider is configured (AUTH_ISSUER or AUTH_JWKS_URL) and JWT_SECRET is not set: the server takes no HS256 token; get one from the provider.')
  process.exit(2)
}
console.log(signToken({ sub, role: role as Role, org }, jwtSecret, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: ttl }))
